"""Writing to the audit log: one call per administrative change, inside its transaction.

The log's vocabulary lives here too. ``record`` refuses an action or object type without a name
in :data:`ACTIONS` or :data:`TARGETS`: a new kind of change then fails its tests instead of
reaching the audit page, its filter and its export as a bare code such as ``user.deactivate``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .i18n import lazy_gettext as _l
from .models import AuditLog

#: Every action written to the log, with its name in the UI language (the audit page, its filter and export).
ACTIONS = {
    "user.create": _l("Account created"),
    "user.password_change": _l("Password changed"),
    "user.update": _l("Account changed"),
    "user.deactivate": _l("Account deactivated"),
    "user.reactivate": _l("Account reactivated"),
    "user.password_reset": _l("Password reset"),
    "user.unlock": _l("Login unlocked"),
    "user.logout_everywhere": _l("Logged out everywhere"),
    "slips.create": _l("Login slips created"),
    "slips.print": _l("Login slips printed"),
    "roster.import": _l("Roster imported"),
    "content.import": _l("Course content imported"),
    "questions.import": _l("Questions imported from a file as drafts"),
    "lesson.submit": _l("Lesson draft submitted"),
    "lesson.approve": _l("Lesson draft approved and published"),
    "lesson.return": _l("Lesson draft returned"),
    "cohort.create": _l("Class created"),
    "cohort.rename": _l("Class renamed"),
    "cohort.update": _l("Class changed"),
    "cohort.move": _l("Trainees moved between classes"),
    "topic.settings": _l("Quiz settings changed"),
    "attempt.override": _l("Result recorded by hand"),
    "paper.print": _l("Paper quizzes printed"),
    "paper.enter": _l("Paper quiz entered"),
    "paper.void": _l("Paper quiz voided"),
    "certificate.revoke": _l("Certificate revoked"),
    "certificate.reissue": _l("Certificate reissued"),
    "certificate.recheck": _l("Missing certificates issued"),
    "certificate.verify": _l("Certificate verified"),
    "question.create": _l("Question drafted"),
    "question.edit": _l("Question edited"),
    "question.submit": _l("Question submitted for approval"),
    "question.approve": _l("Question approved"),
    "question.return": _l("Question returned to its author"),
    "question.retire": _l("Question retired"),
    "question.restore": _l("Question restored"),
    "question.regrade": _l("Answer key corrected: attempts regraded"),
    "login.failed": _l("Failed login"),
    "login.held": _l("Login held after failed attempts"),
}
TARGETS = {
    "user": _l("Account"),
    "users": _l("Accounts"),
    "cohort": _l("Class"),
    "topic": _l("Topic"),
    "certificate": _l("Certificate"),
    "course": _l("Course"),
    "question": _l("Question"),
}


def action_label(action: str) -> str:
    """The action's name in the UI language (its code for an entry older than its name)."""
    return str(ACTIONS.get(action, action))


def target_label(target_type: str | None) -> str:
    return str(TARGETS.get(target_type, target_type or ""))


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    target_type: str | None = None,
    target_id: str | int | None = None,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditLog:
    """Add an audit entry; it commits (or rolls back) with the change it describes."""
    if action not in ACTIONS:
        raise ValueError(f"audit action {action!r} has no name: add it to audit.ACTIONS")
    if target_type is not None and target_type not in TARGETS:
        raise ValueError(f"audit object type {target_type!r} has no name: add it to audit.TARGETS")
    entry = AuditLog(
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        reason=reason,
        detail=detail,
    )
    session.add(entry)
    return entry

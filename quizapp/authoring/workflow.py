"""The approval workflow of a question's wordings: submit, approve, return; retire and restore a question.

draft/returned --submit (its author)--> submitted --approve (an admin)--> approved (drawn from now on)
                                                  --return with a comment (an admin)--> returned

Approving makes the version the question's ``current_version`` (what new attempts draw); the one
it replaces stays as it was, so attempts that showed it keep showing it. Each step writes an
audit row (who, action, target, reason) in the caller's transaction. The functions take plain
values and raise :class:`WorkflowError` with a message for the page; nothing is changed then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import record
from ..i18n import lazy_gettext as _l
from ..models import AuditLog, Question, QuestionStatus, QuestionVersion, Role, User, VersionState
from .drafts import EDITABLE
from .regrade import key_changed as corrects_key


class WorkflowError(Exception):
    """A step that may not happen; ``message`` says why, in the UI language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Approval:
    """One approved version, and the approved version it replaced (None for a new question)."""

    question_id: int
    version_id: int
    previous_id: int | None
    #: The correct flags differ from the previous approved version's: attempts may need regrading.
    key_changed: bool


def token(version: QuestionVersion) -> str:
    """What a preview showed of a version: approval refuses it if this no longer matches."""
    return f"{version.id}:{version.state}:{version.content_hash}"


def _target(version: QuestionVersion) -> dict:
    return {"target_type": "question", "target_id": version.question_id}


def _require_admin(actor: User) -> None:
    if not actor.has_role(Role.ADMIN):
        raise WorkflowError(_l("Only an administrator may approve, return, retire or restore questions."))


def submit(session: Session, version: QuestionVersion, actor: User, now: datetime) -> None:
    """Send a draft (or returned) wording for approval; only its author may."""
    if version.author_id != actor.id:
        raise WorkflowError(_l("Only the author of this version may submit it."))
    if version.state not in EDITABLE:
        raise WorkflowError(_l("This version is not a draft any more."))
    version.state = VersionState.SUBMITTED
    version.submitted_at = now
    record(session, "question.submit", actor_id=actor.id, **_target(version), detail={"version": version.version})


def _locked_versions(session: Session, ids: Iterable[int]) -> dict[int, QuestionVersion]:
    rows = session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(list(ids))).with_for_update())
    return {v.id: v for v in rows}


def approve(session: Session, tokens: Iterable[str], actor: User, now: datetime) -> list[Approval]:
    """Approve every version a preview showed (``token`` values), or none.

    Refused as a whole when any of them changed since the preview (edited and submitted again,
    approved or returned by someone else) or is not waiting for approval.
    """
    _require_admin(actor)
    wanted: dict[int, str] = {}
    for t in tokens:
        head = t.split(":", 1)[0]
        if head.isdigit():
            wanted[int(head)] = t
    if not wanted:
        raise WorkflowError(_l("Choose at least one submitted version to approve."))
    versions = _locked_versions(session, wanted)
    stale = [vid for vid, t in wanted.items() if vid not in versions or token(versions[vid]) != t]
    if stale:
        raise WorkflowError(
            _l(
                "Nothing was approved: %(n)d of the versions changed since you reviewed them. Review them again.",
                n=len(stale),
            )
        )
    waiting = [v for v in versions.values() if v.state != VersionState.SUBMITTED]
    if waiting:
        raise WorkflowError(_l("Nothing was approved: only submitted versions can be approved."))
    return [_approve_one(session, v, actor, now) for v in sorted(versions.values(), key=lambda v: v.id)]


def _approve_one(session: Session, version: QuestionVersion, actor: User, now: datetime) -> Approval:
    question = session.get(Question, version.question_id, with_for_update=True)
    previous = question.current_version
    version.state = VersionState.APPROVED
    version.reviewed_by_id = actor.id
    version.reviewed_at = now
    question.current_version_id = version.id
    if question.status == QuestionStatus.DRAFT:
        question.status = QuestionStatus.APPROVED  # a retired question stays retired until restored
    # One rule for "the key was corrected": the regrade's (same options, other correct flags).
    key_changed = previous is not None and corrects_key(previous, version)
    record(
        session,
        "question.approve",
        actor_id=actor.id,
        **_target(version),
        detail={
            "version": version.version,
            "replaces": previous.version if previous else None,
            "key_changed": key_changed,
        },
    )
    return Approval(question.id, version.id, previous.id if previous else None, key_changed)


def return_version(session: Session, version: QuestionVersion, tok: str, actor: User, comment: str, now) -> None:
    """Send a submitted wording back to its author with a comment (required)."""
    _require_admin(actor)
    comment = (comment or "").strip()
    if not comment:
        raise WorkflowError(_l("Say what should change: the comment goes back to the author."))
    if token(version) != tok:
        raise WorkflowError(_l("This version changed since you opened the page. Review it again."))
    if version.state != VersionState.SUBMITTED:
        raise WorkflowError(_l("Only a submitted version can be returned."))
    version.state = VersionState.RETURNED
    version.reviewed_by_id = actor.id
    version.reviewed_at = now
    version.review_comment = comment
    record(
        session,
        "question.return",
        actor_id=actor.id,
        **_target(version),
        reason=comment,
        detail={"version": version.version},
    )


#: The audit actions of an admin retiring and restoring a question.
RETIRE, RESTORE = "question.retire", "question.restore"


def retired_by_an_admin(session: Session, question_id: int) -> bool:
    """Whether the question's last retire or restore was an admin retiring it (an import retires unaudited)."""
    last = session.scalar(
        select(AuditLog.action)
        .where(
            AuditLog.target_type == "question",
            AuditLog.target_id == str(question_id),
            AuditLog.action.in_((RETIRE, RESTORE)),
        )
        .order_by(AuditLog.id.desc())
        .limit(1)
    )
    return last == RETIRE


def retire(session: Session, question: Question, actor: User, reason: str) -> None:
    """Stop drawing a question (attempts that showed it keep it); a reason is required."""
    _require_admin(actor)
    if question.status == QuestionStatus.RETIRED:
        raise WorkflowError(_l("This question is already retired."))
    _require_reason(reason)
    question.status = QuestionStatus.RETIRED
    record(session, RETIRE, actor_id=actor.id, target_type="question", target_id=question.id, reason=reason)


def restore(session: Session, question: Question, actor: User, reason: str) -> None:
    """Draw a retired question again (its approved version), or make it a draft if it never had one."""
    _require_admin(actor)
    if question.status != QuestionStatus.RETIRED:
        raise WorkflowError(_l("This question is not retired."))
    _require_reason(reason)
    question.status = QuestionStatus.APPROVED if question.current_version_id else QuestionStatus.DRAFT
    record(session, RESTORE, actor_id=actor.id, target_type="question", target_id=question.id, reason=reason)


def _require_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise WorkflowError(_l("Give a reason: it is kept in the audit log."))

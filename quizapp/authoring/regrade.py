"""Key correction and regrading: mark again the attempts that used a question's old key.

**What counts as a key correction** (:func:`key_changed`): the corrected version has the same
type and the same option texts in the same order as the old one, and different correct flags.
The stem, explanation, source or section may be reworded with it. Any other change to the
options is a new wording, not a correction: old answers are stored as authored option indexes,
so after a reorder or a rewrite they would be marked against options the trainee never saw, and
regrading is not offered.

**The rule for the papers**: a regrade moves each regraded item from the old version to the
corrected one (the options are the same, so the stored option order and answer still mean what
the trainee saw and chose). The trainee's review then shows the key the score was marked
against, and the item analysis counts those answers under the corrected version. The audit
entry records the version each item came from.

Which attempts: every finished attempt (submitted or timed out, whatever its mode) with an item
of the old version. Results recorded by hand have no items and are never touched. An attempt
still open when the regrade runs is marked with the version it drew when it finishes; the offer
page counts such attempts and stays available for them.

:func:`preview` writes nothing and returns a :class:`RegradePlan` with a fingerprint of all it
shows; :func:`apply` recomputes the plan inside its write transaction, refuses when it differs
(:class:`StalePlan`: new attempts, another regrade, a double submit), then does everything in that
one transaction: items moved and marked (``quiz.marking.mark``), report summaries rebuilt for the
trainees and versions concerned (``reports.summary.rebuild_summaries_for``), certificates now due
issued (``certificates.issuance.issue_if_eligible``), and one audit entry. Certificates whose
holders no longer complete the course are listed for an admin to decide, never revoked here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from .. import audit
from ..certificates.issuance import issue_if_eligible
from ..i18n import lazy_gettext as _l
from ..models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    AuditLog,
    Question,
    QuestionVersion,
    User,
    VersionState,
)
from ..quiz.marking import mark
from ..reports.summary import lock_summaries, rebuild_summaries_for
from .regrade_plan import PlanKey, RegradePlan, attempt_changes, digest, trainee_changes

ACTION = "question.regrade"


class RegradeError(Exception):
    """A regrade the rules refuse; ``message`` (lazily translated) says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class NotOffered(RegradeError):
    """The two versions are not a key correction of an approved question."""


class StalePlan(RegradeError):
    """What the admin previewed no longer holds (new attempts, another regrade, a double submit)."""


def _option_texts(version: QuestionVersion) -> list[str]:
    return [option["text"] for option in version.options]


def key_changed(old: QuestionVersion, new: QuestionVersion) -> bool:
    """True when ``new`` corrects ``old``'s key: same type, same option texts in order, other correct flags."""
    return (
        old.type == new.type and _option_texts(old) == _option_texts(new) and old.correct_indexes != new.correct_indexes
    )


def why_not_offered(question: Question, old: QuestionVersion, new: QuestionVersion):
    """Why regrading ``old``'s attempts against ``new`` is not offered (lazy text), or None when it is."""
    if new.id != question.current_version_id or new.state != VersionState.APPROVED:
        return _l("Only the question's approved current version can be the corrected key.")
    if old.id == new.id:
        return _l("This is the current version: there is no older key to correct.")
    if old.type != new.type:
        return _l("The question type changed, so old answers cannot be marked against the new version.")
    if _option_texts(old) != _option_texts(new):
        return _l(
            "The options changed (text or order), so old answers referred to other options: "
            "regrading is offered only when the key alone was corrected."
        )
    if old.correct_indexes == new.correct_indexes:
        return _l("The key did not change, so no score would change.")
    return None


def regrade_offers(session: Session, question: Question) -> list[QuestionVersion]:
    """The question's older versions whose attempts may be regraded against its current key."""
    current = question.current_version
    if current is None:
        return []
    used = set(
        session.scalars(
            select(AttemptItem.question_version_id)
            .where(AttemptItem.question_version_id.in_([v.id for v in question.versions]))
            .distinct()
        )
    )
    return [v for v in question.versions if v.id in used and why_not_offered(question, v, current) is None]


def preview(session: Session, question: Question, old: QuestionVersion, new: QuestionVersion) -> RegradePlan:
    """What regrading ``old``'s finished attempts against ``new``'s key would change; NotOffered if it may not."""
    if old.question_id != question.id or new.question_id != question.id:
        raise NotOffered(_l("Both versions must belong to this question."))
    problem = why_not_offered(question, old, new)
    if problem is not None:
        raise NotOffered(problem)
    attempts = attempt_changes(session, old, new)
    trainees = trainee_changes(session, question.topic, attempts)
    open_attempts = session.scalar(
        select(func.count(func.distinct(Attempt.id)))
        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .where(AttemptItem.question_version_id == old.id, Attempt.status == AttemptStatus.OPEN)
    )
    user_ids = {a.user_id for a in attempts}
    users = {
        u.id: u
        for u in session.scalars(
            select(User).where(User.id.in_(user_ids)).options(joinedload(User.ward), joinedload(User.cohort))
        )
    }
    # Ward, then name, then attempt: how the reports list trainees.
    order = {uid: (u.ward.position if u.ward else 10_000, u.full_name, uid) for uid, u in users.items()}
    attempts.sort(key=lambda a: (order[a.user_id], a.number))
    trainees.sort(key=lambda t: order[t.user_id])
    key = (question.id, old.id, new.id, sorted(new.correct_indexes))
    return RegradePlan(
        question_id=question.id,
        topic_id=question.topic_id,
        old_version_id=old.id,
        new_version_id=new.id,
        attempts=tuple(attempts),
        trainees=tuple(trainees),
        open_attempts=open_attempts or 0,
        users=users,
        fingerprint=digest(key, attempts, trainees),
    )


@dataclass(frozen=True)
class RegradeResult:
    """What a regrade did: its audit entry, the certificates issued and those left for review."""

    entry_id: int
    regraded: int
    issued: list[str]
    to_review: list[str]


def _load(session: Session, key: PlanKey) -> tuple[Question, QuestionVersion, QuestionVersion]:
    question = session.get(Question, key.question_id)
    old = session.get(QuestionVersion, key.old_version_id)
    new = session.get(QuestionVersion, key.new_version_id)
    if question is None or old is None or new is None:
        raise NotOffered(_l("This question or version no longer exists."))
    return question, old, new


def apply(
    session: Session, plan: RegradePlan | PlanKey, actor_id: int | None, reason: str, now: datetime
) -> RegradeResult:
    """Regrade as previewed, in the caller's one write transaction; StalePlan if anything changed since."""
    key = plan.key if isinstance(plan, RegradePlan) else plan
    reason = (reason or "").strip()
    if not reason:
        raise RegradeError(_l("Give the reason for the regrade."))
    lock_summaries(session)  # graders wait from here, so the plan cannot change under us
    question, old, new = _load(session, key)
    fresh = preview(session, question, old, new)
    if fresh.fingerprint != key.fingerprint:
        raise StalePlan(_l("The attempts changed since the preview (or this regrade was already done): check again."))
    if not fresh.attempts:
        raise RegradeError(_l("No finished attempt used this version: there is nothing to regrade."))
    planned = {a.attempt_id: a for a in fresh.attempts}
    attempts = session.scalars(
        select(Attempt)
        .where(Attempt.id.in_(planned))
        .options(selectinload(Attempt.items).selectinload(AttemptItem.question_version))
    ).all()
    for attempt in attempts:
        for item in attempt.items:
            if item.question_version_id == old.id:
                item.question_version = new
        score = mark(attempt)
        expected = planned[attempt.id]
        if (score.correct, score.passed) != (expected.new_score, expected.new_passed):
            raise RegradeError(_l("The regrade did not give the previewed scores; nothing was changed."))
    session.flush()
    versions = {item.question_version_id for attempt in attempts for item in attempt.items} | {old.id}
    rebuild_summaries_for(session, sorted(fresh.users), question.topic_id, sorted(versions))
    issued = []
    for trainee in fresh.to_issue:
        certificate = issue_if_eligible(session, trainee.user_id, now)
        if certificate is None:
            raise RegradeError(_l("A certificate the preview listed could not be issued; nothing was changed."))
        issued.append(certificate.code)
    to_review = [t.certificate for t in fresh.to_review]
    entry = audit.record(
        session,
        ACTION,
        actor_id=actor_id,
        target_type="question",
        target_id=question.id,
        reason=reason,
        detail={
            "question": question.ext_id,
            "from_version": old.version,
            "from_version_id": old.id,
            "to_version": new.version,
            "to_version_id": new.id,
            "fingerprint": key.fingerprint,
            "attempts": len(fresh.attempts),
            "score_changed": len(fresh.changed),
            "trainees_pass_changed": len(fresh.trainees),
            "issued": issued,
            "to_review": to_review,
            # Per attempt: id, trainee, [old, new] score and pass (items moved from from_version_id).
            "changes": [
                {
                    "attempt": a.attempt_id,
                    "user": a.user_id,
                    "score": [a.old_score, a.new_score],
                    "passed": [a.old_passed, a.new_passed],
                }
                for a in fresh.attempts
            ],
        },
    )
    session.flush()
    return RegradeResult(entry.id, len(fresh.attempts), issued, to_review)


def find_done(session: Session, question_id: int, fingerprint: str) -> AuditLog | None:
    """The audit entry of a regrade already applied from the plan ``fingerprint`` (a double submit), or None."""
    entries = session.scalars(
        select(AuditLog).where(
            AuditLog.action == ACTION, AuditLog.target_type == "question", AuditLog.target_id == str(question_id)
        )
    )
    return next((e for e in entries if (e.detail or {}).get("fingerprint") == fingerprint), None)

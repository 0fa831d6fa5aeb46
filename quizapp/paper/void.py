"""Voiding a printed paper that will never be entered: the sheet was lost, or its trainee never sat it.

A printed paper is its trainee's open attempt at the topic and counts as one of their attempts
(services.py); left alone it would keep their online quiz at that topic shut for good. Voiding
deletes the attempt and its drawn questions as if the paper had never been printed: it no longer
counts, and the trainee may start online or be given a new paper. The audit log keeps which
paper, whose, who voided it and why, and the paper's code then answers with that instead of
"no such paper". Only an open paper can be voided: an entered one is a result, corrected by an
override or a regrade.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from ..audit import record
from ..i18n import lazy_gettext as _l
from ..models import Attempt, AttemptItem, AttemptMode, AttemptStatus, AuditLog, Topic
from .services import PaperError

VOID_ACTION = "paper.void"
#: Refusal of a paper already entered (the answer grid says it before asking, void_paper under lock).
ALREADY_ENTERED = _l("This paper has already been entered: its result can no longer be voided.")
#: Refusal of a paper another admin voided between this admin's grid and their "Void" (void_paper).
ALREADY_VOIDED = _l("This paper has already been voided.")


def void_paper(session: Session, attempt_id: int, actor_id: int, reason: str) -> None:
    """Delete the open paper ``attempt_id`` with its items and record why; PaperError if it was entered or is gone."""
    reason = reason.strip()
    if not reason:
        raise PaperError(_l("Give the reason for voiding the paper."))
    # What the record needs, read under lock (FOR UPDATE on PostgreSQL; SQLite's write transaction
    # holds the lock already): an entry or a void of the same paper at the same moment either went
    # first, and this refuses saying which, or finds the paper open.
    paper = session.execute(
        select(Attempt.user_id, Attempt.paper_code, Attempt.status, Topic.number)
        .join(Topic, Topic.id == Attempt.topic_id)
        .where(Attempt.id == attempt_id, Attempt.mode == AttemptMode.PAPER)
        .with_for_update(of=Attempt)
    ).one_or_none()
    if paper is None:
        raise PaperError(ALREADY_VOIDED)  # voiding deletes the attempt: nothing else removes a paper
    if paper.status != AttemptStatus.OPEN:
        raise PaperError(ALREADY_ENTERED)
    record(
        session,
        VOID_ACTION,
        actor_id=actor_id,
        target_type="user",
        target_id=paper.user_id,
        reason=reason,
        detail={"attempt_id": attempt_id, "code": paper.paper_code, "topic": paper.number},
    )
    session.execute(delete(AttemptItem).where(AttemptItem.attempt_id == attempt_id))
    session.execute(delete(Attempt).where(Attempt.id == attempt_id))


def voids(session: Session, codes: Iterable[str]) -> dict[str, AuditLog]:
    """The void entries of the papers among ``codes``, by code (voids are rare: their entries are read whole)."""
    wanted = set(codes)
    if not wanted:  # a print whose papers are all still there: nothing to look up
        return {}
    entries = session.scalars(
        select(AuditLog).where(AuditLog.action == VOID_ACTION).options(joinedload(AuditLog.actor)).order_by(AuditLog.id)
    )
    return {e.detail["code"]: e for e in entries if e.detail and e.detail.get("code") in wanted}

"""Printing papers: each one a real attempt (mode "paper"), drawn by the quiz's own draw.

A printed paper is an ``Attempt`` with mode "paper", status open and a paper code, created when
it is printed. It counts as one of the trainee's attempts from then on, and as their one open
attempt at the topic: the trainee cannot start an online quiz there until it is entered
(``quiz.attempts.start_or_resume`` says so). A paper has no online time limit: its deadline lies
beyond any course, so neither the lazy close nor ``attempts close-expired`` finishes it; only
score entry does (``entry.enter_paper``). The topic's open/close window governs trainees' own
starts; when a class sits a paper is the admin's decision, so printing does not check it.

One print is one audit entry ("paper.print"); its id names the batch for the PDF downloads.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from ..audit import record
from ..i18n import lazy_gettext as _l
from ..models import Attempt, AttemptItem, AttemptMode, AttemptStatus, AuditLog, Topic, User
from ..quiz.attempts import attempts_so_far, draw_attempt
from ..quiz.bank import drawable_bank
from ..quiz.errors import QuizError
from ..quiz.overrides import TAKERS
from .codes import display, new_code

#: How far ahead a paper's deadline lies: "no online time limit" in a column that needs a value.
NO_ONLINE_DEADLINE = timedelta(days=3650)
PRINT_ACTION = "paper.print"
#: Papers one print may make (a class is ~125; a larger request is most likely a mistake).
MAX_PAPERS = 600


class PaperError(ValueError):
    """A print or an entry refused as a whole; ``message`` says what and where."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Refusal:
    """A trainee who gets no paper, and why."""

    user: User
    reason: object  # a lazy string


@dataclass
class PrintPlan:
    """Who a print makes papers for, and who it refuses, in the order of the list."""

    topic: Topic
    printable: list[User] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def plan_print(session: Session, topic: Topic, users: Sequence[User]) -> PrintPlan:
    """Sort ``users`` into those who can sit a paper of ``topic`` now and those refused (reads only)."""
    if not users:
        raise PaperError(_l("Nobody to print for: choose a trainee or a class that has trainees."))
    if len(users) > MAX_PAPERS:
        raise PaperError(_l("At most %(n)d papers can be printed at once.", n=MAX_PAPERS))
    if not drawable_bank(session, topic.id):
        raise PaperError(_l("This topic has no approved questions yet."))
    standing = {
        row.user_id: row
        for row in session.execute(
            select(
                Attempt.user_id,
                func.count().label("used"),
                func.max(case((Attempt.status == AttemptStatus.OPEN, Attempt.mode))).label("open_mode"),
                func.max(case((Attempt.status == AttemptStatus.OPEN, Attempt.paper_code))).label("open_code"),
            )
            .where(Attempt.topic_id == topic.id, Attempt.user_id.in_([u.id for u in users]))
            .group_by(Attempt.user_id)
        )
    }
    plan = PrintPlan(topic)
    for user in users:
        row = standing.get(user.id)
        reason = _refusal(user, topic, row)
        if reason is None:
            plan.printable.append(user)
        else:
            plan.refused.append(Refusal(user, reason))
    return plan


def _refusal(user: User, topic: Topic, row):
    """Why ``user`` gets no paper of ``topic`` (None: they get one)."""
    if user.role not in TAKERS:
        return _l("not an account that sits the quizzes")
    if not user.active:
        return _l("account deactivated")
    if row is not None and row.open_mode == AttemptMode.PAPER:
        return _l("a paper of this topic is already waiting to be entered (code %(code)s)", code=display(row.open_code))
    if row is not None and row.open_mode is not None:
        return _l("an online attempt at this topic is in progress")
    if row is not None and row.used >= topic.max_attempts:
        return _l("all %(n)d attempts used", n=topic.max_attempts)
    return None


def print_papers(
    session: Session,
    topic: Topic,
    users: Sequence[User],
    actor_id: int | None,
    now: datetime,
    rng: random.Random | None = None,
) -> tuple[AuditLog, PrintPlan]:
    """Draw one paper attempt per printable trainee; the rest are refused with their reason.

    Each trainee's paper is drawn in a savepoint, so one that a concurrent online start beats
    (the one-open-attempt index) is refused alone and the others still print. Returns the
    audit entry that names the batch, and the plan as it turned out.
    """
    plan = plan_print(session, topic, users)
    made: list[Attempt] = []
    printable = plan.printable
    plan.printable = []
    for user in printable:
        try:
            with session.begin_nested():
                used, _ = attempts_so_far(session, user.id, topic.id)
                attempt = draw_attempt(
                    session,
                    user.id,
                    topic,
                    used,
                    now,
                    now + NO_ONLINE_DEADLINE,
                    rng,
                    mode=AttemptMode.PAPER,
                    paper_code=new_code(),
                )
        except (IntegrityError, QuizError):
            plan.refused.append(Refusal(user, _l("changed while printing; try again")))
            continue
        made.append(attempt)
        plan.printable.append(user)
    if not made:
        raise PaperError(_l("No paper was printed: every trainee chosen was refused."))
    entry = record(
        session,
        PRINT_ACTION,
        actor_id=actor_id,
        target_type="topic",
        target_id=topic.number,
        detail={
            "attempt_ids": [a.id for a in made],
            "codes": [a.paper_code for a in made],
            "refused": [{"user_id": r.user.id, "reason": str(r.reason)} for r in plan.refused],
        },
    )
    session.flush()
    return entry, plan


def find_batch(session: Session, entry_id: int) -> tuple[AuditLog, list[Attempt]] | None:
    """A print's audit entry and its papers (trainee, ward, class, questions loaded), or None."""
    entry = session.get(AuditLog, entry_id)
    if entry is None or entry.action != PRINT_ACTION or not entry.detail:
        return None
    attempts = session.scalars(
        select(Attempt)
        .where(Attempt.id.in_(entry.detail.get("attempt_ids", [])))
        .options(
            joinedload(Attempt.user).joinedload(User.ward),
            joinedload(Attempt.user).joinedload(User.cohort),
            joinedload(Attempt.topic),
            selectinload(Attempt.items).selectinload(AttemptItem.question_version),
        )
    ).all()
    by_id = {a.id: a for a in attempts}
    return entry, [by_id[i] for i in entry.detail["attempt_ids"] if i in by_id]


def recent_batches(session: Session, limit: int = 10) -> list[AuditLog]:
    """The latest prints, newest first (their downloads stay available)."""
    return list(
        session.scalars(
            select(AuditLog)
            .where(AuditLog.action == PRINT_ACTION)
            .options(joinedload(AuditLog.actor))
            .order_by(AuditLog.id.desc())
            .limit(limit)
        )
    )

"""The attempt lifecycle: start or resume, save an answer, submit, close when overdue.

Submitting and closing claim the attempt (``claims.py``), then hand it to
``finish.finish_attempt`` (mark, record the report summaries, issue the certificate).

Plain service functions over a SQLAlchemy session; callers (views, CLI, tests) own the transaction
(``db.write_transaction``). Nothing here reads ``request``; the clock is passed in as ``now``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import bindparam, case, func, insert, select, update
from sqlalchemy.orm import Session

from ..i18n import lazy_gettext as _l
from ..models import (
    Attempt,
    AttemptItem,
    AttemptMode,
    AttemptStatus,
    QuestionVersion,
    Topic,
)
from ..web import local_datetime
from .bank import DrawnPaper, draw_paper
from .claims import claim, claim_online, online_and_in_time
from .errors import (
    PAPER_ONLY,
    AttemptClosed,
    AttemptLimitReached,
    AttemptNotFound,
    InvalidAnswer,
    PaperAttemptOpen,
    TopicUnavailable,
    paper_pending_message,
)
from .errors import QuizError as QuizError  # re-exported: views catch service.QuizError
from .finish import finish_attempt
from .question_types import QUESTION_TYPES, to_authored
from .rules import accepts_writes
from .settings import window_state


@dataclass(frozen=True)
class SaveResult:
    accepted: bool  # False: an older sequence number, ignored
    seq: int  # the item's sequence number now
    saved_at: datetime | None


@dataclass(frozen=True)
class SubmitResult:
    attempt: Attempt
    #: "graded" now; "already" finished before (double click, retry); "late" closed at deadline
    #: with the saved answers, the posted ones refused.
    outcome: str


def open_attempt(session: Session, user_id: int, topic_id: int) -> Attempt | None:
    return session.scalar(_OPEN_ATTEMPT, {"b_user": user_id, "b_topic": topic_id})


def attempts_so_far(session: Session, user_id: int, topic_id: int) -> tuple[int, int | None]:
    """How many attempts the trainee has at the topic, and the open one's id (None: none open), in one statement."""
    used, open_id = session.execute(_ATTEMPTS_SO_FAR, {"b_user": user_id, "b_topic": topic_id}).one()
    return used, open_id


#: Built once (building a statement costs more than running it).
_OPEN_ATTEMPT = select(Attempt).where(
    Attempt.user_id == bindparam("b_user"),
    Attempt.topic_id == bindparam("b_topic"),
    Attempt.status == AttemptStatus.OPEN,
)


def start_or_resume(
    session: Session,
    user_id: int,
    topic: Topic,
    now: datetime,
    grace_seconds: int,
    rng: random.Random | None = None,
    drawn: DrawnPaper | None = None,
) -> tuple[Attempt, bool]:
    """Return the trainee's open attempt at ``topic``, or start a new one. ``(attempt, created)``.

    An open attempt past deadline + grace is closed (graded) first. Raises TopicUnavailable
    outside the topic's open/close window or when the bank is empty, AttemptLimitReached
    when every attempt is used, and PaperAttemptOpen while a printed paper awaits entry.
    ``drawn``: the paper, drawn before the write transaction (``bank.draw_paper``), so the
    write lock is held for the checks and the inserts only.
    """
    used, open_id = attempts_so_far(session, user_id, topic.id)
    if open_id is not None:  # loaded only then: most starts find none open
        current = session.get_one(Attempt, open_id)
        if current.is_paper:
            raise PaperAttemptOpen(paper_pending_message(current))
        if not close_if_overdue(session, current, now, grace_seconds):
            return current, False
    _check_window(topic, now)
    deadline = now + timedelta(minutes=topic.time_limit_minutes)
    return draw_attempt(session, user_id, topic, used, now, deadline, rng, drawn), True


def draw_attempt(
    session: Session,
    user_id: int,
    topic: Topic,
    used: int,
    now: datetime,
    deadline_at: datetime,
    rng: random.Random | None = None,
    drawn: DrawnPaper | None = None,
    **fields,
) -> Attempt:
    """Start the trainee's next attempt at ``topic``: its number, questions and option orders.

    The one draw of graded attempts, online (``start_or_resume``) and printed (paper/, which
    passes ``mode`` and ``paper_code`` in ``fields``); the paper is ``drawn`` if given, else
    drawn here (``bank.draw_paper``); ``used``: the trainee's attempts at the topic so far, counted
    in this transaction (``attempts_so_far``). Raises AttemptLimitReached when every attempt is used
    and TopicUnavailable when the bank is empty.
    """
    if used >= topic.max_attempts:
        raise AttemptLimitReached(_l("You have used all %(n)d attempts at this topic.", n=topic.max_attempts))
    drawn = drawn or draw_paper(session, user_id, topic, rng)
    # An INSERT … RETURNING rather than add() and flush(): the unit of work cost more than the row.
    attempt = session.scalars(
        insert(Attempt).returning(Attempt),
        [
            {
                "user_id": user_id,
                "topic_id": topic.id,
                "number": used + 1,
                "status": AttemptStatus.OPEN,
                "started_at": now,
                "deadline_at": deadline_at,
                "max_score": len(drawn.lines),
                "pass_percent": topic.pass_percent,
                **fields,
            }
        ],
    ).one()
    # The paper in one Core executemany (the ORM's bulk path costs more than the rows); the
    # attempt's ``items`` load on first use, in this transaction if need be.
    rows = [
        {"attempt_id": attempt.id, "position": position, "question_version_id": version_id, "option_order": order}
        for position, (version_id, order) in enumerate(drawn.lines, start=1)
    ]
    session.execute(_INSERT_ITEMS, rows)
    return attempt


_ATTEMPT_T = Attempt.__table__
#: The start's statements, built once (building a statement costs more than running it).
_ATTEMPTS_SO_FAR = (
    select(func.count(), func.max(case((_ATTEMPT_T.c.status == AttemptStatus.OPEN, _ATTEMPT_T.c.id))))
    .select_from(_ATTEMPT_T)
    .where(_ATTEMPT_T.c.user_id == bindparam("b_user"), _ATTEMPT_T.c.topic_id == bindparam("b_topic"))
)
_INSERT_ITEMS = insert(AttemptItem.__table__)


def _check_window(topic: Topic, now: datetime) -> None:
    """Refuse a new attempt outside the topic's open/close window (an open attempt may still be resumed)."""
    state = window_state(topic.opens_at, topic.closes_at, now)
    if state == "open":
        return
    if state == "before":
        raise TopicUnavailable(_l("The quiz of this topic opens on %(when)s.", when=local_datetime(topic.opens_at)))
    raise TopicUnavailable(
        _l("The quiz of this topic closed on %(when)s: no new attempt can start.", when=local_datetime(topic.closes_at))
    )


def _check_open(status: str, deadline: datetime, now: datetime, grace_seconds: int) -> None:
    """Refuse writes to a finished attempt or one past deadline + grace.

    An overdue attempt is not closed here: the refusal rolls back its transaction, so callers
    close it in a transaction of its own (``close_if_overdue``).
    """
    if status != AttemptStatus.OPEN:
        raise AttemptClosed(_l("This attempt has already been submitted."))
    if not accepts_writes(deadline, now, grace_seconds):
        raise AttemptClosed(_l("Time is up: this attempt was closed and graded with your saved answers."))


def parse_answer(option_order: Sequence[int], qtype: str, position: int, display: Sequence[int]) -> list[int] | None:
    """Validate display positions for one question; return authored indexes (None = cleared)."""
    if not display:
        return None
    authored = to_authored(option_order, display)
    if authored is None or (not QUESTION_TYPES[qtype].multiple_choice and len(authored) != 1):
        raise InvalidAnswer(_l("That answer does not belong to question %(n)d.", n=position))
    return authored


def _item(attempt: Attempt, position: int) -> AttemptItem:
    for item in attempt.items:
        if item.position == position:
            return item
    raise InvalidAnswer(_l("Question %(n)s is not part of this attempt.", n=position))


def save_answer(
    session: Session,
    attempt_id: int,
    user_id: int,
    position: int,
    display: Sequence[int],
    seq: int,
    now: datetime,
    grace_seconds: int,
) -> SaveResult:
    """Save one answer if ``seq`` is newer than the one that wrote it last; else ignore it.

    This is the hot path (every click of every trainee): two statements when all is well. A
    conditional UPDATE of the attempt, guarded by its owner, state and deadline, locks the row
    (PostgreSQL; SQLite's write lock is already held) so a save and a concurrent submit never
    interleave, and returns the paper's line for ``position``; then the item is written with a
    conditional UPDATE, so of two racing saves the higher sequence number wins whatever order
    they commit in. Only a refusal reads more, to say why. Raises AttemptNotFound for another
    user's attempt.
    """
    line = session.execute(
        _CLAIM_FOR_SAVE,
        {
            "b_attempt": attempt_id,
            "b_user": user_id,
            "b_position": position,
            "b_seq": seq,
            "b_cutoff": now - timedelta(seconds=grace_seconds),
        },
    ).one_or_none()
    if line is None:
        _explain_refused_save(session, attempt_id, user_id, now, grace_seconds)
    if line.item_id is None:
        raise InvalidAnswer(_l("Question %(n)s is not part of this attempt.", n=position))
    authored = parse_answer(line.option_order, line.type, position, display)
    written = session.execute(
        _WRITE_ANSWER, {"b_item": line.item_id, "b_seq": seq, "b_selected": authored, "b_answered_at": now}
    ).rowcount
    loaded = session.identity_map.get(session.identity_key(AttemptItem, line.item_id))
    if loaded is not None:
        session.expire(loaded)  # a later finish_attempt() in this transaction must read the new answer
    if not written:
        current_seq, saved_at = session.execute(
            select(AttemptItem.seq, AttemptItem.answered_at).where(AttemptItem.id == line.item_id)
        ).one()
        return SaveResult(False, current_seq, saved_at)
    return SaveResult(True, seq, now)


def _save_statements():
    """The two statements of a save, built once (building a statement costs more than running it).

    The attempt's ``last_seq`` may be raised even when the item then refuses an older ``seq``:
    the item's own ``seq`` was accepted before, so ``last_seq`` is already at least as high.
    """
    item, version, attempt = AttemptItem.__table__, QuestionVersion.__table__, Attempt.__table__
    seq = bindparam("b_seq", type_=item.c.seq.type)
    at_position = (item.c.attempt_id == bindparam("b_attempt")) & (item.c.position == bindparam("b_position"))
    claim = (
        update(attempt)
        .where(attempt.c.id == bindparam("b_attempt"), *online_and_in_time(attempt))
        .values(last_seq=case((attempt.c.last_seq < seq, seq), else_=attempt.c.last_seq))
        # SQLite's RETURNING may name no other table, but it takes scalar subqueries. SQLAlchemy
        # writes their columns unqualified there, so each subquery reads one table, uncorrelated.
        .returning(
            select(item.c.id).where(at_position).scalar_subquery().label("item_id"),
            select(item.c.option_order).where(at_position).scalar_subquery().label("option_order"),
            select(version.c.type)
            .where(version.c.id == select(item.c.question_version_id).where(at_position).scalar_subquery())
            .scalar_subquery()
            .label("type"),
        )
    )
    write = (
        update(item)
        .where(item.c.id == bindparam("b_item"), item.c.seq < seq)
        .values(
            selected=bindparam("b_selected", type_=item.c.selected.type),
            seq=seq,
            answered_at=bindparam("b_answered_at", type_=item.c.answered_at.type),
        )
    )
    return claim, write


_CLAIM_FOR_SAVE, _WRITE_ANSWER = _save_statements()


def _explain_refused_save(
    session: Session, attempt_id: int, user_id: int, now: datetime, grace_seconds: int
) -> NoReturn:
    """Raise the reason the attempt refused a save: not this user's, finished, or past time."""
    row = session.execute(
        select(Attempt.user_id, Attempt.status, Attempt.deadline_at, Attempt.mode).where(Attempt.id == attempt_id)
    ).one_or_none()
    if row is None or row.user_id != user_id:
        raise AttemptNotFound(_l("There is no such attempt."))
    if row.mode == AttemptMode.PAPER:
        raise PaperAttemptOpen(PAPER_ONLY)
    _check_open(row.status, row.deadline_at, now, grace_seconds)
    # Not reached: the guard applies the same rules. Refuse anyway rather than write.
    raise AttemptClosed(_l("This attempt has already been submitted."))


def submit(
    session: Session,
    attempt: Attempt,
    now: datetime,
    grace_seconds: int,
    answers: Mapping[int, Sequence[int]] | None = None,
) -> SubmitResult:
    """Finish and grade ``attempt`` exactly once.

    ``answers`` (position -> display positions), when given, are the page's final state (the
    no-JavaScript path) and replace the saved ones. A second submit returns the first result.
    """
    if attempt.status != AttemptStatus.OPEN:
        return SubmitResult(attempt, "already")
    if attempt.is_paper:
        raise PaperAttemptOpen(PAPER_ONLY)
    if not accepts_writes(attempt.deadline_at, now, grace_seconds):
        close_if_overdue(session, attempt, now, grace_seconds)
        session.refresh(attempt)
        return SubmitResult(attempt, "late" if attempt.status == AttemptStatus.TIMED_OUT else "already")
    parsed = {}
    for position, display in (answers or {}).items():
        item = _item(attempt, position)
        parsed[item.position] = (
            item,
            parse_answer(item.option_order, item.question_version.type, position, display),
        )  # all checked before anything changes
    claimed = claim(session, attempt, AttemptStatus.SUBMITTED, now)
    if claimed is None:
        session.refresh(attempt)
        return SubmitResult(attempt, "already")
    for item, authored in parsed.values():
        if authored != item.selected:
            item.selected, item.answered_at = authored, now
    finish_attempt(session, claimed, now)
    return SubmitResult(attempt, "graded")


def submit_saved(session: Session, attempt_id: int, user_id: int, now: datetime, grace_seconds: int) -> bool:
    """The usual submit: grade the saved answers of the user's own open attempt, still in time.

    One claim and the grading, reading nothing through the ORM (on SQLite a submit holds the
    write lock throughout). False when the claim matched nothing, with nothing changed: the
    caller then loads the attempt and ``submit`` says why (finished, late, a paper, not theirs).
    """
    claimed = claim_online(session, attempt_id, user_id, now, grace_seconds)
    if claimed is None:
        return False
    finish_attempt(session, claimed, now)
    return True


def close_if_overdue(session: Session, attempt: Attempt, now: datetime, grace_seconds: int) -> bool:
    """Close and grade an open attempt past deadline + grace with its saved answers."""
    if attempt.status != AttemptStatus.OPEN or accepts_writes(attempt.deadline_at, now, grace_seconds):
        return False
    claimed = claim(session, attempt, AttemptStatus.TIMED_OUT, now)
    if claimed is None:
        return False
    finish_attempt(session, claimed, now)
    return True


def close_expired(session: Session, now: datetime, grace_seconds: int) -> int:
    """Close every open attempt past deadline + grace (the cron job); return how many."""
    cutoff = now - timedelta(seconds=grace_seconds)
    overdue = session.scalars(
        select(Attempt).where(Attempt.status == AttemptStatus.OPEN, Attempt.deadline_at < cutoff)
    ).all()
    return sum(close_if_overdue(session, a, now, grace_seconds) for a in overdue)


def overdue_ids(session: Session, now: datetime, grace_seconds: int, user_id: int | None = None) -> list[int]:
    """Ids of open attempts past deadline + grace (optionally of one user): a cheap read."""
    query = select(Attempt.id).where(
        Attempt.status == AttemptStatus.OPEN, Attempt.deadline_at < now - timedelta(seconds=grace_seconds)
    )
    if user_id is not None:
        query = query.where(Attempt.user_id == user_id)
    return list(session.scalars(query))

"""Keeping the report summaries (models/summaries.py) equal to the raw aggregates over attempts.

``record_graded_attempt`` runs inside the grading transaction, once per attempt (grading is
claimed by a conditional UPDATE, so retries and double submits never reach it twice). It adds the
attempt with upserts whose arithmetic happens in the database, so two attempts graded at once
both count whatever order they commit in: three statements per attempt. ``rebuild_summaries``
recomputes everything from the attempts, for upgraded databases, bulk loads and repairs;
``rebuild_summaries_for`` recomputes the rows of some trainees in one topic and of some question
versions, for attempts marked again after a key correction (authoring/regrade.py).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import Any, NamedTuple, Protocol

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import Attempt, AttemptItem, AttemptStatus, ItemOptionStat, ItemStat, TopicResult

RESULT = TopicResult.__table__
STAT = ItemStat.__table__
OPTION = ItemOptionStat.__table__
#: The additive columns of ``item_stat``.
SUMS = ("drawn", "n", "sum_x", "sum_xt", "sum_t", "sum_t2", "unanswered")


class GradedItem(NamedTuple):
    """One item of a graded attempt, as the summaries count it (an ``AttemptItem`` has the same fields)."""

    question_version_id: int
    selected: list[int] | None
    is_correct: bool | None


class Graded(Protocol):
    """A graded attempt: ``quiz.finish.GradedAttempt`` from a grading, or an ``Attempt`` recorded by hand."""

    user_id: int
    topic_id: int
    number: int
    score: int | None
    max_score: int
    passed: bool | None

    @property
    def items(self) -> Iterable[Any]: ...


def record_graded_attempt(session: Session, attempt: Graded) -> None:
    """Add a just-graded attempt to the summaries, in the grading transaction."""
    result, item_stat, option_stat = _upserts(session.get_bind().dialect.name)
    session.execute(
        result,
        {
            "user_id": attempt.user_id,
            "topic_id": attempt.topic_id,
            "attempts": 1,
            "passed": bool(attempt.passed),
            "best_score": attempt.score,
            "best_max": attempt.max_score,
        },
    )
    stats, options = item_rows(attempt)
    # Rows go in key order, so concurrent gradings on PostgreSQL lock shared rows in the same
    # order and cannot deadlock. One single-row statement run for many rows (executemany): a
    # multi-row VALUES would be compiled anew for every attempt, and compiling cost more than
    # the writes.
    if stats:
        session.execute(item_stat, sorted(stats.values(), key=lambda r: r["question_version_id"]))
    if options:
        rows = [{"question_version_id": v, "option_index": i, "chosen": k} for (v, i), k in sorted(options.items())]
        session.execute(option_stat, rows)


@cache
def _upserts(dialect_name: str) -> tuple:
    """The three upserts of a graded attempt in this dialect, built once (grading is frequent)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    result = dialect.insert(RESULT)
    new = result.excluded
    # Compare score/max fractions by cross-multiplying integers: exact, and no division by zero.
    better = new.best_score * RESULT.c.best_max > RESULT.c.best_score * new.best_max
    result = result.on_conflict_do_update(
        index_elements=[RESULT.c.user_id, RESULT.c.topic_id],
        set_={
            "attempts": RESULT.c.attempts + 1,
            "passed": sa.or_(RESULT.c.passed, new.passed),
            "best_score": sa.case((better, new.best_score), else_=RESULT.c.best_score),
            "best_max": sa.case((better, new.best_max), else_=RESULT.c.best_max),
        },
    )
    stat = dialect.insert(STAT)
    stat = stat.on_conflict_do_update(
        index_elements=[STAT.c.question_version_id],
        set_={c: STAT.c[c] + stat.excluded[c] for c in SUMS},
    )
    option = dialect.insert(OPTION)
    option = option.on_conflict_do_update(
        index_elements=[OPTION.c.question_version_id, OPTION.c.option_index],
        set_={"chosen": OPTION.c.chosen + option.excluded.chosen},
    )
    return result, stat, option


def _empty_stat(version_id: int) -> dict:
    return {"question_version_id": version_id, **dict.fromkeys(SUMS, 0)}


def _add(stat: dict, first: bool, selected, count: int, sums: tuple, options: Counter) -> None:
    """Count ``count`` identical answers, with their (Σx, Σx·T, ΣT, ΣT²), into a version's sums."""
    stat["drawn"] += count
    if not first:
        return
    stat["n"] += count
    for key, amount in zip(("sum_x", "sum_xt", "sum_t", "sum_t2"), sums, strict=True):
        stat[key] += int(amount or 0)
    if isinstance(selected, list):
        for index in selected:
            options[stat["question_version_id"], index] += count
    else:
        stat["unanswered"] += count


def item_rows(attempt: Graded) -> tuple[dict[int, dict], Counter]:
    """The item sums and option counts one graded attempt adds (sums only from a first attempt)."""
    stats: dict[int, dict] = {}
    options: Counter = Counter()
    total, first = attempt.score or 0, attempt.number == 1
    for item in attempt.items:
        stat = stats.setdefault(item.question_version_id, _empty_stat(item.question_version_id))
        x = 1 if item.is_correct else 0
        _add(stat, first, item.selected, 1, (x, x * total, total, total * total), options)
    return stats, options


def _graded() -> list:
    return [Attempt.status != AttemptStatus.OPEN, Attempt.score.is_not(None)]


def _topic_results_select(*where) -> sa.Select:
    """Per (trainee, topic): graded attempts, any pass, and the best attempt's score and max."""
    fraction = sa.cast(Attempt.score, sa.Float) / Attempt.max_score
    ranked = (
        select(
            Attempt.user_id,
            Attempt.topic_id,
            Attempt.passed,
            Attempt.score,
            Attempt.max_score,
            func.row_number()
            .over(partition_by=(Attempt.user_id, Attempt.topic_id), order_by=(fraction.desc(), Attempt.number))
            .label("rank"),
        )
        .where(*_graded(), *where)
        .subquery("ranked")
    )
    top = ranked.c.rank == 1
    return select(
        ranked.c.user_id,
        ranked.c.topic_id,
        func.count(),
        func.max(sa.case((ranked.c.passed.is_(True), 1), else_=0)) == 1,
        func.max(sa.case((top, ranked.c.score))),
        func.max(sa.case((top, ranked.c.max_score))),
    ).group_by(ranked.c.user_id, ranked.c.topic_id)


def _item_sums(session: Session, *where) -> tuple[dict[int, dict], Counter]:
    """Item sums of every graded attempt, grouped in SQL by version, answer and first-or-not."""
    first = sa.case((Attempt.number == 1, 1), else_=0)
    x = sa.case((AttemptItem.is_correct.is_(True), 1), else_=0)
    # JSON has no equality on PostgreSQL: group by its text form, as the raw report does.
    selected = sa.cast(AttemptItem.selected, sa.Text)
    query = (
        select(
            AttemptItem.question_version_id,
            selected,
            first,
            func.count(),
            func.sum(x),
            func.sum(x * Attempt.score),
            func.sum(Attempt.score),
            func.sum(Attempt.score * Attempt.score),
        )
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(*_graded(), *where)
        .group_by(AttemptItem.question_version_id, selected, first)
    )
    stats: dict[int, dict] = {}
    options: Counter = Counter()
    for version_id, text, is_first, count, sx, sxt, st, st2 in session.execute(query):
        stat = stats.setdefault(version_id, _empty_stat(version_id))
        _add(stat, bool(is_first), json.loads(text) if text else None, count, (sx, sxt, st, st2), options)
    return stats, options


RESULT_COLUMNS = ["user_id", "topic_id", "attempts", "passed", "best_score", "best_max"]


def lock_summaries(session: Session) -> None:
    """Hold graders off the summaries until this transaction ends (PostgreSQL).

    Graders wait until the rebuild commits and then add their attempt on top of it; SQLite's
    write transaction already excludes them. Taking it again in the same transaction is harmless.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("LOCK TABLE topic_result, item_stat, item_option_stat IN EXCLUSIVE MODE"))


def _insert_item_sums(session: Session, stats: dict[int, dict], options: Counter) -> None:
    if stats:
        session.execute(sa.insert(STAT), list(stats.values()))
    if options:
        session.execute(
            sa.insert(OPTION),
            [{"question_version_id": v, "option_index": i, "chosen": k} for (v, i), k in options.items()],
        )


def rebuild_summaries(session: Session) -> dict[str, int]:
    """Recompute every summary from the attempts; returns the rows written per table."""
    lock_summaries(session)
    for table in (OPTION, STAT, RESULT):
        session.execute(sa.delete(table))
    session.execute(sa.insert(RESULT).from_select(RESULT_COLUMNS, _topic_results_select()))
    stats, options = _item_sums(session)
    _insert_item_sums(session, stats, options)
    results = session.scalar(select(func.count()).select_from(RESULT))
    return {"topic_result": results, "item_stat": len(stats), "item_option_stat": len(options)}


def rebuild_summaries_for(session: Session, user_ids: list[int], topic_id: int, version_ids: list[int]) -> None:
    """Recompute the topic results of ``user_ids`` in one topic and the item sums of ``version_ids``.

    For attempts whose marks changed after they were recorded (a regrade): their trainees' best
    score and pass in the topic, and the sums of every version on their papers (an item's sums
    use the attempt's total, so a changed score moves the other questions' figures too).
    """
    lock_summaries(session)
    if user_ids:
        mine = (RESULT.c.topic_id == topic_id, RESULT.c.user_id.in_(user_ids))
        session.execute(sa.delete(RESULT).where(*mine))
        scope = (Attempt.topic_id == topic_id, Attempt.user_id.in_(user_ids))
        session.execute(sa.insert(RESULT).from_select(RESULT_COLUMNS, _topic_results_select(*scope)))
    if version_ids:
        session.execute(sa.delete(OPTION).where(OPTION.c.question_version_id.in_(version_ids)))
        session.execute(sa.delete(STAT).where(STAT.c.question_version_id.in_(version_ids)))
        _insert_item_sums(session, *_item_sums(session, AttemptItem.question_version_id.in_(version_ids)))


def summaries_in_step(session: Session) -> bool:
    """A cheap check: do the summaries count as many graded attempts as the attempt table holds?"""
    graded = session.scalar(select(func.count()).select_from(Attempt).where(*_graded()))
    counted = session.scalar(select(func.coalesce(func.sum(RESULT.c.attempts), 0)))
    return graded == counted


def ensure_summaries(session: Session) -> bool:
    """Rebuild the summaries when they are out of step (a database upgraded to them); True if rebuilt."""
    if summaries_in_step(session):
        return False
    rebuild_summaries(session)
    return True

"""Where the report pages read a trainee's result in a topic: the summary, or the attempts themselves.

Without a date range the pages read ``topic_result`` (one narrow row per trainee and topic, kept
by grading) plus open attempts, which it does not hold. A date range needs to know when each
attempt started, which only ``attempt`` says, so it reads the attempts (slower at scale).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import func, select

from ..course import active_topic_ids
from ..models import Attempt, AttemptStatus, Role, Topic, TopicResult, User
from .filters import ReportFilter


def uses_summaries(f: ReportFilter) -> bool:
    """The summaries answer every filter but a date range (the class is a property of the trainee)."""
    return not (f.date_from or f.date_to)


def trainee_conditions(f: ReportFilter) -> list:
    """Who counts as a trainee in the reports: accounts with the trainee role.

    Deactivated accounts stay (issue 9): their attempts happened; the pages mark them "đã khóa".
    """
    conditions = [User.role == Role.TRAINEE]
    if f.cohort_id:
        conditions.append(User.cohort_id == f.cohort_id)
    return conditions


def attempt_conditions(f: ReportFilter) -> list:
    """The date range applies to when attempts were started (open attempts have no end yet)."""
    start, end = f.utc_bounds()
    conditions = []
    if start:
        conditions.append(Attempt.started_at >= start)
    if end:
        conditions.append(Attempt.started_at < end)
    return conditions


def in_ward(ward_id: int | None, user_id=Attempt.user_id) -> list:
    """Restrict rows to one ward's people early, so a ward page reads only that ward's rows."""
    if ward_id is None:
        return []
    return [user_id.in_(select(User.id).where(User.ward_id == ward_id))]


def topic_results(f: ReportFilter, *where) -> sa.Subquery:
    """One row per (trainee, active topic) with an attempt: used, open, passed (0/1), best fraction."""
    finished_fraction = sa.case(
        (Attempt.score.is_not(None), sa.cast(Attempt.score, sa.Float) / Attempt.max_score), else_=None
    )
    return (
        select(
            Attempt.user_id,
            Attempt.topic_id,
            func.count().label("used"),
            func.sum(sa.case((Attempt.status == AttemptStatus.OPEN, 1), else_=0)).label("open_n"),
            func.max(sa.case((Attempt.passed.is_(True), 1), else_=0)).label("passed"),
            func.max(finished_fraction).label("best"),
        )
        .join(Topic, Topic.id == Attempt.topic_id)
        .where(Topic.active.is_(True), *attempt_conditions(f), *where)
        .group_by(Attempt.user_id, Attempt.topic_id)
        .subquery("topic_results")
    )


def _graded(ward_id: int | None, every_topic: bool = False) -> sa.Subquery:
    """The summary's rows in active topics: user_id, topic_id, passed (0/1), best fraction.

    ``every_topic`` keeps inactive topics too, for callers that group by topic and drop them:
    reading a trainee's rows as one range is cheaper than one lookup per active topic.
    """
    r = TopicResult
    topics = [] if every_topic else [r.topic_id.in_(active_topic_ids())]
    return (
        select(
            r.user_id,
            r.topic_id,
            sa.case((r.passed.is_(True), 1), else_=0).label("passed"),
            (sa.cast(r.best_score, sa.Float) / r.best_max).label("best"),
        )
        .where(*topics, *in_ward(ward_id, r.user_id))
        .subquery("graded")
    )


def _only_open(ward_id: int | None) -> sa.Subquery:
    """Trainee-topics started but not yet graded: same columns, never passed, no best score.

    Open attempts are few and found through their index, so this stays small at any scale.
    """
    has_result = select(TopicResult.user_id).where(
        TopicResult.user_id == Attempt.user_id, TopicResult.topic_id == Attempt.topic_id
    )
    return (
        select(
            Attempt.user_id,
            Attempt.topic_id,
            sa.literal_column("0").label("passed"),
            sa.cast(sa.null(), sa.Float).label("best"),
        )
        .where(
            Attempt.status == AttemptStatus.OPEN,
            Attempt.topic_id.in_(active_topic_ids()),
            ~has_result.exists(),
            *in_ward(ward_id),
        )
        # A no-op (one open attempt per trainee-topic) that keeps SQLite from merging this into
        # the outer join, where it would start from every user rather than the few open attempts.
        .distinct()
        .subquery("only_open")
    )


def result_sources(f: ReportFilter, ward_id: int | None = None) -> list[sa.Subquery]:
    """Subqueries of (user_id, topic_id, passed, best) that together hold each started trainee-topic once.

    Callers group them by topic (ignoring inactive topics, which the summary part may include)
    and add the parts up: one UNION ALL of aggregates keeps the big one a plain join the database
    can stream, rather than a union it must materialise.
    """
    if uses_summaries(f):
        return [_graded(ward_id, every_topic=True), _only_open(ward_id)]
    return [topic_results(f, *in_ward(ward_id))]


def per_user(f: ReportFilter, ward_id: int | None = None) -> sa.Subquery:
    """One row per trainee who started an active topic: user_id and the active topics passed."""
    if not uses_summaries(f):
        res = topic_results(f, *in_ward(ward_id))
        return (
            select(res.c.user_id, func.sum(res.c.passed).label("passed")).group_by(res.c.user_id).subquery("per_user")
        )
    graded, only_open = _graded(ward_id), _only_open(ward_id)
    has_graded = select(TopicResult.user_id).where(
        TopicResult.user_id == only_open.c.user_id, TopicResult.topic_id.in_(active_topic_ids())
    )
    return sa.union_all(
        select(graded.c.user_id, func.sum(graded.c.passed).label("passed")).group_by(graded.c.user_id),
        select(only_open.c.user_id, sa.literal_column("0")).where(~has_graded.exists()).distinct(),
    ).subquery("per_user")

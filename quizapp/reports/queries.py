"""SQL aggregates behind the report pages: a fixed number of queries per page, whatever the data size.

A trainee's result in a topic is the aggregate of their attempts there (attempts used, any pass,
best score as a fraction); every page groups that per-trainee-topic result further. Where it is
read from (the summary or the attempts) is decided in ``sources``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ..course import active_topics, completed_clause
from ..models import Attempt, Cohort, Topic, User, Ward
from ..quiz.rules import grade10
from .filters import ReportFilter
from .sources import per_user, result_sources, topic_results, trainee_conditions


@dataclass
class Cell:
    """Results of a group of trainees in one topic (or in all topics, summed)."""

    trainees: int = 0
    started: int = 0
    passed: int = 0
    sum_best: float = 0.0
    n_best: int = 0

    def add(self, other: Cell) -> None:
        self.trainees += other.trainees
        self.started += other.started
        self.passed += other.passed
        self.sum_best += other.sum_best
        self.n_best += other.n_best

    @property
    def pass_rate(self) -> float | None:
        """Share of the group's trainees who passed (not started counts as not passed), in %."""
        return 100.0 * self.passed / self.trainees if self.trainees else None

    @property
    def mean10(self) -> float | None:
        """Mean best score on the 10-point scale, over trainees who finished an attempt."""
        return grade10(self.sum_best, self.n_best)


@dataclass
class WardRow:
    ward: Ward
    trainees: int = 0
    started: int = 0
    completed: int = 0
    cells: dict[int, Cell] = field(default_factory=dict)

    @property
    def total(self) -> Cell:
        """All topics together: trainee-topics passed over trainees x topics."""
        total = Cell()
        for cell in self.cells.values():
            total.add(cell)
        return total


@dataclass
class TraineeRow:
    user: User
    #: topic_id -> (attempts used, open attempts, passed, best fraction or None)
    results: dict[int, tuple[int, int, bool, float | None]] = field(default_factory=dict)


def cohorts(session: Session) -> list[Cohort]:
    return list(session.scalars(select(Cohort).order_by(Cohort.code)))


def _one_ward(ward_id: int | None) -> list:
    return [] if ward_id is None else [User.ward_id == ward_id]


def _ward_key():
    """The ward to group by, 0 for none (dropped in Python).

    Grouping by the bare column makes SQLite walk the ward index to skip a sort, fetching every
    user in random order; through coalesce() it scans them in order and sorts 34 groups instead.
    """
    # A literal rather than a bound 0, so that PostgreSQL sees the SELECT and GROUP BY as one expression.
    return func.coalesce(User.ward_id, sa.literal_column("0"))


def ward_summaries(session: Session, f: ReportFilter, n_topics: int, ward_id: int | None = None) -> dict:
    """ward_id -> (trainees, started any topic, passed every topic)."""
    users = per_user(f, ward_id)
    completed = sa.case((completed_clause(users.c.passed, n_topics), 1), else_=0)
    query = (
        select(_ward_key(), func.count(User.id), func.count(users.c.user_id), func.coalesce(func.sum(completed), 0))
        .outerjoin(users, users.c.user_id == User.id)
        .where(*trainee_conditions(f), *_one_ward(ward_id))
        .group_by(_ward_key())
    )
    return {w: (n, started, completed) for w, n, started, completed in session.execute(query) if w}


def ward_topic_cells(session: Session, f: ReportFilter, ward_id: int | None = None) -> dict:
    """(ward_id, topic_id) -> Cell without the trainee count (the caller adds it)."""
    parts = [
        select(
            _ward_key(),
            res.c.topic_id,
            func.count(),
            func.sum(res.c.passed),
            func.sum(res.c.best),
            func.count(res.c.best),
        )
        .select_from(res)
        .join(User, User.id == res.c.user_id)
        .where(*trainee_conditions(f), *_one_ward(ward_id))
        .group_by(_ward_key(), res.c.topic_id)
        for res in result_sources(f, ward_id)
    ]
    query = sa.union_all(*parts) if len(parts) > 1 else parts[0]
    cells: dict[tuple[int, int], Cell] = {}
    for w, t, started, passed, sum_best, n_best in session.execute(query):
        if w:
            cells.setdefault((w, t), Cell()).add(
                Cell(started=started, passed=passed or 0, sum_best=float(sum_best or 0), n_best=n_best)
            )
    return cells


def fill_row(row: WardRow, summary: tuple, cells: dict, topics: list[Topic]) -> WardRow:
    row.trainees, row.started, row.completed = summary
    for topic in topics:
        cell = cells.get((row.ward.id, topic.id), Cell())
        cell.trainees = row.trainees
        row.cells[topic.id] = cell
    return row


@dataclass
class Overview:
    topics: list[Topic]
    rows: list[WardRow]
    #: topic_id -> the city's cell; ``city`` sums every ward.
    topic_totals: dict[int, Cell]
    city: WardRow


def overview(session: Session, f: ReportFilter) -> Overview:
    """The ward x topic matrix with totals per topic and for the city (five queries)."""
    topics = active_topics(session)
    wards = list(session.scalars(select(Ward).order_by(Ward.position)))
    summaries = ward_summaries(session, f, len(topics))
    cells = ward_topic_cells(session, f)
    rows = [fill_row(WardRow(w), summaries.get(w.id, (0, 0, 0)), cells, topics) for w in wards]
    city = WardRow(Ward(code="", name="", kind=""))
    totals = {t.id: Cell() for t in topics}
    for row in rows:
        city.trainees += row.trainees
        city.started += row.started
        city.completed += row.completed
        for topic_id, cell in row.cells.items():
            totals[topic_id].add(cell)
    city.cells = totals
    return Overview(topics, rows, totals, city)


TRAINEE_STATES = ("all", "not_started", "not_passed", "completed")


def ward_trainees(
    session: Session,
    f: ReportFilter,
    ward: Ward,
    n_topics: int,
    state: str = "all",
    page: int = 1,
    per_page: int | None = None,
) -> tuple[list[TraineeRow], int]:
    """A page of the ward's trainees (by name) with their topic results, and how many match.

    ``state``: not_started (no attempt at all), not_passed (some topic not yet passed),
    completed (every topic passed). ``per_page=None`` returns everyone (exports).
    """
    users = per_user(f, ward.id)
    where = [*trainee_conditions(f), User.ward_id == ward.id]
    if state == "not_started":
        where.append(users.c.user_id.is_(None))
    elif state == "not_passed":
        where.append(sa.not_(completed_clause(func.coalesce(users.c.passed, 0), n_topics)))
    elif state == "completed":
        where.append(completed_clause(users.c.passed, n_topics))
    base = select(User).outerjoin(users, users.c.user_id == User.id).where(*where)
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    query = base.options(joinedload(User.cohort)).order_by(User.full_name, User.id)
    if per_page:
        query = query.limit(per_page).offset((page - 1) * per_page)
    users = list(session.scalars(query))
    rows = {u.id: TraineeRow(u) for u in users}
    # The page's results in one query; the subquery is re-restricted to the page's ids.
    page_res = topic_results(f, Attempt.user_id.in_(list(rows)))
    for user_id, topic_id, used, open_n, passed, best in session.execute(select(page_res)):
        rows[user_id].results[topic_id] = (used, open_n, bool(passed), best)
    return list(rows.values()), total


def trainee_attempts(session: Session, user_id: int) -> list[Attempt]:
    """Every attempt of the trainee, by topic and number (topics loaded with them)."""
    return list(
        session.scalars(
            select(Attempt)
            .join(Topic, Topic.id == Attempt.topic_id)
            .where(Attempt.user_id == user_id)
            .options(joinedload(Attempt.topic))
            .order_by(Topic.number, Attempt.number)
        )
    )

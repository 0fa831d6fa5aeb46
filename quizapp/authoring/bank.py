"""Browsing the question bank: filters, search that ignores tone marks and case, counts per topic and section.

Each question is listed with its *newest* wording (the highest version, approved or not): its
section, type and difficulty are the ones the filters test. The status filter reads:

* ``approved`` — the question is drawn now (``Question.status`` approved);
* ``submitted`` — a version waits for an admin's decision;
* ``draft`` — a version is being written or was returned to its author (not yet submitted);
* ``retired`` — no longer drawn.

A question can match two of them: an approved question with a pending draft is both drawn
(approved) and being edited (draft). A question that was never approved matches only the
state of its pending version.

Search folds tone marks, "đ" and case (``accounts.search.fold``) on the question's id and its
newest wording's text and options, in Python over the rows the other filters leave: the bank
is a few hundred questions, and this keeps SQLite and PostgreSQL identical without a copy column.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from ..accounts.search import fold
from ..content.rules import DIFFICULTIES
from ..models import Question, QuestionStatus, QuestionVersion, Section, Topic, VersionState
from ..pagination import Page
from ..params import to_int
from ..quiz.question_types import QUESTION_TYPES

STATUSES = ("draft", "submitted", "approved", "retired")
TYPES = tuple(QUESTION_TYPES)


@dataclass(frozen=True)
class BankFilter:
    """The list's filters, read from the query string (bad values are ignored)."""

    topic: int | None = None
    section: int | None = None
    type: str = ""
    difficulty: str = ""
    status: str = ""
    q: str = ""

    @classmethod
    def parse(cls, args) -> BankFilter:
        def number(name: str) -> int | None:
            return to_int(args.get(name, "").strip())

        def one_of(name: str, allowed) -> str:
            value = args.get(name, "").strip()
            return value if value in allowed else ""

        return cls(
            topic=number("topic"),
            section=number("section"),
            type=one_of("type", TYPES),
            difficulty=one_of("difficulty", DIFFICULTIES),
            status=one_of("status", STATUSES),
            q=" ".join(args.get("q", "").split())[:200],
        )


def _newest() -> Select:
    """(question id, id of its newest version)."""
    top = (
        select(QuestionVersion.question_id, func.max(QuestionVersion.version).label("version"))
        .group_by(QuestionVersion.question_id)
        .subquery()
    )
    return select(QuestionVersion.question_id, QuestionVersion.id.label("version_id")).join(
        top, (top.c.question_id == QuestionVersion.question_id) & (top.c.version == QuestionVersion.version)
    )


def _has_version_in(*states: str):
    other = aliased(QuestionVersion)  # the listed version is QuestionVersion itself: test its siblings
    return exists(select(other.id).where(other.question_id == Question.id, other.state.in_(states)))


def _filtered(f: BankFilter, *, place: bool = True) -> Select:
    """Newest versions (joined to their question) matching ``f``; ``place=False`` skips topic and section."""
    newest = _newest().subquery()
    query = (
        select(QuestionVersion)
        .join(newest, newest.c.version_id == QuestionVersion.id)
        .join(Question, Question.id == QuestionVersion.question_id)
    )
    if place and f.topic:
        query = query.join(Topic, Topic.id == Question.topic_id).where(Topic.number == f.topic)
    if place and f.section:
        query = query.where(QuestionVersion.section_id == f.section)
    if f.type:
        query = query.where(QuestionVersion.type == f.type)
    if f.difficulty:
        query = query.where(QuestionVersion.difficulty == f.difficulty)
    if f.status in (QuestionStatus.APPROVED, QuestionStatus.RETIRED):
        query = query.where(Question.status == f.status)
    elif f.status == "submitted":
        query = query.where(_has_version_in(VersionState.SUBMITTED))
    elif f.status == "draft":
        query = query.where(_has_version_in(VersionState.DRAFT, VersionState.RETURNED))
    return query


def _search(session: Session, query: Select, q: str) -> Select:
    """Narrow ``query`` to the versions whose folded text contains every folded word of ``q``."""
    words = fold(q).split()
    if not words:
        return query
    rows = session.execute(
        query.with_only_columns(QuestionVersion.id, Question.ext_id, QuestionVersion.text, QuestionVersion.options)
    )
    ids = []
    for vid, ext_id, text, options in rows:
        haystack = fold(" ".join([ext_id, text, *(o.get("text", "") for o in options)]))
        if all(w in haystack for w in words):
            ids.append(vid)
    return query.where(QuestionVersion.id.in_(ids or [0]))


@dataclass
class Row:
    """One line of the list: the newest version, its question, and the states of its pending versions."""

    version: QuestionVersion
    pending: list[str] = field(default_factory=list)

    @property
    def question(self) -> Question:
        return self.version.question


def page_of(session: Session, f: BankFilter, number: int, size: int) -> tuple[Page, list[Row]]:
    """One page of the bank under ``f``, ordered by topic and id, with pending states in one more query."""
    query = _search(session, _filtered(f), f.q)
    query = query.options(
        selectinload(QuestionVersion.question).selectinload(Question.topic), selectinload(QuestionVersion.section)
    ).order_by(Question.topic_id, Question.ext_id)
    page = Page.of(session, query, number, size)
    pending: dict[int, list[str]] = defaultdict(list)
    qids = [v.question_id for v in page.items]
    for qid, state in session.execute(
        select(QuestionVersion.question_id, QuestionVersion.state)
        .where(QuestionVersion.question_id.in_(qids or [0]), QuestionVersion.state != VersionState.APPROVED)
        .order_by(QuestionVersion.version)
    ):
        pending[qid].append(state)
    return page, [Row(v, pending[v.question_id]) for v in page.items]


@dataclass
class Counts:
    """How many questions match the filters (other than topic and section) per topic and per section."""

    per_topic: dict[int, int]
    per_section: dict[int, int]


def counts(session: Session, f: BankFilter) -> Counts:
    """Counts for the side table, under every filter except the place (topic, section)."""
    query = _search(session, _filtered(f, place=False), f.q)
    sub = query.with_only_columns(Question.topic_id, QuestionVersion.section_id).subquery()
    per_topic: dict[int, int] = defaultdict(int)
    per_section: dict[int, int] = {}
    for topic_id, section_id, n in session.execute(
        select(sub.c.topic_id, sub.c.section_id, func.count()).group_by(sub.c.topic_id, sub.c.section_id)
    ):
        per_topic[topic_id] += n
        per_section[section_id] = n
    return Counts(dict(per_topic), per_section)


def topics_with_sections(session: Session) -> list[Topic]:
    """Every topic, in order, with its sections loaded (for the filters and the counts)."""
    return list(session.scalars(select(Topic).options(selectinload(Topic.sections)).order_by(Topic.number)))


def section_choices(topic: Topic) -> list[Section]:
    """The sections a question of ``topic`` may point at: the lesson's current ones."""
    return [s for s in topic.sections if s.active]

"""The SQL side of item analysis: sums and option counts per question version.

Without a filter they come from the ``item_stat`` and ``item_option_stat`` summaries (kept by
grading), so the page reads a few hundred rows; a class or date filter needs to know who answered
when, so it aggregates the attempts' items instead (slower at scale).
"""

from __future__ import annotations

import json
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    ItemOptionStat,
    ItemStat,
    Question,
    QuestionVersion,
    Section,
    Topic,
    User,
)
from .filters import ReportFilter
from .item_analysis import ItemResult, ItemSums, analyse
from .sources import attempt_conditions


def _finished(topic: Topic, f: ReportFilter) -> list:
    conditions = [
        Attempt.topic_id == topic.id,
        Attempt.status != AttemptStatus.OPEN,
        Attempt.score.is_not(None),
        *attempt_conditions(f),
    ]
    if f.cohort_id:
        conditions.append(Attempt.user_id.in_(select(User.id).where(User.cohort_id == f.cohort_id)))
    return conditions


def _parse_selected(text: str | None) -> list[int] | None:
    """``selected`` read as text: JSON list, or SQL NULL / JSON null when unanswered."""
    value = json.loads(text) if text else None
    return value if isinstance(value, list) else None


def _raw_sums(session: Session, topic: Topic, f: ReportFilter) -> tuple:
    """(sums, option counts, unanswered, drawn) per version, aggregated from the attempts' items."""
    first = Attempt.number == 1
    x = sa.case((AttemptItem.is_correct.is_(True), 1), else_=0)
    total = Attempt.score

    def on_first(value):
        return func.sum(sa.case((first, value), else_=0))

    # JSON has no equality operator on PostgreSQL, so group by its text form (same on SQLite).
    # One pass over the topic's items: times drawn counts every finished attempt, the
    # statistics only first attempts.
    selected = sa.cast(AttemptItem.selected, sa.Text)
    query = (
        select(
            AttemptItem.question_version_id,
            selected,
            func.count(),
            on_first(1),
            on_first(x),
            on_first(x * total),
            on_first(total),
            on_first(total * total),
        )
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(*_finished(topic, f))
        .group_by(AttemptItem.question_version_id, selected)
    )
    sums: dict[int, list[float]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    unanswered: dict[int, int] = defaultdict(int)
    drawn: dict[int, int] = defaultdict(int)
    for version_id, chosen, n_all, n, sx, sxt, st, st2 in session.execute(query):
        drawn[version_id] += n_all
        acc = sums[version_id]
        for k, value in enumerate((n, sx, sxt, st, st2)):
            acc[k] += value or 0
        if not n:
            continue
        indexes = _parse_selected(chosen)
        if indexes is None:
            unanswered[version_id] += n
        for i in indexes or ():
            counts[version_id][i] = counts[version_id].get(i, 0) + n
    return sums, counts, unanswered, drawn


def _summary_sums(session: Session, topic: Topic) -> tuple:
    """The same four mappings read from the summaries: one row per version, one per option."""
    in_topic = (
        select(QuestionVersion.id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(Question.topic_id == topic.id)
    )
    sums, unanswered, drawn = {}, {}, {}
    s = ItemStat
    stats = select(s.question_version_id, s.drawn, s.unanswered, s.n, s.sum_x, s.sum_xt, s.sum_t, s.sum_t2).where(
        s.question_version_id.in_(in_topic), s.drawn > 0
    )
    for vid, times, blank, *values in session.execute(stats):
        sums[vid], unanswered[vid], drawn[vid] = values, blank, times
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    options = select(ItemOptionStat.question_version_id, ItemOptionStat.option_index, ItemOptionStat.chosen).where(
        ItemOptionStat.question_version_id.in_(in_topic), ItemOptionStat.chosen > 0
    )
    for vid, index, chosen in session.execute(options):
        counts[vid][index] = chosen
    return sums, counts, unanswered, drawn


def item_analysis(session: Session, topic: Topic, f: ReportFilter) -> list[ItemResult]:
    """Every question version of the topic drawn in a finished attempt, with its statistics."""
    if f.active:
        sums, counts, unanswered, drawn = _raw_sums(session, topic, f)
    else:
        sums, counts, unanswered, drawn = _summary_sums(session, topic)
    versions = session.execute(
        select(
            QuestionVersion.id,
            Question.ext_id,
            QuestionVersion.version,
            QuestionVersion.type,
            QuestionVersion.text,
            QuestionVersion.options,
            Section.slug,
            Section.title,
        )
        .join(Question, Question.id == QuestionVersion.question_id)
        .join(Section, Section.id == QuestionVersion.section_id)
        .where(Question.topic_id == topic.id, QuestionVersion.id.in_(list(drawn) or [0]))
    ).all()
    results = []
    for vid, ext_id, number, qtype, text, options, slug, title in versions:
        version = dict(
            id=vid,
            ext_id=ext_id,
            version=number,
            type=qtype,
            text=text,
            options=options,
            section_slug=slug,
            section_title=title,
        )
        acc = sums.get(vid, [0, 0, 0, 0, 0])
        results.append(
            analyse(
                version,
                ItemSums(int(acc[0]), *map(float, acc[1:])),
                counts.get(vid, {}),
                unanswered.get(vid, 0),
                drawn.get(vid, 0),
            )
        )
    return results

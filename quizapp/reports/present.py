"""Presentation helpers shared by pages and exports: labels, sorting, states, the chart's geometry."""

from __future__ import annotations

from dataclasses import dataclass

from ..course import TopicState
from ..course import topic_state as state_of
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..models import AttemptMode, Cohort, Topic
from ..web import local_datetime
from .filters import ReportFilter
from .queries import Cell, WardRow

STATE_LABELS = {
    TopicState.NOT_STARTED: _l("Not started"),
    TopicState.IN_PROGRESS: _l("In progress"),
    TopicState.PASSED: _l("Passed"),
    TopicState.NOT_PASSED: _l("Not passed yet"),
    TopicState.NO_ATTEMPTS_LEFT: _l("Failed, no attempts left"),
}

#: How an attempt came about (Attempt.mode), as pages and exports name it.
MODE_LABELS = {
    AttemptMode.ONLINE: _l("online"),
    AttemptMode.PAPER: _l("on paper"),
    AttemptMode.OVERRIDE: _l("recorded by hand"),
}


def mode_label(mode: str) -> str:
    return str(MODE_LABELS.get(mode, mode))


#: Pass rates below this (in %) are marked weak on the page, in print and for colour-blind readers.
WEAK_RATE = 50


def describe_filter(f: ReportFilter, cohorts: list[Cohort]) -> str:
    """The filter in words, for export headers: "Lớp 1; từ 01/11/2026 đến 30/11/2026"."""
    parts = []
    if f.cohort_id:
        name = next((c.name for c in cohorts if c.id == f.cohort_id), str(f.cohort_id))
        parts.append(_("class %(name)s", name=name))
    if f.date_from:
        parts.append(_("attempts started from %(day)s", day=f.date_from.strftime("%d/%m/%Y")))
    if f.date_to:
        parts.append(_("attempts started until %(day)s", day=f.date_to.strftime("%d/%m/%Y")))
    return "; ".join(parts) if parts else _("all classes, all dates")


def made_at(now) -> str:
    return local_datetime(now, "dd/MM/yyyy HH:mm")


def topic_state(result: tuple | None, topic: Topic) -> TopicState:
    """A trainee's state in a topic from the aggregate (used, open, passed, best)."""
    used, open_n, passed, _best = result or (0, 0, False, None)
    return state_of(used, open_n, passed, topic.max_attempts)


def level(rate: float | None) -> str:
    """CSS class of a pass-rate cell on a five-step single-hue scale ("none" without trainees)."""
    if rate is None:
        return "none"
    return str(min(4, int(rate // 20)))


def is_weak(rate: float | None) -> bool:
    return rate is not None and rate < WEAK_RATE


def sort_rows(rows: list[WardRow], key: str, descending: bool, topics: list[Topic]) -> list[WardRow]:
    """Sort the matrix by a column: a ward field, the overall figures or a topic's pass rate (t<n>)."""
    by_number = {str(t.number): t.id for t in topics}

    def value(row: WardRow):
        if key == "name":
            return row.ward.name
        if key in ("trainees", "started"):
            return getattr(row, key)
        if key == "rate":
            return row.total.pass_rate
        if key == "mean":
            return row.total.mean10
        if key.startswith("t") and key[1:] in by_number:
            return row.cells[by_number[key[1:]]].pass_rate
        return row.ward.position

    # Wards without figures go last whichever the direction.
    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    return sorted(present, key=value, reverse=descending) + missing


def weakest_ward(rows: list[WardRow]) -> WardRow | None:
    candidates = [r for r in rows if r.trainees]
    return min(candidates, key=lambda r: r.total.pass_rate) if candidates else None


def weakest_topic(topics: list[Topic], totals: dict[int, Cell]) -> Topic | None:
    candidates = [t for t in topics if totals[t.id].trainees]
    return min(candidates, key=lambda t: totals[t.id].pass_rate) if candidates else None


@dataclass
class Bar:
    label: str
    rate: float
    y: int
    width: float
    level: str
    weak: bool


def chart_bars(rows: list[WardRow], width: float = 100.0, bar_height: int = 18, gap: int = 4) -> list[Bar]:
    """Bars of pass rate per ward, weakest first, in SVG user units (``width`` = 100 %)."""
    ranked = sorted((r for r in rows if r.trainees), key=lambda r: r.total.pass_rate)
    return [
        Bar(
            r.ward.name,
            r.total.pass_rate,
            i * (bar_height + gap),
            width * r.total.pass_rate / 100,
            level(r.total.pass_rate),
            is_weak(r.total.pass_rate),
        )
        for i, r in enumerate(ranked)
    ]

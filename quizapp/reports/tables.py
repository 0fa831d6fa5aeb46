"""Each report as export tables: the same figures as the pages, as plain values."""

from __future__ import annotations

from ..exports import Table
from ..i18n import gettext as _
from ..models import Attempt, AttemptMode, Topic, User, Ward
from ..quiz.rules import grade10
from .item_analysis import ItemResult
from .present import STATE_LABELS, made_at, mode_label, topic_state
from .queries import Overview, TraineeRow, WardRow


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def overview_table(data: Overview) -> Table:
    """One row per ward, then the city; per topic: passed, pass rate, mean best score."""
    headers = [_("Ward"), _("Trainees"), _("Started"), _("Completed all topics"), _("Pass rate (%)")]
    for t in data.topics:
        headers += [
            _("T%(n)d passed", n=t.number),
            _("T%(n)d pass rate (%%)", n=t.number),
            _("T%(n)d mean score", n=t.number),
        ]

    def line(name: str, row: WardRow) -> list:
        values = [name, row.trainees, row.started, row.completed, _r(row.total.pass_rate)]
        for t in data.topics:
            cell = row.cells[t.id]
            values += [cell.passed, _r(cell.pass_rate), _r(cell.mean10)]
        return values

    rows = [line(r.ward.full_name, r) for r in data.rows] + [line(_("Whole city"), data.city)]
    return Table(_("Overview"), headers, rows, widths={0: 24})


def ward_tables(ward: Ward, row: WardRow, trainees: list[TraineeRow], topics: list[Topic]) -> list[Table]:
    """The ward's trainees x topics, then its completion counts per topic."""
    headers = [_("Full name"), _("Username"), _("Class"), _("Position")]
    for t in topics:
        headers += [_("T%(n)d best score", n=t.number), _("T%(n)d attempts", n=t.number), _("T%(n)d state", n=t.number)]
    labels = {state: str(label) for state, label in STATE_LABELS.items()}  # translate once, not per cell
    lines = []
    for tr in trainees:
        values = [
            tr.user.full_name,
            tr.user.username,
            tr.user.cohort.name if tr.user.cohort else "",
            tr.user.position or "",
        ]
        for t in topics:
            result = tr.results.get(t.id)
            best = result[3] if result else None
            values += [
                _r(None if best is None else grade10(best)),
                result[0] if result else 0,
                labels[topic_state(result, t)],
            ]
        lines.append(values)
    people = Table(_("Trainees"), headers, lines, widths={0: 26, 3: 22})
    counts = Table(
        _("Completion"),
        [_("Topic"), _("Trainees"), _("Started"), _("Passed"), _("Pass rate (%)"), _("Mean score")],
        [
            [f"{t.number}. {t.title}", c.trainees, c.started, c.passed, _r(c.pass_rate), _r(c.mean10)]
            for t in topics
            for c in [row.cells[t.id]]
        ],
        widths={0: 40},
    )
    return [people, counts]


def trainee_table(user: User, attempts: list[Attempt]) -> Table:
    """Every attempt of one trainee."""
    headers = [
        _("Topic"),
        _("Attempt"),
        _("Started"),
        _("Finished"),
        _("Minutes taken"),
        _("Correct answers"),
        _("Questions"),
        _("Score (10-point)"),
        _("Result"),
        _("How"),
    ]
    rows = []
    for a in attempts:
        timed = a.finished_at and a.mode == AttemptMode.ONLINE
        minutes = (a.finished_at - a.started_at).total_seconds() / 60 if timed else None
        result = _("Passed") if a.passed else (_("Not passed") if a.score is not None else _("In progress"))
        rows.append(
            [
                a.topic.number,
                a.number,
                made_at(a.started_at),
                made_at(a.finished_at) if a.finished_at else "",
                _r(minutes),
                a.score,
                a.max_score,
                _r(a.grade10),
                result,
                mode_label(a.mode),
            ]
        )
    return Table(_("Attempts"), headers, rows)


def item_table(items: list[ItemResult]) -> Table:
    """One row per question version: statistics, option counts (authored order) and flags."""
    width = max((len(i.options) for i in items), default=0)
    headers = [
        _("Question"),
        _("Version"),
        _("Section"),
        _("Text"),
        _("Times drawn"),
        _("First attempts (n)"),
        _("Facility"),
        _("Discrimination"),
        _("Unanswered"),
    ]
    headers += [_("Option %(label)s", label=chr(ord("A") + k)) for k in range(width)]
    headers.append(_("Flags"))
    rows = []
    for i in items:
        options = [f"{o.count}{' ✓' if o.correct else ''}" for o in i.options]
        options += [""] * (width - len(options))
        rows.append(
            [
                i.ext_id,
                i.version,
                i.section_title,
                i.text,
                i.drawn,
                i.n,
                _r(i.facility, 3),
                _r(i.discrimination, 3),
                i.unanswered,
                *options,
                " | ".join(str(f.message) for f in i.flags),
            ]
        )
    return Table(_("Item analysis"), headers, rows, widths={2: 24, 3: 50})

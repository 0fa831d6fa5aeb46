"""Item statistics as Moodle computes them, from sums that SQL can aggregate at any scale.

For an item drawn in ``n`` first attempts, with x = 1 when answered correctly and T the attempt's
total score, the database returns n, Σx, Σx·T, ΣT and ΣT². From those:

* facility index = Σx / n (share answering correctly);
* discrimination = the corrected item–total correlation: Pearson's r between x and the rest of
  the paper R = T − x, so the item does not correlate with itself. Because x is 0/1, x² = x and
  ΣR = ΣT − Σx, ΣR² = ΣT² − 2Σx·T + Σx, Σx·R = Σx·T − Σx.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..i18n import lazy_gettext as _

#: Facility above which a question tells nothing: nearly everyone gets it right.
TOO_EASY = 0.9
#: Facility below which a question is probably wrong, unclear or untaught.
TOO_HARD = 0.2
#: Discrimination below this separates strong from weak trainees no better than chance; below 0
#: stronger trainees get it wrong more often, the classic sign of a misleading key or wording.
#: Moodle's guidance treats < 0.2 as weak and < 0 as suspect; 0.1 flags only the clear cases.
WEAK_DISCRIMINATION = 0.1
#: Fewer answers than this and the figures are noise.
MIN_ANSWERS = 30


@dataclass(frozen=True)
class ItemSums:
    """Aggregates over the first attempts that drew one item."""

    n: int
    sum_x: float
    sum_xt: float
    sum_t: float
    sum_t2: float


def facility(s: ItemSums) -> float | None:
    """Share of answers that were correct, 0..1 (None without answers)."""
    return s.sum_x / s.n if s.n else None


def discrimination(s: ItemSums) -> float | None:
    """Correlation of the item with the rest of the paper, −1..1 (None when either does not vary)."""
    if s.n < 2:
        return None
    n = s.n
    sum_r = s.sum_t - s.sum_x
    sum_r2 = s.sum_t2 - 2 * s.sum_xt + s.sum_x
    sum_xr = s.sum_xt - s.sum_x
    cov = sum_xr / n - (s.sum_x / n) * (sum_r / n)
    var_x = s.sum_x / n - (s.sum_x / n) ** 2
    var_r = sum_r2 / n - (sum_r / n) ** 2
    if var_x <= 1e-12 or var_r <= 1e-12:
        return None
    return max(-1.0, min(1.0, cov / math.sqrt(var_x * var_r)))


@dataclass
class OptionStat:
    """How often one option (authored order, labelled A, B, …) was chosen."""

    label: str
    text: str
    correct: bool
    count: int = 0
    share: float | None = None


@dataclass
class Flag:
    code: str
    message: str  # a lazy string, translated when shown


@dataclass
class ItemResult:
    """One question version's analysis, ready for the page and the exports."""

    version_id: int
    ext_id: str
    version: int
    qtype: str
    text: str
    section_slug: str
    section_title: str
    n: int
    drawn: int
    unanswered: int
    facility: float | None
    discrimination: float | None
    options: list[OptionStat] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

    @property
    def top_distractor(self) -> OptionStat | None:
        """The wrong option chosen most often (None when no wrong option was chosen)."""
        wrong = [o for o in self.options if not o.correct and o.count]
        return max(wrong, key=lambda o: o.count) if wrong else None


def option_label(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else str(index + 1)


def option_stats(options: list[dict], counts: dict[int, int], n: int) -> list[OptionStat]:
    """Counts per authored option; shares are of all answers (a multiple answer counts each option)."""
    stats = []
    for i, option in enumerate(options):
        count = counts.get(i, 0)
        stats.append(
            OptionStat(
                option_label(i), option.get("text", ""), bool(option.get("correct")), count, count / n if n else None
            )
        )
    return stats


def flags_for(n: int, fac: float | None, disc: float | None, options: list[OptionStat]) -> list[Flag]:
    """Plain-language warnings for the instructor, most important first."""
    found = []
    if n == 0:
        return [Flag("no_answers", _("Not yet answered in any first attempt."))]
    if disc is not None and disc < 0:
        found.append(
            Flag(
                "negative",
                _("Negative discrimination: stronger trainees get it wrong more often. Check the key and the wording."),
            )
        )
    elif disc is not None and disc < WEAK_DISCRIMINATION:
        found.append(Flag("weak", _("Near-zero discrimination: it does not separate stronger from weaker trainees.")))
    if fac is not None and fac > TOO_EASY:
        found.append(Flag("easy", _("Too easy: more than 90 % answer correctly.")))
    if fac is not None and fac < TOO_HARD:
        found.append(Flag("hard", _("Too hard: fewer than 20 % answer correctly.")))
    for option in options:
        if not option.correct and option.count == 0:
            found.append(
                Flag("unused", _("Nobody chose option %(label)s: the distractor does not work.", label=option.label))
            )
    if n < MIN_ANSWERS:
        found.append(Flag("few", _("Too few answers to judge (%(n)d, fewer than 30).", n=n)))
    return found


def analyse(version: dict, sums: ItemSums, counts: dict[int, int], unanswered: int, drawn: int) -> ItemResult:
    """Assemble an item's statistics from its version's details and its aggregates."""
    fac, disc = facility(sums), discrimination(sums)
    options = option_stats(version["options"], counts, sums.n)
    return ItemResult(
        version_id=version["id"],
        ext_id=version["ext_id"],
        version=version["version"],
        qtype=version["type"],
        text=version["text"],
        section_slug=version["section_slug"],
        section_title=version["section_title"],
        n=sums.n,
        drawn=drawn,
        unanswered=unanswered,
        facility=fac,
        discrimination=disc,
        options=options,
        flags=flags_for(sums.n, fac, disc, options),
    )


SORTS = ("discrimination", "facility", "question", "drawn")


def sort_items(items: list[ItemResult], key: str) -> list[ItemResult]:
    """Order for the page; by default the most suspect discrimination first (unknown last)."""
    if key == "facility":
        return sorted(items, key=lambda i: (i.facility is None, i.facility or 0))
    if key == "question":
        return sorted(items, key=lambda i: (i.ext_id, i.version))
    if key == "drawn":
        return sorted(items, key=lambda i: -i.drawn)
    return sorted(items, key=lambda i: (i.discrimination is None, i.discrimination or 0))

"""Drawing a paper: which questions an attempt gets and in what option order. Pure functions.

The draw is stratified: each lesson section gets a share of the paper in proportion to its share of
the bank (largest-remainder rounding). Within a section, questions this trainee has seen fewer times
come first (as Moodle's random questions do); ties are broken at random.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class BankEntry:
    """A drawable question: its identity, its section and the version to show."""

    question_id: int
    section_id: int
    version_id: int


def section_quotas(sizes: Mapping[int, int], n: int) -> dict[int, int]:
    """How many questions each section gets when ``n`` are drawn, proportional to ``sizes``.

    Largest remainder: every section gets floor(n * share), the leftover seats go to the largest
    fractional parts (ties to the bigger section, then the lower id, so the result is stable).
    No quota exceeds its section's size.
    """
    total = sum(sizes.values())
    n = min(n, total)
    if n <= 0:
        return {s: 0 for s in sizes}
    exact = {s: n * size / total for s, size in sizes.items()}
    quotas = {s: int(x) for s, x in exact.items()}
    leftover = n - sum(quotas.values())
    order = sorted(sizes, key=lambda s: (-(exact[s] - quotas[s]), -sizes[s], s))
    for s in order[:leftover]:
        quotas[s] += 1
    return quotas


def draw(
    bank: Sequence[BankEntry],
    n: int,
    seen: Mapping[int, int],
    rng: random.Random,
) -> list[BankEntry]:
    """Choose ``n`` questions from ``bank`` (all of it if smaller), in a shuffled order.

    ``seen`` maps question ids to how many earlier attempts of this trainee showed them.
    """
    by_section: dict[int, list[BankEntry]] = defaultdict(list)
    for entry in bank:
        by_section[entry.section_id].append(entry)
    quotas = section_quotas({s: len(v) for s, v in by_section.items()}, n)
    chosen: list[BankEntry] = []
    for section_id in sorted(by_section):
        candidates = by_section[section_id][:]
        rng.shuffle(candidates)  # random tie-break, then a stable sort keeps it
        candidates.sort(key=lambda e: seen.get(e.question_id, 0))
        chosen.extend(candidates[: quotas[section_id]])
    rng.shuffle(chosen)
    return chosen


def option_order(n_options: int, fixed: bool, rng: random.Random) -> list[int]:
    """The display order of a question's options: shuffled unless the type keeps them fixed."""
    order = list(range(n_options))
    if not fixed:
        rng.shuffle(order)
    return order

"""What a start and a submit need of a question version, asked of the database once per worker.

A start needs each drawn version's type and number of options (to shuffle them); a submit needs
each answered version's type and key (to mark it). An approved version never changes (an edit or
a key correction makes a new one, ``models.content.VersionState``), and a class sitting a quiz
uses the same few dozen versions, so those facts are remembered per worker once read: one query
less per start, and a submit no longer reads and parses every option's text to find the key.
Versions in any other state are read every time.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..models import QuestionVersion, VersionState
from ..models.content import key_of


@dataclass(frozen=True)
class VersionFacts:
    """A version's type, how many options it has, and its key (authored indexes of the right options)."""

    type: str
    n_options: int
    key: frozenset[int]


#: Per database (tests open many in one process): version id -> facts, approved versions only.
_KNOWN: WeakKeyDictionary = WeakKeyDictionary()
#: Versions remembered per database before the memo starts afresh (a course has a few hundred).
MAX_KNOWN = 5000

_VERSION = QuestionVersion.__table__
#: Built once (building a statement costs more than running it).
_FACTS = select(_VERSION.c.id, _VERSION.c.type, _VERSION.c.options, _VERSION.c.state).where(
    _VERSION.c.id.in_(bindparam("b_versions", expanding=True))
)


def version_facts(session: Session, version_ids: Collection[int]) -> dict[int, VersionFacts]:
    """The facts of these versions: remembered ones from memory, the others from the database."""
    known = _KNOWN.setdefault(session.get_bind(), {})
    found = {v: known[v] for v in version_ids if v in known}
    missing = [v for v in version_ids if v not in found]
    if missing:
        if len(known) + len(missing) > MAX_KNOWN:
            known.clear()
        for row in session.execute(_FACTS, {"b_versions": missing}):
            facts = found[row.id] = VersionFacts(row.type, len(row.options), key_of(row.options))
            if row.state == VersionState.APPROVED:
                known[row.id] = facts
    return found

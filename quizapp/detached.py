"""Objects as the ORM would hand them back, made from plain rows: for what every request reads.

The ORM builds its row-loading machinery anew for every query it runs, which costs about twice
the statement itself (~0.16 against ~0.08 ms; bench/README.md, seventh round). The logged-in user
(auth/user_loader.py) and the quiz page (quiz/paper_page.py) are read on every request of their
pages: they read their rows through the connection and make the objects here.

Each object is what the ORM would hand back after loading and detaching it: every column loaded,
the related objects it was given, nothing else (reading any other relationship raises
``DetachedInstanceError``), and outside any session, so a write transaction's commit does not
expire it and load it again (db.py). ``make_transient_to_detached`` is SQLAlchemy's own way to
that state.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict


def columns(entity) -> tuple[tuple[str, sa.Column], ...]:
    """Each column attribute of a mapped class: its key and its column, in the mapper's order."""
    return tuple((attr.key, attr.columns[0]) for attr in sa.inspect(entity).column_attrs)


def detached(entity, columns, values, **related):
    """An instance of ``entity`` as loaded with these column values (and ``related`` objects), detached.

    ``columns``: what ``columns(entity)`` gave, ``values`` in the same order. The values go into the
    instance's dict, as the ORM's own loading puts them there (no events, no history);
    ``make_transient_to_detached`` then marks them all as loaded from the database.
    """
    instance = entity()
    loaded = instance_dict(instance)
    loaded.update(zip((key for key, _ in columns), values, strict=True))
    loaded.update(related)
    make_transient_to_detached(instance)
    return instance

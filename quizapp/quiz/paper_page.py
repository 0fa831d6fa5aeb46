"""The quiz page's attempt with its topic, read as one plain row (the lines follow: fragments.py).

The page is the quiz's most viewed one (every reload, every resumed tab). The ORM's query for the
attempt with its topic built its row-loading machinery on every view; read through the
connection and made into detached objects (detached.py), the same columns cost ~50 µs less a
page (bench/page_parts.py; bench/README.md, ninth round). The attempt holds every column and its
``topic``; nothing else is loaded (``user`` and ``items`` are not: the page needs neither).

Not one statement with the paper's lines joined in: the attempt's and topic's columns then come
back on each of the twenty lines, and their dates and JSON are converted on every row, which cost
more than the lines' own statement.
"""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..detached import columns, detached
from ..models import Attempt, Topic

_ATTEMPT, _TOPIC = columns(Attempt), columns(Topic)


@cache
def statement() -> sa.Select:
    """The attempt's and its topic's columns in one row; built once."""
    return (
        select(*(column for _, column in _ATTEMPT), *(column for _, column in _TOPIC))
        .select_from(Attempt)
        .join(Topic, Topic.id == Attempt.topic_id)
        .where(Attempt.id == bindparam("attempt_id"))
    )


def attempt_with_topic(session: Session, attempt_id: int) -> Attempt | None:
    """The attempt, detached, with its topic; None when there is no such attempt."""
    row = session.connection().execute(statement(), {"attempt_id": attempt_id}).first()
    if row is None:
        return None
    n = len(_ATTEMPT)
    return detached(Attempt, _ATTEMPT, row[:n], topic=detached(Topic, _TOPIC, row[n:]))

"""The quiz page's questions, rendered once per (question version, language) and reused.

A question version never changes once an attempt has shown it (an edit makes a new version), so
its HTML is rendered from ``templates/quiz/_question.html`` once per worker process and language.
A page then only fills in what belongs to the attempt: each question's position, the shuffled
order of its options, the saved answer and its sequence number. Rendering twenty questions with
Jinja on every page view was most of the page's cost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import gettext as _
from ..models import AttemptItem, QuestionVersion
from .question_types import QUESTION_TYPES, to_display

#: Markers for the parts each attempt fills in. Escaped text never contains "<", so only the
#: template can have put them there.
SLOT = {name: Markup(f"<@{name}@>") for name in ("position", "label", "seq", "index", "checked")}
#: Fragments kept per worker before the cache starts afresh (a course has a few hundred versions).
MAX_CACHED = 5000


@dataclass(frozen=True)
class Fragment:
    """A question version's HTML: the head, each option in authored order, the tail."""

    head: str
    options: tuple[str, ...]
    tail: str


@dataclass(frozen=True)
class Paper:
    """An attempt's questions as HTML, in paper order, and how many there are."""

    html: Markup
    count: int


def _cache() -> dict[tuple[int, str], Fragment]:
    return current_app.extensions.setdefault("quiz_fragments", {})


def _label(language: str, position: int) -> str:
    """ "Question 3" in ``language``, escaped: cached too, as twenty translations add up."""
    labels = current_app.extensions.setdefault("quiz_labels", {})
    label = labels.get((language, position))
    if label is None:
        label = labels[language, position] = str(escape(_("Question %(n)d", n=position)))
    return label


def fragments(session: Session, version_ids: Iterable[int], language: str) -> dict[int, Fragment]:
    """The fragments of these question versions in ``language``, rendering those not cached yet."""
    cache = _cache()
    wanted = set(version_ids)
    missing = [v for v in wanted if (v, language) not in cache]
    if missing:
        if len(cache) + len(missing) > MAX_CACHED:
            cache.clear()
        macros = current_app.jinja_env.get_template("quiz/_question.html").module
        rows = session.execute(
            select(QuestionVersion.id, QuestionVersion.type, QuestionVersion.text, QuestionVersion.options).where(
                QuestionVersion.id.in_(missing)
            )
        )
        for row in rows:
            q = {"text": row.text, "multiple": QUESTION_TYPES[row.type].multiple_choice}
            cache[row.id, language] = Fragment(
                head=str(macros.head(q, SLOT)),
                options=tuple(str(macros.option(q, option["text"], SLOT)) for option in row.options),
                tail=str(macros.tail(q, SLOT)),
            )
    return {v: cache[v, language] for v in wanted}


def paper(session: Session, attempt_id: int, language: str) -> Paper:
    """The attempt's questions with its option order and saved answers, from cached fragments."""
    items = session.execute(
        select(
            AttemptItem.position,
            AttemptItem.question_version_id,
            AttemptItem.option_order,
            AttemptItem.selected,
            AttemptItem.seq,
        )
        .where(AttemptItem.attempt_id == attempt_id)
        .order_by(AttemptItem.position)
    ).all()
    found = fragments(session, (item.question_version_id for item in items), language)
    parts = []
    for item in items:
        fragment = found[item.question_version_id]
        position = str(item.position)
        parts.append(
            fragment.head.replace(SLOT["position"], position)
            .replace(SLOT["label"], _label(language, item.position))
            .replace(SLOT["seq"], str(item.seq))
        )
        checked = set(to_display(item.option_order, item.selected))
        for index, authored in enumerate(item.option_order):
            parts.append(
                fragment.options[authored]
                .replace(SLOT["position"], position)
                .replace(SLOT["index"], str(index))
                .replace(SLOT["checked"], "checked" if index in checked else "")
            )
        parts.append(fragment.tail.replace(SLOT["position"], position))
    return Paper(Markup("".join(parts)), len(items))

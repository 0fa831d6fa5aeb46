"""The quiz page's questions, rendered once per (question version, language) and reused.

A question version never changes once an attempt has shown it (an edit makes a new version), so
its HTML is rendered from ``templates/quiz/_question.html`` once per worker process and language.
A page then only fills in what belongs to the attempt: each question's position, the shuffled
order of its options, the saved answer and its sequence number. Rendering twenty questions with
Jinja on every page view was most of the page's cost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..i18n import gettext as _
from ..models import AttemptItem, QuestionVersion
from .question_types import QUESTION_TYPES, to_display

#: Markers for the parts each attempt fills in. Escaped text never contains "<", so only the
#: template can have put them there.
# Safe to mark: constant markers built from the literal names below, no outside data.
SLOT = {name: Markup(f"<@{name}@>") for name in ("position", "label", "seq", "index", "checked")}  # nosec B704
#: Entries kept per worker before the cache starts afresh (a course has a few hundred versions).
MAX_CACHED = 5000


@dataclass(frozen=True)
class Fragment:
    """A question version's HTML: the head, each option in authored order, the tail."""

    head: str
    options: tuple[str, ...]
    tail: str
    #: (authored option, display index, checked) -> that option's HTML with only the position's slot
    #: left, filled as pages ask for it: a page then fills each question's position once, in the
    #: joined question, not three slots in every option (a question of k options has 2k² of these).
    shown: dict[tuple[int, int, bool], str] = field(default_factory=dict, compare=False, repr=False)

    def show(self, authored: int, index: int, checked: bool) -> str:
        """The option ``authored`` at display ``index``, checked or not; its position left as a slot."""
        html = self.shown[authored, index, checked] = (
            self.options[authored]
            .replace(SLOT["index"], str(index))
            .replace(SLOT["checked"], "checked" if checked else "")
        )
        return html


@dataclass(frozen=True)
class Paper:
    """An attempt's questions as HTML, in paper order, how many there are, and the page's texts."""

    html: Markup
    count: int
    #: The page's fixed texts in its language (templates/quiz/_question.html, ``page_texts``).
    texts: Markup


_ITEM = AttemptItem.__table__
#: The paper's lines (for the quiz page and the review), built once (building a statement costs
#: more than running it), read as plain rows through the connection (half the cost of the ORM's rows).
_ITEMS = (
    select(
        _ITEM.c.position,
        _ITEM.c.question_version_id,
        _ITEM.c.option_order,
        _ITEM.c.selected,
        _ITEM.c.seq,
        _ITEM.c.is_correct,
    )
    .where(_ITEM.c.attempt_id == bindparam("attempt_id"))
    .order_by(_ITEM.c.position)
)


def paper_lines(session: Session, attempt_id: int) -> list:
    """The attempt's items as plain rows in paper order: position, version, option order, answer, seq, mark."""
    return session.connection().execute(_ITEMS, {"attempt_id": attempt_id}).all()


@dataclass(frozen=True)
class Line:
    """One line of a paper, with the fields of a ``paper_lines`` row."""

    position: int
    question_version_id: int
    option_order: list[int]
    selected: list[int] | None
    seq: int
    is_correct: bool | None


def new_paper_lines(drawn: Iterable[tuple[int, list[int]]]) -> list[Line]:
    """The lines of a paper just drawn and inserted (``DrawnPaper.lines``): nothing answered or marked.

    What ``paper_lines`` would read back right after the start's insert (the column defaults of
    ``AttemptItem``), so the start's page needs no query (tests/test_quiz_fragments.py compares them).
    """
    return [Line(position, version_id, order, None, 0, None) for position, (version_id, order) in enumerate(drawn, 1)]


def cache() -> dict:
    """This app's cache: (version id, language) -> Fragment, and per language labels and texts.

    quiz/review_fragments.py keeps the review's fragments here too, under keys of their own.
    """
    return current_app.extensions.setdefault("quiz_fragments", {})


def _macros():
    return current_app.jinja_env.get_template("quiz/_question.html").module


def label(language: str, position: int, cached: dict | None = None) -> str:
    """'Question 3' in ``language``, escaped: cached too, as twenty translations add up.

    ``cached``: this app's ``cache()`` when the caller has it (a page asks twenty times).
    """
    cached = cache() if cached is None else cached
    text = cached.get(("label", language, position))
    if text is None:
        text = cached["label", language, position] = str(escape(_("Question %(n)d", n=position)))
    return text


def make_room(cached: dict, adding: int) -> None:
    """Start the cache afresh before it grows past MAX_CACHED entries."""
    if len(cached) + adding > MAX_CACHED:
        cached.clear()


def page_texts(language: str) -> Markup:
    """The quiz page's fixed messages for its script, in ``language``."""
    cached = cache()
    texts = cached.get(("texts", language))
    if texts is None:
        # Safe to mark: the output of an autoescaping Jinja macro over translated catalogue strings.
        texts = cached["texts", language] = Markup(str(_macros().page_texts()))  # nosec B704
    return texts


def fragments(session: Session, version_ids: Iterable[int], language: str) -> dict[int, Fragment]:
    """The fragments of these question versions in ``language``, rendering those not cached yet."""
    cached = cache()
    wanted = set(version_ids)
    missing = [v for v in wanted if (v, language) not in cached]
    if missing:
        make_room(cached, len(missing))
        macros = _macros()
        rows = session.execute(
            select(QuestionVersion.id, QuestionVersion.type, QuestionVersion.text, QuestionVersion.options).where(
                QuestionVersion.id.in_(missing)
            )
        )
        for row in rows:
            q = {"text": row.text, "multiple": QUESTION_TYPES[row.type].multiple_choice}
            cached[row.id, language] = Fragment(
                head=str(macros.head(q, SLOT)),
                options=tuple(str(macros.option(q, option["text"], SLOT)) for option in row.options),
                tail=str(macros.tail(q, SLOT)),
            )
    return {v: cached[v, language] for v in wanted}


def paper(session: Session, attempt_id: int, language: str, lines: list | None = None) -> Paper:
    """The attempt's questions with its option order and saved answers, from cached fragments.

    ``lines``: the paper's lines when the caller has them (a start: ``new_paper_lines``), else read.
    """
    items = lines if lines is not None else paper_lines(session, attempt_id)
    found = fragments(session, (item.question_version_id for item in items), language)
    cached = cache()
    position_slot, label_slot, seq_slot = SLOT["position"], SLOT["label"], SLOT["seq"]
    parts = []
    for item in items:
        fragment = found[item.question_version_id]
        shown = fragment.shown
        checked = set(to_display(item.option_order, item.selected)) if item.selected else ()
        question = [
            fragment.head.replace(label_slot, label(language, item.position, cached)).replace(seq_slot, str(item.seq))
        ]
        for index, authored in enumerate(item.option_order):
            key = (authored, index, index in checked)
            question.append(shown.get(key) or fragment.show(*key))
        question.append(fragment.tail)
        parts.append("".join(question).replace(position_slot, str(item.position)))
    # Safe to mark: the fragments come from autoescaping Jinja macros; the slots get integers and escaped labels.
    return Paper(Markup("".join(parts)), len(items), page_texts(language))  # nosec B704

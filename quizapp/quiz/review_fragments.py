"""The review's questions, rendered once per (question version, language) and reused.

The review was the quiz's heaviest page: twenty questions, each with its options marked, the
explanation, the source and a link to the lesson, rendered by Jinja on every view (~12 ms). Like
the quiz page (quiz/fragments.py, whose cache this shares), a question version never changes once
an attempt has shown it, so its parts are rendered once per worker and language from
``templates/quiz/_review_question.html``: its text, each option twice (chosen by the trainee or
not) and the explanation. A page then joins them in the attempt's option order and adds each
item's opening (its position and whether it was right, wrong or left blank), cached too.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..models import QuestionVersion, Section
from . import fragments

#: The marker for the lesson's address, filled in per page (escaped text never contains "<").
# Safe to mark: a constant marker, no outside data.
LESSON_SLOT = Markup("<@lesson@>")  # nosec B704
#: The tags the parts leave open: the item's <section> (opened by ``opener``) and, when the options
#: are shown, their list (closed by ``explanation``).
CLOSE = "</section>\n"
OPTIONS = '  <ul class="review-options">\n'


@dataclass(frozen=True)
class Explained:
    """A question version's review parts: its text, each option (not chosen, chosen), the explanation."""

    text: str
    options: tuple[tuple[str, str], ...]
    explanation: str


#: What the review shows of each version, built once.
_VERSIONS = (
    select(
        QuestionVersion.id,
        QuestionVersion.text,
        QuestionVersion.options,
        QuestionVersion.explanation,
        QuestionVersion.source,
        Section.slug,
        Section.title.label("section_title"),
    )
    .join(Section, Section.id == QuestionVersion.section_id)
    .where(QuestionVersion.id.in_(bindparam("ids", expanding=True)))
)


def _macros():
    return current_app.jinja_env.get_template("quiz/_review_question.html").module


def _state(item) -> str:
    """How the item went, as the review's badge says it (the grading rule set is_correct)."""
    if item.is_correct:
        return "correct"
    return "wrong" if item.selected else "blank"


def _opener(language: str, position: int, state: str) -> str:
    """An item's opening: its section tag, its label and its badge."""
    cached = fragments.cache()
    key = ("review-opener", language, position, state)
    text = cached.get(key)
    if text is None:
        # Safe to mark: fragments.label escapes the translated label.
        label = Markup(fragments.label(language, position))  # nosec B704
        text = cached[key] = str(_macros().opener(label, state))
    return text


def _explained(session: Session, version_ids: set[int], language: str) -> dict[int, Explained]:
    """The review parts of these versions in ``language``, rendering those not cached yet."""
    cached = fragments.cache()
    missing = [v for v in version_ids if ("review", v, language) not in cached]
    if missing:
        fragments.make_room(cached, len(missing))
        macros = _macros()
        for row in session.execute(_VERSIONS, {"ids": missing}):
            cached["review", row.id, language] = Explained(
                text=str(macros.question_text(row.text)),
                options=tuple(
                    (str(macros.option(option, False)), str(macros.option(option, True))) for option in row.options
                ),
                explanation=str(macros.explanation(row, {"lesson": LESSON_SLOT})),
            )
    return {v: cached["review", v, language] for v in version_ids}


def questions(session: Session, attempt_id: int, language: str, lesson_url: str, explained: bool = True) -> Markup:
    """The attempt's questions as the review shows them, from cached parts.

    ``explained``: every option marked, with the explanation and a link into the lesson at
    ``lesson_url``; otherwise each question's text and whether it was right only (what a manager
    who still sits the topic may see).
    """
    items = fragments.paper_lines(session, attempt_id)
    found = _explained(session, {item.question_version_id for item in items}, language)
    lesson, parts = str(escape(lesson_url)), []
    for item in items:
        part = found[item.question_version_id]
        parts.append(_opener(language, item.position, _state(item)))
        parts.append(part.text)
        if explained:
            chosen = set(item.selected or ())
            parts.append(OPTIONS)
            parts.extend(part.options[index][index in chosen] for index in item.option_order)
            parts.append(part.explanation.replace(LESSON_SLOT, lesson))
        parts.append(CLOSE)
    # Safe to mark: the parts come from autoescaping Jinja macros; the lesson's address is url_for's.
    return Markup("".join(parts))  # nosec B704

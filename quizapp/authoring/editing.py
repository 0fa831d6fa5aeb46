"""Saving what the question editor sends: checked by the loader's rules, stored as a draft, audited.

The edit rule (one pending wording per question at a time):

* no pending version (the question shows only approved wordings) → a new draft version; the
  approved one stays drawn until an admin approves the draft;
* a draft or returned version by the same person → changed in place (no attempt has shown it);
* a pending version by someone else, or a submitted one → refused, saying who holds it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import record
from ..content.rules import read_question
from ..content.specs import QuestionSpec
from ..content.yamlread import LineDict, LineList
from ..i18n import lazy_gettext as _l
from ..models import Question, QuestionVersion, Section, Topic, User, VersionState
from .drafts import EDITABLE, create_question, new_draft, update_draft
from .workflow import WorkflowError

PENDING = (VersionState.DRAFT, VersionState.SUBMITTED, VersionState.RETURNED)
#: The line each field of the editor is given in the LineDict the rules read, so that a problem
#: reported "at line n" lands beside its field. Option row i is "line" i + 1, so "option repeats
#: line 2" names the row as the form numbers it.
FIELD_LINES = {
    "id": 1001,
    "type": 1002,
    "difficulty": 1003,
    "section": 1004,
    "text": 1005,
    "explanation": 1006,
    "source": 1007,
}
OPTIONS_LINE, ANSWER_LINE, OPTION_LINE = 1008, 1009, 1


@dataclass
class OptionRow:
    """One row of the editor's option table: blank rows are dropped, the rest sorted by position."""

    text: str
    correct: bool
    position: float


@dataclass
class EditorInput:
    """What the editor posts, as plain values."""

    ext_id: str
    type: str
    difficulty: str
    section: str
    text: str
    explanation: str
    source: str
    options: list[OptionRow] = field(default_factory=list)
    answer: bool = True  # true_false only


@dataclass
class Checked:
    """The spec when the input passed the rules; otherwise the problems per field."""

    spec: QuestionSpec | None
    errors: dict[str, list[Any]]
    #: The option rows in the order they were checked (blank ones dropped): what the form re-shows.
    rows: list[OptionRow]


class _ByField:
    def __init__(self, lines: dict[int, str]):
        self.lines, self.errors = lines, defaultdict(list)

    def add(self, line: int, message: Any) -> None:
        self.errors[self.lines.get(line, "options")].append(message)


def _mapping(values: dict[str, Any], lines: dict[str, int], line: int) -> LineDict:
    out = LineDict(values)
    out.line, out.key_lines = line, lines
    return out


def check(data: EditorInput, sections: Collection[str]) -> Checked:
    """Check the editor's input with the loader's question rules (``content.rules.read_question``).

    Explanation and source may stay empty, as for an imported draft (``draft=True``); the section
    must be one of ``sections``.
    """
    rows = sorted((r for r in data.options if r.text.strip()), key=lambda r: r.position)
    raw_values: dict[str, Any] = {
        "id": data.ext_id,
        "type": data.type,
        "difficulty": data.difficulty,
        "section": data.section,
        "text": data.text,
        "explanation": data.explanation,
        "source": data.source,
    }
    lines = dict(FIELD_LINES)
    if data.type == "true_false":
        raw_values["answer"] = data.answer
        lines["answer"] = ANSWER_LINE
    else:
        items = LineList(
            _mapping({"text": r.text, "correct": r.correct}, {"text": OPTION_LINE + i}, OPTION_LINE + i)
            for i, r in enumerate(rows)
        )
        items.line, items.item_lines = OPTIONS_LINE, [OPTION_LINE + i for i in range(len(rows))]
        raw_values["options"] = items
        lines["options"] = OPTIONS_LINE
    raw = _mapping(raw_values, lines, 0)
    names = {line: name for name, line in lines.items()} | {OPTION_LINE + i: f"option-{i}" for i in range(len(rows))}
    problems = _ByField(names)
    spec = read_question(raw, 0, set(sections), problems, draft=True)
    if spec is not None and not data.section:
        spec = None
        problems.add(FIELD_LINES["section"], _l("Choose the lesson section."))
    return Checked(spec, dict(problems.errors), rows)


def pending_version(session: Session, question_id: int) -> QuestionVersion | None:
    """The wording waiting beside the approved one (draft, submitted or returned), if any."""
    return session.scalar(
        select(QuestionVersion)
        .where(QuestionVersion.question_id == question_id, QuestionVersion.state.in_(PENDING))
        .order_by(QuestionVersion.version.desc())
        .limit(1)
    )


def editable_by(version: QuestionVersion | None, user: User) -> bool:
    """Whether ``user`` may change the pending ``version`` in place (or start one: None)."""
    return version is None or (version.state in EDITABLE and version.author_id == user.id)


def refusal(version: QuestionVersion | None, user: User):
    """Why ``user`` may not edit while ``version`` is pending (a lazy message), or None when they may."""
    if editable_by(version, user):
        return None
    if version.state == VersionState.SUBMITTED:
        return _l(
            "Version %(v)d is waiting for approval: it can be changed after an administrator returns it.",
            v=version.version,
        )
    return _l(
        "Version %(v)d is being drafted by %(name)s; only they can change it until it is approved.",
        v=version.version,
        name=version.author.full_name if version.author else "?",
    )


def create(session: Session, topic: Topic, section: Section, spec: QuestionSpec, actor: User, note: str) -> Question:
    """A new question whose only version is the actor's draft; audited."""
    question = create_question(session, topic, section, spec, actor, note)
    record(
        session,
        "question.create",
        actor_id=actor.id,
        target_type="question",
        target_id=question.id,
        reason=note or None,
        detail={"ext_id": question.ext_id, "topic": topic.number},
    )
    return question


def edit(
    session: Session, question: Question, section: Section, spec: QuestionSpec, actor: User, note: str
) -> QuestionVersion:
    """Store an edit following the module's rule; audited. Raises WorkflowError when refused."""
    # Lock the question first: two edits at once must not both find "no pending version".
    session.execute(select(Question.id).where(Question.id == question.id).with_for_update())
    pending = pending_version(session, question.id)
    if (message := refusal(pending, actor)) is not None:
        raise WorkflowError(message)
    spec.section = section.slug
    base = pending or question.current_version
    if base is not None and base.content_hash == spec.content_hash and (pending is None or note == pending.change_note):
        raise WorkflowError(_l("Nothing changed: the wording is the same as version %(v)d.", v=base.version))
    if pending is not None:
        update_draft(pending, section, spec, note)
        version, in_place = pending, True
    else:
        version, in_place = new_draft(session, question, section, spec, actor, note), False
    record(
        session,
        "question.edit",
        actor_id=actor.id,
        target_type="question",
        target_id=question.id,
        reason=note or None,
        detail={"version": version.version, "in_place": in_place},
    )
    return version

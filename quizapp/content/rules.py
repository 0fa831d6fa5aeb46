"""The rules one question must follow, wherever it comes from: questions.yaml, an import file, the editor.

:func:`read_question` checks a question given as a :class:`LineDict` (the shape ``questions.yaml``
is read into; the import formats build the same shape) and returns a :class:`QuestionSpec`, or
``None`` after reporting every problem to ``problems.add(line, message)``. Messages are lazy
translations: the command line prints them in English (:func:`english`), pages in Vietnamese.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any, Protocol

from flask_babel import force_locale

from ..i18n import lazy_gettext as _l
from ..quiz.question_types import QUESTION_TYPES, true_false_options
from .specs import QuestionSpec, nfc
from .yamlread import LineDict, LineList

QUESTION_KEYS = {"id", "section", "type", "difficulty", "text", "options", "answer", "explanation", "source"}
OPTION_KEYS = {"text", "correct"}
DIFFICULTIES = ("easy", "medium", "hard")
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
#: Longest accepted text, in characters, per field (the shipped bank stays well below these).
LIMITS = {"text": 2000, "option": 500, "explanation": 4000, "source": 500}


class Problems(Protocol):
    """Where problems go: ``add(line, message)``."""

    def add(self, line: int, message: Any) -> None: ...


def english(message: Any) -> str:
    """A rule's message as the command line and the course files speak it: English."""
    with force_locale("en"):
        return str(message)


def unknown_keys(data: LineDict, allowed: set[str], problems: Problems) -> None:
    """Report each key of ``data`` that is not in ``allowed`` (usually a typo)."""
    for key in data:
        if key not in allowed:
            problems.add(data.line_of(key), _l("unknown key '%(key)s'", key=key))


def required_text(data: LineDict, key: str, problems: Problems, limit: str | None = None) -> str:
    """The NFC text under ``key``; reports it when missing, empty or longer than ``LIMITS[limit or key]``."""
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.add(data.line_of(key), _l("'%(key)s' is required and must be non-empty text", key=key))
        return ""
    text = nfc(value)
    most = LIMITS.get(limit or key)
    if most and len(text) > most:
        problems.add(
            data.line_of(key),
            _l("'%(key)s' is too long: %(n)d characters, at most %(most)d", key=key, n=len(text), most=most),
        )
    return text


class _Counted:
    """Passes problems on and counts them, to know whether the question is clean."""

    def __init__(self, problems: Problems):
        self.problems, self.count = problems, 0

    def add(self, line: int, message: Any) -> None:
        self.count += 1
        self.problems.add(line, message)


def _optional_text(data: LineDict, key: str, problems: Problems) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    return required_text(data, key, problems)


def read_question(
    raw: Any,
    line: int,
    sections: Collection[str] | None,
    problems: Problems,
    *,
    where: str = "",
    draft: bool = False,
) -> QuestionSpec | None:
    """Check one question; return it, or None once every problem is reported.

    ``sections`` are the slugs the question may point at (None: not checked). A ``draft`` (a
    question imported from another format, to be completed in the browser) may lack an id, a
    section, an explanation and a source; everything else is checked as for the course files.
    """
    if not isinstance(raw, LineDict):
        problems.add(line, _l("each question must be a mapping"))
        return None
    counted = _Counted(problems)
    unknown_keys(raw, QUESTION_KEYS, counted)
    qid = raw.get("id", "" if draft else None)
    if not isinstance(qid, str) or not (ID_PATTERN.fullmatch(qid) or (draft and qid == "")):
        counted.add(raw.line_of("id"), _l("'id' is required: letters, digits, '-', '_' or '.', up to 40"))
        qid = ""
    section = raw.get("section")
    if draft and section in (None, ""):
        section = ""  # the importer puts it in the section the instructor chose
    elif not isinstance(section, str) or not section or (sections is not None and section not in sections):
        counted.add(
            raw.line_of("section"),
            _l("section '%(section)s' is not a '## ' heading of this topic's lesson", section=section),
        )
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        counted.add(raw.line_of("type"), _l("'type' must be one of %(types)s", types=", ".join(QUESTION_TYPES)))
    difficulty = raw.get("difficulty", "medium")
    if difficulty not in DIFFICULTIES:
        counted.add(
            raw.line_of("difficulty"), _l("'difficulty' must be one of %(values)s", values=", ".join(DIFFICULTIES))
        )
    text = required_text(raw, "text", counted)
    read_text = _optional_text if draft else required_text
    explanation = read_text(raw, "explanation", counted)
    source = read_text(raw, "source", counted)
    options = _read_options(raw, qtype, counted)
    if counted.count:
        return None
    return QuestionSpec(
        id=qid,
        section=section,
        type=qtype,
        difficulty=difficulty,
        text=text,
        options=options,
        explanation=explanation,
        source=source,
        where=where,
    )


def _read_options(raw: LineDict, qtype: Any, problems: Problems) -> list[dict]:
    if qtype == "true_false":
        if "options" in raw:
            problems.add(raw.line_of("options"), _l("a true_false question takes 'answer', not 'options'"))
        answer = raw.get("answer")
        if not isinstance(answer, bool):
            problems.add(raw.line_of("answer"), _l("'answer' must be true or false"))
            return []
        return true_false_options(answer)
    if "answer" in raw:
        problems.add(raw.line_of("answer"), _l("'answer' is only for true_false questions"))
    items = raw.get("options")
    if not isinstance(items, LineList):
        problems.add(raw.line_of("options"), _l("'options' must be a list"))
        return []
    options = []
    texts: dict[str, int] = {}
    for item, line in zip(items, items.item_lines, strict=True):
        if not isinstance(item, LineDict):
            problems.add(line, _l("each option must be a mapping with 'text' (and 'correct: true')"))
            continue
        unknown_keys(item, OPTION_KEYS, problems)
        text = required_text(item, "text", problems, limit="option")
        correct = item.get("correct", False)
        if not isinstance(correct, bool):
            problems.add(item.line_of("correct"), _l("'correct' must be true or false"))
        key = text.casefold()
        if text and key in texts:
            problems.add(line, _l("option repeats line %(line)d", line=texts[key]))
        texts[key] = line
        options.append({"text": text, "correct": correct is True})
    if qtype in QUESTION_TYPES:
        for message in QUESTION_TYPES[qtype].check_options([o["correct"] for o in options]):
            problems.add(raw.line_of("options"), message)
    return options

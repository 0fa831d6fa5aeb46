"""The Aiken format, and the Word habit of writing ``ĐÁP ÁN: B`` under a question.

    Question text (one or more lines)
    A. first option          (or ``A)``; letters in order)
    B. second option
    ANSWER: B                (or ``ĐÁP ÁN: B`` / ``Đáp án: b`` / ``Dap an: B``)

Read line by line by a state machine (between questions → question text → options → answer).
Blank lines may separate questions but are not required after an answer line. An answer with
several letters (``ĐÁP ÁN: A, C``) makes a multiple-answer question; options exactly "Đúng" and
"Sai" make a true/false one. Aiken carries no explanation, source or difficulty.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from enum import Enum

from ...i18n import lazy_gettext as _l
from ...quiz.question_types import TRUE_FALSE_LABELS
from ..specs import QuestionSpec
from .base import Draft, Export, ParseReport, accept, decode

EXTENSION, MIMETYPE = "txt", "text/plain; charset=utf-8"
OPTION = re.compile(r"^\s*([A-Za-z])[.)]\s+(\S.*)$")
ANSWER = re.compile(r"^\s*(ANSWER|DAP AN)\s*:\s*(.*)$")
#: One letter, or several apart: "A, C", "A; C", "A C", "A và C".
LETTERS = re.compile(r"^[A-Z](?:\s*[,;]\s*[A-Z]|\s+(?:VA\s+|AND\s+)?[A-Z])*$")


class State(Enum):
    BETWEEN = "between questions"
    QUESTION = "question text"
    OPTIONS = "options"
    BROKEN = "a broken question, skipped up to its answer line or a blank line"


def _folded(line: str) -> str:
    """Upper case without diacritics ("Đáp án" → "DAP AN"), to recognise answer lines."""
    decomposed = unicodedata.normalize("NFD", line.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def _answer_value(line: str) -> str | None:
    """What an answer line (``ANSWER: B``, ``Đáp án: B``) gives, stripped; None for any other line."""
    answer = ANSWER.match(_folded(line))
    return answer.group(2).strip() if answer else None


def looks_like(text: str) -> bool:
    """Whether ``text`` (a file's first lines) has an Aiken answer line naming letters: ``ĐÁP ÁN: B``."""
    return any((value := _answer_value(line)) is not None and LETTERS.match(value) for line in text.splitlines())


class _Reader:
    def __init__(self, report: ParseReport, sections: Mapping[str, str] | None):
        self.report = report
        self.slugs = None if sections is None else set(sections)
        self.state = State.BETWEEN
        self.draft: Draft | None = None
        self.text: list[str] = []

    def start(self, number: int, line: str) -> None:
        self.draft, self.text, self.state = Draft(number, "single", ""), [line.strip()], State.QUESTION

    def unanswered(self) -> None:
        """The question being read (if any) ended without an answer line."""
        if self.state is State.OPTIONS and self.draft:
            self.report.error(
                self.draft.line, _l("the question has options but no answer line (ANSWER: B or ĐÁP ÁN: B)")
            )
        elif self.state is State.QUESTION and self.draft:
            self.report.error(self.draft.line, _l("the question has no options (A. …, B. …) and no answer line"))
        self.state, self.draft = State.BETWEEN, None

    def line(self, number: int, line: str) -> None:
        answer = _answer_value(line)
        option = OPTION.match(line)
        if self.state is State.BROKEN:
            if answer is not None or not line.strip():
                self.state = State.BETWEEN
            return
        if not line.strip():
            return  # blank lines may stand anywhere; they never end a question on their own
        if answer is not None:
            self.answer(number, answer)
        elif option and self.state is not State.BETWEEN and self.expects(option.group(1)):
            self.option(number, option.group(1), option.group(2))
        elif self.state is State.QUESTION:
            self.text.append(line.strip())
        elif self.state is State.OPTIONS and option:
            expected = chr(ord("A") + len(self.draft.options))
            letter = option.group(1).upper()
            self.report.error(
                number,
                _l("option %(letter)s is out of order: %(expected)s was expected", letter=letter, expected=expected),
            )
            self.state, self.draft = State.BROKEN, None
        else:
            self.unanswered()
            self.start(number, line)

    def expects(self, letter: str) -> bool:
        count = len(self.draft.options) if self.draft else 0
        return letter.upper() == chr(ord("A") + count)

    def option(self, number: int, letter: str, text: str) -> None:
        assert self.draft is not None
        self.draft.options.append((text.strip(), False, number))
        self.state = State.OPTIONS

    def answer(self, number: int, value: str) -> None:
        draft, state = self.draft, self.state
        self.state, self.draft = State.BETWEEN, None
        if draft is None or state is State.BETWEEN:
            self.report.error(number, _l("an answer line needs a question and its options above it"))
            return
        if state is State.QUESTION:
            self.report.error(draft.line, _l("the question has no options (A. …, B. …) before its answer line"))
            return
        letters = re.findall(r"\b[A-Z]\b", value) if LETTERS.match(value) else []
        if not letters:
            self.report.error(number, _l("the answer line must give the letter of the right option, e.g. ĐÁP ÁN: B"))
            return
        last = chr(ord("A") + len(draft.options) - 1)
        wrong = [x for x in letters if ord(x) - ord("A") >= len(draft.options)]
        if wrong:
            self.report.error(
                number,
                _l("answer %(letter)s is not one of the options A to %(last)s", letter=", ".join(wrong), last=last),
            )
            return
        draft.text = " ".join(self.text)
        draft.options = [(text, chr(ord("A") + k) in letters, line) for k, (text, _, line) in enumerate(draft.options)]
        if len(letters) > 1:
            draft.type = "multiple"
            self.report.warn(
                number, _l("several letters: read as a multiple-answer question (Moodle's Aiken allows one)")
            )
        elif [text.casefold() for text, _, _ in draft.options] == [t.casefold() for t in TRUE_FALSE_LABELS]:
            draft.type, draft.answer = "true_false", draft.options[0][1]
        accept(self.report, draft, self.slugs)


def parse(data: bytes | str, sections: Mapping[str, str] | None = None) -> ParseReport:
    """Read an Aiken file (see the module docstring)."""
    report = ParseReport("aiken")
    reader = _Reader(report, sections)
    for number, line in enumerate(decode(data).split("\n"), start=1):
        reader.line(number, line)
    reader.unanswered()
    return report.finish()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def write(questions: Iterable[QuestionSpec], **_: object) -> Export:
    """An Aiken file of the single-choice and true/false questions; the others are listed as left out."""
    blocks = []
    export = Export(b"", EXTENSION, MIMETYPE)
    for q in questions:
        text = _one_line(q.text)
        if q.type == "multiple":
            export.left_out.append((q.id, _l("Aiken has no multiple-answer questions")))
            continue
        if OPTION.match(text) or _answer_value(text) is not None:
            export.left_out.append((q.id, _l("its text starts like an option or answer line")))
            continue
        lines = [text] + [f"{chr(ord('A') + k)}. {_one_line(o['text'])}" for k, o in enumerate(q.options)]
        key = next(k for k, o in enumerate(q.options) if o["correct"])
        lines.append(f"ANSWER: {chr(ord('A') + key)}")
        blocks.append("\n".join(lines) + "\n")
    export.data = "\n".join(blocks).encode("utf-8")
    export.notes.append(_l("Aiken carries no explanation, source or difficulty: they are left out"))
    export.notes.append(_l("true/false questions are written as single-choice questions with the options Đúng and Sai"))
    return export

"""What every format shares: the parsed question, the report, the export, decoding and checking.

Parsers read text into :class:`ParseReport` (every question that passed the question rules, every
error and skipped item with its line, warnings about what the format could not carry); writers
turn questions into an :class:`Export`. Messages are lazy translations (English msgids, shown in
Vietnamese on pages; ``str()`` outside a request gives the English).
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from slugify import slugify

from ...i18n import lazy_gettext as _l
from ..rules import read_question
from ..specs import QuestionSpec
from ..yamlread import LineDict, LineList

#: Largest file accepted for import, in bytes.
MAX_BYTES = 2 * 1024 * 1024


class Problem(NamedTuple):
    """A message about one line of the file (1-based)."""

    line: int
    message: Any  # a lazy translation; str() renders it


@dataclass
class ParsedQuestion(QuestionSpec):
    """A question read from an import file: a :class:`QuestionSpec` that knows its line.

    ``id`` is the format's own identifier when it has one (native ``id``, Moodle ``idnumber``),
    else ""; ``section`` is a slug of the topic's sections, or "" when the file does not say
    (the importer then uses the section the instructor chose). ``title`` is the GIFT title or
    the Moodle question name, when there is one.
    """

    line: int = 0
    title: str = ""


@dataclass
class ParseReport:
    """The outcome of parsing one file; nothing should be saved unless ``ok``."""

    format: str
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    #: Items the format holds but quizapp cannot (other Moodle question types), with the reason.
    skipped: list[Problem] = field(default_factory=list)
    #: What was read with a loss (partial credit, HTML markup, per-option feedback).
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the whole file parsed: no errors and at least one question."""
        return not self.errors and bool(self.questions)

    @property
    def importable(self) -> list[ParsedQuestion]:
        """The questions to save: all of them when the file is ``ok``, none otherwise."""
        return list(self.questions) if self.ok else []

    def error(self, line: int, message: Any) -> None:
        self.errors.append(Problem(line, message))

    def skip(self, line: int, message: Any) -> None:
        self.skipped.append(Problem(line, message))

    def warn(self, line: int, message: Any) -> None:
        self.warnings.append(Problem(line, message))

    def finish(self) -> ParseReport:
        """Sort every list by line; say so when the file held no question at all."""
        if not self.questions and not self.errors:
            self.error(1, _l("no question was found in the file"))
        for items in (self.errors, self.skipped, self.warnings):
            items.sort(key=lambda p: p.line)
        return self


@dataclass
class Export:
    """A written file and what the format could not carry."""

    data: bytes
    extension: str
    mimetype: str
    #: Questions not written at all: (question id, reason).
    left_out: list[tuple[str, Any]] = field(default_factory=list)
    #: What the written questions lose in this format (sources, difficulty, partial credit…).
    notes: list[Any] = field(default_factory=list)


class FormatError(ValueError):
    """A file that cannot be read at all (size, encoding); ``line`` says where."""

    def __init__(self, line: int, message: Any):
        super().__init__(str(message))
        self.line, self.message = line, message


def decode(data: bytes | str) -> str:
    """UTF-8 (with or without BOM) → NFC text with LF line ends; FormatError for anything else."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > MAX_BYTES:
        raise FormatError(
            1,
            _l(
                "the file is %(size)s MB; at most %(most)s MB can be imported at once: split it into smaller files",
                size=f"{len(data) / 1024 / 1024:.1f}",
                most=MAX_BYTES // 1024 // 1024,
            ),
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FormatError(1, _l("the file is saved as UTF-16; save it as UTF-8 text and try again"))
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FormatError(1, _l("this is a Word or other office file, not text: save it as plain text (UTF-8) first"))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FormatError(
            line,
            _l("line %(line)d is not UTF-8 text (the file uses another encoding): save it as UTF-8", line=line),
        ) from exc
    if "\x00" in text:
        raise FormatError(text[: text.index("\x00")].count("\n") + 1, _l("the file is not text"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def moodle_grade(keys: int) -> str:
    """Each right option's share when ``keys`` are right, as Moodle writes it (its importer
    accepts only its own list of grades: 100, 50, 33.33333, 25, 20, 16.66667, 14.28571, 12.5)."""
    return f"{100 / keys:.5f}".rstrip("0").rstrip(".")


def section_for(name: str, sections: Mapping[str, str] | None) -> str | None:
    """The slug of the section a category or section name means: by slug or by title."""
    if not sections or not name.strip():
        return None
    name = unicodedata.normalize("NFC", name.strip())
    if name in sections:
        return name
    for slug, title in sections.items():
        if title.strip().casefold() == name.casefold() or slugify(name) == slug:
            return slug
    return None


@dataclass
class Draft:
    """A question as a format parser read it, before the question rules check it."""

    line: int
    type: str
    text: str
    #: (text, correct, line) for single/multiple questions.
    options: list[tuple[str, bool, int]] = field(default_factory=list)
    answer: bool | None = None  # true_false
    explanation: str = ""
    source: str = ""
    section: str = ""
    difficulty: str | None = None
    id: str = ""
    title: str = ""

    def raw(self) -> LineDict:
        """The question in the shape the rules read (every key on the question's line)."""
        raw = LineDict(
            type=self.type,
            text=self.text,
            explanation=self.explanation,
            source=self.source,
            section=self.section,
            id=self.id,
        )
        if self.difficulty is not None:
            raw["difficulty"] = self.difficulty
        if self.type == "true_false":
            raw["answer"] = self.answer
        else:
            items = LineList()
            items.line, items.item_lines = self.line, []
            for text, correct, line in self.options:
                item = LineDict(text=text, correct=correct)
                item.line, item.key_lines = line, {}
                items.append(item)
                items.item_lines.append(line)
            raw["options"] = items
        raw.line, raw.key_lines = self.line, {}
        return raw


class _ReportProblems:
    def __init__(self, report: ParseReport):
        self.report = report

    def add(self, line: int, message: Any) -> None:
        self.report.error(line, message)


def accept(
    report: ParseReport,
    draft: Draft | LineDict,
    sections: Collection[str] | None,
    *,
    strict: bool = False,
    line: int = 0,
) -> None:
    """Check a question with the course's rules; keep it in ``report`` or record its errors."""
    raw = draft.raw() if isinstance(draft, Draft) else draft
    line = draft.line if isinstance(draft, Draft) else line
    spec = read_question(raw, line, sections, _ReportProblems(report), where=f"line {line}", draft=not strict)
    if spec is not None:
        title = draft.title if isinstance(draft, Draft) else ""
        report.questions.append(ParsedQuestion(**vars(spec), line=line, title=title))

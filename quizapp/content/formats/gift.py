"""Moodle's GIFT format: blank-line separated questions, answers in braces.

Reading is a small state machine over *cells*: each character of a question block with its line
and whether a backslash escaped it (``\\~ \\= \\# \\{ \\} \\: \\\\`` and ``\\n``), so the grammar
only ever looks at unescaped ``:: { } ~ = # %``. Whole-line ``//`` comments are dropped.

    [::title::] [[html|markdown|plain|moodle]] text {answers [####general feedback]} [text]

``{=right ~wrong}`` is single-choice; ``{~%50%a ~%50%b ~%-100%c}`` (no ``=``) multiple-choice,
right where the weight is positive; ``{T}``, ``{TRUE}``, ``{F}``, ``{FALSE}`` true/false. Short
answer, numerical, matching, essay and description questions are reported as skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from ...i18n import lazy_gettext as _l
from ..specs import QuestionSpec
from .base import Draft, Export, ParseReport, accept, decode, moodle_grade, section_for
from .markup import html_to_text, text_to_html

EXTENSION, MIMETYPE = "gift.txt", "text/plain; charset=utf-8"
ESCAPABLE = {"\\", "~", "=", "#", "{", "}", ":", "n"}
FORMAT_MARKER = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.I)
WEIGHT = re.compile(r"^%(-?\d{1,3}(?:\.\d+)?)%")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class Cell(NamedTuple):
    """One character of a question block."""

    char: str
    line: int
    escaped: bool

    def special(self, char: str) -> bool:
        return self.char == char and not self.escaped


class Cells:
    """A question block's characters (escapes resolved), each with its line and whether it was escaped.

    Kept as one string plus the escaped positions, so searches run at ``str.find`` speed.
    """

    __slots__ = ("chars", "lines", "escaped")

    def __init__(self, chars: str, lines: list[int], escaped: set[int]):
        self.chars, self.lines, self.escaped = chars, lines, escaped

    def __len__(self) -> int:
        return len(self.chars)

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, _ = key.indices(len(self.chars))
            stop = max(start, stop)
            return Cells(
                self.chars[start:stop], self.lines[start:stop], {i - start for i in self.escaped if start <= i < stop}
            )
        key = key % len(self.chars) if key < 0 else key
        return Cell(self.chars[key], self.lines[key], key in self.escaped)


def _blocks(text: str) -> Iterable[list[tuple[int, str]]]:
    """Numbered lines, grouped into questions at blank lines, without ``//`` comment lines."""
    block: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip().startswith("//"):
            continue
        if line.strip():
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _cells(block: list[tuple[int, str]]) -> Cells:
    """The block as cells, escapes resolved (``\\n`` is a line break inside the text)."""
    chars: list[str] = []
    lines: list[int] = []
    escaped: set[int] = set()
    for k, (number, line) in enumerate(block):
        if k:
            chars.append("\n")
            lines.append(number - 1)
        i = 0
        while True:
            slash = line.find("\\", i)
            if slash < 0 or slash + 1 >= len(line):
                chars.append(line[i:])
                lines.extend([number] * (len(line) - i))
                break
            chars.append(line[i:slash])
            lines.extend([number] * (slash - i))
            nxt = line[slash + 1]
            if nxt in ESCAPABLE:
                escaped.add(len(lines))
                chars.append("\n" if nxt == "n" else nxt)
                lines.append(number)
                i = slash + 2
            else:
                chars.append("\\")
                lines.append(number)
                i = slash + 1
    return _strip(Cells("".join(chars), lines, escaped))


def _strip(cells: Cells) -> Cells:
    text, start, end = cells.chars, 0, len(cells.chars)
    while start < end and text[start].isspace() and start not in cells.escaped:
        start += 1
    while end > start and text[end - 1].isspace() and end - 1 not in cells.escaped:
        end -= 1
    return cells if (start, end) == (0, len(text)) else cells[start:end]


def _find(cells: Cells, char: str, start: int = 0) -> int:
    """Index of the first unescaped ``char`` from ``start``, or -1."""
    return _find_run(cells, char, start)


def _find_run(cells: Cells, run: str, start: int = 0, last: bool = False) -> int:
    """Index of the unescaped ``run`` (e.g. ``::``, ``####``); the last one when ``last``."""
    found, i = -1, cells.chars.find(run, start)
    while i >= 0:
        if not any(i + k in cells.escaped for k in range(len(run))):
            if not last:
                return i
            found = i
        i = cells.chars.find(run, i + 1)
    return found


def _text(cells: Cells) -> str:
    """The plain string of ``cells``: raw line breaks fold into spaces, ``\\n`` stays a break."""
    cells = _strip(cells)
    out = list(cells.chars)
    i = cells.chars.find("\n")
    while i >= 0:
        if i not in cells.escaped:
            out[i] = " "
        i = cells.chars.find("\n", i + 1)
    return "\n".join(re.sub(r"[ \t]+", " ", part).strip() for part in "".join(out).split("\n"))


class _Reader:
    """Reads one file; ``markup`` is the current question's text format."""

    def __init__(self, report: ParseReport, sections: Mapping[str, str] | None):
        self.report, self.sections = report, sections
        self.section = ""
        self.markup = "moodle"

    def plain(self, cells: Cells, line: int) -> str:
        text = _text(cells)
        marker = FORMAT_MARKER.match(text)
        markup = marker.group(1).lower() if marker else self.markup
        if marker:
            text = text[marker.end() :].strip()
        if markup != "html":
            return text
        text, lost = html_to_text(text)
        if lost:
            self.report.warn(line, _l("an image or other media was left out: only text is imported"))
        return text

    def category(self, cells: Cells, line: int) -> None:
        path = _text(cells)[len("$CATEGORY:") :].strip()
        name = re.split(r"(?<!/)/(?!/)", path)[-1].replace("//", "/").strip()
        found = section_for(name, self.sections)
        self.section = found or ""
        if self.sections is not None and found is None:
            self.report.warn(
                line,
                _l(
                    "category '%(name)s' is not a section of this topic: "
                    "its questions go to the section chosen for the import",
                    name=name,
                ),
            )

    def question(self, cells: Cells) -> None:
        line = cells[0].line
        title = ""
        if _find_run(cells, "::") == 0:
            end = _find_run(cells, "::", 2)
            if end > 0:
                title = _text(cells[2:end])
                cells = _strip(cells[end + 2 :])
        opening, closing = _find(cells, "{"), _find(cells, "}")
        if opening < 0 and closing < 0:
            self.report.skip(line, _l("a description (text without answers) is not a question"))
            return
        if opening < 0 or closing < opening:
            self.report.error(line, _l("the braces do not match: every '{' needs a '}' after it"))
            return
        if _find(cells, "{", closing + 1) >= 0:
            self.report.error(line, _l("only one answer block '{…}' per question is possible"))
            return
        before, answers, after = cells[:opening], _strip(cells[opening + 1 : closing]), _strip(cells[closing + 1 :])
        marker = FORMAT_MARKER.match(_text(before))
        self.markup = marker.group(1).lower() if marker else "moodle"
        text = self.plain(before, line)
        if after:
            text = f"{text} _____ {self.plain(after, line)}".strip()
        explanation = ""
        feedback = _find_run(answers, "####", last=True)
        if feedback >= 0:
            explanation = self.plain(answers[feedback + 4 :], line)
            answers = _strip(answers[:feedback])
        draft = Draft(line, "", text, explanation=explanation, section=self.section, title=title)
        self.answers(draft, answers)

    def answers(self, draft: Draft, cells: Cells) -> None:
        line = draft.line
        raw = _text(cells)
        if not cells:
            self.report.skip(line, _l("an essay question (no answers) cannot be imported"))
        elif cells[0].special("#"):
            self.report.skip(line, _l("a numerical question cannot be imported"))
        elif _find(cells, "~") >= 0:
            self.choices(draft, cells)
        elif _find(cells, "=") >= 0 and "->" in raw:
            self.report.skip(line, _l("a matching question cannot be imported"))
        else:
            hash_at = _find(cells, "#")
            word = _text(cells[:hash_at] if hash_at >= 0 else cells).upper()
            if word not in TRUE_FALSE:
                self.report.skip(line, _l("a short-answer question cannot be imported"))
                return
            if hash_at >= 0:
                self.report.warn(line, _l("feedback on single options is not kept"))
            draft.type, draft.answer = "true_false", TRUE_FALSE[word]
            accept(self.report, draft, _slugs(self.sections))

    def choices(self, draft: Draft, cells: Cells) -> None:
        starts = [i for i, char in enumerate(cells.chars) if char in "~=" and i not in cells.escaped]
        if _text(cells[: starts[0]]):
            self.report.error(draft.line, _l("text before the first answer: each answer starts with '=' or '~'"))
            return
        single = any(cells[i].char == "=" for i in starts)
        draft.type = "single" if single else "multiple"
        for k, start in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else len(cells)
            body = cells[start + 1 : end]
            hash_at = _find(body, "#")
            if hash_at >= 0:
                self.report.warn(cells[start].line, _l("feedback on single options is not kept"))
                body = body[:hash_at]
            text = _text(body)
            weight = WEIGHT.match(text)
            percent = float(weight.group(1)) if weight else None
            if weight:
                body = body[len(weight.group(0)) :]
            correct = cells[start].char == "=" or (not single and (percent or 0) > 0)
            if single and cells[start].char == "~" and (percent or 0) > 0:
                self.report.warn(
                    cells[start].line, _l("partial credit is not kept: an option with a weight counts as wrong")
                )
            draft.options.append((self.plain(body, cells[start].line), correct, cells[start].line))
        accept(self.report, draft, _slugs(self.sections))


def _slugs(sections: Mapping[str, str] | None) -> set[str] | None:
    return None if sections is None else set(sections)


def parse(data: bytes | str, sections: Mapping[str, str] | None = None) -> ParseReport:
    """Read a GIFT file (see the module docstring for the grammar)."""
    report = ParseReport("gift")
    reader = _Reader(report, sections)
    for block in _blocks(decode(data)):
        cells = _cells(block)
        if not cells:
            continue
        if _text(cells[:10]) == "$CATEGORY:":
            reader.category(cells, cells[0].line)
        else:
            reader.question(cells)
    return report.finish()


def escape(text: str) -> str:
    """``text`` as GIFT HTML: special characters escaped, line breaks as ``<br>``."""
    out = []
    for char in text_to_html(text):
        out.append("\\" + char if char in "\\~=#{}:" else char)
    return "".join(out)


def _category(topic: str, section: str) -> str:
    parts = [p.replace("/", "//") for p in (topic, section) if p]
    return "$CATEGORY: $course$/top/" + "/".join(parts)


def write_question(q: QuestionSpec) -> str:
    """One question in GIFT, with its id as the title and its explanation as general feedback."""
    head = (f"::{escape(q.id)}::" if q.id else "") + "[html]" + escape(q.text)
    feedback = f"####{escape(q.explanation)}" if q.explanation else ""
    if q.type == "true_false":
        return f"{head}{{{'TRUE' if q.options[0]['correct'] else 'FALSE'}{feedback}}}\n"
    if q.type == "single":
        lines = [("=" if o["correct"] else "~") + escape(o["text"]) for o in q.options]
    else:
        keys = sum(o["correct"] for o in q.options)
        right, wrong = f"~%{moodle_grade(keys)}%", "~%-100%"
        lines = [(right if o["correct"] else wrong) + escape(o["text"]) for o in q.options]
    body = "\n".join(f"\t{line}" for line in lines + ([feedback] if feedback else []))
    return f"{head}{{\n{body}\n}}\n"


def write(
    questions: Iterable[QuestionSpec],
    *,
    topic: str = "",
    sections: Mapping[str, str] | None = None,
    statuses: Mapping[str, str] | None = None,
    header: str = "",
) -> Export:
    """A GIFT file: a ``$CATEGORY`` per section (topic/section titles), one block per question."""
    blocks, current = [], None
    if header:
        blocks.append("".join(f"// {line}".rstrip() + "\n" for line in header.splitlines()))
    for q in questions:
        section = (sections or {}).get(q.section, q.section)
        if (topic or section) and section != current:
            blocks.append(_category(topic, section) + "\n")
            current = section
        status = (statuses or {}).get(q.id)
        blocks.append((f"// status: {status}\n" if status else "") + write_question(q))
    export = Export("\n".join(blocks).encode("utf-8"), EXTENSION, MIMETYPE)
    export.notes.append(_l("GIFT carries no source and no difficulty: they are left out"))
    if any(q.type == "multiple" for q in questions):
        export.notes.append(
            _l("Moodle gives partial credit on multiple-answer questions; quizapp marks them all or nothing")
        )
    return export

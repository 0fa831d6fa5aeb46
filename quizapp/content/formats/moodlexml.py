"""Moodle XML: ``<quiz>`` with ``<question type="…">`` elements, as Moodle exports and imports them.

Parsed with defusedxml's SAX reader, which refuses DTDs, entity declarations and external
references (no billion laughs, no XXE), into a small tree that remembers each element's line.
``multichoice`` (``single`` true/false, answers with a ``fraction``) and ``truefalse`` are read;
``category`` sets the section of the questions after it; every other type is reported as skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.saxutils import escape

import defusedxml.sax
from defusedxml import DefusedXmlException

from ...i18n import lazy_gettext as _l
from ..rules import ID_PATTERN
from ..specs import QuestionSpec
from .base import Draft, Export, ParseReport, accept, decode, moodle_grade, section_for
from .markup import html_to_text, text_to_html

EXTENSION, MIMETYPE = "xml", "application/xml; charset=utf-8"
ENCODING = re.compile(r"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
TRUE_WORDS = {"true", "đúng", "1"}
FALSE_WORDS = {"false", "sai", "0"}


@dataclass
class Node:
    """An XML element with the line it starts on."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    def find(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    @property
    def string(self) -> str:
        return "".join(self.parts)

    def text(self, tag: str) -> tuple[str, str]:
        """(text, format) of a child like ``<questiontext format="html"><text>…</text>``."""
        child = self.find(tag)
        if child is None:
            return "", ""
        inner = child.find("text")
        return (inner.string if inner is not None else child.string), child.attrs.get("format", "moodle_auto_format")


class _Builder(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[Node] = []
        self.root: Node | None = None
        self.locator = None

    def setDocumentLocator(self, locator) -> None:  # noqa: N802 (SAX's name)
        self.locator = locator

    @property
    def line(self) -> int:
        return self.locator.getLineNumber() if self.locator else 1

    def startElement(self, name, attrs) -> None:  # noqa: N802
        node = Node(name, dict(attrs), self.line)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def endElement(self, name) -> None:  # noqa: N802
        self.stack.pop()

    def characters(self, content) -> None:
        if self.stack:
            self.stack[-1].parts.append(content)


def read_tree(text: str) -> Node:
    """Parse XML text into Nodes; raises XmlError with the line on anything unsafe or malformed."""
    declared = ENCODING.match(text)
    if declared and declared.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise XmlError(1, _l("the file declares the encoding %(name)s: only UTF-8 is accepted", name=declared.group(1)))
    builder = _Builder()
    try:
        defusedxml.sax.parseString(text.encode("utf-8"), builder, forbid_dtd=True)
    except SAXParseException as exc:
        line = exc.getLineNumber()
        raise XmlError(line, _l("the XML is not well-formed: %(problem)s", problem=exc.getMessage())) from exc
    except DefusedXmlException as exc:
        raise XmlError(
            builder.line, _l("the XML uses a DTD or entity declarations, which are refused for safety")
        ) from exc
    assert builder.root is not None
    return builder.root


class XmlError(ValueError):
    def __init__(self, line: int, message):
        super().__init__(str(message))
        self.line, self.message = line, message


class _Reader:
    def __init__(self, report: ParseReport, sections: Mapping[str, str] | None):
        self.report, self.sections = report, sections
        self.slugs = None if sections is None else set(sections)
        self.section = ""

    def plain(self, value: tuple[str, str], line: int) -> str:
        text, markup = value
        if markup != "html":
            return text.strip()
        text, lost = html_to_text(text)
        if lost:
            self.report.warn(line, _l("an image or other media was left out: only text is imported"))
        return text

    def category(self, node: Node) -> None:
        path = self.plain(node.text("category"), node.line)
        name = re.split(r"(?<!/)/(?!/)", path)[-1].replace("//", "/").strip()
        found = section_for(name, self.sections)
        self.section = found or ""
        if self.sections is not None and found is None and name not in ("", "top", "$course$"):
            self.report.warn(
                node.line,
                _l(
                    "category '%(name)s' is not a section of this topic: "
                    "its questions go to the section chosen for the import",
                    name=name,
                ),
            )

    def question(self, node: Node) -> None:
        kind = node.attrs.get("type", "")
        if kind == "category":
            self.category(node)
            return
        if kind not in ("multichoice", "truefalse"):
            self.report.skip(node.line, _l("a Moodle question of type '%(type)s' cannot be imported", type=kind))
            return
        idnumber = node.find("idnumber")
        ext_id = idnumber.string.strip() if idnumber is not None else ""
        if ext_id and not ID_PATTERN.fullmatch(ext_id):
            self.report.warn(
                idnumber.line,
                _l(
                    "idnumber '%(id)s' cannot be a quizapp id (letters, digits, '-', '_', '.'): it is not kept",
                    id=ext_id,
                ),
            )
            ext_id = ""
        draft = Draft(
            node.line,
            "single",
            self.plain(node.text("questiontext"), node.line),
            explanation=self.plain(node.text("generalfeedback"), node.line),
            section=self.section,
            id=ext_id,
            title=self.plain(node.text("name"), node.line),
        )
        answers = []
        for answer in node.all("answer"):
            try:
                fraction = float(answer.attrs.get("fraction", "0"))
            except ValueError:
                self.report.error(answer.line, _l("the answer's fraction must be a number from -100 to 100"))
                return
            inner = answer.find("text")
            text = self.plain((inner.string if inner else "", answer.attrs.get("format", "")), answer.line)
            if answer.text("feedback")[0].strip():
                self.report.warn(answer.line, _l("feedback on single options is not kept"))
            answers.append((text, fraction, answer.line))
        if kind == "truefalse":
            right = [text.casefold() for text, fraction, _ in answers if fraction >= 100]
            if len(right) != 1 or right[0] not in TRUE_WORDS | FALSE_WORDS:
                self.report.error(
                    node.line, _l("a true/false question needs one answer 'true' or 'false' with fraction 100")
                )
                return
            draft.type, draft.answer = "true_false", right[0] in TRUE_WORDS
        else:
            flag = node.find("single")
            single = (flag.string.strip().lower() if flag else "true") in ("true", "1")
            draft.type = "single" if single else "multiple"
            for text, fraction, line in answers:
                if single and 0 < fraction < 100:
                    self.report.warn(line, _l("partial credit is not kept: an option with a weight counts as wrong"))
                draft.options.append((text, fraction >= 100 if single else fraction > 0, line))
        accept(self.report, draft, self.slugs)


def parse(data: bytes | str, sections: Mapping[str, str] | None = None) -> ParseReport:
    """Read a Moodle XML question file (see the module docstring)."""
    report = ParseReport("moodle_xml")
    text = decode(data)
    if not text.strip():
        return report.finish()
    try:
        root = read_tree(text)
    except XmlError as exc:
        report.error(exc.line, exc.message)
        return report
    if root.tag != "quiz":
        report.error(root.line, _l("the file is not a Moodle XML question file: its first element must be <quiz>"))
        return report
    reader = _Reader(report, sections)
    for node in root.all("question"):
        reader.question(node)
    return report.finish()


def _cdata(text: str) -> str:
    return f"<![CDATA[{text_to_html(text)}]]>" if text else ""


def _rich(tag: str, text: str, indent: str = "    ") -> str:
    return f'{indent}<{tag} format="html"><text>{_cdata(text)}</text></{tag}>\n'


def _answer(fraction: str, text: str, markup: str = "html") -> str:
    body = _cdata(text) if markup == "html" else escape(text)
    return (
        f'    <answer fraction="{fraction}" format="{markup}">\n      <text>{body}</text>\n'
        f'      <feedback format="html"><text></text></feedback>\n    </answer>\n'
    )


def write_question(q: QuestionSpec) -> str:
    """One ``<question>``: multichoice (single or multiple) or truefalse, the id as name and idnumber."""
    name = q.id or " ".join(q.text.split())[:60]
    kind = "truefalse" if q.type == "true_false" else "multichoice"
    out = [f'  <question type="{kind}">\n', f"    <name><text>{escape(name)}</text></name>\n"]
    out.append(_rich("questiontext", q.text))
    out.append(_rich("generalfeedback", q.explanation))
    out.append("    <defaultgrade>1</defaultgrade>\n")
    out.append(f"    <penalty>{'1' if kind == 'truefalse' else '0.3333333'}</penalty>\n")
    out.append("    <hidden>0</hidden>\n")
    if q.id:
        out.append(f"    <idnumber>{escape(q.id)}</idnumber>\n")
    if kind == "truefalse":
        right = q.options[0]["correct"]
        out.append(_answer("100" if right else "0", "true", "moodle_auto_format"))
        out.append(_answer("0" if right else "100", "false", "moodle_auto_format"))
    else:
        single = q.type == "single"
        keys = sum(o["correct"] for o in q.options)
        out.append(f"    <single>{'true' if single else 'false'}</single>\n")
        out.append("    <shuffleanswers>true</shuffleanswers>\n    <answernumbering>abc</answernumbering>\n")
        for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
            out.append(_rich(tag, ""))
        for option in q.options:
            if single:
                fraction = "100" if option["correct"] else "0"
            else:
                fraction = moodle_grade(keys) if option["correct"] else "-100"
            out.append(_answer(fraction, option["text"]))
    out.append("  </question>\n")
    return "".join(out)


def _comment(text: str) -> str:
    """Text that may stand inside an XML comment (which cannot hold "--")."""
    return re.sub(r"-(?=-)", "- ", text).rstrip("-")


def _category(path: str) -> str:
    return (
        f'  <question type="category">\n    <category><text>{escape(path)}</text></category>\n'
        f'    <info format="html"><text></text></info>\n  </question>\n'
    )


def write(
    questions: Iterable[QuestionSpec],
    *,
    topic: str = "",
    sections: Mapping[str, str] | None = None,
    statuses: Mapping[str, str] | None = None,
    header: str = "",
) -> Export:
    """A Moodle XML file: a category per section ($course$/top/topic/section), then its questions."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    out += [f"<!-- {_comment(line)} -->\n" for line in header.splitlines()]
    out.append("<quiz>\n")
    current = None
    for q in questions:
        section = (sections or {}).get(q.section, q.section)
        if (topic or section) and section != current:
            parts = [p.replace("/", "//") for p in (topic, section) if p]
            out.append(_category("$course$/top/" + "/".join(parts)))
            current = section
        status = (statuses or {}).get(q.id)
        if status:
            out.append(f"  <!-- status: {_comment(status)} -->\n")
        out.append(write_question(q))
    out.append("</quiz>\n")
    export = Export("".join(out).encode("utf-8"), EXTENSION, MIMETYPE)
    export.notes.append(_l("Moodle XML carries no source and no difficulty: they are left out"))
    if any(q.type == "multiple" for q in questions):
        export.notes.append(
            _l("Moodle gives partial credit on multiple-answer questions; quizapp marks them all or nothing")
        )
    return export

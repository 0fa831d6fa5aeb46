"""The native format: a ``questions.yaml`` bank (questions/README.md), read with the loader's rules.

The writer prints the layout of the shipped files (double-quoted text, one blank line between
questions), so an exported topic can replace its ``questions.yaml`` and ``content import
--dry-run`` finds nothing changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import yaml

from ...i18n import lazy_gettext as _l
from ..specs import QuestionSpec
from ..yamlread import LineDict, LineList, YamlError, load_yaml
from .base import Export, ParseReport, accept, decode

EXTENSION, MIMETYPE = "yaml", "application/yaml; charset=utf-8"


def parse(data: bytes | str, sections: Mapping[str, str] | None = None) -> ParseReport:
    """Read a questions.yaml file; every question is checked exactly as ``content import`` checks it."""
    report = ParseReport("yaml")
    text = decode(data)
    try:
        items = load_yaml(text)
    except YamlError as exc:
        report.error(exc.line, _l("not valid YAML: %(problem)s", problem=str(exc).removeprefix("invalid YAML: ")))
        return report.finish()
    if items is None:
        return report.finish()
    if not isinstance(items, LineList):
        report.error(getattr(items, "line", 1), _l("questions.yaml must be a list of questions"))
        return report.finish()
    seen: dict[str, int] = {}
    for raw, line in zip(items, items.item_lines, strict=True):
        before = len(report.questions)
        accept(report, raw, None if sections is None else set(sections), strict=True, line=line)
        qid = raw.get("id") if isinstance(raw, LineDict) else None
        if isinstance(qid, str) and qid in seen:
            report.error(raw.line_of("id"), _l("id '%(id)s' is already used at line %(line)d", id=qid, line=seen[qid]))
            del report.questions[before:]
        elif isinstance(qid, str):
            seen[qid] = line
    return report.finish()


def _scalar(value: str) -> str:
    """A plain YAML scalar when it reads back as this very string, else a quoted one."""
    try:
        plain = yaml.safe_load(value) == value and "\n" not in value and value.strip() == value
    except yaml.YAMLError:
        plain = False
    return value if plain and value else _quoted(value)


def _quoted(value: str) -> str:
    """A double-quoted YAML scalar (JSON's escapes, plus the characters YAML may not hold raw)."""
    out = json.dumps(value, ensure_ascii=False)
    special = {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P", "\x7f": "\\x7F", "\ufeff": "\\uFEFF"}
    return "".join(special.get(c, f"\\x{ord(c):02X}" if 0x80 <= ord(c) < 0xA0 else c) for c in out)


def _question(q: QuestionSpec) -> str:
    lines = [
        f"- id: {_scalar(q.id)}",
        f"  section: {_scalar(q.section)}",
        f"  type: {q.type}",
        f"  difficulty: {q.difficulty}",
        f"  text: {_quoted(q.text)}",
    ]
    if q.type == "true_false":
        lines.append(f"  answer: {'true' if q.options[0]['correct'] else 'false'}")
    else:
        lines.append("  options:")
        for option in q.options:
            lines.append(f"    - text: {_quoted(option['text'])}")
            if option["correct"]:
                lines.append("      correct: true")
    lines.append(f"  explanation: {_quoted(q.explanation)}")
    lines.append(f"  source: {_quoted(q.source)}")
    return "\n".join(lines) + "\n"


def write(
    questions: Iterable[QuestionSpec], *, header: str = "", statuses: Mapping[str, str] | None = None, **_: object
) -> Export:
    """A questions.yaml for ``questions``; ``header`` and ``statuses`` become comments, which the loader ignores."""
    questions = list(questions)
    blocks = []
    for q in questions:
        status = (statuses or {}).get(q.id)
        blocks.append((f"# status: {status}\n" if status else "") + _question(q))
    head = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    body = (head + "\n" if head else "") + "\n".join(blocks)
    export = Export(body.encode("utf-8"), EXTENSION, MIMETYPE)
    incomplete = sum(1 for q in questions if not (q.id and q.section and q.explanation and q.source))
    if incomplete:
        export.notes.append(
            _l(
                "%(n)d questions lack an id, section, explanation or source: content import refuses them until "
                "they are filled in",
                n=incomplete,
            )
        )
    return export

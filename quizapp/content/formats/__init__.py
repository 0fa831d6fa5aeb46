"""Question-bank file formats: read them into checked questions, write questions out.

Pure functions over bytes and plain values (no Flask request, no database)::

    report = parse(data, "gift", sections={"hinh-thuc-ky-luat": "Hình thức kỷ luật"})
    if report.ok:
        save(report.importable)      # ParsedQuestion: a QuestionSpec with .line and .title
    else:
        show(report.errors)          # [Problem(line, message)], messages translate when shown

    export = write("moodle_xml", questions, topic="Chuyên đề 2", sections=titles_by_slug)
    file_response(export.data, f"chuyen-de-2.{export.extension}", export.mimetype)

Formats: ``yaml`` (native questions.yaml), ``gift``, ``aiken`` (also ``ĐÁP ÁN:``) and
``moodle_xml``. Every question is checked with the course's rules (``content/rules.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ...i18n import lazy_gettext as _l
from ..specs import QuestionSpec
from . import aiken, gift, moodlexml, native
from .base import MAX_BYTES, Export, FormatError, ParsedQuestion, ParseReport, Problem, decode

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "Export",
    "Format",
    "FormatError",
    "ParseReport",
    "ParsedQuestion",
    "Problem",
    "decode",
    "guess_format",
    "parse",
    "write",
]


@dataclass(frozen=True)
class Format:
    """One file format: its name in forms and URLs, label, file extension and functions."""

    name: str
    label: object
    extension: str
    parse: Callable[..., ParseReport]
    write: Callable[..., Export]


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("yaml", _l("Native (questions.yaml)"), native.EXTENSION, native.parse, native.write),
        Format("gift", _l("GIFT (Moodle)"), gift.EXTENSION, gift.parse, gift.write),
        Format("aiken", _l("Aiken (also ĐÁP ÁN:)"), aiken.EXTENSION, aiken.parse, aiken.write),
        Format("moodle_xml", _l("Moodle XML"), moodlexml.EXTENSION, moodlexml.parse, moodlexml.write),
    )
}


def parse(data: bytes | str, fmt: str, *, sections: Mapping[str, str] | None = None) -> ParseReport:
    """Parse an uploaded file in format ``fmt``; ``sections`` maps the topic's section slugs to titles.

    Never raises on bad input: a file that cannot be read at all (too large, not UTF-8) comes back
    as a report with one error. Sections named in the file (native ``section``, GIFT and Moodle
    categories) are matched by slug or title; questions without one get ``section == ""``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown question format {fmt!r}")
    try:
        return FORMATS[fmt].parse(data, sections=sections)
    except FormatError as exc:
        report = ParseReport(fmt)
        report.error(exc.line, exc.message)
        return report


def write(
    fmt: str,
    questions: Iterable[QuestionSpec],
    *,
    topic: str = "",
    sections: Mapping[str, str] | None = None,
    statuses: Mapping[str, str] | None = None,
    header: str = "",
) -> Export:
    """Write ``questions`` (QuestionSpec or anything with the same attributes) in format ``fmt``.

    ``topic`` and ``sections`` (slug → title) name the Moodle categories and GIFT ``$CATEGORY``;
    ``statuses`` (id → status) and ``header`` (a few lines: what, when, by whom) are written as
    comments where the format has comments (not Aiken).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown question format {fmt!r}")
    return FORMATS[fmt].write(list(questions), topic=topic, sections=sections or {}, statuses=statuses, header=header)


def guess_format(filename: str, data: bytes) -> str | None:
    """The likely format of an upload, from its extension and first bytes (None: ask the user)."""
    name = filename.lower()
    head = data[:4096].decode("utf-8", "replace")
    if name.endswith((".yaml", ".yml")):
        return "yaml"
    if name.endswith(".xml") or head.lstrip("\ufeff \r\n\t").startswith("<"):
        return "moodle_xml"
    if name.endswith(".gift"):
        return "gift"
    # An answer line makes it Aiken even when a question's text holds a brace; else a brace is GIFT's answers.
    if aiken.looks_like(head):
        return "aiken"
    if "{" in head:
        return "gift"
    if name.endswith(".txt"):
        return "aiken"
    return None

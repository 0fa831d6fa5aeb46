"""A lesson file: Markdown whose `## ` headings start sections (see questions/README.md)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from slugify import slugify

from ..i18n import lazy_gettext as _l
from .specs import SectionSpec, nfc

HEADING = re.compile(r"^##\s+(?P<title>.+?)\s*(?:\{#(?P<slug>[a-z0-9-]+)\})?\s*$")


def section_slug(title: str) -> str:
    """The default slug of a heading: no diacritics, lower case, words joined by '-'."""
    return slugify(title)


def read_lesson(path: Path, errors) -> tuple[str, list[SectionSpec]]:
    """Split a lesson file into its introduction and sections; problems go to ``errors``."""

    if not path.is_file():
        errors.add(path, 0, "file is missing")
        return "", []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        errors.add(path, 1, f"not UTF-8 text ({exc.reason})")
        return "", []
    return split_lesson(text, lambda line, message: errors.add(path, line, message))


def split_lesson(text: str, problem: Callable[[int, Any], None]) -> tuple[str, list[SectionSpec]]:
    """Split lesson Markdown into its introduction and sections (the file's rules, also the editor's).

    ``problem(line, message)`` receives each problem as a lazy translation.
    """
    lines = text.splitlines()
    intro: list[str] = []
    sections: list[SectionSpec] = []
    body: list[str] = intro
    seen: dict[str, int] = {}
    in_fence = False
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if not in_fence and number == 1 and line.startswith("# "):
            continue  # the title comes from topic.yaml
        match = None if in_fence else HEADING.match(line)
        if match:
            title = nfc(match["title"])
            slug = match["slug"] or section_slug(title)
            if not slug:
                problem(number, _l("a section heading needs text"))
                continue
            if slug in seen:
                problem(number, _l("section slug '%(slug)s' repeats line %(line)d", slug=slug, line=seen[slug]))
            seen[slug] = number
            body = []
            sections.append(SectionSpec(slug=slug, title=title, position=len(sections), body_md=""))
            sections[-1]._body = body  # type: ignore[attr-defined]
            continue
        body.append(line)
    for section in sections:
        section.body_md = nfc("\n".join(section._body))  # type: ignore[attr-defined]
        del section._body  # type: ignore[attr-defined]
    if not sections:
        problem(1, _l("the lesson has no '## ' sections"))
    return nfc("\n".join(intro)), sections


def lesson_markdown(intro_md: str, sections: Iterable) -> str:
    """:func:`join_lesson` over sections with ``slug``, ``title`` and ``body_md`` (specs or rows), in order."""
    return join_lesson(intro_md, [(s.slug, s.title, s.body_md) for s in sections])


def join_lesson(intro_md: str, sections: list[tuple[str, str, str]]) -> str:
    """The Markdown that :func:`split_lesson` reads back as ``intro_md`` and (slug, title, body) sections."""
    parts = [intro_md.strip()] if intro_md.strip() else []
    for slug, title, body in sections:
        anchor = "" if section_slug(title) == slug else f" {{#{slug}}}"
        parts.append(f"## {title}{anchor}" + (f"\n\n{body.strip()}" if body.strip() else ""))
    return "\n\n".join(parts) + "\n"

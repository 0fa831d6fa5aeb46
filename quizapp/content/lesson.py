"""A lesson file: Markdown whose `## ` headings start sections (see questions/README.md)."""

from __future__ import annotations

import re
from pathlib import Path

from slugify import slugify

from .specs import SectionSpec, nfc

HEADING = re.compile(r"^##\s+(?P<title>.+?)\s*(?:\{#(?P<slug>[a-z0-9-]+)\})?\s*$")


def section_slug(title: str) -> str:
    """The default slug of a heading: no diacritics, lower case, words joined by '-'."""
    return slugify(title)


def read_lesson(path: Path, errors) -> tuple[str, list[SectionSpec]]:
    """Split a lesson into its introduction and sections; problems go to ``errors``."""

    if not path.is_file():
        errors.add(path, 0, "file is missing")
        return "", []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        errors.add(path, 1, f"not UTF-8 text ({exc.reason})")
        return "", []
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
                errors.add(path, number, "a section heading needs text")
                continue
            if slug in seen:
                errors.add(path, number, f"section slug '{slug}' repeats line {seen[slug]}")
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
        errors.add(path, 1, "the lesson has no '## ' sections")
    return nfc("\n".join(intro)), sections

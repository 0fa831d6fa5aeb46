"""Lesson Markdown to safe HTML."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"typographer": False}).enable("table")

_ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "code",
    "pre",
    "a",
    "sup",
    "sub",
}


@lru_cache(maxsize=512)
def render_markdown(text: str) -> Markup:
    """Render Markdown and strip anything but plain formatting (drafts come from browsers)."""
    html = _md.render(text or "")
    # Safe to mark: nh3 has just removed every tag and attribute outside the allow-list.
    return Markup(  # nosec B704
        nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}})
    )

"""HTML in, plain text out (and back): question text in quizapp is plain text, shown as text."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol"}
_DROPPED = {"script", "style", "head", "title"}
_LOST = {"img", "audio", "video", "object", "embed", "iframe", "svg", "math"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.lost = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _DROPPED:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in _LOST:
            self.lost = True

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data.replace("\n", " "))  # source line breaks are spaces in HTML


def html_to_text(markup: str) -> tuple[str, bool]:
    """The text a reader sees in ``markup``, one line per paragraph; True if media was dropped."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(parser.parts).split("\n")]
    return "\n".join(line for line in lines if line), parser.lost


def text_to_html(text: str) -> str:
    """Plain text as HTML that shows exactly that text."""
    return html.escape(text, quote=False).replace("\n", "<br>")

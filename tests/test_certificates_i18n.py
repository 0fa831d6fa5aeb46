"""The certificates catalogue: every UI string of the area has a Vietnamese translation."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).parent.parent / "quizapp"
PO = ROOT / "certificates" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
METHODS = [("**.py", "python"), ("**.html", "jinja2")]
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None}


def catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="vi")


def used_msgids() -> set[str]:
    found = set()
    for folder in (ROOT / "certificates", ROOT / "templates" / "certificates"):
        for _file, _line, message, _comments, _context in extract_from_dir(folder, METHODS, keywords=KEYWORDS):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_msgid_has_a_vietnamese_translation():
    translated = {m.id: m.string for m in catalog() if m.id and m.string and not m.fuzzy}
    used = used_msgids()
    assert len(used) > 50
    assert sorted(used - set(translated)) == []


def test_translations_keep_their_placeholders():
    for message in catalog():
        if message.id:
            assert sorted(re.findall(r"%\(\w+\)[sd]", message.id)) == sorted(
                re.findall(r"%\(\w+\)[sd]", message.string)
            ), message.id

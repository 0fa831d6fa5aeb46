"""Every English msgid of the reports area has a Vietnamese translation, and pages show it."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from quizapp.models import Role

ROOT = Path(__file__).resolve().parent.parent / "quizapp"
PO = ROOT / "reports" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}


def _used_msgids() -> set[str]:
    found = set()
    for folder, method in (
        (ROOT / "reports", [("**.py", "python")]),
        (ROOT / "templates" / "reports", [("**.html", "jinja2")]),
    ):
        for _file, _line, message, _comments, _ctx in extract_from_dir(folder, method, keywords=KEYWORDS):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_report_message_is_translated():
    with PO.open("rb") as f:
        catalog = read_po(f)
    translated = {m.id for m in catalog if m.id and m.string}
    missing = sorted(_used_msgids() - translated)
    assert not missing, missing


def test_pages_are_vietnamese_by_default(make_app, tmp_path, make, login):
    # Compile the catalogue into a temporary folder so the test needs no build step.
    target = tmp_path / "tr" / "vi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with PO.open("rb") as f, (target / "messages.mo").open("wb") as out:
        write_mo(out, read_po(f))
    app = make_app(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path / "tr"))
    client = app.test_client()
    make.app = app
    make.topic(number=1)
    login(make.user(role=Role.INSTRUCTOR), client)
    page = client.get("/reports").get_data(as_text=True)
    assert "Kết quả theo phường, xã và chuyên đề" in page
    assert "Phân tích câu hỏi" in client.get("/reports/topics/1").get_data(as_text=True)

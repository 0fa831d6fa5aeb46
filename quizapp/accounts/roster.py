"""Roster import: a CSV or XLSX list of trainees becomes accounts, all or nothing.

Columns (header names in Vietnamese or English, any order, case and accents ignored):
full name (required), ward (required: code or name, with or without "phường"/"xã"), class,
position, username (generated when empty), role (trainee by default).

The CLI (``users import``) and the admin pages (/admin/users/import) share these functions:
:func:`read_roster` reads and limits the file, :func:`plan_import` checks every row against the
database and the file (errors block the import, warnings do not), :func:`commit_import` writes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from slugify import slugify
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..audit import record
from ..auth.passwords import generate_password
from ..exports import to_csv
from ..i18n import gettext as _
from ..models import Cohort, Role, User, Ward
from .search import fold
from .slips import Slip
from .users import create_user, suggest_username, valid_username
from .wards import find_ward, suggest_wards, ward_lookup

#: Accepted header spellings (slugified) for each field.
HEADERS = {
    "full_name": {"full-name", "name", "ho-va-ten", "ho-ten", "ten"},
    "ward": {"ward", "phuong-xa", "don-vi", "phuong", "xa", "dang-bo"},
    "cohort": {"class", "cohort", "lop"},
    "position": {"position", "chuc-vu"},
    "username": {"username", "ten-dang-nhap", "tai-khoan"},
    "role": {"role", "vai-tro"},
}
ROLE_WORDS = {
    "": Role.TRAINEE,
    "trainee": Role.TRAINEE,
    "hoc-vien": Role.TRAINEE,
    "ward_manager": Role.WARD_MANAGER,
    "ward-manager": Role.WARD_MANAGER,
    "lanh-dao": Role.WARD_MANAGER,
    "instructor": Role.INSTRUCTOR,
    "giang-vien": Role.INSTRUCTOR,
    "admin": Role.ADMIN,
    "quan-tri": Role.ADMIN,
}
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024
#: Letters Windows-1258 (Vietnamese) encodes as single bytes, which a Western code page lacks.
_CP1258_HINTS = set("ăâđêôơưĂÂĐÊÔƠƯ\u0300\u0301\u0303\u0309\u0323")


class RosterError(ValueError):
    """A roster that cannot be read at all (format, size, encoding, headers); nothing was imported."""


@dataclass
class RosterRow:
    row: int  # as the spreadsheet numbers it (header = 1)
    full_name: str
    ward: str
    cohort: str = ""
    position: str = ""
    username: str = ""
    role: str = ""


@dataclass
class PlannedUser:
    """A row as it will be saved, with what is wrong (blocks the import) or worth a look."""

    row: int
    username: str
    full_name: str
    role: str | None
    ward_id: int | None
    ward_name: str
    cohort: str
    position: str
    ward_text: str = ""
    username_generated: bool = False
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class RosterPlan:
    users: list[PlannedUser] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    new_cohorts: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """Every error, row-numbered ("row 3: …"), as the CLI prints them."""
        rows = [_("row %(row)d: %(message)s", row=u.row, message=e) for u in self.users for e in u.errors]
        return self.file_errors + rows

    @property
    def warnings(self) -> list[str]:
        """Every warning, row-numbered, as the CLI prints them (they do not block the import)."""
        return [_("row %(row)d: %(message)s", row=u.row, message=w) for u in self.users for w in u.warnings]

    @property
    def warning_count(self) -> int:
        return sum(len(u.warnings) for u in self.users)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.users)

    def digest(self) -> str:
        """A fingerprint of every row as planned, so a commit can refuse a plan that has since changed."""
        rows = [asdict(u) for u in self.users]
        return hashlib.sha256(json.dumps([rows, self.new_cohorts], sort_keys=True).encode()).hexdigest()


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB".replace(".", ",")


def read_roster(data: bytes, filename: str) -> list[RosterRow]:
    """Parse a roster file's bytes (CSV in UTF-8, with or without BOM, or XLSX) within the limits."""
    if len(data) > MAX_BYTES:
        raise RosterError(
            _(
                "The file is %(size)s; the limit is %(limit)s. Split the roster into several files.",
                size=_size(len(data)),
                limit=_size(MAX_BYTES),
            )
        )
    name = filename.lower()
    if name.endswith(".xlsx"):
        table = _xlsx_rows(data)
    elif name.endswith(".csv"):
        table = _csv_rows(data)
    else:
        raise RosterError(_("The roster must be a .csv or .xlsx file."))
    if not table:
        raise RosterError(_("The file is empty."))
    columns = _map_headers(table[0])
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {
            key: (str(cells[i]).strip() if i < len(cells) and cells[i] is not None else "")
            for key, i in columns.items()
        }
        if not any(values.values()):
            continue  # blank line
        rows.append(RosterRow(row=number, **{k: values.get(k, "") for k in HEADERS if k in values}))
        if len(rows) > MAX_ROWS:
            raise RosterError(_("The file has more than %(max)d rows; import at most %(max)d at a time.", max=MAX_ROWS))
    return rows


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Excel's plain "CSV" writes the Windows code page; say which, rather than import mojibake.
        guess = data.decode("cp1258", errors="replace")
        encoding = "Windows-1258" if _CP1258_HINTS & set(guess) else "Windows-1252"
        raise RosterError(
            _(
                "The CSV file is not UTF-8 (it looks like %(encoding)s). In Excel choose "
                "“Save As” → “CSV UTF-8 (Comma delimited)” and upload it again.",
                encoding=encoding,
            )
        ) from exc
    sample = text[:2000]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:  # a cell past the csv module's 128 KB limit, a NUL byte
        raise RosterError(
            _("The CSV file cannot be read at line %(line)d: a cell is far too long or broken.", line=reader.line_num)
        ) from exc


def _xlsx_rows(data: bytes) -> list[list[str]]:

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterError(_("This is an old Excel 97–2003 (.xls) file; save it as .xlsx and upload it again."))
    if not data.startswith(b"PK\x03\x04") or not _is_workbook(data):
        raise RosterError(
            _("The file is not a real Excel workbook (.xlsx); open it in Excel and save it as .xlsx again.")
        )
    from openpyxl import load_workbook  # here, not at the top: ~12 MB no quiz worker needs (exports.py)

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        table = []
        for row in sheet.iter_rows(values_only=True):
            table.append(["" if v is None else str(v) for v in row])
            if len(table) > MAX_ROWS * 2:  # stop reading an oversized sheet early; the count check follows
                break
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise RosterError(_("The XLSX file cannot be read (%(error)s).", error=exc.__class__.__name__)) from exc
    return table


def _is_workbook(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _map_headers(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = slugify(str(title or ""))
        for name, spellings in HEADERS.items():
            if key in spellings or key == name.replace("_", "-"):
                columns.setdefault(name, index)
    missing = [n for n in ("full_name", "ward") if n not in columns]
    if missing:
        raise RosterError(
            _(
                "The first row must name the columns; missing: %(missing)s (e.g. 'Họ và tên', 'Phường/xã', "
                "'Lớp', 'Chức vụ', 'Tên đăng nhập', 'Vai trò').",
                missing=", ".join(missing),
            )
        )
    return columns


def _ward_error(wards: dict[str, Ward], text: str) -> str:
    if not text:
        return _("the ward is empty")
    close = suggest_wards(wards, text)
    if close:
        return _(
            "unknown ward '%(ward)s'; did you mean %(names)s?", ward=text, names=", ".join(w.full_name for w in close)
        )
    return _("unknown ward '%(ward)s'", ward=text)


def _check_username(p: PlannedUser, full_name: str, taken: set[str], in_file: dict[str, int], used: set[str]) -> None:
    """A given username must be valid and free; an empty one is generated (``used`` grows with it)."""
    if not p.username:
        if full_name:
            p.username, p.username_generated = suggest_username(full_name, used), True
    elif not valid_username(p.username):
        p.errors.append(_("invalid username '%(username)s'", username=p.username))
    elif p.username in taken:
        p.errors.append(_("username '%(username)s' already exists", username=p.username))
    elif p.username in in_file:
        p.errors.append(_("username '%(username)s' repeats row %(row)d", username=p.username, row=in_file[p.username]))
    if p.username and p.username not in in_file:
        in_file[p.username] = p.row
        used.add(p.username)


def plan_import(session: Session, rows: list[RosterRow]) -> RosterPlan:
    """Check every row against the database and each other; nothing is written."""
    plan = RosterPlan()
    wards = ward_lookup(session)
    cohorts = {c.name.casefold(): c for c in session.scalars(select(Cohort))}
    cohorts.update({c.code.casefold(): c for c in list(cohorts.values())})
    new_cohorts: set[str] = set()
    taken = {u.lower() for u in session.scalars(select(func.lower(User.username)))}
    used = set(taken)  # the database's usernames and those the file has claimed so far
    people = {(n, w): u for n, w, u in session.execute(select(User.search_name, User.ward_id, User.username))}
    in_file: dict[str, int] = {}
    persons: dict[tuple[str, int | None], int] = {}
    if not rows:
        plan.file_errors.append(_("The file has no data rows."))
    for r in rows:
        ward = find_ward(wards, r.ward)
        role = ROLE_WORDS.get(slugify(r.role)) if r.role else Role.TRAINEE
        p = PlannedUser(
            row=r.row,
            username=r.username.strip().lower(),
            full_name=r.full_name,
            role=role,
            ward_id=ward.id if ward else None,
            ward_name=ward.full_name if ward else "",
            cohort=r.cohort,
            position=r.position,
            ward_text=r.ward,
        )
        if not r.full_name:
            p.errors.append(_("the full name is empty"))
        if role is None:
            p.errors.append(_("unknown role '%(role)s'", role=r.role))
        if ward is None and (r.ward or role in (Role.TRAINEE, Role.WARD_MANAGER)):
            p.errors.append(_ward_error(wards, r.ward))
        _check_username(p, r.full_name, taken, in_file, used)
        person = (fold(r.full_name), p.ward_id)
        if r.full_name and person in persons:
            p.warnings.append(_("same name and ward as row %(row)d: the same person twice?", row=persons[person]))
        elif r.full_name and person in people:
            p.warnings.append(
                _("an account with this name and ward already exists (%(username)s)", username=people[person])
            )
        persons.setdefault(person, r.row)
        if r.cohort and r.cohort.casefold() not in cohorts and r.cohort.casefold() not in new_cohorts:
            p.warnings.append(_("new class '%(name)s' will be created", name=r.cohort))  # said once, on its first row
            plan.new_cohorts.append(r.cohort)
            new_cohorts.add(r.cohort.casefold())
        plan.users.append(p)
    return plan


def commit_import(session: Session, plan: RosterPlan, actor_id: int | None = None) -> list[tuple[PlannedUser, str]]:
    """Create every planned account in the caller's transaction; return (user, first password)."""
    if not plan.ok:
        raise RosterError(_("The roster has errors; nothing was imported."))
    cohorts = {c.name.casefold(): c for c in session.scalars(select(Cohort))}
    cohorts.update({c.code.casefold(): c for c in list(cohorts.values())})
    codes = set(session.scalars(select(Cohort.code)))
    for name in plan.new_cohorts:
        base = code = slugify(name)[:36] or "lop"
        n = 1
        while code in codes:  # "Lớp 1" and "Lop 1" are two classes but slugify alike
            n += 1
            code = f"{base}-{n}"
        codes.add(code)
        cohort = Cohort(code=code, name=name)
        session.add(cohort)
        cohorts[name.casefold()] = cohort
    session.flush()
    credentials = []
    for p in plan.users:
        password = generate_password()
        create_user(
            session,
            p.username,
            p.full_name,
            password,
            role=p.role,
            ward=session.get(Ward, p.ward_id) if p.ward_id else None,
            cohort=cohorts.get(p.cohort.casefold()) if p.cohort else None,
            position=p.position or None,
            must_change_password=True,
            actor_id=actor_id,
        )
        credentials.append((p, password))
    record(
        session, "roster.import", actor_id=actor_id, detail={"users": len(plan.users), "new_cohorts": plan.new_cohorts}
    )
    return credentials


def slips_for(credentials: list[tuple[PlannedUser, str]]) -> list[Slip]:
    """Login slips for the accounts :func:`commit_import` made."""
    return [Slip(p.full_name, p.ward_name, p.cohort, p.username, password) for p, password in credentials]


def write_credentials(path: Path, slips: list[Slip], login_url: str) -> None:
    """Write the slips as CSV through the export writer, readable by the file's owner only."""
    from .slip_pdf import slips_table

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # passwords: owner only
    with os.fdopen(fd, "wb") as f:
        f.write(to_csv(slips_table(slips, login_url)))

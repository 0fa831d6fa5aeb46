"""Roster import: a CSV or XLSX list of trainees becomes accounts, all or nothing.

Columns (header names in Vietnamese or English, any order, case and accents ignored):
full name (required), ward (required: code or name, with or without "phường"/"xã"), class,
position, username (generated when empty), role (trainee by default).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from slugify import slugify
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..audit import record
from ..auth.passwords import generate_password
from ..models import Cohort, Role, User, Ward
from .users import create_user, suggest_username
from .wards import find_ward, ward_lookup

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


class RosterError(ValueError):
    """A roster that cannot be read at all (format, headers)."""


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
    row: int
    username: str
    full_name: str
    role: str
    ward_id: int | None
    ward_name: str
    cohort: str
    position: str


@dataclass
class RosterPlan:
    users: list[PlannedUser] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    new_cohorts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.users)


def read_roster(data: bytes, filename: str) -> list[RosterRow]:
    """Parse a roster file's bytes (CSV in UTF-8, with or without BOM, or XLSX)."""
    if filename.lower().endswith(".xlsx"):
        table = _xlsx_rows(data)
    elif filename.lower().endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RosterError("the CSV file is not UTF-8; save it as 'CSV UTF-8' in Excel") from exc
        sample = text[:2000]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        table = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    else:
        raise RosterError("the roster must be a .csv or .xlsx file")
    if not table:
        raise RosterError("the file is empty")
    columns = _map_headers(table[0])
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {
            key: (cells[i].strip() if i < len(cells) and cells[i] is not None else "") for key, i in columns.items()
        }
        if not any(values.values()):
            continue  # blank line
        rows.append(RosterRow(row=number, **{k: values.get(k, "") for k in HEADERS if k in values}))
    if len(rows) > MAX_ROWS:
        raise RosterError(f"the file has {len(rows)} rows; import at most {MAX_ROWS} at a time")
    return rows


def _xlsx_rows(data: bytes) -> list[list[str]]:
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise RosterError(f"the XLSX file cannot be read ({exc.__class__.__name__})") from exc
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


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
            "the first row must name the columns; missing: "
            + ", ".join(missing)
            + " (e.g. 'Họ và tên', 'Phường/xã', 'Lớp', 'Chức vụ', 'Tên đăng nhập', 'Vai trò')"
        )
    return columns


def plan_import(session: Session, rows: list[RosterRow]) -> RosterPlan:
    """Check every row against the database and each other; nothing is written."""
    plan = RosterPlan()
    wards = ward_lookup(session)
    cohorts = {c.name.casefold(): c for c in session.scalars(select(Cohort))}
    cohorts.update({c.code.casefold(): c for c in cohorts.values()})
    taken = {u.lower() for u in session.scalars(select(func.lower(User.username)))}
    in_file: dict[str, int] = {}
    if not rows:
        plan.errors.append("the file has no data rows")
    for r in rows:
        errors = []
        if not r.full_name:
            errors.append("the full name is empty")
        ward = find_ward(wards, r.ward)
        role = ROLE_WORDS.get(slugify(r.role), None) if r.role else Role.TRAINEE
        if role is None:
            errors.append(f"unknown role '{r.role}'")
        if ward is None and role in (Role.TRAINEE, Role.WARD_MANAGER):
            errors.append(f"unknown ward '{r.ward}'" if r.ward else "the ward is empty")
        username = r.username.strip().lower()
        if username:
            if not all(c.isalnum() or c in "._-" for c in username):
                errors.append(f"invalid username '{username}'")
            elif username in taken:
                errors.append(f"username '{username}' already exists")
            elif username in in_file:
                errors.append(f"username '{username}' repeats row {in_file[username]}")
        if errors:
            plan.errors.extend(f"row {r.row}: {e}" for e in errors)
            continue
        if not username:
            username = suggest_username(r.full_name, taken | set(in_file))
        in_file[username] = r.row
        if r.cohort and r.cohort.casefold() not in cohorts and r.cohort not in plan.new_cohorts:
            plan.new_cohorts.append(r.cohort)
        plan.users.append(
            PlannedUser(
                row=r.row,
                username=username,
                full_name=r.full_name,
                role=role,
                ward_id=ward.id if ward else None,
                ward_name=ward.full_name if ward else "",
                cohort=r.cohort,
                position=r.position,
            )
        )
    return plan


def commit_import(session: Session, plan: RosterPlan, actor_id: int | None = None) -> list[tuple[PlannedUser, str]]:
    """Create every planned account in the caller's transaction; return (user, first password)."""
    if not plan.ok:
        raise RosterError("the roster has errors; nothing was imported")
    cohorts = {c.name.casefold(): c for c in session.scalars(select(Cohort))}
    cohorts.update({c.code.casefold(): c for c in list(cohorts.values())})
    for name in plan.new_cohorts:
        cohort = Cohort(code=slugify(name)[:40] or "lop", name=name)
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


def write_credentials(path: Path, credentials: list[tuple[PlannedUser, str]]) -> None:
    """Write first passwords for login slips (UTF-8 with BOM so Excel shows Vietnamese)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # passwords: owner only
    with os.fdopen(fd, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(["Họ và tên", "Phường/xã", "Lớp", "Tên đăng nhập", "Mật khẩu lần đầu"])
        for p, password in credentials:
            writer.writerow([p.full_name, p.ward_name, p.cohort, p.username, password])

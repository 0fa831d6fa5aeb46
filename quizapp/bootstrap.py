"""`init`: create or upgrade the database and load what every installation needs."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from .accounts.users import create_user
from .accounts.wards import seed_wards
from .auth.passwords import generate_password
from .content.importer import ImportReport, import_course
from .content.loader import load_package
from .db import db, write_transaction
from .migrate import upgrade_db
from .models import Role, User
from .reports.summary import ensure_summaries


@dataclass
class InitReport:
    wards_added: int
    content: ImportReport
    admin_password: str | None  # set when the first admin was created now


def init_database(content_path: str | None = None) -> InitReport:
    """Migrate, seed wards, import the course, create the first admin. Idempotent.

    The course package is validated before anything is written; PackageError propagates.
    """
    upgrade_db()
    spec = load_package(content_path or current_app.config["CONTENT_PATH"], current_app.config)
    with write_transaction() as session:
        wards_added = seed_wards(session)
        report = import_course(session, spec)
        ensure_summaries(session)  # an upgraded database gets its report summaries filled once
        password = None
        if session.scalar(select(User.id).where(User.role == Role.ADMIN).limit(1)) is None:
            password = generate_password(12)
            create_user(session, "admin", "Quản trị viên", password, role=Role.ADMIN, must_change_password=True)
    db.session.close()
    return InitReport(wards_added, report, password)

"""Command-line interface (DESIGN §4): thin click wrappers over plain service functions."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from . import throttle
from .accounts.roster import RosterError, commit_import, plan_import, read_roster, write_credentials
from .accounts.users import AccountError, create_user
from .accounts.wards import find_ward, ward_lookup
from .auth.passwords import weak_reason
from .bootstrap import init_database
from .certificates.commands import certificates_cli
from .content.importer import import_course, preview_course
from .content.loader import PackageError, load_package
from .db import db, write_transaction
from .demo import DEMO_PASSWORD, create_demo, demo_accounts, demo_exists
from .migrate import make_revision
from .models import Cohort, utcnow
from .quiz.attempts import close_expired
from .reports.commands import reports_cli

content_cli = AppGroup("content", help="Load or check the course package (questions/).")
users_cli = AppGroup("users", help="Create accounts.")
attempts_cli = AppGroup("attempts", help="Maintenance of quiz attempts.")
db_cli = AppGroup("db", help="Schema migrations (for developers).")


@click.command("init")
@with_appcontext
@click.option("--demo", is_flag=True, help="Also add demo trainees with attempts.")
def init_command(demo: bool) -> None:
    """Create or upgrade the database, load wards and the course, create the first admin."""
    try:
        report = init_database()
    except PackageError as exc:
        _fail_package(exc)
    click.echo(f"Database ready. Wards added: {report.wards_added}. Course: {report.content.summary()}.")
    if report.admin_password:
        click.echo("First admin created. Log in once with this password, then choose your own:")
        click.echo(f"    username: admin    password: {report.admin_password}")
    if demo:
        if demo_exists(db.session):
            click.echo("Demo data already present.")
        else:
            click.echo("Adding demo trainees and attempts…")
            with write_transaction() as session:
                made = create_demo(session)
            click.echo(f"Demo data: {made['trainees']} trainees, {made['attempts']} attempts.")
        click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role in demo_accounts():
            click.echo(f"    {username:<10} {role}")


def _fail_package(exc) -> None:
    for error in exc.errors:
        click.echo(error, err=True)
    click.echo(f"Refused: {len(exc.errors)} error(s); nothing was changed.", err=True)
    sys.exit(1)


@content_cli.command("import")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only check the package; change nothing.")
def content_import_command(path: Path | None, dry_run: bool) -> None:
    """Load or sync the course from PATH (default: the configured questions/ folder)."""
    try:
        spec = load_package(path or current_app.config["CONTENT_PATH"], current_app.config)
    except PackageError as exc:
        _fail_package(exc)
    counts = ", ".join(f"topic {t.number}: {len(t.questions)}" for t in spec.topics)
    if dry_run:
        # What an import would change, found by running it and rolling it back.
        report = preview_course(db.session, spec)
        click.echo(f"OK: {len(spec.topics)} topics ({counts}); would import: {report.summary()}.")
        click.echo("Nothing was changed (dry run).")
        return
    with write_transaction() as session:
        report = import_course(session, spec)
    click.echo(f"Imported: {report.summary()}.")


@users_cli.command("add")
@click.argument("username")
@click.option("--name", required=True, help="Full name, as printed on the certificate.")
@click.option(
    "--role",
    default="trainee",
    show_default=True,
    type=click.Choice(["trainee", "ward_manager", "instructor", "admin"]),
)
@click.option("--ward", help="Ward code or name (trainees and ward managers).")
@click.option("--cohort", help="Class code or name.")
@click.option("--position", help="Position held (chức vụ).")
def users_add_command(username, name, role, ward, cohort, position) -> None:
    """Create one account; the password comes from a hidden prompt or standard input."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    reason = weak_reason(password, username)
    if reason:
        raise click.ClickException(reason)
    with write_transaction() as session:
        ward_obj = find_ward(ward_lookup(session), ward) if ward else None
        if ward and ward_obj is None:
            raise click.ClickException(f"unknown ward '{ward}'")
        cohort_obj = None
        if cohort:
            cohort_obj = session.scalar(select(Cohort).where((Cohort.code == cohort) | (Cohort.name == cohort)))
            if cohort_obj is None:
                raise click.ClickException(f"unknown class '{cohort}'")
        try:
            user = create_user(
                session, username, name, password, role=role, ward=ward_obj, cohort=cohort_obj, position=position
            )
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {role} '{user.username}'.")


@users_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the first passwords (CSV). Default: FILE-credentials.csv",
)
@click.option("--dry-run", is_flag=True, help="Only check the roster.")
def users_import_command(file: Path, out: Path | None, dry_run: bool) -> None:
    """Import a roster (CSV or XLSX) all-or-nothing, with generated first passwords."""
    from .accounts.roster import slips_for

    try:
        rows = read_roster(file.read_bytes(), file.name)
    except RosterError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc
    plan = plan_import(db.session, rows)
    if plan.errors:
        for error in plan.errors:
            click.echo(f"{file}: {error}", err=True)
        click.echo(f"Refused: {len(plan.errors)} error(s); nobody was imported.", err=True)
        sys.exit(1)
    for warning in plan.warnings:
        click.echo(f"{file}: {warning}")
    if plan.new_cohorts:
        click.echo("New classes: " + ", ".join(plan.new_cohorts))
    if dry_run:
        click.echo(f"OK: {len(plan.users)} accounts would be created. Nothing was changed (dry run).")
        return
    out = out or file.with_name(file.stem + "-credentials.csv")
    with write_transaction() as session:
        credentials = commit_import(session, plan_import(session, rows))
    write_credentials(out, slips_for(credentials), current_app.config["PUBLIC_URL"].rstrip("/") + "/login")
    click.echo(f"Imported {len(credentials)} accounts. First passwords: {out}")


@attempts_cli.command("close-expired")
def close_expired_command() -> None:
    """Finish every attempt left open past deadline + grace (run from cron every few minutes)."""
    from .accounts import roster_uploads, slips
    from .auth import login_throttle, sessions
    from .certificates import lookups

    now = utcnow()
    with write_transaction() as session:
        closed = close_expired(session, now, current_app.config["QUIZ_GRACE_SECONDS"])
        throttle.prune(session, 24 * 3600, now)
        # Login slips and roster files carry personal data: gone once their time is up.
        slips.prune(session, now)
        roster_uploads.prune(session, now)
        sessions.prune(session, now)
        login_throttle.prune_addresses(session, now)
        lookups.prune(session, now, current_app.config["VERIFY_KEEP_DAYS"])
    click.echo(f"Closed {closed} overdue attempt(s).")


@db_cli.command("revision")
@click.option("-m", "message", required=True, help="What the migration changes.")
def db_revision_command(message: str) -> None:
    """Autogenerate a migration from the models (review it before committing)."""
    make_revision(message)


def init_app(app: Flask) -> None:
    """Register the commands on ``app``."""
    app.cli.add_command(init_command)
    for group in (content_cli, users_cli, attempts_cli, reports_cli, certificates_cli, db_cli):
        app.cli.add_command(group)

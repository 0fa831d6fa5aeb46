"""`flask --app quizapp certificates …`: certificate maintenance."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..db import write_transaction
from ..models import utcnow
from .services import recheck

certificates_cli = AppGroup("certificates", help="Certificate maintenance.")


@certificates_cli.command("recheck")
def recheck_command() -> None:
    """Issue the certificates due to trainees who passed every topic but hold none."""
    with write_transaction() as session:
        issued = recheck(session, actor_id=None, now=utcnow())
    click.echo(f"{len(issued)} certificate(s) issued.")
    for certificate in issued:
        click.echo(certificate.code)

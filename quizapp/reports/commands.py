"""`flask --app quizapp reports …`: maintenance of the report summaries."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from ..db import write_transaction
from .summary import rebuild_summaries

reports_cli = AppGroup("reports", help="Report summaries (maintenance).")


@reports_cli.command("rebuild")
def rebuild_command() -> None:
    """Recompute the report summaries from every attempt (after a bulk load, or to repair them)."""
    start = time.perf_counter()
    with write_transaction() as session:
        counts = rebuild_summaries(session)
    rows = ", ".join(f"{table}: {n}" for table, n in counts.items())
    click.echo(f"Report summaries rebuilt in {time.perf_counter() - start:.1f} s ({rows}).")

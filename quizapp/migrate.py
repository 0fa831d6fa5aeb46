"""Schema migrations with Alembic, driven from the app (``init``) rather than alembic.ini.

To add a migration after changing models:
    flask --app quizapp db revision -m "what changed"    (autogenerate, review the file!)
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from .db import db

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # File names sort by creation time: 20261127_1731_99a88baf7675_initial_schema.py
    cfg.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s")
    cfg.attributes["connection"] = connection
    return cfg


def upgrade_db() -> None:
    """Bring the database to the newest schema (creates it on first run). Needs an app context."""
    with db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")


def make_revision(message: str) -> None:
    """Autogenerate a migration from the difference between the models and the database."""
    with db.engine.begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)

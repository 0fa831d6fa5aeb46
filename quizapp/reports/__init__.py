"""Score reports by ward and topic, and item analysis (DESIGN §2 "Reports").

Modules: ``filters`` (query-string filters), ``queries`` and ``item_queries`` (SQL aggregates),
``item_analysis`` (pure statistics), ``present`` and ``tables`` (labels, sorting, export tables),
``exports`` (XLSX/CSV), ``access`` (who sees what) and ``views`` (the blueprint). ``summary``
keeps the summary tables the pages read (``sources`` chooses them or the raw attempts) and
``commands`` adds `flask reports rebuild`.
"""

from . import commands  # noqa: F401  (registers the CLI commands on the blueprint)
from .views import bp

__all__ = ["bp"]

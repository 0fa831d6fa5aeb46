"""Score reports by ward and topic, and item analysis (DESIGN §2 "Reports").

Modules: ``filters`` (query-string filters), ``queries`` and ``item_queries`` (SQL aggregates),
``item_analysis`` (pure statistics), ``present`` and ``tables`` (labels, sorting, export tables),
``exports`` (XLSX/CSV), ``access`` (who sees what) and ``views`` (the blueprint).
"""

from .views import bp

__all__ = ["bp"]

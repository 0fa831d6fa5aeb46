"""The question bank at /admin/questions: ``views`` (browse, a page, the editor), ``actions`` (the workflow)."""

from . import actions  # noqa: F401  (registers the workflow routes on bp)
from .views import bp

__all__ = ["bp"]

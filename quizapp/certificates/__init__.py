"""Completion certificates: the trainee's PDF, public verification and the admin register.

The blueprint lives in ``views``; the admin pages are a nested blueprint (``certificates.admin.*``).
"""

from __future__ import annotations

from .views import bp

__all__ = ["bp"]

"""Completion certificates: the trainee's PDF and public verification (issue: certificates)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("certificates", __name__)

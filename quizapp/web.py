"""App-wide web plumbing: template filters, error pages, security headers, /healthz."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Flask, jsonify, render_template, request
from flask_babel import format_datetime, format_decimal, get_locale
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from werkzeug.exceptions import BadRequest

from .db import db
from .i18n import gettext as _
from .i18n import lazy_gettext as _l
from .learn.markdown import render_markdown
from .pagination import link_args
from .quiz.rules import grade10

bp = Blueprint("web", __name__)


@bp.route("/healthz")
def healthz():
    """Liveness and database reachability, for the proxy and monitoring."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy"
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok")


def score10(value: float | None) -> str:
    """A 10-point grade with one decimal in the UI language: 8.0 -> "8,0" in Vietnamese."""
    return "" if value is None else format_decimal(round(value, 1), format="0.0")


def percent(value: float | None) -> str:
    return "" if value is None else format_decimal(round(value), format="0") + " %"


def local_datetime(value: datetime | None, fmt: str = "dd/MM/yyyy HH:mm") -> str:
    """A UTC timestamp shown in Asia/Ho_Chi_Minh."""
    return "" if value is None else format_datetime(value, fmt)


ROLE_LABELS = {
    "trainee": _l("Trainee"),
    "ward_manager": _l("Ward manager"),
    "instructor": _l("Instructor"),
    "admin": _l("Administrator"),
}


def role_label(role: str) -> str:
    """The role's name in the UI language."""
    return str(ROLE_LABELS.get(role, role))


def _size(limit: int) -> str:
    """A byte limit as people say it: "4 MB", "4 KB"."""
    if limit >= 1024 * 1024:
        return f"{limit // (1024 * 1024)} MB"
    return f"{max(1, limit // 1024)} KB"


def _error(status: int, title: str, message: str):
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        return jsonify(ok=False, error=message), status
    return render_template("error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    """Register filters, error handlers and headers."""
    # Imported here, not at the top: the learn package imports half the app, and every area
    # imports this module for its filters, so a top-level import would make a cycle.

    app.register_blueprint(bp)
    app.add_template_filter(score10)
    app.add_template_filter(percent)
    app.add_template_filter(local_datetime)
    app.add_template_filter(role_label)
    app.add_template_filter(render_markdown, "markdown")
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["grade10"] = grade10
    app.jinja_env.globals["link_args"] = link_args

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _error(
            400,
            _("The form has expired"),
            _(
                "The page was open too long or the request was tampered with. "
                "Go back, reload the page and try again; your saved answers are kept."
            ),
        )

    @app.errorhandler(400)
    def bad_request(exc):
        # A view's own description (params.py names the parameter) says more than the generic one.
        custom = exc.description if exc.description != BadRequest.description else None
        return _error(400, _("Bad request"), custom or _("The request could not be understood."))

    @app.errorhandler(403)
    def forbidden(exc):
        return _error(403, _("Not allowed"), _("You do not have permission to open this page."))

    @app.errorhandler(404)
    def not_found(exc):
        return _error(404, _("Page not found"), _("There is no such page, or it is not yours to see."))

    @app.errorhandler(413)
    def too_large(exc):
        limit = request.max_content_length or app.config["MAX_CONTENT_LENGTH"]
        return _error(
            413,
            _("Too much data sent"),
            _(
                "The data sent is larger than this page accepts (%(size)s). "
                "For a roster or a question file, split it into smaller files and send them one by one.",
                size=_size(limit),
            ),
        )

    @app.errorhandler(429)
    def too_many(exc):
        return _error(429, _("Too many requests"), _("Please wait a moment and try again."))

    @app.errorhandler(500)
    def server_error(exc):
        return _error(
            500,
            _("Something went wrong"),
            _("The error has been logged. Nothing you saved was lost; please try again."),
        )

    @app.after_request
    def security_headers(response):
        # Every asset is served by the app itself: no CDN, no outside fonts.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

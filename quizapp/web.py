"""App-wide web plumbing: template filters, error pages, security headers, /healthz."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Flask, g, jsonify, render_template, request, session
from flask_babel import format_datetime, format_decimal, get_locale
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import BadRequest

from .audit import action_label
from .chrome import chrome
from .db import db, is_transient
from .i18n import gettext as _
from .i18n import lazy_gettext as _l
from .learn.markdown import render_markdown
from .pagination import link_args
from .paper.codes import display as paper_code_display
from .quiz.rules import grade10
from .timezone import to_local

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


def local_time(value: datetime | None) -> str:
    """A UTC timestamp's hour and minute in Thanh Hóa, "07:05": the same in every language.

    What ``local_datetime(value, "HH:mm")`` gives, without Babel's locale and pattern machinery
    (~20 µs): the quiz page shows its deadline this way on every view, and the slips page its expiry.
    """
    return "" if value is None else to_local(value).strftime("%H:%M")


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
    app.add_template_filter(local_time)
    app.add_template_filter(role_label)
    app.add_template_filter(action_label, "audit_action")
    app.add_template_filter(paper_code_display, "paper_code")
    app.add_template_filter(render_markdown, "markdown")
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["chrome"] = chrome
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

    @app.errorhandler(DBAPIError)
    def database_unavailable(exc):
        # A lost connection or a restart: the client keeps what it sent and tries again later.
        if not is_transient(exc):
            raise exc
        app.logger.warning("database unavailable: %s", exc.orig)
        try:
            db.session.rollback()
        except DBAPIError:  # nothing to roll back on a connection that is gone
            pass
        if "_login_user" not in g:
            # The page's menu asks who is logged in; with the database away, nobody is (Flask-Login
            # would try to load the user again and fail the error page itself).
            g._login_user = AnonymousUserMixin()
        response = _error(
            503,
            _("The server is busy"),
            _("The database could not be reached for a moment. Nothing you saved was lost; please try again shortly."),
        )
        response = app.make_response(response)
        response.headers["Retry-After"] = str(int(app.config["DB_RETRY_AFTER_SECONDS"]))
        return response

    @app.errorhandler(500)
    def server_error(exc):
        return _error(
            500,
            _("Something went wrong"),
            _("The error has been logged. Nothing you saved was lost; please try again."),
        )

    @app.after_request
    def security_headers(response):
        # Every asset is served by the app itself: no CDN, no outside fonts, no plugins.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if app.config["HTTPS"]:
            response.headers.setdefault("Strict-Transport-Security", f"max-age={int(app.config['HSTS_SECONDS'])}")
        if _personal(response):
            response.headers["Cache-Control"] = "private, no-store"
        return response


#: The browser features quizapp never uses, switched off for every page.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()"


def _personal(response) -> bool:
    """Whether the response is a logged-in page or download that no cache may keep (shared ward PCs).

    Static files stay cacheable; a response that chose its own caching (the service worker's
    ``no-cache``) keeps it, unless it is a page made for a logged-in user without one.
    """
    endpoint = request.endpoint or ""
    if endpoint == "static" or endpoint.endswith(".static") or "Cache-Control" in response.headers:
        return False
    # The cookie says whether someone is logged in, without loading the user (nor failing when the
    # database is down and this is the 503 page).
    return "_user_id" in session

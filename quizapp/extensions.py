"""Flask extensions other than the database: logins, CSRF, translations, proxies."""

from __future__ import annotations

from functools import cache

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from .auth import sessions
from .db import db
from .i18n import install_jinja
from .i18n import lazy_gettext as _l
from .models import RevokedSession, User

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to continue.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"

csrf = CSRFProtect()
babel = Babel()


def select_locale() -> str:
    """The language chosen with ?lang= (remembered in the session), else Vietnamese."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and background work speak the default language
        return languages[0]
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
    return session.get("lang") if session.get("lang") in languages else languages[0]


def init_app(app: Flask) -> None:
    """Wire the extensions to ``app``."""
    app.session_interface = sessions.SlidingCookieSessions()
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_jinja(app)
    if app.config["PROXY_COUNT"]:
        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    @login_manager.user_loader
    def load_user(login_id: str):
        """The logged-in user, with their ward, loaded once per request — if the session still stands.

        One query loads the user and tells whether this session was logged out; a session whose
        version is older than the user's was ended by a password change, a deactivation or "log
        out everywhere" (auth/sessions.py).

        Detached from the session, with its ward, so that a write transaction's commit does not
        expire them, which would load them a second time (autosave, submit, a page rendered after a
        commit). So only the columns and ``ward``'s columns are at hand: load anything else
        (cohort) by id.
        """
        parsed = sessions.parse_login_id(login_id)
        sid = sessions.current_sid()
        if parsed is None or not sid:
            return None
        row = db.session.execute(_user_statement(), {"user_id": parsed[0], "sid": sid}).first()
        if row is None:
            return None
        user, revoked = row
        if revoked is not None or user.session_version != parsed[1] or not user.active:
            return None  # logged out, ended everywhere, or deactivated
        db.session.expunge(user)
        if user.ward is not None:
            db.session.expunge(user.ward)  # the footer names it, after any commit as well
        return user


@cache
def _user_statement():
    """The logged-in user's query, and whether the session was revoked; built once (it runs on every request)."""
    from sqlalchemy import bindparam, select
    from sqlalchemy.orm import joinedload

    return (
        select(User, RevokedSession.sid)
        .outerjoin(RevokedSession, RevokedSession.sid == bindparam("sid"))
        .where(User.id == bindparam("user_id"))
        .options(joinedload(User.ward))
    )

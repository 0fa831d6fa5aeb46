"""Flask extensions other than the database: logins, CSRF, translations, proxies."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from .auth import sessions, user_loader
from .db import db
from .i18n import install_jinja
from .i18n import lazy_gettext as _l

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
        """The logged-in user with their ward, detached, if the session still stands (auth/user_loader.py)."""
        return user_loader.load(db.session, login_id, sessions.current_sid())

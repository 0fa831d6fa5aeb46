"""Views of the auth blueprint: logging in and out, changing one's password (forced after a generated one)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from ..audit import record
from ..db import db, write_transaction
from ..i18n import gettext as _
from ..models import User, utcnow
from ..params import local_path
from . import login_throttle, sessions
from .forms import LoginForm, PasswordChangeForm
from .passwords import hash_password, verify_password, weak_reason

bp = Blueprint("auth", __name__)

# Checked even for unknown usernames so a login's timing does not reveal which accounts exist.
_DUMMY_HASH = hash_password("not-a-real-password")


def safe_next(target: str | None) -> str | None:
    """Accept only a local path as a post-login redirect (no scheme, host, '//' or CR/LF)."""
    target = local_path(target)
    if target is None:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def held_accounts(session, usernames: list[str], now) -> set[str]:
    """Which of ``usernames`` the login throttle is holding now (a try from a new address must wait)."""
    return login_throttle.held_usernames(session, usernames, now, login_throttle.Policy.from_config(current_app.config))


def _home_for(user: User) -> str:
    if user.role in ("instructor", "admin"):
        return url_for("reports.overview")
    return url_for("learn.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        address = request.remote_addr or "?"
        policy = login_throttle.Policy.from_config(current_app.config)
        now = utcnow()
        user = db.session.scalar(select(User).where(func.lower(User.username) == username))
        user_id = user.id if user is not None else None
        with write_transaction() as session:
            attempt = login_throttle.reserve(session, username, user_id, address, now, policy)
        if attempt.wait:
            minutes, seconds = divmod(attempt.wait, 60)
            wait = _("%(m)d min %(s)d s", m=minutes, s=seconds) if minutes else _("%(s)d seconds", s=seconds)
            flash(_("Too many failed attempts. Please wait %(wait)s and try again.", wait=wait), "error")
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(attempt.wait)}
        ok = verify_password(user.password_hash if user else _DUMMY_HASH, form.password.data)
        with write_transaction() as session:
            if ok and user is not None and user.active:
                login_throttle.succeeded(session, attempt, username, user_id, address, now)
                user = session.get(User, user_id)
                user.last_login_at = now
            else:
                login_throttle.failed(session, attempt, username, user_id, address, policy)
                ok = False
        if ok:
            _log_in(user)
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(request.args.get("next")) or _home_for(user))
        flash(_("Wrong username or password."), "error")
    return render_template("auth/login.html", form=form)


def _log_in(user: User) -> None:
    """Start a new session for ``user`` (a fresh session id, the user's current session version)."""
    # A permanent session lasts PERMANENT_SESSION_LIFETIME (12 h), so closing the phone's
    # browser mid-quiz does not log the trainee out.
    cookie_session.permanent = True
    sessions.start()
    login_user(user)


def _end_this_session() -> None:
    """Log out and refuse this session's cookie from now on, even a copy of it (auth/sessions.py)."""
    with write_transaction() as session:
        sessions.revoke(session, sessions.current_sid(), utcnow(), current_app.permanent_session_lifetime)
    logout_user()
    cookie_session.pop(sessions.SID_KEY, None)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out (a POST with a CSRF token, so no link can log anyone out); a copied cookie dies with it."""
    _end_this_session()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/logout/everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """End every session of the logged-in user, on every device (audited)."""
    if FlaskForm().validate_on_submit():
        user_id = current_user.id
        with write_transaction() as session:
            sessions.log_out_everywhere(session, session.get(User, user_id), actor_id=user_id)
        _end_this_session()
        flash(_("You have been logged out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Choose a new password; required after a generated first password."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        reason = None
        if not verify_password(current_user.password_hash, form.current.data):
            reason = _("The current password is wrong.")
        elif form.new.data == form.current.data:
            reason = _("Choose a password different from the current one.")
        else:
            reason = weak_reason(form.new.data, current_user.username)
        if reason:
            form.new.errors = [*form.new.errors, reason]
        else:
            with write_transaction() as session:
                user = session.get(User, current_user.id)
                user.password_hash = hash_password(form.new.data)
                user.must_change_password = False
                sessions.end_all(user)  # a session opened with the old password ends here
                record(session, "user.password_change", actor_id=user.id, target_type="user", target_id=user.id)
            _log_in(user)  # ...but this one goes on, under the new session version
            flash(_("Your password has been changed."), "success")
            return redirect(_home_for(current_user))
    return render_template(
        "auth/password.html", form=form, forced=current_user.must_change_password, everywhere_form=FlaskForm()
    )


#: The installable app's files: fetched by the browser itself, never a page to hold the user on.
OPEN_ENDPOINTS = ("offline.manifest", "offline.service_worker", "offline.page")


@bp.before_app_request
def force_password_change():
    """Hold a user with a generated password on the change-password page until they pick one."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint
        not in (
            "auth.change_password",
            "auth.logout",
            "auth.logout_everywhere",
            "static",
            "web.healthz",
            *OPEN_ENDPOINTS,
        )
    ):
        return redirect(url_for("auth.change_password"))
    return None

"""Accounts administration (/admin/users): list and search, create, edit, deactivate, reset, unlock."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import params
from ..accounts import users as accounts
from ..accounts.search import matches
from ..accounts.slips import slip_for
from ..auth import sessions
from ..auth.access import roles_required
from ..auth.passwords import generate_password
from ..auth.views import held_accounts
from ..db import db, write_transaction
from ..i18n import gettext as _
from ..models import Cohort, Role, User, Ward, utcnow
from ..pagination import Page
from .account_forms import (
    AccountForm,
    DeactivateForm,
    LogoutEverywhereForm,
    NewAccountForm,
    ReactivateForm,
    ResetPasswordForm,
    UnlockForm,
)
from .slips import keep_slips

bp = Blueprint("users", __name__, url_prefix="/users")

#: ?sort= values and the columns they order by (then by name, then id, so pages never overlap).
SORTS = {
    "name": (User.search_name,),
    "username": (User.username,),
    "ward": (Ward.position,),
    "class": (Cohort.name,),
    "last_login": (User.last_login_at,),
    "created": (User.created_at,),
}
STATUSES = ("active", "inactive", "never")
#: The list's query arguments; its sort links and pager carry these and only these.
FILTERS = ("q", "role", "ward", "cohort", "status", "sort", "order")


def get_user_or_404(user_id: int) -> User:
    """The account ``user_id`` (404 when there is none; the views are admin-only already)."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _choices(form) -> None:
    from ..web import ROLE_LABELS  # web imports every area; importing it at load time would be circular

    wards = db.session.scalars(select(Ward).order_by(Ward.position)).all()
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.starts_on, Cohort.name)).all()
    form.ward.choices = [("", _("(none)"))] + [(w.code, w.full_name) for w in wards]
    form.cohort.choices = [("", _("(none)"))] + [(str(c.id), c.name) for c in cohorts]
    form.role.choices = list(ROLE_LABELS.items())


def _fields(form: AccountForm) -> accounts.AccountFields:
    ward = db.session.scalar(select(Ward).where(Ward.code == form.ward.data)) if form.ward.data else None
    cohort = db.session.get(Cohort, int(form.cohort.data)) if form.cohort.data else None
    return accounts.AccountFields(form.full_name.data, form.position.data, ward, cohort, form.role.data)


@bp.route("")
@roles_required(Role.ADMIN)
def index():
    """Every account: search ignoring tone marks and case, filters, sorting, pages and a count."""
    p = params.args()
    f = {k: p.str(k, max_length=100) for k in FILTERS}
    query = select(User).outerjoin(Ward, User.ward_id == Ward.id).outerjoin(Cohort, User.cohort_id == Cohort.id)
    query = query.options(selectinload(User.ward), selectinload(User.cohort))
    if f["q"]:
        query = query.where(matches(f["q"], User.search_name, User.username))
    if f["role"] in set(Role):
        query = query.where(User.role == f["role"])
    if f["ward"]:
        query = query.where(Ward.code == f["ward"])
    if (cohort_id := p.int("cohort")) is not None:
        query = query.where(User.cohort_id == cohort_id)
    if f["status"] == "active":
        query = query.where(User.active.is_(True))
    elif f["status"] == "inactive":
        query = query.where(User.active.is_(False))
    elif f["status"] == "never":
        query = query.where(User.last_login_at.is_(None))
    sort = f["sort"] if f["sort"] in SORTS else "name"
    columns = SORTS[sort]
    if f["order"] == "desc":
        columns = tuple(c.desc() for c in columns)
    query = query.order_by(*columns, User.search_name, User.id)
    page = Page.of(db.session, query, p.int("page", 1), current_app.config["PAGE_SIZE"])
    return render_template(
        "admin/users.html",
        page=page,
        f=f,
        sort=sort,
        held=held_accounts(db.session, [u.username for u in page.items], utcnow()),
        wards=db.session.scalars(select(Ward).order_by(Ward.position)).all(),
        cohorts=db.session.scalars(select(Cohort).order_by(Cohort.starts_on, Cohort.name)).all(),
        roles=list(Role),
        statuses=STATUSES,
        filters=FILTERS,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new():
    """Create one account with a generated one-time password, shown once and printable as a slip."""
    form = NewAccountForm()
    _choices(form)
    if form.validate_on_submit():
        fields = _fields(form)
        try:
            with write_transaction() as session:
                username = (form.username.data or "").strip().lower() or accounts.free_username(
                    session, fields.full_name
                )
                password = generate_password()
                user = accounts.create_user(
                    session,
                    username,
                    fields.full_name,
                    password,
                    role=fields.role,
                    ward=fields.ward,
                    cohort=fields.cohort,
                    position=(fields.position or "").strip() or None,
                    must_change_password=True,
                    actor_id=current_user.id,
                )
                token = keep_slips(session, [slip_for(user, password)], _("New account %(u)s", u=user.username))
                user_id = user.id
        except accounts.AccountError as exc:
            flash(str(exc), "error")
        else:
            flash(_("The account %(u)s has been created.", u=username), "success")
            return _password_page(get_user_or_404(user_id), password, token)
    return render_template("admin/user_new.html", form=form), 400 if request.method == "POST" else 200


def _password_page(user: User, password: str, token: str):
    """The one-time password, shown in this response only (never in a URL, never stored readable)."""
    response = render_template("admin/user_password.html", user=user, password=password, token=token)
    return response, 200, {"Cache-Control": "private, no-store"}


def _detail(user: User, form: AccountForm | None = None, status: int = 200, **forms):
    if form is None:
        form = AccountForm(
            formdata=None,  # re-shown after another form's POST: the account's values, not that POST's
            data={
                "full_name": user.full_name,
                "position": user.position or "",
                "ward": user.ward.code if user.ward else "",
                "cohort": str(user.cohort_id or ""),
                "role": user.role,
            },
        )
        _choices(form)
    held = user.username in held_accounts(db.session, [user.username], utcnow())
    return render_template(
        "admin/user_detail.html",
        user=user,
        form=form,
        held=held,
        deactivate_form=forms.get("deactivate") or DeactivateForm(prefix="deactivate"),
        reactivate_form=forms.get("reactivate") or ReactivateForm(prefix="reactivate"),
        reset_form=forms.get("reset") or ResetPasswordForm(prefix="reset"),
        unlock_form=UnlockForm(prefix="unlock"),
        sessions_form=forms.get("sessions") or LogoutEverywhereForm(prefix="sessions"),
    ), status


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def detail(user_id: int):
    """An account: edit name, position, ward, class and role; the other actions below."""
    user = get_user_or_404(user_id)
    if request.method == "GET":
        return _detail(user)
    form = AccountForm()
    _choices(form)
    if not form.validate_on_submit():
        return _detail(user, form, 400)
    try:
        with write_transaction() as session:
            changes = accounts.update_user(
                session, session.get(User, user_id), _fields(form), current_user.id, form.reason.data or None
            )
    except accounts.AccountError as exc:
        form.role.errors = [*form.role.errors, str(exc)]
        return _detail(get_user_or_404(user_id), form, 400)
    flash(_("Changes saved.") if changes else _("Nothing was changed."), "success" if changes else "info")
    return redirect(url_for(".detail", user_id=user_id))


def _action(user_id: int, form, prefix: str, change):
    """Run ``change(session, user)`` once ``form`` validates; returns (result, None) or (None, a response)."""
    user = get_user_or_404(user_id)
    if not form.validate_on_submit():
        return None, _detail(user, status=400, **{prefix: form})
    try:
        with write_transaction() as session:
            result = change(session, session.get(User, user_id))
    except accounts.AccountError as exc:
        flash(str(exc), "error")
        return None, redirect(url_for(".detail", user_id=user_id))
    return result, None


def _done(message: str, user_id: int):
    flash(message, "success")
    return redirect(url_for(".detail", user_id=user_id))


@bp.route("/<int:user_id>/deactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def deactivate(user_id: int):
    """Deactivate after a reason and a ticked confirmation: no more logins, results kept."""
    form = DeactivateForm(prefix="deactivate")
    _result, refused = _action(
        user_id, form, "deactivate", lambda s, u: accounts.set_active(s, u, False, current_user.id, form.reason.data)
    )
    return refused or _done(_("The account has been deactivated."), user_id)


@bp.route("/<int:user_id>/reactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def reactivate(user_id: int):
    """Let a deactivated account log in again."""
    form = ReactivateForm(prefix="reactivate")
    _result, refused = _action(
        user_id, form, "reactivate", lambda s, u: accounts.set_active(s, u, True, current_user.id, form.reason.data)
    )
    return refused or _done(_("The account has been reactivated."), user_id)


@bp.route("/<int:user_id>/password", methods=["POST"])
@roles_required(Role.ADMIN)
def reset(user_id: int):
    """A new one-time password, shown once and printable as a slip; changed at the next login."""
    form = ResetPasswordForm(prefix="reset")

    def change(session, user):
        password = accounts.reset_password(session, user, current_user.id, form.reason.data or None)
        return password, keep_slips(session, [slip_for(user, password)], _("Password reset for %(u)s", u=user.username))

    made, refused = _action(user_id, form, "reset", change)
    if refused:
        return refused
    flash(_("The password has been reset."), "success")
    return _password_page(get_user_or_404(user_id), *made)


@bp.route("/<int:user_id>/unlock", methods=["POST"])
@roles_required(Role.ADMIN)
def unlock(user_id: int):
    """Let the login throttle forget this account's failed attempts."""
    _result, refused = _action(
        user_id, UnlockForm(prefix="unlock"), "unlock", lambda s, u: accounts.unlock(s, u, current_user.id)
    )
    return refused or _done(_("The account has been unlocked."), user_id)


@bp.route("/<int:user_id>/sessions", methods=["POST"])
@roles_required(Role.ADMIN)
def logout_everywhere(user_id: int):
    """End every session the account holds, on every device (audited)."""
    form = LogoutEverywhereForm(prefix="sessions")
    _result, refused = _action(
        user_id,
        form,
        "sessions",
        lambda s, u: sessions.log_out_everywhere(s, u, current_user.id, form.reason.data or None),
    )
    return refused or _done(_("The account has been logged out on every device."), user_id)

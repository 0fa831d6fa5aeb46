"""Classes (/admin/classes): create, rename, set study dates, list members, move trainees."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from .. import exports, params
from ..accounts import cohorts as service
from ..auth.access import roles_required
from ..db import db, write_transaction
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..models import Cohort, Role, utcnow
from ..web import local_datetime
from .fields import DayField

bp = Blueprint("classes", __name__, url_prefix="/classes")


class CohortForm(FlaskForm):
    name = StringField(_l("Name of the class"))
    starts_on = DayField(_l("Study starts on"), validators=[Optional()])
    ends_on = DayField(_l("Study ends on"), validators=[Optional()])
    submit = SubmitField(_l("Save"))


class MoveForm(FlaskForm):
    #: Checkboxes of the member list; membership is checked by the service, not here.
    users = SelectMultipleField(_l("Trainees"), coerce=int, validate_choice=False)
    target = SelectField(_l("Move to"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Move the chosen trainees"))


def get_cohort_or_404(cohort_id: int) -> Cohort:
    """The class, or 404."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def _apply_error(form: FlaskForm, exc: service.CohortError) -> None:
    """Show a service refusal under its field (or at the top when it names none)."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        flash(str(exc.message), "error")


@bp.route("", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def index():
    """Every class with its dates and size, and the form to create one."""
    form = CohortForm()
    if form.validate_on_submit():
        try:
            with write_transaction() as session:
                cohort = service.create_cohort(
                    session, form.name.data, form.starts_on.data, form.ends_on.data, actor_id=current_user.id
                )
                cohort_id, name = cohort.id, cohort.name
        except service.CohortError as exc:
            _apply_error(form, exc)
        else:
            flash(_("Class “%(name)s” created.", name=name), "success")
            return redirect(url_for(".detail", cohort_id=cohort_id))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/classes.html", cohorts=service.list_cohorts(db.session), form=form), status


def _move_form(cohort: Cohort) -> MoveForm:
    form = MoveForm(prefix="move")
    others = [c for c in db.session.scalars(select(Cohort).order_by(Cohort.name)) if c.id != cohort.id]
    form.target.choices = [SelectChoice(c.id, c.name) for c in others] + [SelectChoice(0, _("No class"))]
    return form


def _detail(cohort: Cohort, form: CohortForm, move: MoveForm, status: int = 200):
    return render_template(
        "admin/class.html", cohort=cohort, members=service.members(db.session, cohort.id), form=form, move=move
    ), status


@bp.route("/<int:cohort_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def detail(cohort_id: int):
    """One class: rename it, set its study dates, and see and move its members (XLSX/CSV list)."""
    cohort = get_cohort_or_404(cohort_id)
    fmt = params.args().choice("format", exports.FORMATS)
    if request.method == "GET" and fmt:
        now = utcnow()
        export = exports.Export(
            cohort.name,
            "",
            local_datetime(now),
            f"{cohort.code}-{now:%Y%m%d}",
            [service.members_table(service.members(db.session, cohort.id))],
        )
        return exports.response(export, fmt)
    form = CohortForm(obj=cohort)
    if form.validate_on_submit():
        try:
            with write_transaction() as session:
                changed = service.update_cohort(
                    session, cohort, form.name.data, form.starts_on.data, form.ends_on.data, actor_id=current_user.id
                )
        except service.CohortError as exc:
            _apply_error(form, exc)
        else:
            flash(_("Changes saved.") if changed else _("Nothing was changed."), "success" if changed else "info")
            return redirect(url_for(".detail", cohort_id=cohort_id))
    return _detail(cohort, form, _move_form(cohort), 400 if request.method == "POST" else 200)


@bp.route("/<int:cohort_id>/move", methods=["POST"])
@roles_required(Role.ADMIN)
def move(cohort_id: int):
    """Move the ticked members to another class (or to none)."""
    cohort = get_cohort_or_404(cohort_id)
    form = _move_form(cohort)
    if not form.validate_on_submit():
        return _detail(cohort, CohortForm(obj=cohort, formdata=None), form, 400)
    target = None
    if form.target.data:
        target = db.session.get(Cohort, form.target.data)
        if target is None:
            abort(404)
    try:
        with write_transaction() as session:
            moved = service.move_members(session, form.users.data or [], cohort, target, actor_id=current_user.id)
    except service.CohortError as exc:
        _apply_error(form, exc)
        return _detail(cohort, CohortForm(obj=cohort, formdata=None), form, 400)
    where = target.name if target else _("no class")
    flash(_("%(n)d trainee(s) moved to %(where)s.", n=moved, where=where), "success")
    return redirect(url_for(".detail", cohort_id=cohort_id))

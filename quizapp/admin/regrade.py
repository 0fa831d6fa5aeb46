"""Regrading after a key correction (/admin/questions/<id>/regrade?from_version=<id>): preview, confirm, result.

Thin views over ``authoring.regrade``: the page shows the plan, the confirmation carries the
plan's fingerprint back so exactly what was shown is applied, and a second submit of the same
plan lands on the first one's result instead of regrading twice.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired

from .. import exports, params
from ..auth.access import roles_required
from ..authoring import regrade as service
from ..authoring.regrade_plan import RegradePlan
from ..db import db, write_transaction
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..models import AuditLog, Certificate, Question, QuestionVersion, Role, User, utcnow
from ..pagination import Page
from ..web import local_datetime

bp = Blueprint("questions_regrade", __name__, url_prefix="/questions")


class ConfirmForm(FlaskForm):
    fingerprint = HiddenField()
    reason = TextAreaField(
        _l("Reason for the regrade"), validators=[DataRequired(message=_l("Give the reason for the regrade."))]
    )
    submit = SubmitField(_l("Regrade the attempts"))


def get_question_or_404(question_id: int) -> Question:
    """The question with its versions and topic; 404 if there is none."""
    question = db.session.scalar(
        select(Question)
        .where(Question.id == question_id)
        .options(selectinload(Question.versions), joinedload(Question.topic), joinedload(Question.current_version))
    )
    if question is None:
        abort(404)
    return question


def get_version_or_404(question: Question, version_id: int | None) -> QuestionVersion:
    """One of the question's versions by id; 404 for a missing id or another question's version."""
    version = next((v for v in question.versions if v.id == version_id), None)
    if version is None:
        abort(404)
    return version


def _plan(question: Question, old: QuestionVersion) -> RegradePlan:
    """The preview against the question's current version; NotOffered when there is none or it is no correction."""
    # Without an approved current version, compare with ``old`` itself: the service says why not.
    return service.preview(db.session, question, old, question.current_version or old)


def _not_offered(question: Question, problem, status: int):
    return render_template("admin/regrade/choose.html", question=question, offers=[], problem=problem), status


def _offer_page(question: Question, old: QuestionVersion, plan: RegradePlan, form: ConfirmForm, status: int = 200):
    changed = plan.changed
    size = current_app.config["PAGE_SIZE"]
    number = min(max(1, request.args.get("page", 1, type=int)), max(1, -(-len(changed) // size)))
    page = Page(changed[(number - 1) * size : number * size], number, size, len(changed))
    return render_template(
        "admin/regrade/offer.html",
        question=question,
        old=old,
        new=question.current_version,
        plan=plan,
        page=page,
        form=form,
    ), status


@bp.route("/<int:question_id>/regrade", endpoint="offer")
@roles_required(Role.ADMIN)
def offer(question_id: int):
    """What a regrade would change, with the confirmation form; ?format=xlsx|csv exports the attempts."""
    question = get_question_or_404(question_id)
    from_version = params.args().int("from_version")
    if from_version is None:
        offers = service.regrade_offers(db.session, question)
        return render_template("admin/regrade/choose.html", question=question, offers=offers, problem=None)
    old = get_version_or_404(question, from_version)
    try:
        plan = _plan(question, old)
    except service.NotOffered as exc:
        return _not_offered(question, exc.message, 200)
    fmt = request.args.get("format")
    if fmt in exports.FORMATS:
        return exports.response(_attempts_export(question, old, plan), fmt)
    return _offer_page(question, old, plan, ConfirmForm(fingerprint=plan.fingerprint))


@bp.route("/<int:question_id>/regrade", methods=["POST"], endpoint="confirm")
@roles_required(Role.ADMIN)
def confirm(question_id: int):
    """Apply the previewed regrade in one transaction, then show what it did."""
    question = get_question_or_404(question_id)
    old = get_version_or_404(question, params.args().int("from_version", required=True))
    form = ConfirmForm()
    new_id = question.current_version_id or 0
    actor_id = current_user.id
    if not form.validate_on_submit():
        try:
            plan = _plan(question, old)
        except service.NotOffered as exc:
            return _not_offered(question, exc.message, 409)
        return _offer_page(question, old, plan, form, 400)
    key = service.PlanKey(question.id, old.id, new_id, form.fingerprint.data or "")
    try:
        with write_transaction() as session:
            result = service.apply(session, key, actor_id, form.reason.data, utcnow())
    except service.StalePlan as exc:
        done = service.find_done(db.session, question.id, key.fingerprint)
        if done is not None:
            flash(_("This regrade was already done; here is its result."), "info")
            return redirect(url_for(".result", question_id=question.id, entry_id=done.id))
        flash(str(exc.message), "error")
        return redirect(url_for(".offer", question_id=question.id, from_version=old.id))
    except service.NotOffered as exc:
        return _not_offered(question, exc.message, 409)
    except service.RegradeError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for(".offer", question_id=question.id, from_version=old.id))
    flash(_("%(n)d attempt(s) regraded.", n=result.regraded), "success")
    return redirect(url_for(".result", question_id=question.id, entry_id=result.entry_id))


@bp.route("/<int:question_id>/regrade/<int:entry_id>", endpoint="result")
@roles_required(Role.ADMIN)
def result(question_id: int, entry_id: int):
    """A regrade done: its counts, the certificates it issued and those an admin should review."""
    question = get_question_or_404(question_id)
    entry = db.session.scalar(
        select(AuditLog)
        .where(AuditLog.id == entry_id, AuditLog.action == service.ACTION, AuditLog.target_id == str(question.id))
        .options(joinedload(AuditLog.actor))
    )
    if entry is None:
        abort(404)
    detail = entry.detail or {}
    codes = [*detail.get("issued", []), *detail.get("to_review", [])]
    certificates = {
        c.code: c
        for c in db.session.scalars(
            select(Certificate)
            .where(Certificate.code.in_(codes))
            .options(joinedload(Certificate.user).joinedload(User.ward))
        )
    }
    return render_template(
        "admin/regrade/result.html", question=question, entry=entry, detail=detail, certificates=certificates
    )


def _attempts_export(question: Question, old: QuestionVersion, plan: RegradePlan) -> exports.Export:
    """Every attempt the regrade concerns, with its score and result before and after."""
    headers = [
        _("No."),
        _("Full name"),
        _("Username"),
        _("Ward"),
        _("Class"),
        _("Attempt"),
        _("Finished at"),
        _("Score before"),
        _("Score after"),
        _("Out of"),
        _("Result before"),
        _("Result after"),
    ]

    def verdict(passed: bool) -> str:
        return _("Passed") if passed else _("Not passed")

    rows = []
    for n, a in enumerate(plan.attempts, start=1):
        user = plan.users[a.user_id]
        rows.append(
            [
                n,
                user.full_name,
                user.username,
                user.ward.full_name if user.ward else "",
                user.cohort.name if user.cohort else "",
                a.number,
                local_datetime(a.finished_at),
                a.old_score,
                a.new_score,
                a.max_score,
                verdict(a.old_passed),
                verdict(a.new_passed),
            ]
        )
    title = _("Regrade of question %(id)s", id=question.ext_id)
    table = exports.Table(title, headers, rows, widths={1: 28, 3: 24, 6: 18})
    return exports.Export(
        report=title,
        filter_text=_("from version %(old)d to version %(new)d", old=old.version, new=question.current_version.version),
        made_at=local_datetime(utcnow()),
        filename=f"regrade-{question.ext_id}-v{old.version}",
        tables=[table],
    )

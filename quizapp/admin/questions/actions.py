"""The workflow steps of the bank: submit (its author); review and approve, return, retire, restore (admins).

Routed in ``views`` (the blueprint): POST /<id>/submit, GET /review?version=…, POST /approve,
POST /<id>/return, POST /<id>/retire, POST /<id>/restore.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...auth.access import roles_required
from ...authoring import editing, history, workflow
from ...db import db, write_transaction
from ...i18n import gettext as _
from ...models import Question, QuestionVersion, Role, VersionState, utcnow
from ...params import to_int
from .forms import ApproveForm, RestoreForm, RetireForm, ReturnForm, SubmitForm
from .pages import STAFF, get_question_or_404, question_page

#: The regrade offer (another module) is shown after a key change when the app has it.
REGRADE_ENDPOINT = "admin.questions_regrade.offer"


@roles_required(*STAFF)
def submit(question_id: int):
    """Send the user's own draft of this question for approval."""
    question = get_question_or_404(question_id)
    form = SubmitForm()
    pending = editing.pending_version(db.session, question.id)
    if not form.validate_on_submit() or pending is None:
        flash(_("There is no draft of yours to submit."), "error")
        return redirect(url_for(".detail", question_id=question.id))
    try:
        with write_transaction() as session:
            workflow.submit(session, session.get(QuestionVersion, pending.id), current_user, utcnow())
    except workflow.WorkflowError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("Version %(v)d is submitted for approval.", v=pending.version), "success")
    return redirect(url_for(".detail", question_id=question.id))


@roles_required(Role.ADMIN)
def review():
    """The preview of a selection to approve (``?version=ID`` repeated): each wording and its changes."""
    limit = current_app.config["PAGE_SIZE"] * 4
    ids = [i for v in request.args.getlist("version") if (i := to_int(v)) is not None][:limit]
    versions = list(
        db.session.scalars(
            select(QuestionVersion)
            .where(QuestionVersion.id.in_(ids or [0]), QuestionVersion.state == VersionState.SUBMITTED)
            .options(selectinload(QuestionVersion.question).selectinload(Question.current_version))
            .order_by(QuestionVersion.question_id)
        )
    )
    if not versions:
        flash(_("Choose at least one submitted version to approve."), "error")
        return redirect(url_for(".index", status="submitted"))
    previews = [(v, history.diff(v.question.current_version, v)) for v in versions]
    form = ApproveForm(formdata=None, data={"token": [workflow.token(v) for v in versions]})
    skipped = len(set(ids)) - len(versions)
    return render_template("admin/questions/review.html", previews=previews, form=form, skipped=skipped)


@roles_required(Role.ADMIN)
def approve():
    """Approve the versions the preview (or a question's page) showed, all or none."""
    form = ApproveForm()
    tokens = [t for t in (form.token.data or []) if t]
    if not form.validate_on_submit():
        flash(_("The page was open too long. Review the selection again."), "error")
        return redirect(url_for(".index", status="submitted"))
    try:
        with write_transaction() as session:
            approvals = workflow.approve(session, tokens, current_user, utcnow())
    except workflow.WorkflowError as exc:
        flash(str(exc.message), "error")
        first = tokens[0].split(":", 1)[0] if tokens else ""
        version = db.session.get(QuestionVersion, i) if (i := to_int(first)) is not None else None
        if len(tokens) == 1 and version is not None:
            return redirect(url_for(".detail", question_id=version.question_id))
        return redirect(url_for(".index", status="submitted"))
    flash(_("%(n)d version(s) approved: new attempts draw them from now on.", n=len(approvals)), "success")
    return _after_approve(approvals)


def _after_approve(approvals: list[workflow.Approval]):
    """Where the admin goes next: the regrade offer for a corrected key (when the app has it), else the question."""
    changed = [a for a in approvals if a.key_changed]
    if changed and REGRADE_ENDPOINT in current_app.view_functions:
        first = changed[0]
        if len(changed) > 1:
            flash(
                _("The key changed in %(n)d questions: offer regrading from each question's page.", n=len(changed)),
                "info",
            )
        return redirect(url_for(REGRADE_ENDPOINT, question_id=first.question_id, from_version=first.previous_id))
    if len(approvals) == 1:
        return redirect(url_for(".detail", question_id=approvals[0].question_id))
    return redirect(url_for(".index", status="submitted"))


@roles_required(Role.ADMIN)
def return_version(question_id: int):
    """Send the submitted version back to its author with a comment."""
    question = get_question_or_404(question_id)
    form = ReturnForm()
    pending = editing.pending_version(db.session, question.id)
    if not form.validate_on_submit() or pending is None:
        return question_page(question, 400, return_form=form)
    try:
        with write_transaction() as session:
            version = session.get(QuestionVersion, pending.id)
            workflow.return_version(session, version, form.token.data, current_user, form.comment.data, utcnow())
    except workflow.WorkflowError as exc:
        form.comment.errors = [str(exc.message)]
        return question_page(get_question_or_404(question_id), 400, return_form=form)
    flash(_("Version %(v)d is returned to its author.", v=pending.version), "success")
    return redirect(url_for(".detail", question_id=question_id))


def _status_change(question_id: int, form, change, done: str, form_name: str):
    question = get_question_or_404(question_id)
    if not form.validate_on_submit():
        return question_page(question, 400, **{form_name: form})
    try:
        with write_transaction() as session:
            change(session, session.get(Question, question_id), current_user, (form.reason.data or "").strip())
    except workflow.WorkflowError as exc:
        form.reason.errors = [str(exc.message)]
        return question_page(get_question_or_404(question_id), 400, **{form_name: form})
    flash(done, "success")
    return redirect(url_for(".detail", question_id=question_id))


@roles_required(Role.ADMIN)
def retire(question_id: int):
    """Stop drawing the question (with a reason); attempts that showed it keep it."""
    return _status_change(
        question_id,
        RetireForm(),
        workflow.retire,
        _("The question is retired: no new attempt draws it."),
        "retire_form",
    )


@roles_required(Role.ADMIN)
def restore(question_id: int):
    """Draw a retired question again (with a reason)."""
    return _status_change(question_id, RestoreForm(), workflow.restore, _("The question is restored."), "restore_form")

"""A question's page, shared by the views that show it and the workflow steps that re-show it with errors."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from ...authoring import editing, history, workflow
from ...db import db
from ...models import Question, Role, VersionState
from .forms import ApproveForm, RestoreForm, RetireForm, ReturnForm, SubmitForm

#: Who may use the bank: browse, write and submit (approving is for admins only).
STAFF = (Role.INSTRUCTOR, Role.ADMIN)


def get_question_or_404(question_id: int) -> Question:
    """The question ``question_id`` with its topic (404 when there is none; the views check roles)."""
    question = db.session.get(Question, question_id)
    if question is None:
        abort(404)
    return question


def question_page(question: Question, status: int = 200, **forms):
    """The page of ``question``: as trainees see it, its pending version and the forms the user may use.

    ``forms`` replaces a form of the page (one re-shown with its errors after a failed POST).
    """
    pending = editing.pending_version(db.session, question.id)
    is_admin = current_user.has_role(Role.ADMIN)
    if pending is not None and pending.state == VersionState.SUBMITTED and is_admin:
        forms.setdefault("approve_form", ApproveForm(formdata=None, data={"token": [workflow.token(pending)]}))
        forms.setdefault("return_form", ReturnForm(formdata=None, data={"token": workflow.token(pending)}))
    if pending is not None and pending.author_id == current_user.id and pending.state in editing.EDITABLE:
        forms.setdefault("submit_form", SubmitForm())
    if is_admin:
        forms.setdefault("retire_form", RetireForm(formdata=None))
        forms.setdefault("restore_form", RestoreForm(formdata=None))
    shown = question.current_version or pending
    return render_template(
        "admin/questions/detail.html",
        question=question,
        shown=shown,
        pending=pending,
        can_edit=editing.editable_by(pending, current_user),
        entries=history.history(db.session, question),
        trail=history.audit_trail(db.session, question),
        is_admin=is_admin,
        **forms,
    ), status

"""The ``questions`` blueprint (/admin/questions): browse, a question's page, the editor; the workflow steps' routes.

Instructors and admins browse, edit and submit; only admins approve, return, retire and restore.
The rules live in ``authoring`` (editing, workflow, bank, history); these views read the request,
call them in one write transaction, and show the result.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ... import params
from ...auth.access import roles_required
from ...authoring import bank, editing, workflow
from ...db import db, write_transaction
from ...i18n import gettext as _
from ...i18n import lazy_gettext as _l
from ...models import Question, QuestionVersion, Role, Section, Topic, VersionState
from . import actions
from .forms import (
    ADD_ROWS,
    DIFFICULTY_LABELS,
    MAX_ROWS,
    TYPE_LABELS,
    QuestionForm,
)
from .pages import STAFF, get_question_or_404, question_page

bp = Blueprint("questions", __name__, url_prefix="/questions")
STATE_LABELS = {
    VersionState.DRAFT: _l("Draft"),
    VersionState.SUBMITTED: _l("Submitted"),
    VersionState.APPROVED: _l("Approved"),
    VersionState.RETURNED: _l("Returned"),
}
#: The list's status filter (authoring.bank explains what each matches).
BANK_STATUS_LABELS = {
    "draft": _l("Being drafted"),
    "submitted": _l("Waiting for approval"),
    "approved": _l("Approved (drawn)"),
    "retired": _l("Retired"),
}


def _labeller(labels: dict):
    """A template filter that shows a stored value by its translated label (the value itself if unknown)."""
    return lambda value: str(labels.get(value, value))


for _name, _labels in (
    ("question_type", TYPE_LABELS),
    ("difficulty", DIFFICULTY_LABELS),
    ("version_state", STATE_LABELS),
    ("bank_status", BANK_STATUS_LABELS),
):
    bp.add_app_template_filter(_labeller(_labels), _name)


@bp.route("")
@roles_required(*STAFF)
def index():
    """The bank: filters, search ignoring tone marks and case, pages, counts per topic and section."""
    f = bank.BankFilter.parse(request.args)
    page, rows = bank.page_of(db.session, f, params.args().int("page", 1), current_app.config["PAGE_SIZE"])
    topics = bank.topics_with_sections(db.session)
    return render_template(
        "admin/questions/index.html",
        f=f,
        page=page,
        rows=rows,
        topics=topics,
        chosen=next((t for t in topics if t.number == f.topic), None),
        counts=bank.counts(db.session, f),
        tokens={r.question.id: workflow.token(r.version) for r in rows if r.version.state == VersionState.SUBMITTED},
        can_approve=current_user.has_role(Role.ADMIN),
        statuses=bank.STATUSES,
        types=bank.TYPES,
    )


@bp.route("/<int:question_id>")
@roles_required(*STAFF)
def detail(question_id: int):
    """A question as trainees see it, its versions with diffs and use, statistics and workflow actions."""
    return question_page(get_question_or_404(question_id))


def _sections(topic: Topic) -> list[Section]:
    return bank.section_choices(topic)


def _editor(form: QuestionForm, topic: Topic, question: Question | None, status: int = 200, option_errors=()):
    form.section.choices = [SelectChoice("", _("(choose a section)"))] + [
        SelectChoice(s.slug, s.title) for s in _sections(topic)
    ]
    return render_template(
        "admin/questions/edit.html",
        form=form,
        topic=topic,
        question=question,
        can_add=len(form.options) < MAX_ROWS,
        option_errors=option_errors,
    ), status


def _save(form: QuestionForm, topic: Topic, question: Question | None):
    """Handle the editor's POST: add rows, or check and save; re-show the form on any problem."""
    if request.form.get("add_rows"):
        form.show_rows([r for r in form.editor_input("").options if r.text.strip()] or [], blank=ADD_ROWS)
        return _editor(form, topic, question)
    if not form.validate():
        return _editor(form, topic, question, 400)
    checked = editing.check(form.editor_input(question.ext_id if question else ""), [s.slug for s in _sections(topic)])
    form.show_rows(checked.rows)
    if checked.spec is None:
        return _editor_errors(form, topic, question, checked.errors)
    section = next(s for s in _sections(topic) if s.slug == checked.spec.section)
    note = (form.change_note.data or "").strip()
    try:
        with write_transaction() as session:
            if question is None:
                question = editing.create(session, topic, section, checked.spec, current_user, note)
            else:
                editing.edit(session, question, section, checked.spec, current_user, note)
            question_id = question.id
    except workflow.WorkflowError as exc:
        flash(str(exc.message), "error")
        return _editor(form, topic, question, 409)
    flash(_("The draft is saved. Submit it for approval when it is ready."), "success")
    return redirect(url_for(".detail", question_id=question_id))


def _editor_errors(form: QuestionForm, topic: Topic, question: Question | None, errors: dict):
    general = []  # problems of the options as a whole (how many, how many correct)
    for name, messages in errors.items():
        if name.startswith("option-"):
            row = form.options[int(name.split("-")[1])].form.text
            row.errors = [*row.errors, *messages]
        elif name in form and name != "options":
            form[name].errors = [*form[name].errors, *messages]
        else:
            general.extend(messages)
    flash(_("The question was not saved: correct the marked fields."), "error")
    return _editor(form, topic, question, 400, general)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new():
    """Write a new question in the topic ``?topic=N``; it is saved as a draft."""
    number = params.args().int("topic", hi=1000)
    if number is None:  # the bank's "new question" form names the topic; a bare link lands back there
        flash(_("Choose a topic."), "error")
        return redirect(url_for(".index"))
    topic = db.session.scalar(select(Topic).where(Topic.number == number))
    if topic is None:
        abort(404)
    form = QuestionForm()
    if request.method == "POST":
        return _save(form, topic, None)
    form.show_rows([])
    return _editor(form, topic, None)


@bp.route("/<int:question_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(question_id: int):
    """Change a question: the user's own draft in place, otherwise a new draft beside the approved wording."""
    question = get_question_or_404(question_id)
    pending = editing.pending_version(db.session, question.id)
    if (message := editing.refusal(pending, current_user)) is not None:
        flash(str(message), "error")
        return redirect(url_for(".detail", question_id=question.id))
    form = QuestionForm()
    if request.method == "POST":
        return _save(form, question.topic, question)
    base: QuestionVersion = pending or question.current_version or question.versions[-1]
    form = QuestionForm(
        formdata=None,
        data={
            "type": base.type,
            "text": base.text,
            "answer": "true" if base.options and base.options[0].get("correct") else "false",
            "explanation": base.explanation,
            "source": base.source,
            "section": base.section.slug,
            "difficulty": base.difficulty,
            "change_note": pending.change_note if pending else "",
        },
    )
    rows = (
        []
        if base.type == "true_false"
        else [editing.OptionRow(o["text"], bool(o.get("correct")), i + 1) for i, o in enumerate(base.options)]
    )
    form.show_rows(rows, blank=1)
    return _editor(form, question.topic, question)


# The workflow steps (actions.py), registered here so the blueprint is assembled in one place.
for rule, view in (
    ("/<int:question_id>/submit", actions.submit),
    ("/approve", actions.approve),
    ("/<int:question_id>/return", actions.return_version),
    ("/<int:question_id>/retire", actions.retire),
    ("/<int:question_id>/restore", actions.restore),
):
    bp.add_url_rule(rule, view_func=view, methods=["POST"])
bp.add_url_rule("/review", view_func=actions.review)

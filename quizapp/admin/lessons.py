"""The lesson editor (/admin/lessons/<n>): instructors draft and submit a lesson, admins approve or return it.

The lesson is edited as one Markdown text (introduction, then a `## ` heading per section) and
previewed with the trainees' own template and sanitiser. The rules live in authoring/lessons.py.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..auth.access import roles_required
from ..authoring import lessons
from ..db import db, write_transaction
from ..exports import file_response
from ..i18n import gettext as _
from ..models import LessonDraft, Role, Topic, VersionState
from .question_forms import STATE_LABELS, LessonForm, LessonReviewForm

bp = Blueprint("lessons", __name__, url_prefix="/lessons")

EDITORS = (Role.INSTRUCTOR, Role.ADMIN)


def _topic_or_404(number: int) -> Topic:
    topic = db.session.scalar(
        select(Topic).where(Topic.number == number, Topic.active).options(selectinload(Topic.sections))
    )
    if topic is None:
        abort(404)
    return topic


def get_draft_or_404(topic: Topic, draft_id: int) -> LessonDraft:
    """A draft of ``topic`` its author or an admin may read; 404 for anyone else (or another topic's)."""
    draft = db.session.get(LessonDraft, draft_id)
    if draft is None or draft.topic_id != topic.id:
        abort(404)
    if draft.author_id != current_user.id and not current_user.has_role(Role.ADMIN):
        abort(404)
    return draft


@bp.route("/")
@roles_required(*EDITORS)
def index():
    """The topics' lessons, with the drafts waiting for approval."""
    topics = db.session.scalars(select(Topic).where(Topic.active).order_by(Topic.number)).all()
    waiting = dict(
        db.session.execute(
            select(LessonDraft.topic_id, func.count())
            .where(LessonDraft.state == VersionState.SUBMITTED)
            .group_by(LessonDraft.topic_id)
        ).all()
    )
    return render_template("admin/lessons/index.html", topics=topics, waiting=waiting)


def _editor(topic: Topic, form: LessonForm, check=None, status: int = 200):
    drafts = db.session.scalars(
        select(LessonDraft)
        .where(LessonDraft.topic_id == topic.id)
        .options(selectinload(LessonDraft.author))
        .order_by(LessonDraft.id.desc())
    ).all()
    if not current_user.has_role(Role.ADMIN):
        drafts = [d for d in drafts if d.author_id == current_user.id]
    own = next((d for d in drafts if d.author_id == current_user.id and d.state in lessons.OPEN), None)
    return render_template(
        "admin/lessons/edit.html",
        topic=topic,
        form=form,
        check=check,
        drafts=drafts,
        own=own,
        state_labels=STATE_LABELS,
    ), status


@bp.route("/<int:number>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(number: int):
    """Edit the lesson as Markdown; preview it as trainees will see it; save or submit the draft."""
    topic = _topic_or_404(number)
    form = LessonForm()
    if request.method == "GET":
        own = lessons.open_draft(db.session, topic.id, current_user.id)
        form.markdown.data = own.markdown if own else lessons.published_markdown(topic)
        form.note.data = own.note if own else ""
        return _editor(topic, form)
    if not form.validate_on_submit():
        return _editor(topic, form, status=400)
    check = lessons.check_lesson(db.session, topic, form.markdown.data)
    if form.preview.data or not check.ok:
        return _editor(topic, form, check, 200 if check.ok else 422)
    number, author_id, submit = topic.number, current_user.id, bool(form.submit.data)
    try:
        with write_transaction() as session:
            topic = _topic_or_404(number)
            lessons.save_draft(session, topic, author_id, form.markdown.data, form.note.data or "", submit=submit)
    except lessons.LessonRefused as exc:
        flash(str(exc), "error")
        return _editor(_topic_or_404(number), form, check, 409)
    flash(_("Submitted for approval.") if submit else _("The draft was saved."), "success")
    return redirect(url_for(".edit", number=number))


@bp.route("/<int:number>/drafts/<int:draft_id>")
@roles_required(*EDITORS)
def draft(number: int, draft_id: int):
    """A draft as trainees would read it, with its text; admins approve or return a submitted one."""
    topic = _topic_or_404(number)
    item = get_draft_or_404(topic, draft_id)
    check = lessons.check_lesson(db.session, topic, item.markdown)
    review = None
    if item.state == VersionState.SUBMITTED and current_user.has_role(Role.ADMIN):
        review = LessonReviewForm(formdata=None)
    return render_template(
        "admin/lessons/draft.html",
        topic=topic,
        draft=item,
        check=check,
        review=review,
        seen=lessons.fingerprint(item.markdown),
        state_labels=STATE_LABELS,
    )


@bp.route("/<int:number>/drafts/<int:draft_id>/review", methods=["POST"])
@roles_required(Role.ADMIN)
def review(number: int, draft_id: int):
    """Approve (publish) or return a submitted draft; both audited."""
    form = LessonReviewForm()
    if not form.validate_on_submit():
        abort(400)
    admin_id, seen, comment = current_user.id, request.form.get("seen", ""), (form.comment.data or "").strip()
    try:
        with write_transaction() as session:
            topic = _topic_or_404(number)
            item = get_draft_or_404(topic, draft_id)
            if form.approve.data:
                lessons.approve(session, item, admin_id, seen, comment)
            else:
                lessons.send_back(session, item, admin_id, seen, comment)
    except lessons.LessonRefused as exc:
        flash(str(exc), "error")
        return redirect(url_for(".draft", number=number, draft_id=draft_id))
    if form.approve.data:
        flash(_("The lesson is published: trainees read it from now on."), "success")
    else:
        flash(_("The draft was returned to its author."), "success")
    return redirect(url_for(".edit", number=number))


@bp.route("/<int:number>/lesson.md")
@roles_required(*EDITORS)
def download(number: int):
    """The published lesson as a lesson.md, to put the browser's changes back into the course files."""
    topic = _topic_or_404(number)
    text = f"# {topic.title}\n\n" + lessons.published_markdown(topic)
    return file_response(text.encode("utf-8"), f"{topic.slug}-lesson.md", "text/markdown; charset=utf-8")

"""Question files (/admin/questions/import and /export): a file into the bank as drafts, a topic out to a file.

Import is upload → preview of every question and every error by line → "Import as drafts", all
or nothing. The file stays on the server between the two steps, bound to the commit by a signed
ticket (accounts/roster_uploads.py, as the roster import does), so a second click imports nothing.
Instructors and admins both may import: imported questions are drafts that an admin approves.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.routing import BuildError
from wtforms.fields.choices import SelectChoice

from ..accounts.roster_uploads import UploadRefused, claim, stash, ticket
from ..auth.access import roles_required
from ..authoring import transfer
from ..content import formats
from ..db import db, write_transaction
from ..exports import file_response
from ..i18n import gettext as _
from ..models import Role, Section, Topic, utcnow
from ..timezone import to_local
from .question_forms import AS_NAMED, TYPE_LABELS, QuestionCommitForm, QuestionExportForm, QuestionImportForm

bp = Blueprint("question_files", __name__, url_prefix="/questions")

#: The signature purpose of question-import tickets (a roster ticket is not accepted here).
PURPOSE = "question-import"
MAX_MB = formats.MAX_BYTES // (1024 * 1024)


def bank_url(topic: int | None = None, status: str | None = None) -> str:
    """The question bank's list, filtered (its blueprint lives in admin/questions.py)."""
    args = {k: v for k, v in (("topic", topic), ("status", status)) if v}
    try:
        return url_for("admin.questions.index", **args)
    except BuildError:  # the bank pages are not registered (this module alone)
        query = "&".join(f"{k}={v}" for k, v in args.items())
        return url_for("admin.index") + "questions" + (f"?{query}" if query else "")


def _topics() -> list[Topic]:
    return list(db.session.scalars(select(Topic).where(Topic.active).order_by(Topic.number)))


def _topic_choices(topics: list[Topic]) -> list[SelectChoice]:
    return [SelectChoice(t.number, _("Topic %(n)d", n=t.number) + f": {t.title}") for t in topics]


def _fill_choices(form: QuestionImportForm, topics: list[Topic]) -> None:
    form.topic.choices = _topic_choices(topics)
    # One list for every topic, grouped by topic: the page works without a script.
    form.section.choices = [SelectChoice(AS_NAMED, _("None: each question names its section"))] + [
        SelectChoice(str(s.id), s.title, optgroup=_("Topic %(n)d", n=t.number))
        for t in topics
        for s in t.sections
        if s.active
    ]


def _import_page(form: QuestionImportForm, status: int = 200, refused: str | None = None):
    return render_template(
        "admin/question_files/import.html", form=form, max_mb=MAX_MB, refused=refused, bank_url=bank_url()
    ), status


def _chosen(topic_number: int, section_value: str) -> tuple[Topic | None, Section | None, bool]:
    """The topic and fallback section a form names; False when the section is not the topic's."""
    topic = db.session.scalar(select(Topic).where(Topic.number == topic_number, Topic.active))
    if topic is None or section_value == AS_NAMED:
        return topic, None, topic is not None
    section = db.session.get(Section, int(section_value)) if section_value.isdigit() else None
    return topic, section, section is not None and section.topic_id == topic.id and section.active


@bp.route("/import", methods=["GET", "POST"])
@roles_required(Role.INSTRUCTOR, Role.ADMIN)
def import_file():
    """Upload a question file and see every question it holds, and every error with its line."""
    topics = _topics()
    form = QuestionImportForm()
    _fill_choices(form, topics)
    if request.method == "GET" and request.args.get("topic", "").isdigit():
        form.topic.data = int(request.args["topic"])
    if not form.validate_on_submit():
        return _import_page(form, 400 if form.errors else 200)
    file = form.file.data
    # Read one byte past the limit: enough to refuse a huge file without holding it all.
    data, filename = file.stream.read(formats.MAX_BYTES + 1), file.filename or ""
    file.close()
    if len(data) > formats.MAX_BYTES:
        message = _(
            "The file is larger than %(mb)d MB, so nothing was read or stored. Split it into smaller files.", mb=MAX_MB
        )
        return _import_page(form, 413, refused=message)
    topic, fallback, fits = _chosen(form.topic.data, form.section.data or AS_NAMED)
    if not fits:
        form.section.errors = [_("Choose a section of the chosen topic, or none.")]
        return _import_page(form, 400)
    fmt = form.fmt.data or formats.guess_format(filename, data)
    if fmt is None:
        form.fmt.errors = [_("The format could not be recognised from the file: choose it.")]
        return _import_page(form, 400)
    plan = transfer.plan_import(db.session, topic, data, fmt, fallback)
    commit_form, actor_id = None, current_user.id
    if plan.ok:
        with write_transaction() as session:
            upload = stash(session, data, filename, actor_id, utcnow())
            signed = ticket(upload, plan.digest(), current_app.config["SECRET_KEY"], PURPOSE)
        commit_form = QuestionCommitForm(
            formdata=None,
            ticket=signed,
            topic=str(topic.number),
            section=str(fallback.id) if fallback else AS_NAMED,
            fmt=fmt,
        )
    return render_template(
        "admin/question_files/preview.html",
        plan=plan,
        topic=topic,
        fallback=fallback,
        fmt_label=formats.FORMATS[fmt].label,
        filename=filename,
        commit_form=commit_form,
        type_labels=TYPE_LABELS,
    ), (200 if plan.ok else 422)


@bp.route("/import/commit", methods=["POST"])
@roles_required(Role.INSTRUCTOR, Role.ADMIN)
def commit():
    """Store the previewed file's questions as drafts, all or none, then link to them in the bank."""
    form = QuestionCommitForm()
    if not form.validate_on_submit() or not form.topic.data.isdigit() or form.fmt.data not in formats.FORMATS:
        return _refused(_("The import form was altered; upload the file again."))
    topic_number, section_value, actor_id = int(form.topic.data), form.section.data or AS_NAMED, current_user.id
    try:
        with write_transaction() as session:
            data, filename, previewed = claim(
                session, form.ticket.data, actor_id, current_app.config["SECRET_KEY"], utcnow(), PURPOSE
            )
            topic, fallback, fits = _chosen(topic_number, section_value)
            plan = transfer.plan_import(session, topic, data, form.fmt.data, fallback) if fits else None
            if plan is None or plan.digest() != previewed:
                raise UploadRefused(_("The topic or its sections changed since the preview; upload the file again."))
            created = transfer.commit_import(session, plan, actor_id, filename)
            ids = [q.ext_id for q in created]
    except UploadRefused as exc:
        return _refused(str(exc))
    return render_template(
        "admin/question_files/done.html",
        topic=topic,
        ids=ids,
        filename=filename,
        drafts_url=bank_url(topic.number, "draft"),
    )


def _refused(message: str):
    form = QuestionImportForm(formdata=None)
    _fill_choices(form, _topics())
    return _import_page(form, 409, refused=message)


@bp.route("/export")
@roles_required(Role.INSTRUCTOR, Role.ADMIN)
def export():
    """Download a topic's bank (approved only, or everything with statuses) in any import format."""
    topics = _topics()
    args = request.args.copy()
    if args.get("format") == "moodle":  # the name DESIGN §4 gives in the URL contract
        args["format"] = "moodle_xml"
    form = QuestionExportForm(args)
    form.topic.choices = _topic_choices(topics)
    if "topic" not in request.args or not form.validate():
        status = 400 if "topic" in request.args else 200
        return render_template("admin/question_files/export.html", form=form), status
    topic = next(t for t in topics if t.number == form.topic.data)
    when = to_local(utcnow()).strftime("%d/%m/%Y %H:%M")
    header = f"{topic.title}\n" + _(
        "Exported by %(name)s at %(time)s; questions: %(scope)s",
        name=current_user.full_name,
        time=when,
        scope=form.scope.data,
    )
    out = transfer.export_topic(db.session, topic, form.format.data, form.scope.data, header=header)
    return file_response(out.export.data, out.filename, out.export.mimetype)

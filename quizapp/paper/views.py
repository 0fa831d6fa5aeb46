"""Paper quizzes (/admin/paper): print papers for a trainee or a class, download them, enter or void them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from .. import exports
from ..auth.access import roles_required
from ..certificates.issuance import current_certificate
from ..course import active_topics
from ..db import db, write_transaction
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..models import Cohort, Course, Role, Topic, User, utcnow
from ..quiz.overrides import TAKERS
from ..quiz.question_types import QUESTION_TYPES
from . import entry as entering
from . import services
from .codes import display as paper_code_display
from .void import ALREADY_ENTERED, void_paper, voids

bp = Blueprint("paper", __name__, url_prefix="/paper")


class PrintForm(FlaskForm):
    topic = SelectField(_l("Topic"), coerce=int, validate_choice=False)
    cohort = SelectField(_l("A whole class"), validate_choice=False)
    username = StringField(_l("Or one trainee (username)"))
    preview = SubmitField(_l("Check who gets a paper"))
    confirm = SubmitField(_l("Print the papers"))


class VoidForm(FlaskForm):
    """Voiding a lost or unsat paper (void.py): destructive, so a reason and a tick."""

    reason = TextAreaField(_l("Reason for voiding"), validators=[DataRequired(), Length(max=1000)])
    confirm = BooleanField(
        _l("I understand that this paper is deleted and can no longer be entered."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Void this paper"))


def _print_form() -> PrintForm:
    form = PrintForm()
    form.topic.choices = [
        SelectChoice(t.id, _("Topic %(n)d", n=t.number) + ": " + t.title) for t in active_topics(db.session)
    ]
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.starts_on.is_(None), Cohort.starts_on, Cohort.name))
    form.cohort.choices = [("", "—")] + [(str(c.id), c.name) for c in cohorts]
    return form


def _chosen(form: PrintForm) -> tuple[Topic, list[User], str] | None:
    """The topic, the trainees and a label for them, or None with the reason on the form."""
    topic = db.session.get(Topic, form.topic.data) if form.topic.data is not None else None
    if topic is None or not topic.active:
        form.topic.errors = [*form.topic.errors, _("Choose a topic.")]
        return None
    username = (form.username.data or "").strip()
    if bool(username) == bool(form.cohort.data):
        form.cohort.errors = [*form.cohort.errors, _("Choose a class or type one trainee's username, not both.")]
        return None
    if username:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            form.username.errors = [*form.username.errors, _("No account has the username “%(u)s”.", u=username)]
            return None
        return topic, [user], user.full_name
    cohort = db.session.get(Cohort, int(form.cohort.data)) if form.cohort.data.isdigit() else None
    if cohort is None:
        abort(404)
    users = db.session.scalars(
        select(User)
        .where(User.cohort_id == cohort.id, User.role.in_(TAKERS), User.active)
        .order_by(User.search_name, User.id)
    ).all()
    return topic, list(users), cohort.name


@bp.route("")
@roles_required(Role.ADMIN)
def index():
    """Enter a paper by its code; print papers; the latest prints."""
    return render_template("paper/index.html", batches=services.recent_batches(db.session))


@bp.route("/print", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def print_form():
    """Choose a topic and a class or trainee, see who gets a paper and who is refused, then print."""
    form = _print_form()
    plan = None
    if form.validate_on_submit() and (chosen := _chosen(form)) is not None:
        topic, users, label = chosen
        try:
            if form.confirm.data:
                with write_transaction() as session:
                    log, plan = services.print_papers(session, topic, users, current_user.id, utcnow())
                    batch_id = log.id
                return redirect(url_for(".batch", batch_id=batch_id))
            plan = services.plan_print(db.session, topic, users)
        except services.PaperError as exc:
            flash(str(exc.message), "error")
            plan = None
        if plan is not None:
            return render_template("paper/preview.html", form=form, plan=plan, label=label)
    status = 400 if request.method == "POST" else 200
    return render_template("paper/print.html", form=form), status


def _batch_or_404(batch_id: int):
    found = services.find_batch(db.session, batch_id)
    if found is None:
        abort(404)
    return found


@bp.route("/batches/<int:batch_id>")
@roles_required(Role.ADMIN)
def batch(batch_id: int):
    """A print: its papers (code, trainee, entered, open or voided), the refused and the two downloads."""
    log, papers = _batch_or_404(batch_id)
    voided = voids(db.session, set(log.detail.get("codes", [])) - {a.paper_code for a in papers})
    named = [r["user_id"] for r in log.detail.get("refused", [])] + [int(e.target_id) for e in voided.values()]
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(named)))}
    return render_template("paper/batch.html", log=log, papers=papers, users=users, voided=voided)


def _stem(papers) -> str:
    topic = papers[0].topic.number if papers else 0
    return f"bai-giay-chuyen-de-{topic}"


@bp.route("/batches/<int:batch_id>/papers.pdf")
@roles_required(Role.ADMIN)
def papers(batch_id: int):
    """The papers to hand out, one per trainee."""
    from .pdf import papers_pdf  # on first use: fpdf adds ~33 MB to a worker (certificates/pdf.py)

    _log, attempts = _batch_or_404(batch_id)
    course = db.session.get(Course, 1)
    data = papers_pdf(attempts, course.title if course else "")
    return exports.file_response(data, f"{_stem(attempts)}-{batch_id}.pdf", "application/pdf")


@bp.route("/batches/<int:batch_id>/key.pdf")
@roles_required(Role.ADMIN)
def key(batch_id: int):
    """The instructor's key sheet of the print (never handed out)."""
    from .pdf import key_pdf  # on first use, as above

    _log, attempts = _batch_or_404(batch_id)
    title = f"Chuyên đề {attempts[0].topic.number}: {attempts[0].topic.title}" if attempts else ""
    data = key_pdf(attempts, title)
    return exports.file_response(data, f"dap-an-{_stem(attempts)}-{batch_id}.pdf", "application/pdf")


def _grid(attempt, values=None, errors=None, status=200, void_form=None):
    rows = [
        {
            "item": item,
            "letters": entering.letters(len(item.option_order)),
            "multiple": QUESTION_TYPES[item.question_version.type].multiple_choice,
            "value": (values or {}).get(item.position, ""),
            "error": (errors or {}).get(item.position),
        }
        for item in attempt.items
    ]
    forms = {"form": FlaskForm(), "void_form": void_form or VoidForm(prefix="void")}
    return render_template("paper/enter.html", attempt=attempt, rows=rows, **forms), status


@bp.route("/enter")
@roles_required(Role.ADMIN)
def enter():
    """The answer grid of the paper whose code was scanned or typed (``?code=``)."""
    text = request.args.get("code", "")
    if not text.strip():
        return redirect(url_for(".index"))
    try:
        attempt = entering.find_paper(db.session, text)
    except services.PaperError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for(".index"))
    if not attempt.is_open:
        return redirect(url_for(".result", code=attempt.paper_code))
    return _grid(attempt)


@bp.route("/enter/<code>", methods=["POST"])
@roles_required(Role.ADMIN)
def save(code: str):
    """Grade the paper with the letters typed; a second entry of the same paper is refused."""
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    actor_id = current_user.id  # read before the write transaction, which expires the loaded user (db.py)
    values = {}
    try:
        with write_transaction() as session:
            attempt = entering.find_paper(session, code)
            values = {i.position: request.form.get(f"q{i.position}", "")[:20] for i in attempt.items}
            entering.enter_paper(session, attempt, values, actor_id, utcnow())
    except entering.AnswerErrors as exc:
        return _grid(entering.find_paper(db.session, code), values, exc.errors, 400)
    except services.PaperError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for(".index"))
    return redirect(url_for(".result", code=code))


@bp.route("/enter/<code>/void", methods=["POST"])
@roles_required(Role.ADMIN)
def void(code: str):
    """Void a paper that will never be entered (lost, or never sat): asks for a reason and a tick first."""
    form = VoidForm(prefix="void")
    try:
        attempt = entering.find_paper(db.session, code)
    except services.PaperError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for(".index"))
    if not attempt.is_open:
        flash(str(ALREADY_ENTERED), "error")
        return redirect(url_for(".result", code=attempt.paper_code))
    if not form.validate_on_submit():
        return _grid(attempt, status=400, void_form=form)
    actor_id = current_user.id  # read before the write transaction, which expires the loaded user (db.py)
    name, number, shown = attempt.user.full_name, attempt.topic.number, attempt.paper_code
    try:
        with write_transaction() as session:  # void_paper reads again, under lock, what it needs
            void_paper(session, attempt.id, actor_id, form.reason.data)
    except services.PaperError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for(".enter", code=code))
    flash(
        _(
            "Paper %(code)s was voided. %(name)s may now take topic %(n)d online, or be printed a new paper.",
            code=paper_code_display(shown),
            name=name,
            n=number,
        ),
        "success",
    )
    return redirect(url_for(".index"))


@bp.route("/papers/<code>")
@roles_required(Role.ADMIN)
def result(code: str):
    """An entered paper: score, pass, the certificate if the trainee has one, who entered it and when."""
    try:
        attempt = entering.find_paper(db.session, code)
    except services.PaperError:
        abort(404)
    if attempt.is_open:
        return redirect(url_for(".enter", code=attempt.paper_code))
    log = entering.entry_of(db.session, attempt)
    certificate = current_certificate(db.session, attempt.user_id)
    return render_template(
        "paper/result.html",
        attempt=attempt,
        log=log,
        certificate=certificate,
        keys=[entering.key_letters(i) for i in attempt.items],
        letters=entering.letters,
    )

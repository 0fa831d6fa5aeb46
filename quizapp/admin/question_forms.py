"""Forms of the question-file pages (import, export) and the lesson editor."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..authoring.transfer import SCOPES
from ..content.formats import FORMATS
from ..i18n import lazy_gettext as _l

#: The section choice meaning "the section each question names in the file".
AS_NAMED = ""

TYPE_LABELS = {"single": _l("one answer"), "multiple": _l("several answers"), "true_false": _l("true or false")}
#: A lesson draft's state (models.VersionState values), as the editor shows it.
STATE_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Waiting for approval"),
    "approved": _l("Approved"),
    "returned": _l("Returned with a comment"),
}
SCOPE_LABELS = {"approved": _l("Approved questions (what trainees draw)"), "all": _l("Every question, with its status")}


def format_choices(guess: bool = False) -> list[SelectChoice]:
    choices = [SelectChoice(name, f.label) for name, f in FORMATS.items()]
    return [SelectChoice("", _l("Recognise from the file"))] + choices if guess else choices


class QuestionImportForm(FlaskForm):
    """Which topic, which section for questions naming none, which file and its format."""

    topic = SelectField(_l("Topic"), coerce=int, validate_choice=True)
    #: Grouped by topic (the view fills it); the view checks the section belongs to the topic.
    section = SelectField(_l("Section for questions the file gives none"), validate_choice=False)
    fmt = SelectField(_l("File format"), choices=format_choices(guess=True))
    file = FileField(_l("Question file"), validators=[FileRequired(_l("Choose a file."))])
    submit = SubmitField(_l("Check the file"))


class QuestionCommitForm(FlaskForm):
    """The preview's choices, carried to the commit; the ticket's digest covers all of them."""

    ticket = HiddenField(validators=[DataRequired()])
    topic = HiddenField(validators=[DataRequired()])
    section = HiddenField()
    fmt = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Import as drafts"))


class QuestionExportForm(FlaskForm):
    """A GET form: nothing changes, so no CSRF token."""

    class Meta:
        csrf = False

    topic = SelectField(_l("Topic"), coerce=int, validate_choice=True)
    format = SelectField(_l("File format"), choices=format_choices(), default="yaml")
    scope = SelectField(
        _l("Which questions"), choices=[SelectChoice(s, SCOPE_LABELS[s]) for s in SCOPES], default="approved"
    )
    submit = SubmitField(_l("Download"))


class LessonForm(FlaskForm):
    """The whole lesson as one Markdown text: introduction, then a `## ` heading per section."""

    markdown = TextAreaField(_l("Lesson (Markdown)"), validators=[DataRequired(), Length(max=400_000)])
    note = TextAreaField(_l("What changed and why"), validators=[Optional(), Length(max=1000)])
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save the draft"))
    submit = SubmitField(_l("Save and submit for approval"))


class LessonReviewForm(FlaskForm):
    comment = TextAreaField(_l("Comment for the author"), validators=[Optional(), Length(max=2000)])
    approve = SubmitField(_l("Approve and publish"))
    send_back = SubmitField(_l("Return to the author"))

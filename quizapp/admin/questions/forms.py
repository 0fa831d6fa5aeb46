"""Forms of the question bank: the editor (works without JavaScript: fixed option rows, "add rows", positions)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from ...authoring.editing import EditorInput, OptionRow
from ...i18n import lazy_gettext as _l
from ...quiz.question_types import MAX_OPTIONS
from ..fields import IntField

TYPE_LABELS = {
    "single": _l("One correct option"),
    "multiple": _l("Several correct options"),
    "true_false": _l("True or false"),
}
DIFFICULTY_LABELS = {"easy": _l("Easy"), "medium": _l("Medium"), "hard": _l("Hard")}
#: Rows the editor shows at least, and at most (blank rows are dropped when saving).
MIN_ROWS, MAX_ROWS, ADD_ROWS = 4, MAX_OPTIONS + 4, 2


def _place(wanted: int | None, here: int) -> float:
    """Where a row goes: a row moved to position p lands just past the row already there
    (moving down) or just before it (moving up); a row left alone or without a number stays."""
    if wanted is None or wanted == here:
        return here
    return wanted + 0.5 if wanted > here else wanted - 0.5


class OptionRowForm(Form):
    """One option row: its text, whether it is correct, and its position (to reorder without JavaScript)."""

    text = StringField(_l("Option text"), validators=[Length(max=2000)])
    correct = BooleanField(_l("Correct"))
    position = IntField(_l("Order"), validators=[Optional()])


class QuestionForm(FlaskForm):
    """The question editor; the view fills the section choices from the topic's lesson."""

    type = SelectField(_l("Type"), choices=[SelectChoice(v, label) for v, label in TYPE_LABELS.items()])
    text = TextAreaField(_l("Question"), render_kw={"rows": 4})
    options = FieldList(FormField(OptionRowForm), min_entries=MIN_ROWS, max_entries=MAX_ROWS)
    answer = SelectField(
        _l("The statement is"),
        choices=[SelectChoice("true", _l("True")), SelectChoice("false", _l("False"))],
        default="true",
    )
    explanation = TextAreaField(_l("Explanation (shown in the review)"), render_kw={"rows": 4})
    source = StringField(_l("Source"))
    section = SelectField(_l("Lesson section"), choices=[], validate_choice=False)
    difficulty = SelectField(
        _l("Difficulty"), choices=[SelectChoice(v, label) for v, label in DIFFICULTY_LABELS.items()], default="medium"
    )
    change_note = TextAreaField(_l("What changed and why (shown in the history)"), validators=[Length(max=1000)])
    add_rows = SubmitField(_l("Add option rows"))
    save = SubmitField(_l("Save the draft"))

    def editor_input(self, ext_id: str) -> EditorInput:
        """The posted values as plain data for ``authoring.editing.check``."""
        rows = [
            OptionRow(row.form.text.data or "", bool(row.form.correct.data), _place(row.form.position.data, i + 1))
            for i, row in enumerate(self.options)
        ]
        return EditorInput(
            ext_id=ext_id,
            type=self.type.data or "",
            difficulty=self.difficulty.data or "",
            section=self.section.data or "",
            text=self.text.data or "",
            explanation=self.explanation.data or "",
            source=self.source.data or "",
            options=rows,
            answer=self.answer.data != "false",
        )

    def show_rows(self, rows: list[OptionRow], blank: int = 0) -> None:
        """Refill the option rows with ``rows`` (renumbered 1, 2, …) and ``blank`` empty ones."""
        while len(self.options):
            self.options.pop_entry()
        for i, row in enumerate(rows):
            self.options.append_entry({"text": row.text, "correct": row.correct, "position": i + 1})
        for _ in range(max(blank, MIN_ROWS - len(rows))):
            if len(self.options) >= MAX_ROWS:
                break
            self.options.append_entry({"position": len(self.options) + 1})


class SubmitForm(FlaskForm):
    submit = SubmitField(_l("Submit for approval"))


class ApproveForm(FlaskForm):
    """The versions a preview showed: each as ``workflow.token``; approval re-checks them."""

    token = FieldList(HiddenField(), min_entries=0)
    submit = SubmitField(_l("Approve"))


class ReturnForm(FlaskForm):
    token = HiddenField()
    comment = TextAreaField(_l("Comment for the author (required)"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Return to the author"))


class RetireForm(FlaskForm):
    reason = TextAreaField(_l("Reason (kept in the audit log)"), validators=[Length(max=1000)])
    submit = SubmitField(_l("Retire the question"))


class RestoreForm(FlaskForm):
    reason = TextAreaField(_l("Reason (kept in the audit log)"), validators=[Length(max=1000)])
    submit = SubmitField(_l("Restore the question"))

"""Forms of the accounts pages (users, roster import, login slips); each destructive one asks to confirm."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..i18n import lazy_gettext as _l

CONFIRM = _l("Tick the box to confirm.")


class AccountForm(FlaskForm):
    """An account's editable fields; the view fills the ward and class choices."""

    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    ward = SelectField(_l("Ward or commune"), choices=[], validate_choice=True)
    cohort = SelectField(_l("Class"), choices=[], validate_choice=True)
    role = SelectField(_l("Role"), choices=[])
    reason = TextAreaField(_l("Reason for the change (kept in the audit log)"), validators=[Length(max=1000)])
    submit = SubmitField(_l("Save"))


class NewAccountForm(AccountForm):
    username = StringField(
        _l("Username (leave empty to generate one)"),
        validators=[Optional(), Length(max=80)],
        render_kw={"autocapitalize": "none", "autocomplete": "off"},
    )
    submit = SubmitField(_l("Create the account"))


class DeactivateForm(FlaskForm):
    reason = TextAreaField(_l("Reason for deactivating"), validators=[DataRequired(), Length(max=1000)])
    confirm = BooleanField(
        _l("I understand that this person can no longer log in; their results stay in the reports."),
        validators=[DataRequired(CONFIRM)],
    )
    submit = SubmitField(_l("Deactivate the account"))


class ReactivateForm(FlaskForm):
    reason = TextAreaField(_l("Reason for reactivating"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Reactivate the account"))


class ResetPasswordForm(FlaskForm):
    reason = TextAreaField(_l("Reason (e.g. forgotten password)"), validators=[Length(max=1000)])
    confirm = BooleanField(
        _l("I understand that the current password stops working at once."), validators=[DataRequired(CONFIRM)]
    )
    submit = SubmitField(_l("Reset the password"))


class UnlockForm(FlaskForm):
    """A button-only POST: forget the failed logins that hold the account."""

    submit = SubmitField(_l("Unlock the account"))


class LogoutEverywhereForm(FlaskForm):
    """End every session of an account (a lost phone, a shared computer), with an optional reason."""

    reason = TextAreaField(_l("Reason"), validators=[Length(max=1000)])
    submit = SubmitField(_l("Log out everywhere"))


class RosterUploadForm(FlaskForm):
    file = FileField(_l("Roster file (.xlsx or .csv)"), validators=[FileRequired(_l("Choose a file."))])
    submit = SubmitField(_l("Check the file"))


class RosterCommitForm(FlaskForm):
    #: Signed: which upload, its SHA-256 and the digest of the previewed plan.
    ticket = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Import"))


class SlipsForm(FlaskForm):
    """Fresh one-time passwords and slips for the accounts of a ward or class that never logged in."""

    ward = SelectField(_l("Ward or commune"), choices=[], validate_choice=True)
    cohort = SelectField(_l("Class"), choices=[], validate_choice=True)
    confirm = BooleanField(
        _l("I understand that these accounts get new passwords and older slips stop working."),
        validators=[DataRequired(CONFIRM)],
    )
    submit = SubmitField(_l("Make the login slips"))

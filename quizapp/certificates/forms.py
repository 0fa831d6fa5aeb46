"""Forms of the certificate admin pages: each destructive action needs a reason and a confirmation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..i18n import lazy_gettext as _l


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Reason for revoking"), validators=[DataRequired(), Length(max=1000)])
    confirm = BooleanField(
        _l("I understand that the code will read \u201crevoked\u201d from now on."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Revoke the certificate"))


class ReissueForm(FlaskForm):
    reason = TextAreaField(_l("Reason for reissuing"), validators=[DataRequired(), Length(max=1000)])
    confirm = BooleanField(
        _l("I understand that a new code replaces this one, which will read \u201csuperseded\u201d."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Reissue the certificate"))


class RecheckForm(FlaskForm):
    """A button-only POST: issue the certificates that are due but missing."""

    submit = SubmitField(_l("Issue missing certificates"))

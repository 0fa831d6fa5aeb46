"""Form fields whose own error messages are in the UI language (WTForms ships no Vietnamese)."""

from __future__ import annotations

from datetime import UTC, datetime

from wtforms import DateField, DateTimeLocalField, IntegerField

from ..i18n import lazy_gettext as _l
from ..timezone import LOCAL_ZONE as LOCAL_TZ


class IntField(IntegerField):
    """A whole number; a clear message instead of WTForms' English one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a whole number.")) from None


class DayField(DateField):
    """A calendar day (the browser's date picker sends YYYY-MM-DD)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a date as dd/mm/yyyy.")) from None


class LocalMomentField(DateTimeLocalField):
    """A moment typed in Vietnam time, held as an aware UTC datetime (None when left empty)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"], **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not "".join(valuelist).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a date and time.")) from None
        self.data = self.data.replace(tzinfo=LOCAL_TZ).astimezone(UTC)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        if isinstance(self.data, datetime):
            return self.data.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")
        return ""

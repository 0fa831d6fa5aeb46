"""The local time zone: times are stored in UTC and shown, printed and filtered in Thanh Hóa's time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

#: Vietnam has one zone and no daylight saving; Flask-Babel reads the name (config.py).
LOCAL_ZONE_NAME = "Asia/Ho_Chi_Minh"
LOCAL_ZONE = ZoneInfo(LOCAL_ZONE_NAME)


def to_local(moment: datetime) -> datetime:
    """A UTC instant as the clock in Thanh Hóa shows it."""
    return moment.astimezone(LOCAL_ZONE)


def local_date(moment: datetime) -> date:
    """The calendar day of ``moment`` in Thanh Hóa: 06:30 there is still "yesterday" in UTC."""
    return to_local(moment).date()


def day_start_utc(day: date) -> datetime:
    """The UTC instant at which local day ``day`` begins (for filtering stored times by local dates)."""
    return datetime.combine(day, time(), LOCAL_ZONE).astimezone(UTC)

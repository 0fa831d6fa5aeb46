"""The filters every report accepts from the query string: class (cohort) and date range."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..params import Params
from ..timezone import day_start_utc


@dataclass(frozen=True)
class ReportFilter:
    """Which trainees (class) and which attempts (started within the local date range) count."""

    cohort_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def utc_bounds(self) -> tuple[datetime | None, datetime | None]:
        """The range as UTC instants: [start of date_from, start of the day after date_to)."""
        # Dates typed by users are local days; attempts are stored in UTC.
        start = day_start_utc(self.date_from) if self.date_from else None
        end = day_start_utc(self.date_to + timedelta(days=1)) if self.date_to else None
        return start, end

    def query_args(self) -> dict[str, str]:
        """The filter as query-string arguments, for links that keep it."""
        args = {}
        if self.cohort_id:
            args["cohort"] = str(self.cohort_id)
        if self.date_from:
            args["from"] = self.date_from.isoformat()
        if self.date_to:
            args["to"] = self.date_to.isoformat()
        return args

    @property
    def active(self) -> bool:
        return bool(self.cohort_id or self.date_from or self.date_to)


def parse_filter(args: Mapping[str, str]) -> ReportFilter:
    """Read ``cohort``, ``from`` and ``to`` (ISO dates) from the query string; bad values are ignored."""
    p = Params(args)
    start, end = p.date("from"), p.date("to")
    if start and end and start > end:
        start, end = end, start
    return ReportFilter(cohort_id=p.int("cohort"), date_from=start, date_to=end)

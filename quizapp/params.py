"""The one reader of query-string and JSON parameters: typed, bounded, never a 500.

Views read ``request.args`` through :class:`Params` (``params.args()``) and JSON bodies through
:func:`json_int`. Why one home: ``str.isdigit`` accepts ``²`` (which ``int`` refuses) and ``int``
accepts ``٣`` (Arabic-Indic three); Python integers outgrow SQLite's and PostgreSQL's columns;
``date.fromisoformat`` accepts 0001-01-01, one day before which no ``datetime`` exists; and a
value meant for a filter must never reach ``url_for`` as one of its own keywords.

A bad optional value falls back to its default (a mistyped filter still shows the page); a bad
required one is a 400 that names the parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

from .i18n import gettext as _

#: The largest id or number the app stores (PostgreSQL's INTEGER; SQLite's is larger).
MAX_ID = 2**31 - 1
#: Dates a filter may name: anything else is a typo or a probe (and would overflow a datetime).
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
_INT = re.compile(r"-?[0-9]{1,10}")  # ASCII digits only; ten digits cover MAX_ID
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def to_int(text: object, lo: int = 1, hi: int = MAX_ID) -> int | None:
    """``text`` as an integer in [lo, hi], or None (not ASCII digits, too long, out of range)."""
    if isinstance(text, bool) or not isinstance(text, str | int):
        return None
    if isinstance(text, str):
        if not _INT.fullmatch(text.strip()):
            return None
        text = int(text)
    return text if lo <= text <= hi else None


def to_date(text: object) -> date | None:
    """An ISO date (YYYY-MM-DD) between EARLIEST and LATEST, or None."""
    if not isinstance(text, str) or len(text) != 10:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        return None
    return value if EARLIEST <= value <= LATEST else None


def clean_text(text: object, max_length: int = 200) -> str:
    """One line of text: stripped, control characters (CR/LF, NUL) removed, cut at ``max_length``."""
    if not isinstance(text, str):
        return ""
    return _CONTROL.sub("", text).strip()[:max_length]


def _refuse(name: str):
    abort(400, description=_("The parameter “%(name)s” has a value that is not allowed.", name=name))


class Params:
    """Typed readers over a mapping of strings (``request.args`` or a plain dict in tests)."""

    def __init__(self, source: Mapping[str, str]):
        self.source = source

    def _raw(self, name: str) -> str | None:
        value = self.source.get(name)
        return value if value not in (None, "") else None

    def int(self, name: str, default: int | None = None, lo: int = 1, hi: int = MAX_ID, required: bool = False):
        """An integer in [lo, hi]; otherwise ``default`` (or 400 when ``required``)."""
        raw = self._raw(name)
        value = to_int(raw, lo, hi) if raw is not None else None
        if value is None and required:
            _refuse(name)
        return default if value is None else value

    def date(self, name: str, default: date | None = None) -> date | None:
        """A date in the sane range; otherwise ``default``."""
        value = to_date(self._raw(name))
        return default if value is None else value

    def choice(self, name: str, choices: Iterable[str], default: str | None = None, required: bool = False):
        """One of ``choices``; otherwise ``default`` (or 400 when ``required``)."""
        raw = self._raw(name)
        if raw in set(choices):
            return raw
        if required:
            _refuse(name)
        return default

    def str(self, name: str, default: str = "", max_length: int = 200) -> str:
        """One line of text of at most ``max_length`` characters."""
        raw = self._raw(name)
        return default if raw is None else clean_text(raw, max_length)

    def keep(self, names: Iterable[str]) -> dict[str, str]:
        """The given arguments that are present, as one-line text: what a link may carry on."""
        return {n: clean_text(self.source.get(n), 200) for n in names if self._raw(n) is not None}


def args() -> Params:
    """The current request's query string."""
    return Params(request.args)


def json_int(value: object, lo: int, hi: int) -> int:
    """A JSON value that must be an integer in [lo, hi] (not a bool, not a float); ValueError otherwise."""
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise ValueError(value)
    return value


def local_path(target: str | None) -> str | None:
    """A post-login redirect target: a local path only (no scheme, host, '//', backslash or control)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if _CONTROL.search(target) or len(target) > 2000:
        return None
    return target


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` in URLs: ASCII digits, at most MAX_ID; anything else is a 404, never a query."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits=0, min=0, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Install the bounded ``int`` converter; call before any blueprint adds its rules."""
    app.url_map.converters["int"] = BoundedIntConverter

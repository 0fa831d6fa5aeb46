"""Translation helpers used across the package (Vietnamese UI, English msgids).

``gettext`` is Flask-Babel's, with the request's catalogue looked up once per app context and
locale: Flask-Babel resolves the context, the locale and the catalogue on every call (~20 µs
here), and a page makes dozens of calls, in code and in templates (``install_jinja`` hands the
same lookup to Jinja's ``_()``). The catalogue is found again whenever the locale changes, so
``flask_babel.force_locale`` still works.
"""

from __future__ import annotations

from flask import Flask, g
from flask_babel import get_locale, get_translations, ngettext
from flask_babel.speaklater import LazyString

__all__ = ["gettext", "lazy_gettext", "ngettext", "install_jinja"]


def _lookup():
    """The ``ugettext`` of the catalogue in force (Flask-Babel's ``get_translations().ugettext``).

    Kept beside Flask-Babel's own per-context state (``g._flask_babel``, Flask-Babel 4), with the
    locale object it was found for: ``force_locale`` puts a new locale object there.
    """
    if not g:  # outside an app context: Flask-Babel's untranslated fallback
        return get_translations().ugettext
    state = g.get("_flask_babel")
    if state is not None:
        cached = getattr(state, "quizapp_lookup", None)
        if cached is not None and cached[0] is getattr(state, "babel_locale", None):
            return cached[1]
    locale, lookup = get_locale(), get_translations().ugettext
    g._flask_babel.quizapp_lookup = (locale, lookup)  # get_locale() has created the namespace
    return lookup


def gettext(string: str, **variables) -> str:
    """Translate ``string`` into the request's language, then fill in ``variables``."""
    translated = _lookup()(string)
    return translated % variables if variables else translated


def lazy_gettext(string: str, **variables) -> LazyString:
    """``gettext`` when the value is used (form labels, messages built at import time)."""
    return LazyString(gettext, string, **variables)


def _template_gettext(string: str) -> str:
    return _lookup()(string)


def install_jinja(app: Flask) -> None:
    """Give templates' ``_()`` and ``gettext()`` the cached lookup (after Flask-Babel's ``init_app``)."""
    app.jinja_env.install_gettext_callables(
        gettext=_template_gettext,
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n),
    )

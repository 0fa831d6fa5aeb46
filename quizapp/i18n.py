"""Translation helpers used across the package (Vietnamese UI, English msgids).

``gettext`` is Flask-Babel's, with the request's catalogue looked up once per app context and
locale: Flask-Babel resolves the context, the locale and the catalogue on every call (~20 µs
here), and a page makes dozens of calls, in code and in templates (``install_jinja`` hands the
same lookup to Jinja's ``_()``). The catalogue is found again whenever the locale changes, so
``flask_babel.force_locale`` still works.
"""

from __future__ import annotations

from flask import Flask, current_app, g
from flask_babel import get_locale, get_translations, ngettext
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup

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
    """Give templates' ``_()`` and ``gettext()`` the cached lookup (after Flask-Babel's ``init_app``).

    A page's own templates get theirs from a context processor, bound to the page's catalogue once
    (``_page_gettext``); macros imported without the page's context use the global one.
    """
    app.jinja_env.install_gettext_callables(
        gettext=_template_gettext,
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n),
    )
    app.context_processor(_page_gettext)


def _page_gettext() -> dict:
    """``_`` and ``gettext`` for one rendering, with the catalogue looked up once.

    Jinja's own reaches a template's ``_("…")`` through two context calls and a name lookup, then
    finds the catalogue again through Flask's proxies: 9 % of the quiz page under cProfile (this
    way the page makes 5,433 Python calls instead of 5,830).
    This does what Jinja's newstyle gettext does (``jinja2.ext._make_new_gettext``) in one call:
    the translation is ``Markup`` when the template autoescapes, and always a format string, so
    the variables are escaped as they are filled in (tests/test_i18n_templates.py).

    A text without variables in an autoescaping template comes out the same every time for its
    catalogue, so it is kept (``_fixed_texts``): a page's labels and buttons then cost a look-up.
    """
    lookup = _lookup()
    fixed = _fixed_texts(lookup)

    @pass_eval_context
    def gettext(eval_ctx, string: str, **variables) -> str:
        if variables or not eval_ctx.autoescape:
            return _newstyle(lookup, eval_ctx.autoescape, string, variables)
        done = fixed.get(string)
        if done is None:
            if len(fixed) >= MAX_FIXED_TEXTS:
                fixed.clear()
            done = fixed[string] = _newstyle(lookup, True, string, {})
        return done

    return {"_": gettext, "gettext": gettext}


def _newstyle(lookup, autoescape: bool, string: str, variables: dict) -> str:
    """``string`` translated as Jinja's newstyle gettext does: Markup when autoescaping, always formatted."""
    translated = lookup(string)
    if autoescape:
        # Safe to mark, as Jinja's own gettext does: a catalogue string or a msgid from a template.
        translated = Markup(translated)  # nosec B704
    return translated % variables


#: Texts kept per catalogue before it starts afresh: the templates hold a few hundred msgids, so
#: only a template passing data through ``_()`` would reach it.
MAX_FIXED_TEXTS = 2000


def _fixed_texts(lookup) -> dict:
    """The kept texts of the catalogue ``lookup`` belongs to (Flask-Babel keeps one per language)."""
    kept = current_app.extensions.setdefault("quizapp_fixed_texts", {})
    return kept.setdefault(getattr(lookup, "__self__", lookup), {})

"""The page chrome of ``base.html``, rendered once per worker for each language and role.

The head's links, the header's menu, the footer's links and the script tag depend only on the
language, the visitor's role and where the app is mounted (``url_for``). Rendered on every page
they were a dozen translations and as many ``url_for`` calls, a fifth of the quiz page's own
work: now ``templates/_chrome.html`` is rendered once for each of those and reused, the way
``quiz/fragments.py`` reuses questions. The only per-session part, the logout form's CSRF token,
is a slot filled on every page.
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

#: Where the logout form's token goes; escaped text never holds "<", so only the template put it there.
CSRF_SLOT = "<@csrf@>"
PARTS = ("head", "header", "offline_note", "footer_links", "scripts")


def chrome() -> dict[str, Markup]:
    """The parts of the chrome (the macros of ``_chrome.html``) for this request's language and visitor.

    All five at once: the key (language, role, mount point) is worked out once per page, not once
    per part, since the proxies it reads (user, locale, request) each cost a look-up.
    """
    user = current_user._get_current_object()
    role = user.role if user.is_authenticated else None
    key = (str(get_locale()), role, request.script_root)
    cached = current_app.extensions.setdefault("quizapp_chrome", {})
    parts = cached.get(key)
    if parts is None:
        module = current_app.jinja_env.get_template("_chrome.html").module
        parts = cached[key] = {part: str(getattr(module, part)(role)) for part in PARTS}
    token = None
    page = {}
    for part, html in parts.items():
        if CSRF_SLOT in html:
            token = token or str(escape(generate_csrf()))
            html = html.replace(CSRF_SLOT, token)
        # Safe to mark: the output of an autoescaping Jinja macro, plus an escaped token.
        page[part] = Markup(html)  # nosec B704
    return page

"""Every user-facing string has a Vietnamese translation (the default UI language)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parent.parent / "quizapp"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def catalogues():
    return sorted(PACKAGE.glob("**/translations*/vi/LC_MESSAGES/messages.po"))


def translated() -> dict:
    out = {}
    for path in catalogues():
        with open(path, "rb") as f:
            for message in read_po(f, locale="vi"):
                if message.id:
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    strings = message.string if isinstance(message.string, tuple) else (message.string,)
                    out[key] = all(strings) and not message.fuzzy
    return out


def test_there_is_a_core_catalogue():
    assert PACKAGE / "translations" / "vi" / "LC_MESSAGES" / "messages.po" in catalogues()


def test_every_msgid_has_a_vietnamese_translation():
    done = translated()
    missing = set()
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE),
        METHODS,
        keywords=KEYWORDS,
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        key = message if isinstance(message, str) else message[0]
        if key and not done.get(key):
            missing.add(f"{filename}: {key}")
    assert sorted(missing) == []


def test_catalogues_agree_on_shared_msgids():
    """Flask-Babel merges the catalogues and the last one wins: a shared msgid must read the same."""
    seen: dict[str, tuple[Path, object]] = {}
    clashes = []
    for path in catalogues():
        with open(path, "rb") as f:
            for message in read_po(f, locale="vi"):
                if not message.id:
                    continue
                key = message.id if isinstance(message.id, str) else message.id[0]
                if key in seen and seen[key][1] != message.string:
                    clashes.append(
                        f"{key!r}: {seen[key][1]!r} ({seen[key][0].parent.parent.parent.parent.name}) "
                        f"vs {message.string!r} ({path.parent.parent.parent.parent.name})"
                    )
                seen.setdefault(key, (path, message.string))
    assert clashes == []


def test_cached_gettext_follows_the_locale(app):
    """quizapp.i18n caches the catalogue per request, yet follows ?lang= and force_locale as Flask-Babel does."""
    import flask_babel

    from quizapp import i18n

    with app.test_request_context("/"):
        assert i18n.gettext("Log out") == flask_babel.gettext("Log out") == "Đăng xuất"
        assert i18n.gettext("Question %(n)d", n=3) == "Câu 3"
        with flask_babel.force_locale("en"):
            assert i18n.gettext("Log out") == "Log out"
            assert str(i18n.lazy_gettext("Log out")) == "Log out"
        assert i18n.gettext("Log out") == "Đăng xuất"
        assert app.jinja_env.from_string("{{ _('Log out') }}").render() == "Đăng xuất"
    with app.test_request_context("/?lang=en"):
        assert (
            app.jinja_env.from_string("{{ _('Log out') }} {{ _('Question %(n)d', n=2) }}").render()
            == "Log out Question 2"
        )
    assert i18n.gettext("Log out") == "Log out"  # outside a request: untranslated

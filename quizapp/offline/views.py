"""The installable web app: /manifest.webmanifest, /sw.js (the service worker) and /offline.

The worker lives at the site's root so its scope is the whole app. It is rendered, not static, because its
version (static files + published lessons) names its caches: a new course version replaces stored lessons.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, url_for

from ..db import db
from ..i18n import gettext as _
from . import shell

bp = Blueprint("offline", __name__)

THEME_COLOUR = "#a1221b"  # the top bar's colour (static/css/app.css --brand)
BACKGROUND_COLOUR = "#f6f4f1"  # the page background (--bg)


def _static_version() -> str:
    """The shell files' fingerprint, computed once per process (they ship with the release)."""
    cached = current_app.extensions.get("quizapp.static_version")
    if cached is None:
        cached = current_app.extensions["quizapp.static_version"] = shell.static_fingerprint(current_app.static_folder)
    return cached


@bp.route("/manifest.webmanifest")
def manifest():
    """The web app manifest: what Android's "Add to home screen" installs."""
    icons = [
        {
            "src": url_for("static", filename=f"icons/{name}-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }
        for name, purpose in (("icon", "any"), ("maskable", "maskable"))
        for size in (192, 512)
    ]
    data = {
        "id": "/",
        "name": _("Party committee training"),
        "short_name": _("Training"),
        "description": _("Lessons and quizzes of the course for ward and commune Party committee members."),
        "lang": "vi",
        "start_url": url_for("learn.dashboard"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }
    response = jsonify(data)
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/sw.js")
def service_worker():
    """The service worker, with the version and the files it stores."""
    version = f"{_static_version()}-{shell.lessons_fingerprint(db.session)}"
    config = {
        "version": version,
        "shell": [url_for("static", filename=name) for name in shell.SHELL_FILES],
        "offline": url_for("offline.page"),
        # Pages kept for reading offline: the dashboard and each lesson the trainee opened.
        "pages": [url_for("learn.dashboard")],
        "pagePattern": r"^/topics/\d+$",
    }
    body = render_template("offline/sw.js", config=config)
    response = Response(body, mimetype="text/javascript")
    # The browser must ask every time, or a new course version would wait a day to reach phones.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/offline")
def page():
    """What a page that needs the server shows when there is no network (stored by the worker)."""
    numbers = shell.lesson_numbers(db.session)
    return render_template("offline/offline.html", lessons=[url_for("learn.topic", number=n) for n in numbers])

"""What the service worker keeps: the app shell's files and the version that names its caches.

The version changes whenever a static file or a published lesson changes, so a new course version (or a new
release) installs a new worker, which replaces the lessons it had stored with fresh copies.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Section, Topic

#: Static files every page may need, stored when the worker installs (paths under /static/).
SHELL_FILES = (
    "css/app.css",
    "js/app.js",
    "js/quiz.js",
    "favicon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/maskable-192.png",
    "icons/apple-touch-icon.png",
)


def static_fingerprint(static_folder: str) -> str:
    """A short hash of the shell files' contents (computed once per process: they ship with the release)."""
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        digest.update(name.encode())
        digest.update((Path(static_folder) / name).read_bytes())
    return digest.hexdigest()[:12]


def lessons_fingerprint(session: Session) -> str:
    """A short hash of every published lesson (titles, introductions, sections): the course version."""
    digest = hashlib.sha256()
    rows = session.execute(
        select(Topic.number, Topic.title, Topic.intro_md, Section.slug, Section.title, Section.body_md)
        .join(Section, Section.topic_id == Topic.id)
        .where(Topic.active, Section.active)
        .order_by(Topic.number, Section.position)
    )
    for row in rows:
        for value in row:
            digest.update(str(value).encode())
            digest.update(b"\0")
    return digest.hexdigest()[:12]


def lesson_numbers(session: Session) -> list[int]:
    """The numbers of the active topics, whose lessons "download all lessons" stores."""
    return list(session.scalars(select(Topic.number).where(Topic.active).order_by(Topic.number)))

"""New questions and new wordings written in the browser or imported from a file: always drafts.

A draft is a :class:`QuestionVersion` in state ``draft`` beside the question's approved
``current_version`` (if any), so trainees keep drawing the approved wording until an admin
approves the new one. The wording is a :class:`QuestionSpec` that already passed the loader's
question rules (``content.rules.read_question``); these functions only store it.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..content.specs import QuestionSpec
from ..models import Question, QuestionStatus, QuestionVersion, Section, Topic, User, VersionState

#: States in which a version is still its author's to change (nobody has drawn it).
EDITABLE = frozenset({VersionState.DRAFT, VersionState.RETURNED})


def next_ext_id(session: Session, topic: Topic) -> str:
    """The next free id in the course files' style for ``topic`` ("t2-068")."""
    prefix = f"t{topic.number}-"
    taken = session.scalars(select(Question.ext_id).where(Question.ext_id.startswith(prefix, autoescape=True)))
    numbers = [int(m.group(1)) for ext_id in taken if (m := re.fullmatch(re.escape(prefix) + r"(\d+)", ext_id))]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def _fill(version: QuestionVersion, spec: QuestionSpec, section: Section) -> None:
    version.section_id = section.id
    version.type = spec.type
    version.difficulty = spec.difficulty
    version.text = spec.text
    version.options = spec.options
    version.explanation = spec.explanation
    version.source = spec.source
    # The hash covers the section slug, as the importer's does, so export → import sees no change.
    spec.section = section.slug
    version.content_hash = spec.content_hash


def create_question(
    session: Session, topic: Topic, section: Section, spec: QuestionSpec, author: User | None, note: str = ""
) -> Question:
    """A new question in ``topic`` whose only version is a draft (never drawn until approved)."""
    ext_id = spec.id
    if not ext_id or session.scalar(select(Question.id).where(Question.ext_id == ext_id)) is not None:
        ext_id = next_ext_id(session, topic)
    question = Question(ext_id=ext_id, topic_id=topic.id, status=QuestionStatus.DRAFT)
    session.add(question)
    session.flush()
    new_draft(session, question, section, spec, author, note)
    return question


def new_draft(
    session: Session, question: Question, section: Section, spec: QuestionSpec, author: User | None, note: str = ""
) -> QuestionVersion:
    """A new draft version of ``question``; its approved version (if any) stays drawn meanwhile."""
    latest = session.scalar(
        select(QuestionVersion.version)
        .where(QuestionVersion.question_id == question.id)
        .order_by(QuestionVersion.version.desc())
        .limit(1)
    )
    version = QuestionVersion(
        question_id=question.id,
        version=(latest or 0) + 1,
        state=VersionState.DRAFT,
        author_id=author.id if author else None,
        change_note=note,
    )
    _fill(version, spec, section)
    session.add(version)
    session.flush()
    return version


def update_draft(version: QuestionVersion, section: Section, spec: QuestionSpec, note: str | None = None) -> None:
    """Change a draft (or returned) wording in place: no attempt has shown it."""
    if version.state not in EDITABLE:
        raise ValueError(f"version {version.id} is {version.state}, not editable")
    _fill(version, spec, section)
    version.state = VersionState.DRAFT
    if note is not None:
        version.change_note = note

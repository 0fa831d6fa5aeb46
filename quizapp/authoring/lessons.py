"""Lessons edited in the browser: drafts, their check against the question bank, submission and approval.

A lesson draft holds the whole lesson as one Markdown text, split by the course files' rules
(``content.lesson.split_lesson``). Trainees read the published lesson until an admin approves a
draft; approving copies it onto the topic and its sections, which also changes the offline course
version (``offline.shell.lessons_fingerprint`` hashes the published lessons), so phones that
stored the old lesson replace it.

A section that approved questions point at may not disappear: questions link to their section
(the draw spreads over sections, reviews link to them). Renaming a heading changes its slug unless
the heading keeps it with ``{#slug}``, so that counts as removing it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import record
from ..content.lesson import lesson_markdown, split_lesson
from ..content.specs import SectionSpec, nfc
from ..i18n import lazy_gettext as _l
from ..models import LessonDraft, Question, QuestionStatus, QuestionVersion, Section, Topic, VersionState, utcnow

#: Drafts their author may still change.
EDITABLE = frozenset({VersionState.DRAFT, VersionState.RETURNED})
#: Drafts that are open (not yet approved): at most one per author and topic.
OPEN = EDITABLE | {VersionState.SUBMITTED}


class LessonRefused(ValueError):
    """A change to a lesson that must not happen; the message says why."""


@dataclass
class InUse:
    """A section that would disappear although approved questions point at it."""

    slug: str
    title: str
    questions: list[str]


@dataclass
class LessonCheck:
    """A lesson text split into its parts, with everything that stops it being saved or approved."""

    intro_md: str
    sections: list[SectionSpec]
    #: (line, message) from the splitting rules.
    errors: list[tuple[int, Any]] = field(default_factory=list)
    in_use: list[InUse] = field(default_factory=list)
    #: Dropped sections that only unapproved wordings use (a warning: they must move before approval).
    drafts_in_use: list[InUse] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.in_use


def published_markdown(topic: Topic) -> str:
    """The lesson trainees read now, as one Markdown text the editor starts from."""
    return lesson_markdown(topic.intro_md, (s for s in topic.sections if s.active))


def fingerprint(text: str) -> str:
    """A short hash of a draft's text, so a review acts on exactly the text the admin read."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def check_lesson(session: Session, topic: Topic, text: str) -> LessonCheck:
    """Split ``text`` and list the sections it drops that approved questions still use."""
    errors: list[tuple[int, Any]] = []
    intro, sections = split_lesson(nfc(text.replace("\r\n", "\n")), lambda line, msg: errors.append((line, msg)))
    check = LessonCheck(intro, sections, errors)
    kept = {s.slug for s in sections}
    dropped = {s.id: s for s in topic.sections if s.active and s.slug not in kept}
    if dropped:
        rows = session.execute(
            select(QuestionVersion.section_id, Question.ext_id)
            .join(Question, Question.current_version_id == QuestionVersion.id)
            .where(Question.status == QuestionStatus.APPROVED, QuestionVersion.section_id.in_(dropped))
            .order_by(Question.ext_id)
        )
        check.in_use = _by_section(rows, dropped)
        pending = session.execute(
            select(QuestionVersion.section_id, Question.ext_id)
            .join(Question, Question.id == QuestionVersion.question_id)
            .where(
                QuestionVersion.state.in_(OPEN),
                Question.status != QuestionStatus.RETIRED,
                QuestionVersion.section_id.in_(dropped),
            )
            .order_by(Question.ext_id)
            .distinct()
        )
        check.drafts_in_use = _by_section(pending, dropped)
    return check


def _by_section(rows, sections: dict[int, Section]) -> list[InUse]:
    users: dict[int, list[str]] = {}
    for section_id, ext_id in rows:
        users.setdefault(section_id, []).append(ext_id)
    ordered = sorted(users.items(), key=lambda item: sections[item[0]].position)
    return [InUse(sections[i].slug, sections[i].title, ids) for i, ids in ordered]


def open_draft(session: Session, topic_id: int, author_id: int) -> LessonDraft | None:
    """The author's draft of this lesson that is not yet approved, if any."""
    return session.scalar(
        select(LessonDraft).where(
            LessonDraft.topic_id == topic_id, LessonDraft.author_id == author_id, LessonDraft.state.in_(OPEN)
        )
    )


def save_draft(
    session: Session, topic: Topic, author_id: int, text: str, note: str, *, submit: bool = False
) -> LessonDraft:
    """Keep the author's lesson text as their draft (and submit it); refused when it does not check out."""
    check = check_lesson(session, topic, text)
    if not check.ok:
        raise LessonRefused(_l("The lesson has errors; nothing was saved."))
    now = utcnow()
    draft = open_draft(session, topic.id, author_id)
    if draft is not None and draft.state == VersionState.SUBMITTED:
        raise LessonRefused(_l("Your draft is waiting for approval: it cannot change until an admin returns it."))
    if draft is None:
        draft = LessonDraft(topic_id=topic.id, author_id=author_id, created_at=now)
        session.add(draft)
    draft.markdown, draft.note, draft.state, draft.updated_at = (
        text.replace("\r\n", "\n"),
        note,
        VersionState.DRAFT,
        now,
    )
    session.flush()
    if submit:
        draft.state, draft.submitted_at = VersionState.SUBMITTED, now
        record(
            session,
            "lesson.submit",
            actor_id=author_id,
            target_type="topic",
            target_id=topic.number,
            detail={"draft": draft.id, "note": note},
        )
    return draft


def _reviewable(draft: LessonDraft, seen: str) -> None:
    if draft.state != VersionState.SUBMITTED:
        raise LessonRefused(_l("This draft is not waiting for approval."))
    if fingerprint(draft.markdown) != seen:
        raise LessonRefused(_l("The draft changed since you read it; read it again before deciding."))


def approve(session: Session, draft: LessonDraft, admin_id: int, seen: str, comment: str = "") -> dict[str, list]:
    """Publish a submitted draft: the topic's introduction and sections become the draft's, audited.

    Checked again against the bank as it is now (questions may have been approved since the
    draft was submitted). Sections that leave the lesson are hidden, never deleted: old attempts'
    questions still point at them. Returns the slugs added, changed and hidden.
    """
    _reviewable(draft, seen)
    topic = draft.topic
    check = check_lesson(session, topic, draft.markdown)
    if not check.ok:
        raise LessonRefused(_l("The lesson no longer fits the question bank; return it to its author."))
    existing = {s.slug: s for s in session.scalars(select(Section).where(Section.topic_id == topic.id))}
    changes: dict[str, list] = {"added": [], "changed": [], "hidden": []}
    for spec in check.sections:
        section = existing.pop(spec.slug, None)
        if section is None:
            section = Section(topic_id=topic.id, slug=spec.slug)
            session.add(section)
            changes["added"].append(spec.slug)
        elif (section.title, section.body_md, section.position, section.active) != (
            spec.title,
            spec.body_md,
            spec.position,
            True,
        ):
            changes["changed"].append(spec.slug)
        section.title, section.body_md, section.position, section.active = (
            spec.title,
            spec.body_md,
            spec.position,
            True,
        )
    for gone in existing.values():
        if gone.active:
            gone.active = False
            changes["hidden"].append(gone.slug)
    intro_changed = topic.intro_md != check.intro_md
    topic.intro_md = check.intro_md
    draft.state, draft.reviewed_by_id, draft.reviewed_at, draft.review_comment = (
        VersionState.APPROVED,
        admin_id,
        utcnow(),
        comment,
    )
    session.flush()
    record(
        session,
        "lesson.approve",
        actor_id=admin_id,
        target_type="topic",
        target_id=topic.number,
        reason=comment or None,
        detail={"draft": draft.id, "author": draft.author_id, "intro_changed": intro_changed, **changes},
    )
    return changes


def send_back(session: Session, draft: LessonDraft, admin_id: int, seen: str, comment: str) -> None:
    """Return a submitted draft to its author with a comment (required: the author must know why)."""
    _reviewable(draft, seen)
    if not comment.strip():
        raise LessonRefused(_l("Say what the author should change."))
    draft.state, draft.reviewed_by_id, draft.reviewed_at, draft.review_comment = (
        VersionState.RETURNED,
        admin_id,
        utcnow(),
        comment.strip(),
    )
    record(
        session,
        "lesson.return",
        actor_id=admin_id,
        target_type="topic",
        target_id=draft.topic.number,
        reason=comment.strip(),
        detail={"draft": draft.id, "author": draft.author_id},
    )

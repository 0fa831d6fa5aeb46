"""The course as stored: topics, their lesson sections, and versioned questions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..quiz.rules import DEFAULTS
from .base import Base, utcnow

if TYPE_CHECKING:
    from .accounts import User


class QuestionStatus(StrEnum):
    """A question is drawn only when approved; drafts wait for an admin, retired ones rest."""

    #: No version approved yet (created in the browser or imported from a file as a draft).
    DRAFT = "draft"
    APPROVED = "approved"
    RETIRED = "retired"


class VersionState(StrEnum):
    """Where one wording stands in the approval workflow (DESIGN §2 "Administration").

    Only an approved version is ever drawn, and only the question's ``current_version``; a new
    draft of an approved question waits beside it, so trainees keep the approved wording meanwhile.
    """

    #: Being written by its author; nobody has drawn it.
    DRAFT = "draft"
    #: Sent by its author for approval; locked until an admin decides.
    SUBMITTED = "submitted"
    #: Approved by an admin (or published by `content import`); immutable from then on.
    APPROVED = "approved"
    #: Sent back by an admin with a comment; its author edits and submits it again.
    RETURNED = "returned"


def key_of(options: list[dict[str, Any]]) -> frozenset[int]:
    """A wording's key: the indexes (authored order) of its options flagged ``correct``.

    On plain options, for grading from rows (quiz.version_facts) as well as from objects.
    """
    return frozenset(i for i, o in enumerate(options) if o.get("correct"))


class Course(Base):
    """The one course quizapp serves, as described by questions/course.yaml."""

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    issuing_body: Mapped[str] = mapped_column(sa.String(300))
    #: The rest of course.yaml (certificate wording, organiser…), kept as loaded.
    settings: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class Topic(Base):
    """A topic (chuyên đề): a lesson and a question bank with its quiz settings."""

    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 1..5; appears in URLs (/topics/2).
    number: Mapped[int] = mapped_column(unique=True)
    #: Folder name in questions/ ("02-kiem-tra-giam-sat").
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    #: The lesson's introduction (Markdown before the first section).
    intro_md: Mapped[str] = mapped_column(sa.Text, default="")
    #: Hash of the lesson as last imported from lesson.md (None: not imported since this column came).
    #: An import publishes lesson.md only when it differs, so a lesson approved in the browser stays.
    lesson_hash: Mapped[str | None] = mapped_column(sa.String(64))
    questions_per_attempt: Mapped[int] = mapped_column(default=DEFAULTS.questions)
    time_limit_minutes: Mapped[int] = mapped_column(default=DEFAULTS.time_limit_minutes)
    pass_percent: Mapped[int] = mapped_column(default=DEFAULTS.pass_percent)
    max_attempts: Mapped[int] = mapped_column(default=DEFAULTS.max_attempts)
    #: A ReviewPolicy value.
    review_policy: Mapped[str] = mapped_column(sa.String(30), default=DEFAULTS.review)
    #: The quiz settings as topic.yaml last gave them (see quiz/settings.py); the columns above
    #: hold the settings in force, which differ where an admin changed them in the browser.
    quiz_defaults: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict, server_default="{}")
    #: Names of the settings an admin changed in the browser: `content import` leaves them alone.
    quiz_overridden: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    #: Optional window (UTC) outside which no new attempt starts; open attempts run to their end.
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    #: Questions in a practice set ("Ôn luyện"); practice never counts towards grades.
    practice_questions: Mapped[int] = mapped_column(default=10, server_default="10")
    #: Inactive topics are hidden and do not count towards completion.
    active: Mapped[bool] = mapped_column(default=True)

    sections: Mapped[list[Section]] = relationship(back_populates="topic", order_by="Section.position")
    questions: Mapped[list[Question]] = relationship(back_populates="topic")


class Section(Base):
    """A `##` section of a topic's lesson; questions link to it."""

    __tablename__ = "section"
    __table_args__ = (sa.UniqueConstraint("topic_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topic.id"))
    slug: Mapped[str] = mapped_column(sa.String(120))
    title: Mapped[str] = mapped_column(sa.String(300))
    position: Mapped[int] = mapped_column(default=0)
    body_md: Mapped[str] = mapped_column(sa.Text, default="")
    #: Sections that vanished from the lesson stay (old questions point at them) but hide.
    active: Mapped[bool] = mapped_column(default=True)

    topic: Mapped[Topic] = relationship(back_populates="sections")


class Question(Base):
    """A question's identity; its wording lives in versions so old attempts keep theirs."""

    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The id from questions.yaml ("t2-017"); stable and never reused.
    ext_id: Mapped[str] = mapped_column(sa.String(40), unique=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topic.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default=QuestionStatus.APPROVED)
    current_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("question_version.id", use_alter=True))

    topic: Mapped[Topic] = relationship(back_populates="questions")
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question",
        foreign_keys="QuestionVersion.question_id",
        order_by="QuestionVersion.version",
    )
    current_version: Mapped[QuestionVersion | None] = relationship(foreign_keys=[current_version_id], post_update=True)


class QuestionVersion(Base):
    """One wording of a question. Never edited once an attempt has shown it."""

    __tablename__ = "question_version"
    __table_args__ = (sa.UniqueConstraint("question_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"))
    version: Mapped[int] = mapped_column(default=1)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("section.id"), index=True)
    #: single | multiple | true_false (see quiz.question_types).
    type: Mapped[str] = mapped_column(sa.String(20))
    difficulty: Mapped[str] = mapped_column(sa.String(10), default="medium")
    text: Mapped[str] = mapped_column(sa.Text)
    #: Options in authored order: [{"text": ..., "correct": bool}]. Never sent to the browser
    #: as such: pages show them shuffled and refer to them by display position only.
    options: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[str] = mapped_column(sa.Text, default="")
    #: Hash of everything above, so a re-import knows whether the wording changed.
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: A VersionState value; rows written by `content import` are approved (the files are reviewed).
    state: Mapped[str] = mapped_column(
        sa.String(20), default=VersionState.APPROVED, server_default=VersionState.APPROVED, index=True
    )
    #: Who wrote this wording in the browser (None: it came from the course files).
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    #: The author's note on what changed and why, shown in the version history.
    change_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    submitted_at: Mapped[datetime | None]
    #: The admin who approved or returned it, when, and the comment sent back with a return.
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None]
    review_comment: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    question: Mapped[Question] = relationship(back_populates="versions", foreign_keys=[question_id])
    section: Mapped[Section] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def correct_indexes(self) -> frozenset[int]:
        """Indexes (authored order) of the correct options."""
        return key_of(self.options)


class LessonDraft(Base):
    """A topic's whole lesson as edited in the browser, waiting for (or past) an admin's approval.

    Trainees read the published lesson (``Topic.intro_md`` and the sections); approving a draft
    copies it there. The states are those of question versions (:class:`VersionState`).
    """

    __tablename__ = "lesson_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topic.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    #: The whole lesson: introduction, then a `## ` heading per section (content/lesson.py's rules).
    markdown: Mapped[str] = mapped_column(sa.Text)
    #: The author's note on what changed and why.
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    state: Mapped[str] = mapped_column(sa.String(20), default=VersionState.DRAFT, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    #: The admin who approved or returned it, when, and the comment sent back.
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None]
    review_comment: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    topic: Mapped[Topic] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])


class LessonView(Base):
    """That a trainee opened a topic's lesson, and when."""

    __tablename__ = "lesson_view"
    __table_args__ = (sa.UniqueConstraint("user_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topic.id"))
    first_viewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_viewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    view_count: Mapped[int] = mapped_column(default=1)

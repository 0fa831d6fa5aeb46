"""Quiz attempts and the questions each one drew, with the trainee's saved answers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..quiz.rules import grade10, percent
from .accounts import User
from .base import Base, utcnow
from .content import QuestionVersion, Topic


class AttemptStatus(StrEnum):
    """An attempt is open until submitted by the trainee or closed at its deadline."""

    OPEN = "open"
    SUBMITTED = "submitted"
    #: Finished automatically after deadline + grace, graded with every saved answer.
    TIMED_OUT = "timed_out"


class AttemptMode(StrEnum):
    """How a result came about: a quiz taken in the browser, on a printed paper, or recorded by hand."""

    ONLINE = "online"
    #: Recorded by an admin (e.g. a paper test) with a reason in the audit log; it has no items.
    OVERRIDE = "override"
    #: Drawn like an online attempt and printed (paper/); open until an admin enters the ticked answers.
    PAPER = "paper"


class Attempt(Base):
    """One sitting of a topic's quiz. The paper (items) is fixed when it starts."""

    __tablename__ = "attempt"
    __table_args__ = (
        # The attempt limit holds even under concurrent starts: numbers are unique per topic.
        sa.UniqueConstraint("user_id", "topic_id", "number"),
        # At most one open attempt per trainee and topic.
        sa.Index(
            "uq_attempt_one_open",
            "user_id",
            "topic_id",
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        ),
        sa.Index("ix_attempt_topic_status", "topic_id", "status"),
        # A unique index, not a constraint: SQLite adds an index without rebuilding the table.
        sa.Index("uq_attempt_paper_code", "paper_code", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topic.id"))
    #: 1 for the first attempt at this topic, 2 for the second…
    number: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(20), default=AttemptStatus.OPEN)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Server-set end of the time limit; saves are accepted until deadline + grace.
    deadline_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    #: Questions answered correctly (1 point each) and the number drawn.
    score: Mapped[int | None]
    max_score: Mapped[int]
    passed: Mapped[bool | None]
    #: The pass mark in force when graded, so a later change does not rewrite history.
    pass_percent: Mapped[int]
    #: Highest save sequence number accepted so far (clients continue from it).
    last_seq: Mapped[int] = mapped_column(default=0)
    #: "online", "paper" or "override" (see AttemptMode); reports and certificates treat them alike.
    mode: Mapped[str] = mapped_column(sa.String(20), default=AttemptMode.ONLINE, server_default=AttemptMode.ONLINE)
    #: A paper attempt's printed code (paper/codes.py: 8 Crockford base32 characters); None online.
    paper_code: Mapped[str | None] = mapped_column(sa.String(8))

    user: Mapped[User] = relationship()
    topic: Mapped[Topic] = relationship()
    items: Mapped[list[AttemptItem]] = relationship(back_populates="attempt", order_by="AttemptItem.position")

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.OPEN

    @property
    def is_override(self) -> bool:
        return self.mode == AttemptMode.OVERRIDE

    @property
    def is_paper(self) -> bool:
        return self.mode == AttemptMode.PAPER

    @property
    def percent(self) -> float | None:
        """Score as a percentage of the questions drawn."""
        return None if self.score is None else percent(self.score, self.max_score)

    @property
    def grade10(self) -> float | None:
        """Score on the Vietnamese 10-point scale."""
        return None if self.score is None else grade10(self.score, self.max_score)


class AttemptItem(Base):
    """A question as one attempt shows it: its version, option order and saved answer."""

    __tablename__ = "attempt_item"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id", ondelete="CASCADE"))
    #: 1-based position on the paper; the browser refers to questions by it.
    position: Mapped[int]
    question_version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_version.id"), index=True)
    #: Display order: option_order[k] is the authored index of the option shown k-th.
    option_order: Mapped[list[int]] = mapped_column(sa.JSON)
    #: Authored indexes chosen, sorted; None while unanswered.
    selected: Mapped[list[int] | None] = mapped_column(sa.JSON)
    #: Sequence number of the save that wrote ``selected`` (older saves are ignored).
    seq: Mapped[int] = mapped_column(default=0)
    answered_at: Mapped[datetime | None]
    #: Set when the attempt is graded.
    is_correct: Mapped[bool | None]

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    question_version: Mapped[QuestionVersion] = relationship()

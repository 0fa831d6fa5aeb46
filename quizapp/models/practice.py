"""Practice ("Ôn luyện"): untimed sets that teach and never count, and each trainee's Leitner cards.

Nothing here is read by grading, reports' pass figures or certificates: practice lives in its own tables.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .content import QuestionVersion, Topic


class PracticeCard(Base):
    """Where one question stands for one trainee in the Leitner schedule (see practice/scheduler.py)."""

    __tablename__ = "practice_card"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), primary_key=True)
    #: 0: answered wrong last time; 1: right once; 2: right twice in a row (learnt: drawn last).
    box: Mapped[int] = mapped_column(default=0)
    #: Right answers in a row (practice only).
    streak: Mapped[int] = mapped_column(default=0)
    times: Mapped[int] = mapped_column(default=0)
    last_correct: Mapped[bool] = mapped_column(default=False)
    last_at: Mapped[datetime] = mapped_column(default=utcnow)


class PracticeSet(Base):
    """One practice session: a few questions drawn for what this trainee needs."""

    __tablename__ = "practice_set"
    __table_args__ = (sa.Index("ix_practice_set_user_topic", "user_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topic.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set when the last question is answered.
    finished_at: Mapped[datetime | None]
    #: Whether answers and explanations were shown (the review rule when the set started).
    keys_shown: Mapped[bool] = mapped_column(default=True)

    topic: Mapped[Topic] = relationship()
    items: Mapped[list[PracticeItem]] = relationship(
        back_populates="practice_set", order_by="PracticeItem.position", cascade="all, delete-orphan"
    )

    @property
    def correct(self) -> int:
        return sum(1 for i in self.items if i.is_correct)

    @property
    def answered(self) -> int:
        return sum(1 for i in self.items if i.answered_at is not None)


class PracticeItem(Base):
    """A question as a practice set shows it: its version, option order and the trainee's answer."""

    __tablename__ = "practice_item"
    __table_args__ = (sa.UniqueConstraint("set_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(sa.ForeignKey("practice_set.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    question_version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_version.id"))
    #: Display order: option_order[k] is the authored index of the option shown k-th.
    option_order: Mapped[list[int]] = mapped_column(sa.JSON)
    selected: Mapped[list[int] | None] = mapped_column(sa.JSON)
    is_correct: Mapped[bool | None]
    answered_at: Mapped[datetime | None]

    practice_set: Mapped[PracticeSet] = relationship(back_populates="items")
    question_version: Mapped[QuestionVersion] = relationship()

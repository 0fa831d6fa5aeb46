"""Report summaries kept up to date inside the grading transaction (see quizapp/reports/summary.py).

They hold exactly what the raw aggregates over ``attempt`` and ``attempt_item`` would give, so a
report reads a few hundred thousand narrow rows (or a few hundred) instead of millions. Only graded
attempts are counted; open attempts stay in ``attempt`` and the reports add them from there.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class TopicResult(Base):
    """A trainee's graded attempts at one topic, aggregated: attempts, any pass, best score."""

    __tablename__ = "topic_result"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topic.id"), primary_key=True)
    #: Graded (submitted or timed-out) attempts; open ones are counted from ``attempt``.
    attempts: Mapped[int] = mapped_column(default=0)
    passed: Mapped[bool] = mapped_column(default=False)
    #: The best attempt's score and questions drawn; best = highest score / max_score.
    best_score: Mapped[int]
    best_max: Mapped[int]


class ItemStat(Base):
    """Sums behind a question version's item analysis (see reports/item_analysis.py).

    ``drawn`` counts every graded attempt that showed the version; the rest only first attempts,
    with x = 1 for a correct answer and T the attempt's score.
    """

    __tablename__ = "item_stat"

    question_version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_version.id"), primary_key=True)
    drawn: Mapped[int] = mapped_column(default=0)
    n: Mapped[int] = mapped_column(default=0)
    sum_x: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    sum_xt: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    sum_t: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    sum_t2: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: First attempts that left the question blank.
    unanswered: Mapped[int] = mapped_column(default=0)


class ItemOptionStat(Base):
    """How many first attempts chose one option (authored index) of a question version."""

    __tablename__ = "item_option_stat"

    question_version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_version.id"), primary_key=True)
    option_index: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    chosen: Mapped[int] = mapped_column(default=0)

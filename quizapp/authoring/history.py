"""A question's history for its page: every version, what changed against the one before, who, and its use.

The diff is per field (difflib): the text fields word by word, the options line by line (each line
is the option's text and whether it is correct), so a reader sees "Khiển trách → Cảnh cáo" rather
than two whole paragraphs.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..i18n import lazy_gettext as _l
from ..models import Attempt, AttemptItem, AuditLog, Question, QuestionVersion, Topic, User
from ..reports.filters import ReportFilter
from ..reports.item_analysis import ItemResult, option_label
from ..reports.item_queries import item_analysis

#: Fields compared between versions, with their labels, in the order the page shows them.
FIELDS = {
    "type": _l("Type"),
    "difficulty": _l("Difficulty"),
    "section": _l("Lesson section"),
    "text": _l("Question"),
    "options": _l("Options"),
    "explanation": _l("Explanation"),
    "source": _l("Source"),
}
#: How many of a version's latest attempts the page links to (the count covers them all).
RECENT_ATTEMPTS = 10
_WORDS = re.compile(r"\s*\S+\s*|\s+")  # words with their spaces, so spaces alone never match


@dataclass
class FieldChange:
    """One field's diff: segments of (op, text) with op "=" kept, "-" removed, "+" added."""

    name: str
    label: object
    segments: list[tuple[str, str]]
    #: Options are diffed by line: each segment is a whole line.
    by_line: bool = False


@dataclass
class AttemptRef:
    id: int
    trainee: str
    started_at: object
    score: int | None
    max_score: int


@dataclass
class VersionEntry:
    """A version with its changes against the previous version and the attempts that showed it."""

    version: QuestionVersion
    changes: list[FieldChange] = field(default_factory=list)
    attempts: int = 0
    recent: list[AttemptRef] = field(default_factory=list)
    stats: ItemResult | None = None


def option_lines(options: list[dict]) -> list[str]:
    """The options as the diff compares them: "A. text ✓" (✓ marks a correct one)."""
    return [f"{option_label(i)}. {o['text']}{' ✓' if o.get('correct') else ''}" for i, o in enumerate(options)]


def _values(version: QuestionVersion) -> dict[str, object]:
    return {
        "type": version.type,
        "difficulty": version.difficulty,
        "section": version.section.title,
        "text": version.text,
        "options": option_lines(version.options),
        "explanation": version.explanation,
        "source": version.source,
    }


def _segments(old: list[str], new: list[str], glue: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", glue.join(old[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(("-", glue.join(old[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("+", glue.join(new[j1:j2])))
    return out


def diff(old: QuestionVersion | None, new: QuestionVersion) -> list[FieldChange]:
    """The fields of ``new`` that differ from ``old`` (all of them, as additions, for a first version)."""
    before = _values(old) if old is not None else {}
    after = _values(new)
    changes = []
    for name, label in FIELDS.items():
        a, b = before.get(name), after[name]
        if a == b:
            continue
        if name == "options":
            lines = [(op, line) for op, text in _segments(a or [], b, "\n") for line in text.split("\n")]
            changes.append(FieldChange(name, label, lines, by_line=True))
            continue
        a_words = _WORDS.findall(str(a or ""))
        changes.append(FieldChange(name, label, _segments(a_words, _WORDS.findall(str(b)), "")))
    return changes


def history(session: Session, question: Question) -> list[VersionEntry]:
    """Every version of ``question``, newest first, with diffs, attempt counts and item statistics."""
    versions = list(
        session.scalars(
            select(QuestionVersion)
            .where(QuestionVersion.question_id == question.id)
            .options(
                selectinload(QuestionVersion.section),
                selectinload(QuestionVersion.author),
                selectinload(QuestionVersion.reviewed_by),
            )
            .order_by(QuestionVersion.version)
        )
    )
    entries = [VersionEntry(v, diff(versions[i - 1] if i else None, v)) for i, v in enumerate(versions)]
    by_id = {e.version.id: e for e in entries}
    used = (
        select(AttemptItem.question_version_id, func.count())
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(AttemptItem.question_version_id.in_(by_id))
        .group_by(AttemptItem.question_version_id)
    )
    for vid, n in session.execute(used):
        by_id[vid].attempts = n
    for ref_vid, ref in _recent(session, list(by_id)):
        by_id[ref_vid].recent.append(ref)
    topic = session.get(Topic, question.topic_id)
    for item in item_analysis(session, topic, ReportFilter()):
        if item.version_id in by_id:
            by_id[item.version_id].stats = item
    return entries[::-1]


def _recent(session: Session, version_ids: list[int]) -> list[tuple[int, AttemptRef]]:
    """The latest RECENT_ATTEMPTS attempts of each version (a window function: one query)."""
    rank = (
        func.row_number().over(partition_by=AttemptItem.question_version_id, order_by=Attempt.id.desc()).label("rank")
    )
    ranked = (
        select(
            AttemptItem.question_version_id,
            Attempt.id,
            User.full_name,
            Attempt.started_at,
            Attempt.score,
            Attempt.max_score,
            rank,
        )
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(User, User.id == Attempt.user_id)
        .where(AttemptItem.question_version_id.in_(version_ids or [0]))
        .subquery()
    )
    rows = session.execute(select(ranked).where(ranked.c.rank <= RECENT_ATTEMPTS).order_by(ranked.c.id.desc()))
    return [(vid, AttemptRef(aid, name, started, score, most)) for vid, aid, name, started, score, most, _r in rows]


def audit_trail(session: Session, question: Question) -> list[AuditLog]:
    """Every audit entry about ``question``, oldest first (who did what, when, why)."""
    return list(
        session.scalars(
            select(AuditLog)
            .where(AuditLog.target_type == "question", AuditLog.target_id == str(question.id))
            .options(selectinload(AuditLog.actor))
            .order_by(AuditLog.id)
        )
    )

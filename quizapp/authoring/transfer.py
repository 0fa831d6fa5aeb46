"""Question files in and out of the bank: a file imported as drafts (plan, then commit), a topic exported.

Plain functions over a session and plain values; the views (admin/question_files.py) only read the
form and show the result. The file formats themselves live in ``content.formats``.

Import: :func:`plan_import` parses the file against the topic's sections and decides each
question's section (the one the file names, else the one chosen for the import); nothing is saved
unless the whole plan is ``ok``. :func:`commit_import` stores every question as a draft in one
transaction. Export: :func:`export_topic` writes the approved wordings (or every question with its
status) in any format.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..audit import record
from ..content import formats
from ..content.formats import ParsedQuestion, ParseReport, Problem
from ..content.specs import QuestionSpec
from ..i18n import lazy_gettext as _l
from ..models import Question, QuestionStatus, QuestionVersion, Section, Topic, User, VersionState
from .drafts import create_question

#: Export scopes: the approved wordings trainees are drawing, or every question with its status.
SCOPES = ("approved", "all")


@dataclass
class PlannedQuestion:
    """A parsed question and the section it will be stored in."""

    question: ParsedQuestion
    section_slug: str
    section_title: str


@dataclass
class ImportPlan:
    """What importing a file would create; ``ok`` only when every question found its place."""

    topic_id: int
    fmt: str
    #: The section chosen for questions whose file names none (None: each must name its own).
    fallback_section_id: int | None
    report: ParseReport
    rows: list[PlannedQuestion] = field(default_factory=list)
    #: The parser's errors and the questions left without a section, by line.
    errors: list[Problem] = field(default_factory=list)
    #: The parser's warnings and ids already in the bank (those questions get a new id).
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def digest(self) -> str:
        """A fingerprint of the choices and every planned question, to bind a preview to its commit."""
        payload = [
            self.topic_id,
            self.fmt,
            self.fallback_section_id,
            [[r.question.content_hash, r.question.id, r.section_slug] for r in self.rows],
        ]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def topic_sections(topic: Topic) -> dict[str, str]:
    """The slugs and titles of the topic's active lesson sections, in lesson order."""
    return {s.slug: s.title for s in topic.sections if s.active}


def plan_import(session: Session, topic: Topic, data: bytes, fmt: str, fallback: Section | None) -> ImportPlan:
    """Parse ``data`` as ``fmt`` for ``topic``; place each question in a section or report it."""
    if fallback is not None and (fallback.topic_id != topic.id or not fallback.active):
        raise ValueError(f"section {fallback.id} is not an active section of topic {topic.number}")
    sections = topic_sections(topic)
    report = formats.parse(data, fmt, sections=sections)
    plan = ImportPlan(topic.id, fmt, fallback.id if fallback else None, report)
    plan.errors.extend(report.errors)
    plan.warnings.extend(report.warnings)
    if fallback is None and report.questions and not any(q.section for q in report.questions):
        # One message rather than one per question: an Aiken file, say, never names sections.
        plan.errors.append(Problem(1, _l("the file names no section for its questions: choose the section they go to")))
        return plan
    for question in report.questions:
        slug = question.section or (fallback.slug if fallback else "")
        if not slug:
            plan.errors.append(
                Problem(
                    question.line,
                    _l("the question names no section of this topic: choose a section for the questions without one"),
                )
            )
            continue
        plan.rows.append(PlannedQuestion(question, slug, sections[slug]))
    plan.errors.sort(key=lambda p: p.line)
    ids = [r.question.id for r in plan.rows if r.question.id]
    taken = set(session.scalars(select(Question.ext_id).where(Question.ext_id.in_(ids)))) if ids else set()
    for row in plan.rows:
        if row.question.id in taken:
            plan.warnings.append(
                Problem(
                    row.question.line,
                    _l("id '%(id)s' is already in the bank: this question gets a new id", id=row.question.id),
                )
            )
    plan.warnings.sort(key=lambda p: p.line)
    return plan


def commit_import(session: Session, plan: ImportPlan, author_id: int, filename: str) -> list[Question]:
    """Store every planned question as a draft, audited; the caller's transaction holds them all."""
    if not plan.ok:
        raise ValueError("only a plan without errors can be imported")
    topic = session.get(Topic, plan.topic_id)
    author = session.get(User, author_id)
    sections = {s.slug: s for s in topic.sections}
    note = str(_l("Imported from %(file)s", file=filename))
    created = [create_question(session, topic, sections[r.section_slug], r.question, author, note) for r in plan.rows]
    per_section: dict[str, int] = {}
    for row in plan.rows:
        per_section[row.section_slug] = per_section.get(row.section_slug, 0) + 1
    record(
        session,
        "questions.import",
        actor_id=author_id,
        target_type="topic",
        target_id=topic.number,
        detail={
            "file": filename,
            "format": plan.fmt,
            "drafts": len(created),
            "skipped": len(plan.report.skipped),
            "warnings": len(plan.warnings),
            "per_section": per_section,
            "ids": [q.ext_id for q in created],
        },
    )
    return created


# --- export ------------------------------------------------------------------------------------


@dataclass
class TopicExport:
    """A written topic and how many questions went into it."""

    export: formats.Export
    filename: str
    count: int


def _spec(question: Question, version: QuestionVersion) -> QuestionSpec:
    return QuestionSpec(
        id=question.ext_id,
        section=version.section.slug,
        type=version.type,
        difficulty=version.difficulty,
        text=version.text,
        options=version.options,
        explanation=version.explanation,
        source=version.source,
        where="",
    )


def _latest(question: Question) -> QuestionVersion | None:
    """The wording an "everything" export shows: a newer draft over the approved one."""
    return question.versions[-1] if question.versions else None


def _status(question: Question, version: QuestionVersion) -> str:
    """The status comment of an "everything" export: the question's, and its new wording's when it has one."""
    if question.status == QuestionStatus.APPROVED and version.state != VersionState.APPROVED:
        return f"approved; new wording {version.state}"
    if question.status == QuestionStatus.DRAFT:
        return version.state  # draft, submitted or returned: never approved yet
    return question.status


def export_topic(session: Session, topic: Topic, fmt: str, scope: str, header: str = "") -> TopicExport:
    """Write ``topic``'s bank in ``fmt``: approved wordings only, or every question with its status.

    "approved" is exactly what trainees draw (the current version of each approved question), so a
    native export can replace the topic's questions.yaml and ``content import`` finds nothing changed.
    "all" adds drafts, submitted and retired questions, each at its latest wording, with a status.
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown export scope {scope!r}")
    questions = session.scalars(
        select(Question)
        .where(Question.topic_id == topic.id)
        .options(
            selectinload(Question.current_version).selectinload(QuestionVersion.section),
            selectinload(Question.versions).selectinload(QuestionVersion.section),
        )
    ).all()
    chosen: list[tuple[Question, QuestionVersion]] = []
    statuses: dict[str, str] = {}
    for q in questions:
        if scope == "approved":
            if q.status == QuestionStatus.APPROVED and q.current_version is not None:
                chosen.append((q, q.current_version))
            continue
        version = _latest(q)
        if version is None:
            continue
        chosen.append((q, version))
        statuses[q.ext_id] = _status(q, version)
    # The native file keeps the bank's order (that of questions.yaml); the other formats group
    # questions by section, one category each.
    position = {s.slug: s.position for s in topic.sections} if fmt != "yaml" else {}
    chosen.sort(key=lambda qv: (position.get(qv[1].section.slug, 0), qv[0].id))
    sections = {s.slug: s.title for s in topic.sections}
    written = formats.write(
        fmt,
        [_spec(q, v) for q, v in chosen],
        topic=topic.title,
        sections=sections,
        statuses=statuses if scope == "all" else None,
        header=header,
    )
    filename = f"{topic.slug}-{scope}.{written.extension}"
    return TopicExport(written, filename, len(chosen))

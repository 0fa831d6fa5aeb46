"""Write a validated course package into the database, idempotently.

Identity is kept by ids: topics by number, sections by (topic, slug), questions by their
questions.yaml ``id``. A question whose wording changed gets a new version; attempts keep pointing
at the version they showed. Questions that left the files are retired, never deleted.

The files win where they changed, and only there: `flask init` runs an import at every upgrade (and
`make run`), so what was approved in the browser since must survive an import of unchanged files.
A question written in the browser (every version has an author) was never in the files and is left
alone; a file question whose approved wording was changed in the browser keeps it as long as its
wording in the files is the one last imported; a file question an admin retired stays retired; a
lesson approved in the browser stays until lesson.md changes (``Topic.lesson_hash``). Where a
changed file does replace a wording or lesson approved in the browser, the report names it, so the
summary (``--dry-run`` first, then the audit log) says what the files overwrote.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import record
from ..authoring.workflow import retired_by_an_admin
from ..models import Course, Question, QuestionStatus, QuestionVersion, Section, Topic
from ..quiz.settings import apply_file_settings
from .lesson import lesson_markdown
from .loader import CourseSpec, TopicSpec


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    topics: int = 0
    sections: int = 0
    created: int = 0
    new_versions: int = 0
    unchanged: int = 0
    retired: int = 0
    #: Approved questions or wordings written in the browser, left as they are (the files did not change them).
    kept_from_browser: int = 0
    #: Questions in the files that an admin retired in the browser: they stay retired.
    kept_retired: int = 0
    #: Lessons published from the browser that an unchanged lesson.md left as they are.
    lessons_kept: int = 0
    per_topic: dict[int, int] = field(default_factory=dict)
    #: Topic number -> quiz settings left at the value an admin set in the browser.
    kept_settings: dict[int, list[str]] = field(default_factory=dict)
    #: Questions whose wording approved in the browser a changed file replaced (their ids): the
    #: files win where they changed, and the summary (and ``--dry-run``) names what they overwrote.
    replaced_browser: list[str] = field(default_factory=list)
    #: Topics whose lesson approved in the browser a changed lesson.md replaced.
    lessons_replaced: list[int] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{self.topics} topics, {self.sections} sections; questions: {self.created} new, "
            f"{self.new_versions} changed, {self.unchanged} unchanged, {self.retired} retired"
        )
        if self.kept_from_browser:
            text += f"; {self.kept_from_browser} approved in the browser kept"
        if self.lessons_kept:
            text += f"; {self.lessons_kept} lessons approved in the browser kept"
        if self.kept_retired:
            text += f"; {self.kept_retired} retired by an admin kept retired"
        if self.kept_settings:
            kept = ", ".join(f"topic {n}: {', '.join(names)}" for n, names in sorted(self.kept_settings.items()))
            text += f"; quiz settings changed by an admin kept ({kept})"
        if self.replaced_browser:
            text += (
                f"; {len(self.replaced_browser)} wordings approved in the browser replaced by changed files"
                f" ({', '.join(self.replaced_browser)})"
            )
        if self.lessons_replaced:
            topics = ", ".join(str(n) for n in self.lessons_replaced)
            text += f"; lessons approved in the browser replaced by a changed lesson.md (topic {topics})"
        return text


def import_course(session: Session, spec: CourseSpec, actor_id: int | None = None) -> ImportReport:
    """Sync ``spec`` into the database inside the caller's transaction."""
    report = ImportReport()
    course = session.get(Course, 1) or Course(id=1)
    course.title, course.issuing_body, course.settings = spec.title, spec.issuing_body, spec.settings
    session.add(course)
    for topic_spec in spec.topics:
        _import_topic(session, topic_spec, report)
    session.flush()
    record(
        session,
        "content.import",
        actor_id=actor_id,
        target_type="course",
        target_id="1",
        detail={"summary": report.summary()},
    )
    return report


def preview_course(session: Session, spec: CourseSpec) -> ImportReport:
    """What :func:`import_course` would do, without keeping any of it (the transaction is rolled back)."""
    try:
        return import_course(session, spec)
    finally:
        session.rollback()


def _import_topic(session: Session, spec: TopicSpec, report: ImportReport) -> None:
    topic = session.scalar(select(Topic).where(Topic.number == spec.number))
    if topic is None:
        topic = Topic(number=spec.number)
        session.add(topic)
    topic.slug, topic.title, topic.summary = spec.slug, spec.title, spec.summary
    kept = apply_file_settings(topic, spec.quiz)  # settings an admin changed in the browser stay
    if kept:
        report.kept_settings[spec.number] = kept
    topic.active = True
    session.flush()
    report.topics += 1
    sections = _import_lesson(session, topic, spec, report)

    questions = {
        q.ext_id: q
        for q in session.scalars(select(Question).where(Question.ext_id.in_([q.id for q in spec.questions])))
    }
    in_file = set()
    for q in spec.questions:
        in_file.add(q.id)
        question = questions.get(q.id)
        if question is None:
            question = Question(ext_id=q.id, topic_id=topic.id, status=QuestionStatus.APPROVED)
            session.add(question)
            session.flush()
            latest = None
            report.created += 1
        else:
            latest = question.current_version
            question.topic_id = topic.id
            if question.status == QuestionStatus.RETIRED and retired_by_an_admin(session, question.id):
                report.kept_retired += 1  # an admin's decision with a reason; its wording still follows the files
            else:
                question.status = QuestionStatus.APPROVED  # the files are the reviewed course
        if latest is not None and latest.content_hash == q.content_hash:
            report.unchanged += 1
            continue
        if latest is not None and latest.author_id is not None and _last_from_files(question) == q.content_hash:
            # The files still hold what they held at the last import; the wording drawn now was
            # written and approved in the browser since. Keep it: the files did not change it.
            report.kept_from_browser += 1
            continue
        if latest is not None:
            report.new_versions += 1
            if latest.author_id is not None:  # written in the browser: the changed file overwrites it
                report.replaced_browser.append(q.id)
        version = QuestionVersion(
            question_id=question.id,
            # Past every version, not just the approved one: a browser draft may hold the next number.
            version=max((v.version for v in question.versions), default=0) + 1,
            section_id=sections[q.section].id,
            type=q.type,
            difficulty=q.difficulty,
            text=q.text,
            options=q.options,
            explanation=q.explanation,
            source=q.source,
            content_hash=q.content_hash,
        )
        session.add(version)
        session.flush()
        question.current_version_id = version.id
    report.per_topic[spec.number] = len(spec.questions)

    for question in session.scalars(
        select(Question).where(Question.topic_id == topic.id, Question.status == QuestionStatus.APPROVED)
    ):
        if question.ext_id in in_file:
            continue
        if _last_from_files(question) is not None:  # it was in the files once, and has left them
            question.status = QuestionStatus.RETIRED
            report.retired += 1
        else:
            report.kept_from_browser += 1


def _import_lesson(session: Session, topic: Topic, spec: TopicSpec, report: ImportReport) -> dict[str, Section]:
    """Publish lesson.md if it changed since the last import; return the sections by slug.

    Unchanged, the published lesson stays as it is, even where an admin approved a browser edit
    since (authoring/lessons.py) — unless a question in the files names a section it lacks.
    """
    existing = {s.slug: s for s in session.scalars(select(Section).where(Section.topic_id == topic.id))}
    in_files = lesson_markdown(spec.intro_md, spec.sections)
    file_hash = _hash(in_files)
    named = {q.section for q in spec.questions}
    if topic.lesson_hash == file_hash and all(slug in existing and existing[slug].active for slug in named):
        if _published(topic, existing) != in_files:
            report.lessons_kept += 1
        report.sections += len(spec.sections)
        return existing
    if topic.lesson_hash is not None and _hash(_published(topic, existing)) != topic.lesson_hash:
        report.lessons_replaced.append(topic.number)  # published from the browser since the last import
    topic.intro_md, topic.lesson_hash = spec.intro_md, file_hash
    sections = {}
    for s in spec.sections:
        section = existing.pop(s.slug, None) or Section(topic_id=topic.id, slug=s.slug)
        section.title, section.position, section.body_md, section.active = s.title, s.position, s.body_md, True
        session.add(section)
        sections[s.slug] = section
        report.sections += 1
    for gone in existing.values():
        gone.active = False
    session.flush()
    return sections


def _published(topic: Topic, sections: dict[str, Section]) -> str:
    """The topic's lesson as it is published now, in lesson.md's form (to compare with the files)."""
    return lesson_markdown(topic.intro_md, sorted((s for s in sections.values() if s.active), key=lambda s: s.position))


def _hash(markdown: str) -> str:
    return hashlib.sha256(markdown.encode()).hexdigest()


def _last_from_files(question: Question) -> str | None:
    """The content hash of the question's latest wording that came from the files (None: none did)."""
    from_files = [v for v in question.versions if v.author_id is None]
    return max(from_files, key=lambda v: v.version).content_hash if from_files else None

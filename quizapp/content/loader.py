"""Read and validate a course package (questions/) into plain values, or list every error.

Nothing here touches the database: :func:`load_package` either returns a complete
:class:`CourseSpec` or raises :class:`PackageError` carrying *all* the problems found, each as
``file:line: message``. ``importer.py`` then writes a valid package in one transaction.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..quiz.rules import DEFAULTS, ReviewPolicy
from .lesson import read_lesson, section_slug  # noqa: F401  (section_slug is part of the API)
from .rules import english, read_question, required_text, unknown_keys
from .specs import CourseSpec, QuestionSpec, SectionSpec, TopicSpec, nfc  # noqa: F401
from .yamlread import LineDict, LineList, YamlError, load_yaml

TOPIC_DIR = re.compile(r"^(\d{2})-[a-z0-9-]+$")
QUIZ_KEYS = {"questions": (1, 200), "time_limit_minutes": (1, 600), "pass_percent": (1, 100), "max_attempts": (1, 50)}
TOPIC_KEYS = {"number", "title", "summary", "quiz"}
COURSE_KEYS = {"title", "issuing_body", "organiser", "completion", "certificate"}


class PackageError(Exception):
    """A course package that cannot be imported; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} error(s) in the course package")
        self.errors = errors


class _Errors:
    """Collects ``file:line: message`` strings."""

    def __init__(self, root: Path):
        self.root = root
        self.items: list[str] = []

    def add(self, path: Path, line: int, message: str) -> None:
        try:
            shown = path.relative_to(self.root.parent)
        except ValueError:
            shown = path
        self.items.append(f"{shown}:{line}: {english(message)}")

    def of(self, path: Path) -> _FileProblems:
        """The problems of one file, as the question rules report them."""
        return _FileProblems(self, path)


class _FileProblems:
    def __init__(self, errors: _Errors, path: Path):
        self.errors, self.path = errors, path

    def add(self, line: int, message) -> None:
        self.errors.add(self.path, line, message)


def load_package(root: str | Path, defaults: dict[str, Any] | None = None) -> CourseSpec:
    """Validate the package at ``root``; return it whole or raise PackageError with every error."""
    root = Path(root)
    errors = _Errors(root)
    if not root.is_dir():
        raise PackageError([f"{root}: not a folder"])
    defaults = defaults or {}
    course = _read_course(root / "course.yaml", errors)
    topics = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not TOPIC_DIR.match(folder.name):
            errors.add(folder, 0, "topic folders are named NN-slug (e.g. 02-kiem-tra-giam-sat)")
            continue
        topic = _read_topic(folder, errors, defaults)
        if topic:
            topics.append(topic)
    if not topics and not errors.items:
        errors.add(root, 0, "no topic folders found")
    _check_across_topics(topics, errors)
    if errors.items:
        raise PackageError(errors.items)
    assert course is not None
    title, issuing_body, settings = course
    return CourseSpec(title=title, issuing_body=issuing_body, settings=settings, topics=topics)


def _read_yaml(path: Path, errors: _Errors):
    if not path.is_file():
        errors.add(path, 0, "file is missing")
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        errors.add(path, 1, f"not UTF-8 text ({exc.reason})")
        return None
    try:
        return load_yaml(text)
    except YamlError as exc:
        errors.add(path, exc.line, str(exc))
        return None


def _unknown_keys(data: LineDict, allowed: set[str], path: Path, errors: _Errors) -> None:
    unknown_keys(data, allowed, errors.of(path))


def _required_text(data: LineDict, key: str, path: Path, errors: _Errors) -> str:
    return required_text(data, key, errors.of(path))


def _read_course(path: Path, errors: _Errors):
    data = _read_yaml(path, errors)
    if data is None:
        return None
    if not isinstance(data, LineDict):
        errors.add(path, getattr(data, "line", 1), "course.yaml must be a mapping")
        return None
    _unknown_keys(data, COURSE_KEYS, path, errors)
    title = _required_text(data, "title", path, errors)
    issuing_body = _required_text(data, "issuing_body", path, errors)
    completion = data.get("completion", "all_topics_passed")
    if completion != "all_topics_passed":
        errors.add(path, data.line_of("completion"), "completion must be 'all_topics_passed'")
    cert = data.get("certificate", {})
    if not isinstance(cert, dict):
        errors.add(path, data.line_of("certificate"), "'certificate' must be a mapping")
        cert = {}
    settings = nfc({k: v for k, v in data.items() if k not in ("title", "issuing_body")})
    settings["certificate"] = nfc(dict(cert))
    return title, issuing_body, settings


def _read_topic(folder: Path, errors: _Errors, defaults: dict[str, Any]) -> TopicSpec | None:
    path = folder / "topic.yaml"
    data = _read_yaml(path, errors)
    if data is None:
        return None
    if not isinstance(data, LineDict):
        errors.add(path, getattr(data, "line", 1), "topic.yaml must be a mapping")
        return None
    _unknown_keys(data, TOPIC_KEYS, path, errors)
    number = data.get("number")
    expected = int(folder.name[:2])
    if not isinstance(number, int) or isinstance(number, bool) or number != expected:
        errors.add(path, data.line_of("number"), f"'number' must be {expected}, as the folder name says")
        number = expected
    title = _required_text(data, "title", path, errors)
    summary = nfc(data.get("summary") or "")
    quiz = _read_quiz(data, path, errors, defaults)

    intro, sections = read_lesson(folder / "lesson.md", errors)
    topic = TopicSpec(
        number=number, slug=folder.name, title=title, summary=summary, intro_md=intro, quiz=quiz, sections=sections
    )
    topic.questions = _read_questions(folder / "questions.yaml", topic, errors)
    if topic.questions and quiz["questions"] > len(topic.questions):
        errors.add(
            path,
            data.line_of("quiz"),
            f"the quiz draws {quiz['questions']} questions but the bank has only {len(topic.questions)}",
        )
    return topic


def _read_quiz(data: LineDict, path: Path, errors: _Errors, defaults: dict[str, Any]) -> dict:
    quiz = {
        "questions": defaults.get("QUIZ_QUESTIONS", DEFAULTS.questions),
        "time_limit_minutes": defaults.get("QUIZ_TIME_LIMIT_MINUTES", DEFAULTS.time_limit_minutes),
        "pass_percent": defaults.get("QUIZ_PASS_PERCENT", DEFAULTS.pass_percent),
        "max_attempts": defaults.get("QUIZ_MAX_ATTEMPTS", DEFAULTS.max_attempts),
        "review": defaults.get("QUIZ_REVIEW", str(DEFAULTS.review)),
    }
    raw = data.get("quiz") or LineDict()
    if not isinstance(raw, LineDict):
        errors.add(path, data.line_of("quiz"), "'quiz' must be a mapping")
        return quiz
    for key, value in raw.items():
        if key in QUIZ_KEYS:
            low, high = QUIZ_KEYS[key]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                errors.add(path, raw.line_of(key), f"'{key}' must be a whole number from {low} to {high}")
            else:
                quiz[key] = value
        elif key == "review":
            allowed = [p.value for p in ReviewPolicy]
            if value not in allowed:
                errors.add(path, raw.line_of(key), f"'review' must be one of {', '.join(allowed)}")
            else:
                quiz[key] = value
        else:
            errors.add(path, raw.line_of(key), f"unknown quiz setting '{key}'")
    return quiz


def _read_questions(path: Path, topic: TopicSpec, errors: _Errors) -> list[QuestionSpec]:
    data = _read_yaml(path, errors)
    if data is None:
        return []
    if not isinstance(data, LineList):
        errors.add(path, getattr(data, "line", 1), "questions.yaml must be a list of questions")
        return []
    slugs = {s.slug for s in topic.sections}
    out = []
    for raw, line in zip(data, data.item_lines, strict=True):
        question = read_question(raw, line, slugs, errors.of(path), where=f"{path.name}:{line}")
        if question:
            out.append(question)
    return out


def _check_across_topics(topics: list[TopicSpec], errors: _Errors) -> None:
    seen: dict[str, str] = {}
    for topic in topics:
        for q in topic.questions:
            if q.id in seen:
                errors.items.append(
                    f"{errors.root.name}/{topic.slug}/{q.where}: id '{q.id}' is already used at {seen[q.id]}"
                )
            else:
                seen[q.id] = f"{errors.root.name}/{topic.slug}/{q.where}"

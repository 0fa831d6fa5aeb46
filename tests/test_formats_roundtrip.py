"""The whole shipped bank (questions/) through every format and back, keeping what each format carries."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.content import formats
from quizapp.content.loader import load_package

SPEC = load_package(Path(__file__).resolve().parent.parent / "questions")
#: What each format carries besides type, text, options and keys.
CARRIES = {
    "yaml": ("id", "section", "difficulty", "explanation", "source"),
    "gift": ("section", "explanation"),
    "moodle_xml": ("id", "section", "explanation"),
    "aiken": (),
}


def kept(question, fields) -> tuple:
    return (question.type, " ".join(question.text.split()), question.options) + tuple(
        getattr(question, f) for f in fields
    )


@pytest.mark.parametrize("fmt", list(CARRIES))
def test_the_whole_bank_survives_every_format(fmt):
    total = 0
    for topic in SPEC.topics:
        sections = {s.slug: s.title for s in topic.sections}
        export = formats.write(fmt, topic.questions, topic=topic.title, sections=sections)
        report = formats.parse(export.data, fmt, sections=sections)
        assert report.ok and report.errors == [] and report.skipped == []
        expected = [q for q in topic.questions if fmt != "aiken" or q.type != "multiple"]
        assert [kept(q, CARRIES[fmt]) for q in report.importable] == [kept(q, CARRIES[fmt]) for q in expected]
        assert [qid for qid, _ in export.left_out] == [q.id for q in topic.questions if q not in expected]
        if fmt == "gift":
            assert [q.title for q in report.questions] == [q.id for q in topic.questions]
        if fmt == "yaml":
            assert [q.content_hash for q in report.questions] == [q.content_hash for q in topic.questions]
        total += len(report.questions)
    bank = sum(len(t.questions) for t in SPEC.topics)
    assert bank > 0
    assert total == (bank if fmt != "aiken" else sum(q.type != "multiple" for t in SPEC.topics for q in t.questions))

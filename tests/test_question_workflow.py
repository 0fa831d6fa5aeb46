"""The question workflow as services: the editor's rules, submit/approve/return/retire/restore, audit, the draw."""

from __future__ import annotations

import unicodedata
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from quizapp.authoring import editing, workflow
from quizapp.content.rules import english
from quizapp.db import write_transaction
from quizapp.models import (
    Attempt,
    Question,
    QuestionStatus,
    QuestionVersion,
    Role,
    Section,
    Topic,
    User,
    VersionState,
    utcnow,
)
from quizapp.quiz import attempts as quiz
from quizapp.quiz.bank import drawable_bank

from .admin_helpers import audit_entries


def entry(**changes) -> editing.EditorInput:
    """The editor's input for a single-choice question in section phan-1, with ``changes``."""
    fields = dict(
        ext_id="",
        type="single",
        difficulty="medium",
        section="phan-1",
        text="Câu hỏi mới về tổ chức?",
        explanation="Vì thế.",
        source="Điều lệ Đảng",
        options=[
            editing.OptionRow("Đúng là A", True, 1),
            editing.OptionRow("Sai là B", False, 2),
            editing.OptionRow("", False, 3),  # a blank row is left out
            editing.OptionRow("Sai là C", False, 4),
            editing.OptionRow("Sai là D", False, 5),
        ],
    )
    fields.update(changes)
    return editing.EditorInput(**fields)


@pytest.fixture
def people(make):
    make.topic(number=1, sections=2, per_section=2)
    return {
        "author": make.user(role=Role.INSTRUCTOR, ward=None),
        "other": make.user(role=Role.INSTRUCTOR, ward=None),
        "admin": make.user(role=Role.ADMIN, ward=None),
    }


def _edit(app, author_id: int, ext_id: str, **changes) -> int:
    """Save an edit of question ``ext_id`` as the user; return the version id."""
    with app.app_context(), write_transaction() as s:
        question = s.scalar(select(Question).where(Question.ext_id == ext_id))
        section = s.scalar(select(Section).where(Section.slug == "phan-1"))
        checked = editing.check(entry(ext_id=ext_id, **changes), ["phan-1", "phan-2"])
        assert checked.spec is not None, checked.errors
        return editing.edit(s, question, section, checked.spec, s.get(User, author_id), changes.get("note", "")).id


@contextmanager
def refused(fragment: str):
    """The block raises WorkflowError whose message (in English) contains ``fragment``."""
    with pytest.raises(workflow.WorkflowError) as info:
        yield
    assert fragment in english(info.value.message)


def _run(app, step, *args):
    with app.app_context(), write_transaction() as s:
        return step(s, *args)


# --- the editor's checks are the loader's rules --------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"options": [editing.OptionRow("A", True, 1), editing.OptionRow("B", True, 2)]}, "options", "exactly one"),
        (
            {"type": "multiple", "options": [editing.OptionRow("A", False, 1), editing.OptionRow("B", False, 2)]},
            "options",
            "at least one",
        ),
        (
            {"options": [editing.OptionRow("Giống", True, 1), editing.OptionRow("giống", False, 2)]},
            "option-1",
            "repeats line 1",
        ),
        ({"text": "  "}, "text", "required"),
        ({"text": "x" * 2001}, "text", "too long"),
        ({"section": "khong-co"}, "section", "not a '## ' heading"),
        ({"options": [editing.OptionRow("A", True, 1)]}, "options", "2 to 8"),
    ],
)
def test_editor_input_is_checked_by_the_loader_rules(app, changes, field, fragment):
    with app.app_context():
        checked = editing.check(entry(**changes), ["phan-1"])
        assert checked.spec is None
        assert any(fragment in english(m) for m in checked.errors.get(field, [])), checked.errors


def test_editor_input_is_normalised_and_reordered(app):
    nfd = unicodedata.normalize("NFD", "Tổ chức")  # typed on a Mac: decomposed marks
    rows = [editing.OptionRow("Thứ hai", False, 2), editing.OptionRow(nfd, True, 1)]
    with app.app_context():
        checked = editing.check(entry(options=rows, text=nfd + "?"), ["phan-1"])
    assert checked.spec.text == "Tổ chức?" and checked.spec.text != nfd + "?"
    assert [o["text"] for o in checked.spec.options] == ["Tổ chức", "Thứ hai"]
    assert checked.spec.options[0]["correct"] is True


def test_true_false_takes_the_answer_not_the_rows(app):
    with app.app_context():
        checked = editing.check(entry(type="true_false", answer=False), ["phan-1"])
    assert [o["correct"] for o in checked.spec.options] == [False, True]


# --- the edit rule -------------------------------------------------------------------------------


def test_editing_an_approved_question_makes_a_draft_then_edits_it_in_place(app, people):
    first = _edit(app, people["author"].id, "t1-101", text="Lần một?")
    second = _edit(app, people["author"].id, "t1-101", text="Lần hai?")
    assert first == second
    with app.app_context(), write_transaction() as s:
        question = s.scalar(select(Question).where(Question.ext_id == "t1-101"))
        versions = sorted(question.versions, key=lambda v: v.version)
        assert [(v.version, v.state) for v in versions] == [(1, "approved"), (2, "draft")]
        assert versions[1].text == "Lần hai?" and question.current_version.text == "Câu hỏi t1-101?"
        assert question.status == QuestionStatus.APPROVED
    edits = audit_entries(app, "question.edit")
    assert [(e.actor_id, e.detail["in_place"]) for e in edits] == [
        (people["author"].id, False),
        (people["author"].id, True),
    ]


def test_someone_elses_draft_and_a_submitted_version_are_not_edited(app, people):
    vid = _edit(app, people["author"].id, "t1-101", text="Của tác giả?")
    with refused("being drafted by"):
        _edit(app, people["other"].id, "t1-101", text="Của người khác?")
    _run(app, lambda s: workflow.submit(s, s.get(QuestionVersion, vid), s.get(User, people["author"].id), utcnow()))
    with refused("waiting for approval"):
        _edit(app, people["author"].id, "t1-101", text="Sửa khi chờ duyệt?")


def test_an_unchanged_wording_is_not_a_new_version(app, people):
    with app.app_context(), write_transaction() as s:
        question = s.scalar(select(Question).where(Question.ext_id == "t1-101"))
        v = question.current_version
        rows = [editing.OptionRow(o["text"], o["correct"], i) for i, o in enumerate(v.options)]
        same = entry(ext_id="t1-101", text=v.text, explanation=v.explanation, source=v.source, options=rows)
        checked = editing.check(same, ["phan-1"])
        question.current_version.content_hash = checked.spec.content_hash  # the factory's hash is a stand-in
    with refused("Nothing changed"):
        _edit(app, people["author"].id, "t1-101", text=v.text, explanation=v.explanation, source=v.source, options=rows)


# --- the workflow --------------------------------------------------------------------------------


def _submit(app, user_id, vid):
    _run(app, lambda s: workflow.submit(s, s.get(QuestionVersion, vid), s.get(User, user_id), utcnow()))


def _token(app, vid) -> str:
    return _run(app, lambda s: workflow.token(s.get(QuestionVersion, vid)))


def _approve(app, user_id, tokens):
    return _run(app, lambda s: workflow.approve(s, tokens, s.get(User, user_id), utcnow()))


def test_only_the_author_submits_and_only_admins_approve(app, people):
    vid = _edit(app, people["author"].id, "t1-101", text="Mới?")
    with refused("Only the author"):
        _submit(app, people["other"].id, vid)
    with refused("only submitted"):
        _approve(app, people["admin"].id, [_token(app, vid)])  # a draft is not approved
    _submit(app, people["author"].id, vid)
    with refused("Only an administrator"):
        _approve(app, people["author"].id, [_token(app, vid)])
    [approval] = _approve(app, people["admin"].id, [_token(app, vid)])
    assert approval.version_id == vid and not approval.key_changed
    with app.app_context(), write_transaction() as s:
        version = s.get(QuestionVersion, vid)
        assert version.state == VersionState.APPROVED and version.reviewed_by_id == people["admin"].id
        assert version.question.current_version_id == vid
    [row] = audit_entries(app, "question.approve")
    assert (row.actor_id, row.target_type, row.target_id) == (people["admin"].id, "question", str(version.question_id))
    assert [e.actor_id for e in audit_entries(app, "question.submit")] == [people["author"].id]


def test_a_version_changed_since_the_preview_is_not_approved(app, people):
    vid = _edit(app, people["author"].id, "t1-101", text="Bản xem trước?")
    other = _edit(app, people["other"].id, "t1-102", text="Câu khác?")
    _submit(app, people["author"].id, vid)
    _submit(app, people["other"].id, other)
    seen = [_token(app, vid), _token(app, other)]
    # Returned, edited and submitted again after the admin's preview:
    _run(
        app,
        lambda s: workflow.return_version(
            s, s.get(QuestionVersion, vid), seen[0], s.get(User, people["admin"].id), "Sửa lại", utcnow()
        ),
    )
    _edit(app, people["author"].id, "t1-101", text="Bản đã sửa?")
    _submit(app, people["author"].id, vid)
    with refused("changed since you reviewed"):
        _approve(app, people["admin"].id, seen)
    with app.app_context(), write_transaction() as s:  # all or nothing: the other one waits too
        assert s.get(QuestionVersion, other).state == VersionState.SUBMITTED
        assert s.get(QuestionVersion, vid).question.current_version.version == 1
    assert audit_entries(app, "question.approve") == []
    assert len(_approve(app, people["admin"].id, [_token(app, vid), _token(app, other)])) == 2


def test_returning_needs_a_comment_and_reaches_the_author(app, people):
    vid = _edit(app, people["author"].id, "t1-101", text="Cần sửa?")
    _submit(app, people["author"].id, vid)
    tok = _token(app, vid)
    admin = people["admin"].id
    with refused("Say what should change"):
        _run(
            app,
            lambda s: workflow.return_version(s, s.get(QuestionVersion, vid), tok, s.get(User, admin), " ", utcnow()),
        )
    _run(
        app,
        lambda s: workflow.return_version(
            s, s.get(QuestionVersion, vid), tok, s.get(User, admin), "Nguồn sai", utcnow()
        ),
    )
    [row] = audit_entries(app, "question.return")
    assert row.reason == "Nguồn sai" and row.actor_id == admin
    # The author edits the returned version in place and submits it again.
    assert _edit(app, people["author"].id, "t1-101", text="Đã sửa?") == vid
    _submit(app, people["author"].id, vid)


def test_a_changed_key_is_reported_for_regrading(app, people):
    rows = [editing.OptionRow("t1-101 đúng", False, 1), editing.OptionRow("t1-101 sai 1", True, 2)]
    rows += [editing.OptionRow(f"t1-101 sai {k}", False, k + 1) for k in (2, 3)]
    vid = _edit(app, people["author"].id, "t1-101", options=rows)
    _submit(app, people["author"].id, vid)
    [approval] = _approve(app, people["admin"].id, [_token(app, vid)])
    assert approval.key_changed and approval.previous_id is not None


def test_retire_and_restore_need_a_reason_and_an_admin(app, people):
    def retire(user_id, reason):
        _run(
            app,
            lambda s: workflow.retire(
                s, s.scalar(select(Question).where(Question.ext_id == "t1-101")), s.get(User, user_id), reason
            ),
        )

    with refused("Only an administrator"):
        retire(people["author"].id, "Lỗi thời")
    with refused("Give a reason"):
        retire(people["admin"].id, "")
    retire(people["admin"].id, "Lỗi thời")
    with app.app_context(), write_transaction() as s:
        topic = s.scalar(select(Topic))
        assert "t1-101" not in {s.get(Question, e.question_id).ext_id for e in drawable_bank(s, topic.id)}
        question = s.scalar(select(Question).where(Question.ext_id == "t1-101"))
        workflow.restore(s, question, s.get(User, people["admin"].id), "Dùng lại")
        assert question.status == QuestionStatus.APPROVED
    assert [e.reason for e in audit_entries(app, "question.retire") + audit_entries(app, "question.restore")] == [
        "Lỗi thời",
        "Dùng lại",
    ]


def test_a_new_question_is_drawn_only_once_approved(app, people):
    with app.app_context(), write_transaction() as s:
        topic = s.scalar(select(Topic))
        section = s.scalar(select(Section).where(Section.slug == "phan-2"))
        spec = editing.check(entry(section="phan-2"), ["phan-1", "phan-2"]).spec
        question = editing.create(s, topic, section, spec, s.get(User, people["author"].id), "Câu mới")
        assert question.ext_id == "t1-203" and question.status == QuestionStatus.DRAFT
        qid, vid, topic_id = question.id, question.versions[0].id, topic.id
    drawn = lambda: _run(app, lambda s: {e.question_id for e in drawable_bank(s, topic_id)})  # noqa: E731
    assert qid not in drawn()
    _submit(app, people["author"].id, vid)
    assert qid not in drawn()
    _approve(app, people["admin"].id, [_token(app, vid)])
    assert qid in drawn()
    assert [e.detail["ext_id"] for e in audit_entries(app, "question.create")] == ["t1-203"]


def test_attempts_keep_their_version_and_new_ones_draw_the_approved_wording(app, make, people):
    """A draft or submitted wording is never drawn; after approval a new attempt draws it, an old one keeps its own."""
    trainee = make.user()
    with app.app_context(), write_transaction() as s:
        topic = s.scalar(select(Topic))
        topic.questions_per_attempt = 4  # the whole bank: every question is drawn every time
        old, _ = quiz.start_or_resume(s, trainee.id, topic, utcnow(), 60)
        quiz.submit(s, old, utcnow(), 60)
        old_id = old.id
    vid = _edit(app, people["author"].id, "t1-101", text="Cách diễn đạt mới?")

    def texts(attempt_id):
        with app.app_context(), write_transaction() as s:
            return {item.question_version.text for item in s.get(Attempt, attempt_id).items}

    newcomers = [make.user() for _ in range(3)]

    def new_attempt():
        with app.app_context(), write_transaction() as s:
            attempt, _ = quiz.start_or_resume(s, newcomers.pop().id, s.scalar(select(Topic)), utcnow(), 60)
            return attempt.id

    assert "Cách diễn đạt mới?" not in texts(new_attempt())  # draft
    _submit(app, people["author"].id, vid)
    assert "Cách diễn đạt mới?" not in texts(new_attempt())  # submitted
    _approve(app, people["admin"].id, [_token(app, vid)])
    fresh = texts(new_attempt())
    assert "Cách diễn đạt mới?" in fresh and "Câu hỏi t1-101?" not in fresh
    assert "Câu hỏi t1-101?" in texts(old_id) and "Cách diễn đạt mới?" not in texts(old_id)

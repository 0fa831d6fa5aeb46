"""The paper path: printed papers are real attempts, their QR reads back, entry grades like online."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.db import db, write_transaction
from quizapp.models import Attempt, AttemptMode, AttemptStatus, Role, Topic, utcnow
from quizapp.paper import codes, entry, services
from quizapp.quiz import attempts as quiz

from .admin_helpers import audit_entries
from .factories import certificates_of, make_course, paper_batch, print_papers_for, take
from .pdfcheck import pdf_qr_codes, pdf_text


def enter(app, code, answers, actor_id=None):
    with app.app_context(), write_transaction() as s:
        attempt = entry.find_paper(s, code)
        done = entry.enter_paper(s, attempt, dict(enumerate(answers, start=1)), actor_id, utcnow())
        return done.score.correct, done.score.total, done.score.passed, done.certificate is not None


# --- codes ---------------------------------------------------------------------


def test_codes_are_checked_and_forgiving():
    code = codes.new_code()
    assert len(code) == 8 and codes.normalise(code) == code
    assert codes.normalise(codes.display(code).lower()) == code
    assert codes.normalise(" " + code[:4] + " - " + code[4:]) == code
    for k in range(8):  # every single wrong character is caught by the check character
        wrong = code[:k] + codes.ALPHABET[(codes.ALPHABET.index(code[k]) + 7) % 32] + code[k + 1 :]
        assert codes.normalise(wrong) is None
    assert codes.normalise("0O1IL") is None and codes.normalise("") is None
    body = "K7M2Q9X"
    full = body + codes._check(body)
    assert codes.normalise(full.replace("1", "I")) == full


# --- printing ------------------------------------------------------------------


def test_a_paper_is_an_open_attempt_drawn_like_online(app, make):
    make.topic(number=1, types=("single", "multiple", "true_false"))
    trainee = make.user(full_name="Lê Thị Giấy")
    batch_id, [code], refused = print_papers_for(app, [trainee.id])
    assert refused == [] and codes.normalise(code) == code
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.paper_code == code))
        assert (attempt.mode, attempt.status, attempt.number, attempt.max_score) == (
            AttemptMode.PAPER,
            AttemptStatus.OPEN,
            1,
            4,
        )
        assert len({i.question_version.question_id for i in attempt.items}) == 4
        # no online clock: far beyond any course, so nothing closes it before entry
        assert (attempt.deadline_at - attempt.started_at).days >= 3000
        # a year later, the cron job still leaves it open for entry
        assert quiz.close_expired(db.session, utcnow() + timedelta(days=365), 60) == 0
    [log] = audit_entries(app, "paper.print")
    assert log.id == batch_id and log.detail["codes"] == [code]


def test_the_pdf_qr_decodes_to_the_paper_code(app, make):
    make.topic(number=1, types=("single", "multiple", "true_false"))
    cohort = make.cohort("Lớp Thiệu Vân")
    ids = [make.user(full_name=f"Trần Văn {n}", cohort_id=cohort.id).id for n in "ABCDE"]
    batch_id, printed, _ = print_papers_for(app, ids)
    papers, key, letters = paper_batch(app, batch_id)
    found = [c for page in pdf_qr_codes(papers, scale=2) for c in page]
    assert sorted(found) == sorted(printed)  # one QR per paper, each its own code
    text = pdf_text(papers)
    assert "Trần Văn A" in text and "Lớp Thiệu Vân" in text and "BẢNG TRẢ LỜI" in text
    assert all(codes.display(c) in text for c in printed)
    key_text = pdf_text(key)
    assert all(codes.display(c) in key_text for c in printed)
    assert all(len(v) == 4 and all(v) for v in letters.values())


def test_refused_trainees_are_listed_and_the_rest_print(app, make):
    make.topic(number=1, max_attempts=2)
    used_up, online, ok, paper = (make.user() for _ in range(4))
    take(app, used_up.id, 1, right=False)
    take(app, used_up.id, 1, right=False)
    with app.app_context(), write_transaction() as s:
        quiz.start_or_resume(s, online.id, s.scalar(select(Topic)), utcnow(), 60)
    print_papers_for(app, [paper.id])
    staff = make.user(role=Role.INSTRUCTOR, ward=None)
    _, printed, refused = print_papers_for(app, [used_up.id, online.id, ok.id, paper.id, staff.id])
    assert len(printed) == 1 and refused == [used_up.id, online.id, paper.id, staff.id]


def test_nothing_printable_changes_nothing(app, make):
    make.topic(number=1, max_attempts=1)
    trainee = make.user()
    take(app, trainee.id, 1)
    with pytest.raises(services.PaperError):
        print_papers_for(app, [trainee.id])
    assert audit_entries(app, "paper.print") == []


# --- the trainee's side ------------------------------------------------------------


def test_an_open_paper_blocks_the_online_quiz(app, make):
    make.topic(number=1)
    trainee = make.user()
    _, [code], _ = print_papers_for(app, [trainee.id])
    with app.app_context(), write_transaction() as s:
        topic = s.scalar(select(Topic))
        with pytest.raises(quiz.PaperAttemptOpen) as refused:
            quiz.start_or_resume(s, trainee.id, topic, utcnow(), 60)
        assert codes.display(code) in str(refused.value.message)
        attempt = s.scalar(select(Attempt))
        with pytest.raises(quiz.PaperAttemptOpen):
            quiz.submit(s, attempt, utcnow(), 60)
        with pytest.raises(quiz.PaperAttemptOpen):
            quiz.save_answer(s, attempt.id, trainee.id, 1, [0], 1, utcnow(), 60)


# --- entry ---------------------------------------------------------------------


def test_the_key_sheet_gives_full_marks_and_wrong_letters_cost_what_it_implies(app, make):
    make.topic(number=1, types=("single", "multiple", "true_false"), questions_per_attempt=6)
    a, b = make.user(), make.user()
    batch_id, [code_a, code_b], _ = print_papers_for(app, [a.id, b.id])
    _, _, keys = paper_batch(app, batch_id)
    assert enter(app, code_a, keys[code_a])[:3] == (6, 6, True)
    # two answers wrong: another letter for question 1, question 2 left blank
    wrong = list(keys[code_b])
    wrong[0] = next(x for x in "AB" if x != wrong[0])
    wrong[1] = ""
    assert enter(app, code_b, [x.lower() for x in wrong])[:3] == (4, 6, False)
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.paper_code == code_b))
        assert attempt.status == AttemptStatus.SUBMITTED and [i.is_correct for i in attempt.items][:3] == [
            False,
            False,
            True,
        ]
    [log_a, log_b] = audit_entries(app, "paper.enter")
    assert log_b.detail["score"] == 4 and log_b.target_id == str(b.id)


def test_bad_letters_change_nothing_and_name_the_question(app, make):
    make.topic(number=1, types=("single",))
    trainee = make.user()
    _, [code], _ = print_papers_for(app, [trainee.id])
    with pytest.raises(entry.AnswerErrors) as bad:
        enter(app, code, ["A", "AB", "E", "A"])
    assert set(bad.value.errors) == {2, 3}
    with app.app_context():
        assert db.session.scalar(select(Attempt)).status == AttemptStatus.OPEN


def test_double_entry_is_refused_naming_who_entered_it(app, make):
    make.topic(number=1)
    trainee = make.user()
    clerk = make.user(role=Role.ADMIN, ward=None, full_name="Phạm Văn Nhập")
    _, [code], _ = print_papers_for(app, [trainee.id])
    enter(app, code, ["A"] * 4, actor_id=clerk.id)
    with pytest.raises(services.PaperError) as twice:
        enter(app, code, ["B"] * 4)
    assert "Phạm Văn Nhập" in str(twice.value.message)
    assert len(audit_entries(app, "paper.enter")) == 1
    with pytest.raises(services.PaperError):
        enter(app, "K7M2-Q9XD", ["A"])  # a well-formed code that no paper has (or a bad check character)


def test_a_paper_counts_against_attempts_and_towards_the_certificate(app, make):
    make_course(app, make, topics=2)
    trainee = make.user()
    take(app, trainee.id, 1)
    batch_id, [code], _ = print_papers_for(app, [trainee.id], number=2)
    _, _, keys = paper_batch(app, batch_id)
    assert enter(app, code, keys[code]) == (4, 4, True, True)
    assert [status for _, status in certificates_of(app, trainee.id)] == ["valid"]
    with app.app_context():
        topic = db.session.scalar(select(Topic).where(Topic.number == 2))
        topic_id, max_attempts = topic.id, topic.max_attempts
    for _ in range(max_attempts - 1):
        take(app, trainee.id, 2)
    with app.app_context(), write_transaction() as s:
        with pytest.raises(quiz.AttemptLimitReached):
            quiz.start_or_resume(s, trainee.id, s.get(Topic, topic_id), utcnow(), 60)

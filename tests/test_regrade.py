"""Key correction and regrading: the rule, the plan, one transaction, certificates, summaries, the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml
from sqlalchemy import select

from quizapp.authoring import regrade
from quizapp.db import db, write_transaction
from quizapp.models import (
    Attempt,
    AttemptItem,
    AuditLog,
    CertificateStatus,
    Course,
    ItemOptionStat,
    ItemStat,
    Question,
    QuestionVersion,
    Role,
    Topic,
    TopicResult,
    utcnow,
)
from quizapp.quiz.attempts import start_or_resume
from quizapp.reports import queries
from quizapp.reports.filters import parse_filter
from quizapp.reports.summary import rebuild_summaries

from .admin_helpers import admin_client, audit_entries, csrf_client
from .factories import COURSE_YAML, T0, certificates_of, sit, take

REASON = "Đáp án câu 1 sai theo Điều lệ Đảng, Hội đồng đã thống nhất sửa"


# --- set-up ------------------------------------------------------------------------------------


def course(app, make, topics: int = 5) -> dict:
    """Topic 1 with four questions (a quiz draws all four; 3 of 4 = 75 % passes, 2 of 4 fails), topics 2.. as usual."""
    make.topic(number=1, sections=1, per_section=4, questions_per_attempt=4)
    for n in range(2, topics + 1):
        make.topic(number=n)
    data = yaml.safe_load(COURSE_YAML.read_text(encoding="utf-8"))
    with app.app_context(), write_transaction() as s:
        s.add(Course(id=1, title=data["title"], issuing_body=data["issuing_body"], settings=data))
        topic = s.scalar(select(Topic).where(Topic.number == 1))
        versions = list(
            s.scalars(
                select(QuestionVersion.id)
                .join(Question, Question.id == QuestionVersion.question_id)
                .where(Question.topic_id == topic.id)
                .order_by(Question.ext_id)
            )
        )
        return {"topic_id": topic.id, "versions": versions}


def sit_topic1(app, setup, user_id: int, answers: list, number: int = 1) -> int:
    """A graded attempt at topic 1 (option 0 is the key of every question before the correction)."""
    with app.app_context(), write_transaction() as s:
        when = T0 + timedelta(days=number)
        return sit(s, user_id, setup["topic_id"], number, setup["versions"], answers, when)


def correct_key(app, old_version_id: int, key=(1,), **changes) -> int:
    """Approve a corrected version of the question (as the workflow would): ``key`` are the right options."""
    with app.app_context(), write_transaction() as s:
        old = s.get(QuestionVersion, old_version_id)
        options = [{"text": o["text"], "correct": i in key} for i, o in enumerate(old.options)]
        new = QuestionVersion(
            question_id=old.question_id,
            version=old.version + 1,
            section_id=old.section_id,
            type=old.type,
            text=old.text,
            options=options,
            explanation="Đáp án đã được sửa.",
            source=old.source,
            content_hash=f"{old.content_hash}-v2",
        )
        for name, value in changes.items():
            setattr(new, name, value)
        s.add(new)
        s.flush()
        s.get(Question, old.question_id).current_version_id = new.id
        return new.id


def plan_for(app, old_version_id: int) -> regrade.RegradePlan:
    with app.app_context():
        old = db.session.get(QuestionVersion, old_version_id)
        question = db.session.get(Question, old.question_id)
        return regrade.preview(db.session, question, old, question.current_version)


def apply(app, plan, reason=REASON, actor_id=None) -> regrade.RegradeResult:
    with app.app_context(), write_transaction() as s:
        return regrade.apply(s, plan.key, actor_id, reason, utcnow())


def attempt_row(app, attempt_id: int) -> tuple:
    with app.app_context():
        a = db.session.get(Attempt, attempt_id)
        return a.score, a.passed, sorted((i.position, i.question_version_id, i.is_correct) for i in a.items)


def summaries(app) -> tuple:
    """Every summary row, as plain tuples."""
    with app.app_context():
        s = db.session
        results = sorted(tuple(r) for r in s.execute(select(TopicResult.__table__)))
        stats = sorted(tuple(r) for r in s.execute(select(ItemStat.__table__)))
        options = sorted(tuple(r) for r in s.execute(select(ItemOptionStat.__table__)))
        return results, stats, options


def rebuilt(app) -> tuple:
    with app.app_context(), write_transaction() as s:
        rebuild_summaries(s)
    return summaries(app)


# --- the rule ----------------------------------------------------------------------------------


def version(type_="single", texts=("A", "B", "C"), key=(0,), text="Câu hỏi?") -> QuestionVersion:
    return QuestionVersion(
        type=type_, text=text, options=[{"text": t, "correct": i in key} for i, t in enumerate(texts)]
    )


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (version(key=(1,)), True),
        (version(key=(1,), text="Câu hỏi đã sửa lời?"), True),  # the stem may be reworded with the key
        (version(key=(0,)), False),  # same key
        (version(texts=("A", "B", "C sửa"), key=(1,)), False),  # an option's text changed
        (version(texts=("B", "A", "C"), key=(0,)), False),  # options reordered (the key "moved")
        (version(texts=("A", "B", "C", "D"), key=(1,)), False),  # an option added
        (version(type_="multiple", key=(0, 1)), False),  # another type
    ],
)
def test_key_changed_only_for_a_key_correction(new, expected):
    assert regrade.key_changed(version(), new) is expected


# --- the plan and its application --------------------------------------------------------------


def test_a_fail_turned_into_a_pass_issues_the_certificate(app, make):
    setup = course(app, make)
    trainee = make.user()
    for n in range(2, 6):
        take(app, trainee.id, n)
    # Question 1 answered with option 1 (the right answer, as it turns out) and question 2 wrong: 2/4.
    attempt_id = sit_topic1(app, setup, trainee.id, [1, 1, 0, 0])
    old = setup["versions"][0]
    new = correct_key(app, old)
    assert certificates_of(app, trainee.id) == []

    plan = plan_for(app, old)
    [change] = plan.attempts
    assert (change.old_score, change.new_score, change.old_passed, change.new_passed) == (2, 3, False, True)
    [who] = plan.trainees
    assert (who.user_id, who.passed_before, who.passed_after, who.certificate_due) == (trainee.id, False, True, True)
    assert plan.to_review == []

    result = apply(app, plan)
    [(code, status)] = certificates_of(app, trainee.id)
    assert status == CertificateStatus.VALID and result.issued == [code]
    score, passed, items = attempt_row(app, attempt_id)
    assert (score, passed) == (3, True)
    # The item now points at the corrected version (so the review shows its key) and is marked right.
    assert items[0] == (1, new, True)
    assert [v for _, v, _ in items[1:]] == setup["versions"][1:]


def test_a_pass_turned_into_a_fail_lists_the_certificate_and_keeps_it(app, make):
    setup = course(app, make)
    holder, safe = make.user(), make.user()
    sit_topic1(app, setup, holder.id, [0, 0, 0, 1])  # 3/4: passes; 2/4 after the correction
    # Another trainee fails this way too, but a later attempt still passes: no change in the topic.
    sit_topic1(app, setup, safe.id, [0, 0, 0, 1])
    sit_topic1(app, setup, safe.id, [1, 0, 0, 0], number=2)
    for user in (holder, safe):
        for n in range(2, 6):
            take(app, user.id, n)
    [(code, _)] = certificates_of(app, holder.id)
    [(safe_code, _)] = certificates_of(app, safe.id)
    old = setup["versions"][0]
    correct_key(app, old)

    plan = plan_for(app, old)
    assert len(plan.attempts) == 3 and len(plan.changed) == 3
    assert plan.trainees_with_new_scores == 2 and plan.attempts_changing_pass == 2
    assert [t.user_id for t in plan.trainees] == [holder.id]
    assert [t.certificate for t in plan.to_review] == [code] and plan.to_issue == []

    result = apply(app, plan)
    assert result.to_review == [code] and result.issued == []
    assert certificates_of(app, holder.id) == [(code, CertificateStatus.VALID)]  # listed, never revoked
    assert certificates_of(app, safe.id) == [(safe_code, CertificateStatus.VALID)]
    [entry] = audit_entries(app, regrade.ACTION)
    assert entry.detail["to_review"] == [code] and entry.detail["trainees_pass_changed"] == 1


def test_summaries_and_report_figures_follow_the_regrade(app, make):
    setup = course(app, make, topics=1)
    a, b = make.user(), make.user(ward="ham-rong")
    sit_topic1(app, setup, a.id, [1, 1, 0, 0])  # 2/4 -> 3/4: now passes
    sit_topic1(app, setup, b.id, [0, 0, 0, 1])  # 3/4 -> 2/4: no longer passes
    old = setup["versions"][0]
    new = correct_key(app, old)

    def passed_by_ward():
        with app.app_context():
            data = queries.overview(db.session, parse_filter({}))
            return {r.ward.code: r.cells[setup["topic_id"]].passed for r in data.rows if r.ward.code in WARDS}

    WARDS = ("dong-ve", "ham-rong")
    assert passed_by_ward() == {"dong-ve": 0, "ham-rong": 1}
    apply(app, plan_for(app, old))
    assert passed_by_ward() == {"dong-ve": 1, "ham-rong": 0}

    kept = summaries(app)
    assert kept == rebuilt(app)  # the scoped rebuild leaves what a full rebuild would
    results, stats, _ = kept
    assert sorted((r[0], r[3], r[4]) for r in results) == sorted([(a.id, True, 3), (b.id, False, 2)])
    by_version = {row[0]: row for row in stats}
    assert old not in by_version  # its answers now count under the corrected version
    assert by_version[new][1:4] == (2, 2, 1)  # drawn, n, sum_x: a chose option 1 (now right), b option 0


def test_a_stale_plan_or_a_second_apply_is_refused(app, make):
    setup = course(app, make, topics=1)
    first = sit_topic1(app, setup, make.user().id, [1, 0, 0, 0])
    old = setup["versions"][0]
    correct_key(app, old)
    plan = plan_for(app, old)
    sit_topic1(app, setup, make.user().id, [1, 1, 1, 1])  # finished after the preview
    with pytest.raises(regrade.StalePlan):
        apply(app, plan)
    assert attempt_row(app, first)[0] == 3  # untouched

    fresh = plan_for(app, old)
    apply(app, fresh)
    with pytest.raises(regrade.StalePlan):  # a double submit of the same preview
        apply(app, fresh)
    assert len(audit_entries(app, regrade.ACTION)) == 1
    assert plan_for(app, old).attempts == ()


def test_an_error_half_way_changes_nothing(app, make, monkeypatch):
    setup = course(app, make)
    trainee = make.user()
    for n in range(2, 6):
        take(app, trainee.id, n)
    attempt_id = sit_topic1(app, setup, trainee.id, [1, 1, 0, 0])
    old = setup["versions"][0]
    correct_key(app, old)
    plan = plan_for(app, old)
    before = attempt_row(app, attempt_id), summaries(app)

    def fail(*args, **kwargs):
        raise RuntimeError("certificate service down")

    monkeypatch.setattr(regrade, "issue_if_eligible", fail)  # the last step, after marks and summaries
    with pytest.raises(RuntimeError):
        apply(app, plan)
    assert (attempt_row(app, attempt_id), summaries(app)) == before
    assert certificates_of(app, trainee.id) == [] and audit_entries(app, regrade.ACTION) == []


def test_apply_needs_a_reason_and_writes_one_audit_entry(app, make):
    setup = course(app, make, topics=1)
    trainee = make.user()
    attempt_id = sit_topic1(app, setup, trainee.id, [1, 1, 0, 0])
    old = setup["versions"][0]
    new = correct_key(app, old)
    plan = plan_for(app, old)
    with pytest.raises(regrade.RegradeError):
        apply(app, plan, reason="   ")
    admin = make.user(role=Role.ADMIN, ward=None)
    apply(app, plan, actor_id=admin.id)
    [entry] = audit_entries(app, regrade.ACTION)
    assert (entry.actor_id, entry.target_type, entry.reason) == (admin.id, "question", REASON)
    assert entry.detail["from_version_id"] == old and entry.detail["to_version_id"] == new
    assert entry.detail["changes"] == [
        {"attempt": attempt_id, "user": trainee.id, "score": [2, 3], "passed": [False, True]}
    ]


def test_open_attempts_are_counted_and_left_alone(app, make):
    setup = course(app, make, topics=1)
    old = setup["versions"][0]
    trainee = make.user()
    with app.app_context(), write_transaction() as s:
        topic = s.get(Topic, setup["topic_id"])
        attempt, _ = start_or_resume(s, trainee.id, topic, utcnow(), 60)
        open_id = attempt.id
    correct_key(app, old)
    plan = plan_for(app, old)
    assert (plan.open_attempts, plan.attempts) == (1, ())
    with pytest.raises(regrade.RegradeError):
        apply(app, plan)  # nothing finished to regrade
    with app.app_context():
        assert old in {i.question_version_id for i in db.session.get(Attempt, open_id).items}


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"options": [{"text": "khác", "correct": True}] * 4}, "options changed"),
        ({"type": "multiple"}, "type changed"),
    ],
)
def test_no_regrade_when_the_options_changed(app, make, changes, fragment):
    setup = course(app, make, topics=1)
    sit_topic1(app, setup, make.user().id, [1, 1, 0, 0])
    old = setup["versions"][0]
    correct_key(app, old, **changes)
    with pytest.raises(regrade.NotOffered, match=fragment):
        plan_for(app, old)


# --- the page ----------------------------------------------------------------------------------


def url(app, old: int, **args) -> str:
    with app.app_context():
        question_id = db.session.get(QuestionVersion, old).question_id
    query = "&".join(f"{k}={v}" for k, v in {"from_version": old, **args}.items())
    return f"/admin/questions/{question_id}/regrade?{query}"


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.WARD_MANAGER, Role.TRAINEE])
def test_only_admins_may_regrade(app, make, login, role):
    setup = course(app, make, topics=1)
    attempt_id = sit_topic1(app, setup, make.user().id, [1, 1, 0, 0])
    old = setup["versions"][0]
    correct_key(app, old)
    c = login(make.user(role=role, ward=None if role == Role.INSTRUCTOR else "dong-ve"), app.test_client())
    assert c.get(url(app, old)).status_code == 403
    plan = plan_for(app, old)
    assert c.post(url(app, old), data={"fingerprint": plan.fingerprint, "reason": REASON}).status_code == 403
    assert attempt_row(app, attempt_id)[0] == 2


def test_the_page_previews_confirms_once_and_lists_certificates_to_review(app, make, login):
    setup = course(app, make)
    holder = make.user(full_name="Lê Thị Giữ")
    sit_topic1(app, setup, holder.id, [0, 0, 0, 1])
    for n in range(2, 6):
        take(app, holder.id, n)
    [(code, _)] = certificates_of(app, holder.id)
    old = setup["versions"][0]
    correct_key(app, old)
    c = admin_client(app, make, login)

    page = c.get(url(app, old)).get_data(as_text=True)
    assert "Lê Thị Giữ" in page and f"/admin/certificates/{code}" in page
    fingerprint = plan_for(app, old).fingerprint
    assert fingerprint in page

    missing = c.post(url(app, old), data={"fingerprint": fingerprint, "reason": " "})
    assert missing.status_code == 400 and audit_entries(app, regrade.ACTION) == []

    done = c.post(url(app, old), data={"fingerprint": fingerprint, "reason": REASON})
    assert done.status_code == 302 and "/regrade/" in done.location
    again = c.post(url(app, old), data={"fingerprint": fingerprint, "reason": REASON})
    assert again.status_code == 302 and again.location == done.location  # the first result, not a second regrade
    assert len(audit_entries(app, regrade.ACTION)) == 1

    result = c.get(done.location).get_data(as_text=True)
    assert f"/admin/certificates/{code}" in result and "Lê Thị Giữ" in result
    assert certificates_of(app, holder.id) == [(code, CertificateStatus.VALID)]


def test_the_page_exports_the_attempts(app, make, login):
    setup = course(app, make, topics=1)
    sit_topic1(app, setup, make.user(full_name="=Trần Văn Xuất").id, [1, 1, 0, 0])
    old = setup["versions"][0]
    correct_key(app, old)
    c = admin_client(app, make, login)
    response = c.get(url(app, old, format="csv"))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    text = response.data.decode("utf-8-sig")
    assert "'=Trần Văn Xuất" in text  # through exports.py: formulas neutralised
    assert ",2,3,4," in text
    assert c.get(url(app, old, format="xlsx")).status_code == 200


def test_the_page_explains_when_no_regrade_is_offered(app, make, login):
    setup = course(app, make, topics=1)
    old = setup["versions"][0]
    c = admin_client(app, make, login)
    page = c.get(url(app, old)).get_data(as_text=True)  # the current version itself
    assert "Không thể chấm lại theo phiên bản này." in page and "phiên bản hiện hành" in page
    assert c.post(url(app, old), data={"fingerprint": "x", "reason": REASON}).status_code == 409
    other = setup["versions"][1]
    with app.app_context():
        question_id = db.session.get(QuestionVersion, old).question_id
    assert c.get(f"/admin/questions/{question_id}/regrade?from_version={other}").status_code == 404


def test_csrf_protects_the_confirmation(make_app, make):
    app = make_app(WTF_CSRF_ENABLED=True)
    setup = course(app, make, topics=1)
    attempt_id = sit_topic1(app, setup, make.user().id, [1, 1, 0, 0])
    old = setup["versions"][0]
    correct_key(app, old)
    c = csrf_client(app, make.user(role=Role.ADMIN, ward=None))
    fingerprint = plan_for(app, old).fingerprint
    assert c.post(url(app, old), data={"fingerprint": fingerprint, "reason": REASON}).status_code == 400
    assert attempt_row(app, attempt_id)[0] == 2
    with app.app_context():
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == regrade.ACTION)) is None
        assert db.session.scalar(select(AttemptItem.question_version_id).where(AttemptItem.position == 1)) == old


def test_the_page_lists_the_versions_to_regrade_from(app, make, login):
    setup = course(app, make, topics=1)
    sit_topic1(app, setup, make.user().id, [1, 1, 0, 0])
    old = setup["versions"][0]
    correct_key(app, old)
    c = admin_client(app, make, login)
    with app.app_context():
        question_id = db.session.get(QuestionVersion, old).question_id
    page = c.get(f"/admin/questions/{question_id}/regrade").get_data(as_text=True)
    assert f"/admin/questions/{question_id}/regrade?from_version={old}" in page


def test_the_trainees_review_shows_the_corrected_key(app, make, login):
    setup = course(app, make, topics=1)
    trainee = make.user()
    attempt_id = sit_topic1(app, setup, trainee.id, [1, 1, 0, 0])
    old = setup["versions"][0]
    correct_key(app, old)
    c = login(trainee, app.test_client())
    assert "Đáp án đã được sửa." not in c.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    apply(app, plan_for(app, old))
    review = c.get(f"/attempts/{attempt_id}/review")
    assert review.status_code == 200 and "Đáp án đã được sửa." in review.get_data(as_text=True)


def test_the_attempts_are_paged_and_a_stale_confirmation_asks_to_check_again(make_app, make, login):
    app = make_app(PAGE_SIZE=1)
    setup = course(app, make, topics=1)
    # 3/4 -> 4/4: the scores change, the passes do not (so only the paged table names them).
    sit_topic1(app, setup, make.user(full_name="Học viên Một").id, [1, 0, 0, 0])
    sit_topic1(app, setup, make.user(full_name="Học viên Hai").id, [1, 0, 0, 0])
    old = setup["versions"][0]
    correct_key(app, old)
    c = admin_client(app, make, login)
    first, second = (c.get(url(app, old, page=n)).get_data(as_text=True) for n in (1, 2))
    assert ("Học viên Một" in first) != ("Học viên Một" in second)
    assert ("Học viên Hai" in first) != ("Học viên Hai" in second)
    stale = plan_for(app, old).fingerprint
    sit_topic1(app, setup, make.user().id, [1, 0, 0, 0])
    response = c.post(url(app, old), data={"fingerprint": stale, "reason": REASON})
    assert response.status_code == 302 and "/regrade/" not in response.location.split("?")[0]
    assert "kiểm tra lại" in c.get(response.location).get_data(as_text=True)
    assert audit_entries(app, regrade.ACTION) == []

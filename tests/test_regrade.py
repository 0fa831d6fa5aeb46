"""Key correction and regrading: the rule, the plan, one transaction, certificates, summaries."""

from __future__ import annotations

import pytest

from quizapp.authoring import regrade
from quizapp.db import db, write_transaction
from quizapp.models import (
    Attempt,
    CertificateStatus,
    Role,
    Topic,
    utcnow,
)
from quizapp.quiz.attempts import start_or_resume
from quizapp.reports import queries
from quizapp.reports.filters import parse_filter

from .admin_helpers import audit_entries
from .factories import certificates_of, take
from .regrade_world import (
    REASON,
    apply,
    attempt_row,
    correct_key,
    course,
    plan_for,
    rebuilt,
    sit_topic1,
    summaries,
    version,
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

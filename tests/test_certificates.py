"""Certificates: the issuance rule, codes, revocation and reissue (service level)."""

from __future__ import annotations

import math
import re
import threading
from collections import Counter

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from quizapp.certificates import services
from quizapp.certificates.issuance import ALPHABET, issue_if_eligible, new_code, normalise_code
from quizapp.db import write_transaction
from quizapp.models import AuditLog, Certificate, CertificateStatus, Role, Topic, utcnow
from quizapp.quiz.attempts import open_attempt, start_or_resume, submit

from .factories import certificates_of, make_course, pass_all, take


def count_certificates(app) -> int:
    with app.app_context(), write_transaction() as s:
        return s.scalar(select(func.count()).select_from(Certificate))


def audit_actions(app, action: str) -> list[AuditLog]:
    with app.app_context(), write_transaction() as s:
        entries = list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))
        s.expunge_all()
        return entries


@pytest.fixture
def course(app, make):
    make_course(app, make)


# --- the issuance rule --------------------------------------------------------------------------


def test_four_topics_give_nothing_the_fifth_gives_one(app, make, course):
    user = make.user()
    for n in range(1, 5):
        take(app, user.id, n)
    take(app, user.id, 5, right=False)
    assert certificates_of(app, user.id) == []
    take(app, user.id, 5)
    certificates = certificates_of(app, user.id)
    assert len(certificates) == 1
    assert certificates[0][1] == CertificateStatus.VALID


def test_regrading_and_recheck_do_not_issue_twice(app, make, course):
    user = make.user()
    pass_all(app, user.id)
    take(app, user.id, 5)  # a second pass of the last topic
    with app.app_context(), write_transaction() as s:
        first = issue_if_eligible(s, user.id, utcnow())
        again = issue_if_eligible(s, user.id, utcnow())
        assert first is not None and first.id == again.id
        assert services.recheck(s, actor_id=None, now=utcnow()) == []
    assert len(certificates_of(app, user.id)) == 1


def test_recheck_issues_what_is_due(app, make, course):
    """A pass recorded without the certificate (e.g. before this feature) is caught by the re-check."""
    user = make.user()
    pass_all(app, user.id)
    with app.app_context(), write_transaction() as s:
        s.execute(delete(Certificate))
    with app.app_context(), write_transaction() as s:
        issued = services.recheck(s, actor_id=None, now=utcnow())
        assert [c.user_id for c in issued] == [user.id]
    assert len(certificates_of(app, user.id)) == 1
    assert len(audit_actions(app, "certificate.recheck")) == 1


def test_partial_unique_index_refuses_a_second_valid_certificate(app, make, course):
    user = make.user()
    pass_all(app, user.id)
    with pytest.raises(IntegrityError), app.app_context(), write_transaction() as s:
        s.add(Certificate(code=new_code(), user_id=user.id, issued_at=utcnow(), snapshot={}))
        s.flush()
    assert len(certificates_of(app, user.id)) == 1


def test_concurrent_last_submits_issue_exactly_one(app, make, course):
    """Topics 4 and 5 submitted at the same moment from two requests: one certificate."""
    user = make.user()
    for n in range(1, 4):
        take(app, user.id, n)
    now = utcnow()
    papers = {}
    with app.app_context(), write_transaction() as s:
        for n in (4, 5):
            topic = s.scalar(select(Topic).where(Topic.number == n))
            attempt, _ = start_or_resume(s, user.id, topic, now, 60)
            papers[n] = {i.position: [i.option_order.index(0)] for i in attempt.items}
    barrier, errors = threading.Barrier(2), []

    def submit_topic(n):
        try:
            with app.app_context():
                barrier.wait()
                with write_transaction() as s:
                    topic = s.scalar(select(Topic).where(Topic.number == n))
                    submit(s, open_attempt(s, user.id, topic.id), utcnow(), 60, papers[n])
        except Exception as exc:  # reported below; a thread's exception would be lost
            errors.append(exc)

    threads = [threading.Thread(target=submit_topic, args=(n,)) for n in (4, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(certificates_of(app, user.id)) == 1


def test_snapshot_states_name_ward_and_scores(app, make, course):
    user = make.user(ward="ham-rong", full_name="Nguyễn Thị Hằng")
    pass_all(app, user.id)
    with app.app_context(), write_transaction() as s:
        snap = s.scalar(select(Certificate)).snapshot
    assert snap["full_name"] == "Nguyễn Thị Hằng"
    assert snap["ward"] == "Phường Hàm Rồng"
    assert [(t["number"], t["score"], t["max_score"]) for t in snap["topics"]] == [(n, 4, 4) for n in range(1, 6)]
    assert snap["course"].startswith("Bồi dưỡng")


# --- codes --------------------------------------------------------------------------------------

CODE_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def test_codes_are_grouped_unambiguous_and_unique():
    codes = [new_code() for _ in range(5000)]
    assert all(CODE_RE.match(c) for c in codes)
    assert len(set(codes)) == len(codes)
    assert not set("ILOU") & set("".join(codes))


def test_codes_carry_at_least_40_bits():
    symbols = 12
    assert len(ALPHABET) == 32 and symbols * math.log2(len(ALPHABET)) >= 40
    codes = [new_code().replace("-", "") for _ in range(3000)]
    assert {len(c) for c in codes} == {symbols}
    for position in range(symbols):  # every position uses the whole alphabet, about evenly
        counts = Counter(c[position] for c in codes)
        assert set(counts) == set(ALPHABET)
        assert max(counts.values()) < 3 * min(counts.values())


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("TH21-7K3M-Q9XD", "TH21-7K3M-Q9XD"),
        ("th21 7k3m q9xd", "TH21-7K3M-Q9XD"),
        ("TH2I-7K3M-Q9XD", "TH21-7K3M-Q9XD"),  # I typed for 1
        ("0O00-0000-0000", "0000-0000-0000"),  # O typed for 0
        ("TH21-7K3M-Q9X", ""),
        ("TH21-7K3M-Q9XU", ""),  # U is not in the alphabet
        ("", ""),
    ],
)
def test_normalise_code(typed, expected):
    assert normalise_code(typed) == expected


# --- revoke and reissue -------------------------------------------------------------------------


def _certificate(s, user_id) -> Certificate:
    return s.scalar(select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.id.desc()))


def test_revoke_records_reason_date_and_audit(app, make, course):
    admin = make.user(role=Role.ADMIN, ward=None)
    user = make.user()
    pass_all(app, user.id)
    with app.app_context(), write_transaction() as s:
        with pytest.raises(services.CertificateError):
            services.revoke(s, _certificate(s, user.id), actor_id=admin.id, reason="  ", now=utcnow())
        services.revoke(s, _certificate(s, user.id), actor_id=admin.id, reason="Khai man hồ sơ", now=utcnow())
    with app.app_context(), write_transaction() as s:
        certificate = _certificate(s, user.id)
        assert certificate.status == CertificateStatus.REVOKED
        assert certificate.revoked_at is not None and certificate.revoke_reason == "Khai man hồ sơ"
        with pytest.raises(services.CertificateError):
            services.revoke(s, certificate, actor_id=admin.id, reason="again", now=utcnow())
        code = certificate.code
    [entry] = audit_actions(app, "certificate.revoke")
    assert (entry.actor_id, entry.target_id, entry.reason) == (admin.id, code, "Khai man hồ sơ")
    # A revoked certificate is not silently replaced by the next grading.
    take(app, user.id, 5)
    assert [status for _, status in certificates_of(app, user.id)] == [CertificateStatus.REVOKED]


def test_reissue_supersedes_the_old_code(app, make, course):
    admin = make.user(role=Role.ADMIN, ward=None)
    user = make.user(full_name="Nguyễn Thi Hang")
    pass_all(app, user.id)
    with app.app_context(), write_transaction() as s:
        old = _certificate(s, user.id)
        old.user.full_name = "Nguyễn Thị Hằng"  # the name was misspelled on the roster
        new = services.reissue(s, old, actor_id=admin.id, reason="Sửa họ tên", now=utcnow())
        old_code, new_code_ = old.code, new.code
        assert old.superseded_by_id == new.id
        assert new.snapshot["full_name"] == "Nguyễn Thị Hằng"
    assert certificates_of(app, user.id) == [
        (old_code, CertificateStatus.SUPERSEDED),
        (new_code_, CertificateStatus.VALID),
    ]
    [entry] = audit_actions(app, "certificate.reissue")
    assert entry.target_id == old_code and entry.detail["new_code"] == new_code_ and entry.reason == "Sửa họ tên"
    with app.app_context(), write_transaction() as s:  # only the latest can be reissued
        with pytest.raises(services.CertificateError):
            services.reissue(
                s,
                s.scalar(select(Certificate).where(Certificate.code == old_code)),
                actor_id=admin.id,
                reason="x",
                now=utcnow(),
            )


def test_reissue_after_revocation_keeps_the_old_one_revoked(app, make, course):
    admin = make.user(role=Role.ADMIN, ward=None)
    user = make.user()
    pass_all(app, user.id)
    with app.app_context(), write_transaction() as s:
        services.revoke(s, _certificate(s, user.id), actor_id=admin.id, reason="Nhầm", now=utcnow())
    with app.app_context(), write_transaction() as s:
        services.reissue(s, _certificate(s, user.id), actor_id=admin.id, reason="Cấp lại", now=utcnow())
    assert [status for _, status in certificates_of(app, user.id)] == [
        CertificateStatus.REVOKED,
        CertificateStatus.VALID,
    ]


def test_reissue_refused_without_every_topic_passed(app, make, course):
    admin = make.user(role=Role.ADMIN, ward=None)
    user = make.user()
    pass_all(app, user.id)
    make.topic(number=6)  # a sixth topic now counts and the trainee has not passed it
    with app.app_context(), write_transaction() as s:
        with pytest.raises(services.CertificateError):
            services.reissue(s, _certificate(s, user.id), actor_id=admin.id, reason="x", now=utcnow())
    assert [status for _, status in certificates_of(app, user.id)] == [CertificateStatus.VALID]

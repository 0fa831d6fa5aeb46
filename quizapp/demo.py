"""Demo data for `init --demo`: trainees in every ward and class with realistic results.

Answers are simulated with a simple item-response model (ability vs. difficulty) so that reports
show weak wards and topics, and each topic gets one "misleading" question whose distractor
attracts the stronger trainees (negative discrimination), as real banks sometimes do.
Everything goes through the same services as real use: start, answer, submit, grade.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from .accounts.users import create_user, suggest_username
from .auth.passwords import hash_password
from .course import active_topics
from .models import Cohort, QuestionVersion, Role, Topic, User, Ward
from .quiz import attempts as service
from .quiz.bank import drawable_bank

DEMO_PASSWORD = "hoctap2021"
COHORTS = [("lop-1", "Lớp 1"), ("lop-2", "Lớp 2"), ("lop-3", "Lớp 3"), ("lop-4", "Lớp 4")]
FAMILY = ["Nguyễn", "Lê", "Trần", "Lê", "Hoàng", "Phạm", "Đỗ", "Trịnh", "Vũ", "Mai", "Hà", "Lưu"]
MIDDLE = ["Văn", "Thị", "Đình", "Minh", "Thị Thu", "Hữu", "Ngọc", "Xuân", "Thanh", "Đức"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dung",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hòa",
    "Hùng",
    "Hương",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phong",
    "Phương",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vân",
    "Yến",
    "Khánh",
    "Lộc",
    "Thắng",
]
POSITIONS = [
    "Bí thư Đảng ủy",
    "Phó Bí thư Đảng ủy",
    "Ủy viên Ban Thường vụ",
    "Đảng ủy viên",
    "Chủ nhiệm UBKT Đảng ủy",
    "Bí thư chi bộ",
    "Đảng ủy viên",
    "Đảng ủy viên",
]
DIFFICULTY = {"easy": -1.2, "medium": 0.0, "hard": 1.1}


def demo_exists(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(User).where(User.username == "hocvien")) > 0


def create_demo(session: Session, per_ward: int = 9, seed: int = 2021, now: datetime | None = None) -> dict:
    """Add demo accounts and attempts inside the caller's transaction; return what was made."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    course_start = now - timedelta(days=30)
    cohorts = []
    for i, (code, name) in enumerate(COHORTS):
        cohort = session.scalar(select(Cohort).where(Cohort.code == code))
        if cohort is None:
            start = course_start.date() + timedelta(days=7 * i)
            cohort = Cohort(code=code, name=name, starts_on=start, ends_on=start + timedelta(days=6))
            session.add(cohort)
        cohorts.append(cohort)
    session.flush()
    wards = list(session.scalars(select(Ward).order_by(Ward.position)))
    topics = active_topics(session)
    dong_ve = next(w for w in wards if w.code == "dong-ve")

    staff = [
        ("quantri", "Nguyễn Thị Quản Trị", Role.ADMIN, None),
        ("giangvien", "Lê Văn Giảng", Role.INSTRUCTOR, None),
        ("dongve", "Trịnh Thị Lãnh Đạo", Role.WARD_MANAGER, dong_ve),
        ("hocvien", "Phạm Văn Học", Role.TRAINEE, dong_ve),
    ]
    for username, name, role, ward in staff:
        create_user(
            session,
            username,
            name,
            DEMO_PASSWORD,
            role=role,
            ward=ward,
            cohort=cohorts[0] if role == Role.TRAINEE else None,
            position="Đảng ủy viên" if role == Role.TRAINEE else None,
        )

    shared_hash = hash_password(DEMO_PASSWORD)  # hashing once keeps init fast
    taken = set(session.scalars(select(User.username)))
    misleading = _pick_misleading(session, topics, rng)
    trainees = attempts = 0
    topic_effect = {t.id: rng.gauss(0, 0.35) for t in topics}
    for ward in wards:
        if session.get_bind().dialect.name == "postgresql":
            # Everything is one transaction, so autovacuum never refreshes the planner's
            # statistics; without this, the draw's queries go to sequential scans as rows pile up.
            session.execute(text("ANALYZE attempt, attempt_item"))
        ward_effect = rng.gauss(0.2, 0.55)
        engagement = min(0.98, max(0.35, rng.gauss(0.8, 0.17)))
        for _ in range(per_ward + rng.randint(-2, 3)):
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            user = User(
                username=suggest_username(name, taken),
                full_name=name,
                password_hash=shared_hash,
                role=Role.TRAINEE,
                ward=ward,
                cohort=rng.choice(cohorts),
                position=rng.choice(POSITIONS),
            )
            session.add(user)
            session.flush()
            trainees += 1
            ability = rng.gauss(ward_effect, 0.9)
            if rng.random() > engagement:
                continue  # never started
            day0 = course_start + timedelta(days=rng.uniform(0, 25))
            for topic in topics:
                if rng.random() > engagement + 0.05:
                    continue
                attempts += _sit_topic(session, user, topic, ability + topic_effect[topic.id], day0, misleading, rng)
    return {"trainees": trainees, "attempts": attempts}


def _pick_misleading(session: Session, topics: list[Topic], rng: random.Random) -> set[int]:
    """One single-choice question per topic whose distractor misleads stronger trainees."""
    picked = set()
    for topic in topics:
        bank = [e.version_id for e in drawable_bank(session, topic.id)]
        single = list(
            session.scalars(
                select(QuestionVersion.id)
                .where(QuestionVersion.id.in_(bank), QuestionVersion.type == "single")
                .order_by(QuestionVersion.id)
            )
        )
        if single or bank:
            picked.add(rng.choice(single or bank))
    return picked


def _sit_topic(session, user, topic, ability, day0, misleading, rng) -> int:
    sat = 0
    when = day0
    for n in range(topic.max_attempts):
        attempt, _ = service.start_or_resume(session, user.id, topic, when, 60, rng)
        for item in attempt.items:
            version = item.question_version
            correct = sorted(version.correct_indexes)
            wrong = [i for i in range(len(version.options)) if i not in version.correct_indexes]
            if version.id in misleading:
                p = 0.55 - 0.2 * ability
            else:
                p = 1 / (1 + math.exp(-1.3 * (ability + 0.35 * n - DIFFICULTY.get(version.difficulty, 0))))
            if rng.random() < 0.03:
                continue  # left blank
            if rng.random() < p or not wrong:
                item.selected = correct
            elif version.id in misleading:
                item.selected = [wrong[0]]  # everyone falls for the same distractor
            else:
                item.selected = [rng.choice(wrong)]
            item.seq = 1
        finished = when + timedelta(minutes=rng.uniform(6, 19))
        service.submit(session, attempt, finished, 60)
        sat += 1
        if attempt.passed or rng.random() < 0.35:
            break
        when = finished + timedelta(days=rng.uniform(0.5, 4))
    return sat


def demo_accounts() -> list[tuple[str, str]]:
    """(username, role description) of the demo logins printed by `init --demo`."""
    return [
        ("hocvien", "trainee, Đông Vệ (no attempts yet)"),
        ("dongve", "ward manager, Đông Vệ"),
        ("giangvien", "instructor"),
        ("quantri", "admin"),
    ]


__all__ = ["DEMO_PASSWORD", "create_demo", "demo_accounts", "demo_exists"]

"""A small world for the security tests: one user per role column, a finished course, and the ids
that fill every URL rule's path parameters.

The route matrix, the CSRF check, the fuzzer and the export walk all use it. The role columns:

    anon         not logged in
    trainee      the trainee of Đông Vệ who owns the attempt, practice set and certificate below
    other        a trainee of Hàm Rồng (another ward's trainee)
    wm_own       the ward manager of Đông Vệ (the trainee's ward)
    wm_other     the ward manager of Hàm Rồng
    instructor
    admin
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select

from quizapp.db import write_transaction
from quizapp.models import Attempt, Certificate, LessonDraft, PracticeSet, Question, Role, Topic, utcnow
from quizapp.practice.services import start_or_resume

from .factories import PASSWORD, make_course, pass_all

ROLES = ("anon", "trainee", "other", "wm_own", "wm_other", "instructor", "admin")
_USERS = {
    "trainee": (Role.TRAINEE, "dong-ve"),
    "other": (Role.TRAINEE, "ham-rong"),
    "wm_own": (Role.WARD_MANAGER, "dong-ve"),
    "wm_other": (Role.WARD_MANAGER, "ham-rong"),
    "instructor": (Role.INSTRUCTOR, None),
    "admin": (Role.ADMIN, None),
}


@dataclass
class World:
    """Who is who, and the ids the path parameters take."""

    app: object
    users: dict[str, object] = field(default_factory=dict)
    #: Path parameter values by name; PATH_OVERRIDES (route_matrix.py) picks another key per rule.
    values: dict[str, object] = field(default_factory=dict)

    def client(self, role: str, app=None):
        """A test client logged in as ``role`` through the real login form (``anon``: not logged in)."""
        c = (app or self.app).test_client()
        if role != "anon":
            login(c, self.users[role].username)
        return c


def login(client, username: str) -> None:
    """Log in through /login, with the form's CSRF token when the app checks it."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    data = {"username": username, "password": PASSWORD}
    if token:
        data["csrf_token"] = token.group(1)
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


#: An id no row has.
MISSING_ID = 999_999


def build_world(app, make, names: dict[str, str] | None = None) -> World:
    """The course, a cohort, one user per role; the trainee passes all five topics (a certificate)
    and has a practice set. ``names`` sets users' full names by role (hostile names for exports)."""
    names = names or {}
    world = World(app)
    make_course(app, make)
    cohort = make.cohort("Lớp bồi dưỡng 1")
    for role, (kind, ward) in _USERS.items():
        extra = {"full_name": names[role]} if role in names else {}
        if kind in (Role.TRAINEE, Role.WARD_MANAGER):
            extra["cohort_id"] = cohort.id
        world.users[role] = make.user(role=kind, ward=ward, **extra)
    trainee_id = world.users["trainee"].id
    pass_all(app, trainee_id)
    with app.app_context(), write_transaction() as s:
        topic = s.scalar(select(Topic).where(Topic.number == 1))
        practice = start_or_resume(s, trainee_id, topic, utcnow())
        attempt_id = s.scalar(select(Attempt.id).where(Attempt.user_id == trainee_id).order_by(Attempt.id))
        code = s.scalar(select(Certificate.code).where(Certificate.user_id == trainee_id))
        practice_id = s.scalar(select(PracticeSet.id).where(PracticeSet.id == practice.id))
        lesson_draft = LessonDraft(
            topic_id=topic.id, author_id=world.users["instructor"].id, markdown="## Mục\n\nNội dung.", state="submitted"
        )
        s.add(lesson_draft)
        s.flush()
        draft_id = lesson_draft.id
        question_id = s.scalar(select(Question.id).where(Question.topic_id == topic.id).order_by(Question.id))
    world.values = {
        "number": 1,
        "user_id": trainee_id,
        "attempt_id": attempt_id,
        "set_id": practice_id,
        "position": 1,
        "cohort_id": cohort.id,
        "code": "dong-ve",
        "ward_code": "dong-ve",
        "certificate_code": code,
        "token": "no-such-batch",
        "filename": "css/app.css",
        "certificate_static": "print-progress.js",
        "question_id": question_id,
        # Ids of rows the world does not make (a paper batch, a regrade): the
        # fence is what is checked; every role but the allowed one stops before the lookup.
        "draft_id": draft_id,
        "batch_id": MISSING_ID,
        "entry_id": MISSING_ID,
    }
    return world


_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def params_of(rule: str) -> list[str]:
    """The path parameter names of a rule string: '/a/<int:b>/<c>' -> ['b', 'c']."""
    return _PARAM.findall(rule)


def fill(rule: str, values: dict[str, object], overrides: dict[str, str] | None = None) -> str:
    """The rule with each parameter replaced by its value (``overrides`` maps a parameter to another key)."""
    overrides = overrides or {}

    def value(m: re.Match) -> str:
        name = m.group(1)
        key = overrides.get(name, name)
        if key not in values:
            raise KeyError(f"no value for path parameter {name!r} of {rule}: add one to secworld.build_world")
        return str(values[key])

    return _PARAM.sub(value, rule)

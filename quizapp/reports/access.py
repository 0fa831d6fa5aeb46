"""Who may see which report: instructors and admins everything, ward managers their own ward.

Ward managers do not see item analysis at all: they also sit the quizzes, and the analysis shows
every question with its key; besides, one ward's ~15 trainees are far too few (n < 30) to judge
a question.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.access import can_see_trainee, is_staff
from ..db import db
from ..models import Topic, User, Ward


def own_ward_code(viewer: User) -> str:
    """The ward a ward manager may see; 403 for a ward manager attached to no ward."""
    if viewer.ward is None:
        abort(403)
    return viewer.ward.code


def get_ward_or_404(code: str, viewer: User) -> Ward:
    """The ward, if ``viewer`` may see it: 404 when unknown, 403 for another ward's manager.

    Ward codes are public (they are in rosters), so refusing openly hides nothing.
    """
    ward = db.session.scalar(select(Ward).where(Ward.code == code))
    if ward is None:
        abort(404)
    if not is_staff(viewer) and ward.id != viewer.ward_id:
        abort(403)
    return ward


def get_trainee_or_404(user_id: int, viewer: User) -> User:
    """The account, if ``viewer`` may see its results: 404 when unknown or in another ward.

    404 rather than 403 for other wards, so that ids cannot be probed for who exists.
    """
    user = db.session.scalar(
        select(User).where(User.id == user_id).options(joinedload(User.ward), joinedload(User.cohort))
    )
    if user is None or not can_see_trainee(viewer, user):
        abort(404)
    return user


def get_topic_for_analysis_or_404(number: int, viewer: User) -> Topic:
    """The topic for item analysis: 403 for ward managers (see the module docstring), 404 if unknown."""
    if not is_staff(viewer):
        abort(403)
    topic = db.session.scalar(select(Topic).where(Topic.number == number))
    if topic is None:
        abort(404)
    return topic

"""Which topic a trainee may open: the one lookup the lesson and quiz views go through."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from ..db import db
from ..models import Topic


def get_topic_or_404(number: int) -> Topic:
    """The active topic with this number, or 404 (an inactive topic is as good as none)."""
    topic = db.session.scalar(select(Topic).where(Topic.number == number, Topic.active))
    if topic is None:
        abort(404)
    return topic

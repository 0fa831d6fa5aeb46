"""Which topic a trainee may open: the one lookup the lesson and quiz views go through."""

from __future__ import annotations

from flask import abort
from sqlalchemy import bindparam, select

from ..db import db
from ..models import Topic


def get_topic_or_404(number: int) -> Topic:
    """The active topic with this number, or 404 (an inactive topic is as good as none)."""
    topic = db.session.scalar(_ACTIVE_TOPIC, {"number": number})
    if topic is None:
        abort(404)
    return topic


#: Built once: every lesson page and every start runs it (building a statement costs more than running it).
_ACTIVE_TOPIC = select(Topic).where(Topic.number == bindparam("number"), Topic.active)

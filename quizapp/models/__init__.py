"""All models, importable from one place: ``from quizapp.models import User, Attempt``."""

from .accounts import Cohort, Role, User, Ward
from .attempts import Attempt, AttemptItem, AttemptStatus
from .audit import AuditLog
from .base import Base, utcnow
from .certificates import Certificate, CertificateStatus
from .content import (
    Course,
    LessonView,
    Question,
    QuestionStatus,
    QuestionVersion,
    ReviewPolicy,
    Section,
    Topic,
)
from .practice import PracticeCard, PracticeItem, PracticeSet
from .summaries import ItemOptionStat, ItemStat, TopicResult
from .throttle import ThrottleEvent

__all__ = [
    "Attempt",
    "AttemptItem",
    "AttemptStatus",
    "AuditLog",
    "Base",
    "Certificate",
    "CertificateStatus",
    "Cohort",
    "Course",
    "ItemOptionStat",
    "ItemStat",
    "LessonView",
    "PracticeCard",
    "PracticeItem",
    "PracticeSet",
    "Question",
    "QuestionStatus",
    "QuestionVersion",
    "ReviewPolicy",
    "Role",
    "Section",
    "ThrottleEvent",
    "Topic",
    "TopicResult",
    "User",
    "Ward",
    "utcnow",
]

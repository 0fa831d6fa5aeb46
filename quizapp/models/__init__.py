"""All models, importable from one place: ``from quizapp.models import User, Attempt``."""

# The review policy is a quiz rule (quiz/rules.py); it is re-exported here beside the Topic column it fills.
from ..quiz.rules import ReviewPolicy
from .accounts import Cohort, KnownAddress, RevokedSession, Role, User, Ward
from .attempts import Attempt, AttemptItem, AttemptMode, AttemptStatus
from .audit import AuditLog
from .base import Base, utcnow
from .certificates import Certificate, CertificateLookup, CertificateStatus
from .content import (
    Course,
    LessonDraft,
    LessonView,
    Question,
    QuestionStatus,
    QuestionVersion,
    Section,
    Topic,
    VersionState,
)
from .practice import PracticeCard, PracticeItem, PracticeSet
from .summaries import ItemOptionStat, ItemStat, TopicResult
from .throttle import ThrottleEvent
from .transient import RosterUpload, SlipBatch

__all__ = [
    "Attempt",
    "AttemptItem",
    "AttemptMode",
    "AttemptStatus",
    "AuditLog",
    "Base",
    "Certificate",
    "CertificateLookup",
    "CertificateStatus",
    "Cohort",
    "Course",
    "ItemOptionStat",
    "KnownAddress",
    "ItemStat",
    "LessonDraft",
    "LessonView",
    "PracticeCard",
    "PracticeItem",
    "PracticeSet",
    "Question",
    "QuestionStatus",
    "QuestionVersion",
    "ReviewPolicy",
    "RevokedSession",
    "Role",
    "RosterUpload",
    "Section",
    "SlipBatch",
    "ThrottleEvent",
    "Topic",
    "TopicResult",
    "User",
    "VersionState",
    "Ward",
    "utcnow",
]

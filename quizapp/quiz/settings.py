"""Quiz settings per topic: what topic.yaml says, what an admin changed, and the open/close window.

The ``topic`` columns (questions_per_attempt, …) hold the settings in force; the quiz reads only
them. ``quiz_defaults`` keeps the file's values and ``quiz_overridden`` names the settings an admin
set in the browser, which ``content import`` then leaves alone. A setting changed back to the
file's value follows the file again. Attempts copy what they need when they start (deadline, pass
mark, drawn questions), so a change never touches an open attempt.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ..audit import record
from ..i18n import lazy_gettext as _l
from ..models import ReviewPolicy, Topic
from .bank import drawable_bank

#: The settings topic.yaml may give, by column name, with the file's key for each.
FILE_KEYS = {
    "questions_per_attempt": "questions",
    "time_limit_minutes": "time_limit_minutes",
    "pass_percent": "pass_percent",
    "max_attempts": "max_attempts",
    "review_policy": "review",
}
#: What an admin may set in the browser (questions per attempt: 1 up to the approved bank).
RANGES = {"time_limit_minutes": (1, 180), "pass_percent": (1, 100), "max_attempts": (1, 10)}
#: The largest practice set ("Ôn luyện"): short sets teach better than long ones.
PRACTICE_MAX = 50


class SettingsError(ValueError):
    """Settings refused as a whole; ``errors`` maps a field name to what is wrong with it."""

    def __init__(self, errors: dict[str, Any]):
        super().__init__("; ".join(str(m) for m in errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class QuizSettings:
    """A topic's quiz settings as plain values."""

    questions_per_attempt: int | None
    time_limit_minutes: int | None
    pass_percent: int | None
    max_attempts: int | None
    review_policy: str | None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    #: Questions in a practice set (not in topic.yaml; None leaves it as it is).
    practice_questions: int | None = None


def current(topic: Topic) -> QuizSettings:
    """The settings in force for ``topic``."""
    names = (*FILE_KEYS, "opens_at", "closes_at", "practice_questions")
    return QuizSettings(**{name: getattr(topic, name) for name in names})


def file_default(topic: Topic, name: str) -> Any:
    """The topic.yaml value of a setting (None for a topic that never came from a file)."""
    return (topic.quiz_defaults or {}).get(name)


def is_overridden(topic: Topic, name: str) -> bool:
    return name in (topic.quiz_overridden or [])


def window_state(opens_at: datetime | None, closes_at: datetime | None, now: datetime) -> str:
    """ "before" the window opens, "closed" once it has closed, else "open" (no window: always open)."""
    if opens_at is not None and now < opens_at:
        return "before"
    if closes_at is not None and now >= closes_at:
        return "closed"
    return "open"


def approved_questions(session: Session, topic: Topic) -> int:
    """How many questions a new attempt at ``topic`` could draw from."""
    return len(drawable_bank(session, topic.id))


def validate(session: Session, topic: Topic, new: QuizSettings, reason: str | None) -> dict[str, Any]:
    """Every problem with ``new`` by field name (empty when it may be saved)."""
    errors: dict[str, Any] = {}
    bank = approved_questions(session, topic)
    if new.questions_per_attempt is None or not 1 <= new.questions_per_attempt <= bank:
        errors["questions_per_attempt"] = (
            _l("Questions per attempt must be between 1 and %(n)d (the topic's approved questions).", n=bank)
            if bank
            else _l("This topic has no approved questions yet.")
        )
    for name, (low, high) in RANGES.items():
        value = getattr(new, name)
        if value is None or not low <= value <= high:
            errors[name] = _range_message(name, low, high)
    if new.review_policy not in set(ReviewPolicy):
        errors["review_policy"] = _l("Choose when trainees may see the answers.")
    if new.practice_questions is not None and not 1 <= new.practice_questions <= PRACTICE_MAX:
        errors["practice_questions"] = _l("A practice set has between 1 and %(high)d questions.", high=PRACTICE_MAX)
    if new.opens_at and new.closes_at and new.closes_at <= new.opens_at:
        errors["closes_at"] = _l("The quiz must close after it opens.")
    if not (reason or "").strip():
        errors["reason"] = _l("Give the reason for the change.")
    return errors


def _range_message(name: str, low: int, high: int):
    if name == "time_limit_minutes":
        return _l("The time limit must be between %(low)d and %(high)d minutes.", low=low, high=high)
    if name == "pass_percent":
        return _l("The pass mark must be between %(low)d and %(high)d %%.", low=low, high=high)
    return _l("Attempts allowed must be between %(low)d and %(high)d.", low=low, high=high)


def _audit_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def change(session: Session, topic: Topic, new: QuizSettings, reason: str, actor_id: int | None) -> dict[str, list]:
    """Apply ``new`` to ``topic`` for attempts started from now on; return {name: [old, new]}.

    Raises SettingsError (nothing changed) when a value is out of range or the reason is missing.
    """
    errors = validate(session, topic, new, reason)
    if errors:
        raise SettingsError(errors)
    changed = {}
    overridden = set(topic.quiz_overridden or [])
    for name, value in asdict(new).items():
        if name == "practice_questions" and value is None:
            continue  # not given: stays as it is
        old = getattr(topic, name)
        if old != value:
            changed[name] = [_audit_value(old), _audit_value(value)]
            setattr(topic, name, value)
        if name in FILE_KEYS:
            # A value equal to the file's follows the file again; any other is the admin's.
            if value == file_default(topic, name):
                overridden.discard(name)
            elif name in changed:
                overridden.add(name)
    topic.quiz_overridden = sorted(overridden)
    if changed:
        record(
            session,
            "topic.settings",
            actor_id=actor_id,
            target_type="topic",
            target_id=topic.number,
            reason=reason.strip(),
            detail=changed,
        )
    return changed


def restore_defaults(session: Session, topic: Topic, reason: str, actor_id: int | None) -> dict[str, list]:
    """Put every setting changed in the browser back to its topic.yaml value (the window stays)."""
    defaults = {name: file_default(topic, name) for name in FILE_KEYS}
    values = {name: defaults[name] if defaults[name] is not None else getattr(topic, name) for name in FILE_KEYS}
    return change(
        session, topic, QuizSettings(**values, opens_at=topic.opens_at, closes_at=topic.closes_at), reason, actor_id
    )


def apply_file_settings(topic: Topic, quiz: dict[str, Any]) -> list[str]:
    """Take topic.yaml's ``quiz`` values as the defaults; change only settings no admin overrode.

    Returns the names kept at the admin's value (the importer reports them).
    """
    topic.quiz_defaults = {name: quiz[key] for name, key in FILE_KEYS.items()}
    kept = []
    for name, value in topic.quiz_defaults.items():
        if is_overridden(topic, name):
            kept.append(name)
        else:
            setattr(topic, name, value)
    return kept

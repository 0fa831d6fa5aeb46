"""Entering a paper: the letters ticked on its answer grid, graded exactly like an online attempt.

The letters are read in the paper's own option order (A is the option printed first), turned into
authored indexes by the quiz's own rule (``quiz.attempts.parse_answer``), written on the items,
and the attempt is claimed and finished by the quiz's own path (``claim`` then ``finish_attempt``:
marking, report summaries, certificate). A paper is entered once: the conditional claim refuses
a second entry, and the refusal names who entered it and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..audit import record
from ..certificates.issuance import current_certificate
from ..i18n import lazy_gettext as _l
from ..models import Attempt, AttemptItem, AttemptStatus, AuditLog, Certificate, User
from ..quiz.attempts import parse_answer
from ..quiz.claims import claim
from ..quiz.errors import InvalidAnswer
from ..quiz.finish import finish_attempt
from ..quiz.question_types import QUESTION_TYPES
from ..quiz.rules import Score
from ..web import local_datetime
from .codes import display, normalise
from .services import PaperError
from .void import voids

LETTERS = "ABCDEFGH"
ENTER_ACTION = "paper.enter"
#: Separators an admin may type between letters ("B D", "B,D", "B+D").
_SEPARATORS = str.maketrans("", "", " ,;+/.-")


class AnswerErrors(ValueError):
    """Answers refused as a whole; ``errors`` maps a question's position to what is wrong."""

    def __init__(self, errors: dict[int, object]):
        super().__init__("; ".join(f"{p}: {m}" for p, m in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Entered:
    """What an entry did: the score, and the certificate it issued (None if none)."""

    attempt: Attempt
    score: Score
    certificate: Certificate | None


def letters(n: int) -> str:
    """The letters of a question with ``n`` options, in printed order ("ABCD")."""
    return LETTERS[:n]


def find_paper(session: Session, text: str) -> Attempt:
    """The paper attempt whose code is ``text`` (typed or scanned), with what entry shows; PaperError if none."""
    code = normalise(text)
    if code is None:
        raise PaperError(
            _l("“%(text)s” is not a paper code: a code has 8 letters and digits, like K7M2-Q9XD.", text=text)
        )
    attempt = session.scalar(
        select(Attempt)
        .where(Attempt.paper_code == code)
        .options(
            joinedload(Attempt.user).joinedload(User.ward),
            joinedload(Attempt.user).joinedload(User.cohort),
            joinedload(Attempt.topic),
            selectinload(Attempt.items).selectinload(AttemptItem.question_version),
        )
    )
    if attempt is None:
        voided = voids(session, [code]).get(code)
        if voided is not None:
            raise PaperError(
                _l(
                    "Paper %(code)s was voided on %(when)s by %(who)s: %(reason)s",
                    code=display(code),
                    when=local_datetime(voided.at),
                    who=voided.actor.full_name if voided.actor else "—",
                    reason=voided.reason,
                )
            )
        raise PaperError(_l("No paper has the code %(code)s.", code=display(code)))
    return attempt


def entry_of(session: Session, attempt: Attempt) -> AuditLog | None:
    """The audit entry of a paper's entry (who entered it, when), or None."""
    entries = session.scalars(
        select(AuditLog)
        .where(
            AuditLog.action == ENTER_ACTION, AuditLog.target_type == "user", AuditLog.target_id == str(attempt.user_id)
        )
        .options(joinedload(AuditLog.actor))
    )
    return next((e for e in entries if e.detail and e.detail.get("attempt_id") == attempt.id), None)


def read_letters(text: str | None, item: AttemptItem) -> list[int]:
    """Display positions (0 = A) from the letters typed for one question; [] when left blank.

    Raises InvalidAnswer naming the question for a letter the question does not have or, in a
    single-choice question, for more than one letter.
    """
    version = item.question_version
    allowed = letters(len(item.option_order))
    typed = (text or "").upper().translate(_SEPARATORS)
    if any(c not in allowed for c in typed):
        raise InvalidAnswer(
            _l(
                "Question %(n)d: only the letters %(first)s to %(last)s.",
                n=item.position,
                first=allowed[0],
                last=allowed[-1],
            )
        )
    chosen = sorted({allowed.index(c) for c in typed})
    if len(chosen) > 1 and not QUESTION_TYPES[version.type].multiple_choice:
        raise InvalidAnswer(_l("Question %(n)d has one answer: type one letter.", n=item.position))
    return chosen


def enter_paper(
    session: Session, attempt: Attempt, answers: Mapping[int, str], actor_id: int | None, now: datetime
) -> Entered:
    """Grade the paper with ``answers`` (position -> letters typed; missing or blank = not answered).

    Every answer is checked before anything changes (AnswerErrors lists each bad one). PaperError
    when the paper is no longer open: entered before (naming by whom and when) or not a paper.
    """
    if not attempt.is_paper:
        raise PaperError(_l("This attempt is not a paper."))
    if attempt.status != AttemptStatus.OPEN:
        raise PaperError(already_entered(session, attempt))
    parsed, errors = {}, {}
    for item in attempt.items:
        try:
            display_positions = read_letters(answers.get(item.position), item)
            parsed[item.position] = parse_answer(
                item.option_order, item.question_version.type, item.position, display_positions
            )
        except InvalidAnswer as exc:
            errors[item.position] = exc.message
    if errors:
        raise AnswerErrors(errors)
    claimed = claim(session, attempt, AttemptStatus.SUBMITTED, now)
    if claimed is None:
        session.refresh(attempt)
        raise PaperError(already_entered(session, attempt))
    for item in attempt.items:
        item.selected, item.answered_at = parsed[item.position], now
    score = finish_attempt(session, claimed, now)
    record(
        session,
        ENTER_ACTION,
        actor_id=actor_id,
        target_type="user",
        target_id=attempt.user_id,
        detail={
            "attempt_id": attempt.id,
            "code": attempt.paper_code,
            "topic": attempt.topic.number,
            "answers": [answers.get(item.position, "") or "" for item in attempt.items],
            "score": score.correct,
            "max_score": score.total,
            "passed": score.passed,
        },
    )
    certificate = current_certificate(session, attempt.user_id)
    issued_now = certificate if certificate is not None and certificate.issued_at == now else None
    return Entered(attempt, score, issued_now)


def already_entered(session: Session, attempt: Attempt):
    """Why a paper cannot be entered again: who entered it and when (or that it is closed)."""
    entry = entry_of(session, attempt)
    if entry is None:
        return _l("The paper %(code)s is no longer open: it cannot be entered.", code=display(attempt.paper_code))
    return _l(
        "The paper %(code)s was already entered by %(name)s on %(when)s (%(score)d/%(total)d); "
        "a paper is entered only once.",
        code=display(attempt.paper_code),
        name=entry.actor.full_name if entry.actor else "—",
        when=local_datetime(entry.at),
        score=attempt.score or 0,
        total=attempt.max_score,
    )


def key_letters(item: AttemptItem) -> str:
    """The right letters of one question in the paper's own order ("BD")."""
    correct = item.question_version.correct_indexes
    return "".join(letters(len(item.option_order))[k] for k, a in enumerate(item.option_order) if a in correct)

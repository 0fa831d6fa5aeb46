"""What the quiz refuses, as exceptions carrying the message shown and the HTTP status."""

from __future__ import annotations

from ..i18n import lazy_gettext as _l
from ..paper.codes import display

#: Refusal of a trainee's save or submit to a printed paper.
PAPER_ONLY = _l("This attempt is done on paper; its answers are entered by an administrator.")


class QuizError(Exception):
    """A request the quiz refuses; ``message`` is shown to the trainee, ``status`` is HTTP."""

    status = 400

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class AttemptLimitReached(QuizError):
    status = 409


class AttemptClosed(QuizError):
    """The attempt is finished or past deadline + grace: nothing more is accepted."""

    status = 409


class InvalidAnswer(QuizError):
    """An answer that does not fit the paper (tampered ids, two options for a single choice)."""

    status = 400


class AttemptNotFound(QuizError):
    status = 404


class TopicUnavailable(QuizError):
    status = 409


class PaperAttemptOpen(QuizError):
    """The attempt is a printed paper: it is answered on paper and entered by an admin (paper/)."""

    status = 409


def paper_pending_message(attempt):
    """What the trainee is told while their printed paper at a topic awaits entry."""
    return _l(
        "Your quiz at this topic is being done on paper (paper code %(code)s): "
        "its result will show here once it has been entered.",
        code=display(attempt.paper_code),
    )

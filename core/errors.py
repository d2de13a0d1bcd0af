"""One error hierarchy. The API renders it into the contract's error body; the workflow
raises the same type names as non-retryable ApplicationErrors."""

from __future__ import annotations


class VoicetrainError(Exception):
    status_code = 500
    type = "internal_error"
    retryable = False

    def __init__(
        self,
        message: str,
        *,
        retry_after: int | None = None,
        problems: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after  # seconds, sent as the Retry-After header
        self.problems = problems or []  # (field path, why) of each invalid field


class BadRequest(VoicetrainError):
    status_code = 422
    type = "invalid_request"


class Unauthorized(VoicetrainError):
    status_code = 401
    type = "unauthorized"


class Forbidden(VoicetrainError):
    status_code = 403
    type = "forbidden"


class NotFound(VoicetrainError):
    status_code = 404
    type = "not_found"


class Conflict(VoicetrainError):
    status_code = 409
    type = "conflict"


class AttemptsExhausted(Conflict):
    type = "attempts_exhausted"


class AssessedSessionKept(Conflict):
    """An assessed attempt is part of the training record its assignment and review refer to:
    its trainee cannot delete it (an admin can)."""

    type = "assessed_session"


class AssignmentClosed(Conflict):
    type = "assignment_closed"


class NotAwaitingReview(Conflict):
    type = "not_awaiting_review"


class NoEvaluation(Conflict):
    type = "no_evaluation"


class TooManyActiveSessions(Conflict):
    type = "too_many_active_sessions"


class SessionEnded(Conflict):
    """A message to a text session whose conversation is over (permanent)."""

    type = "session_ended"


class ReplyInProgress(Conflict):
    """A message while the client is still replying to the previous one (send it again after)."""

    type = "reply_in_progress"
    retryable = True


class SessionStarting(Conflict):
    type = "session_starting"
    retryable = True


class NotTextSession(Conflict):
    type = "not_a_text_session"


class RateLimited(VoicetrainError):
    status_code = 429
    type = "rate_limited"
    retryable = True


class Unavailable(VoicetrainError):
    status_code = 503
    type = "unavailable"
    retryable = True


class ScenarioError(ValueError):
    """A scenario file that does not validate; the message names the file and the field."""


# Workflow/activity business failure types (ApplicationError.type) and their HTTP meaning.
BUSINESS_ERRORS: dict[str, type[VoicetrainError]] = {
    "Forbidden": Forbidden,
    "NotFound": NotFound,
    "AttemptsExhausted": AttemptsExhausted,
    "AssignmentClosed": AssignmentClosed,
    "TooManyActiveSessions": TooManyActiveSessions,
}

# send_message's refusals (ApplicationError.type from the workflow) and their HTTP meaning.
MESSAGE_ERRORS: dict[str, type[VoicetrainError]] = {
    "SessionEnded": SessionEnded,
    "ReplyInProgress": ReplyInProgress,
    "SessionStarting": SessionStarting,
    "NotTextSession": NotTextSession,
}

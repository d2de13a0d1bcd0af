"""The vocabulary every boundary shares: the `Contract` base, the text types that refuse what
Postgres cannot store, the phase / status / speaker literals, and the size bounds of turns,
batches and chat messages."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict

Speaker = Literal["trainee", "client"]
Role = Literal["trainee", "supervisor", "admin"]
ScenarioStatus = Literal["draft", "published", "archived"]
Phase = Literal[
    "starting",
    "waiting_for_agent",
    "in_conversation",
    "finalizing",
    "evaluating",
    "awaiting_review",
    "completed",
    "abandoned",
    "failed",
]
SessionState = Literal["active", "completed", "abandoned", "failed"]
EvaluationStatus = Literal["pending", "ready", "none"]
# voice: the LiveKit agent holds the conversation; text: the workflow holds it (send_message).
Modality = Literal["voice", "text"]
Rating = Literal["met", "partly", "not_met"]
ReviewStatus = Literal["pending", "overdue", "done"]

# Bounds the workflow enforces on signalled turns (over them a turn is dropped and counted).
TURN_TEXT_MAX_CHARS = 4000
TURN_BATCH_MAX = 100
# Bounds of one persist_turns payload: keep it well below Temporal's 2 MB limit and its 256 KB
# warning. A turn counts as its text plus PERSIST_TURN_OVERHEAD_CHARS (seq, speaker, times).
PERSIST_BATCH_MAX_CHARS = 120_000
PERSIST_TURN_OVERHEAD_CHARS = 200
# One trainee chat message (text modality): refused (422) when longer, so it always fits a Turn.
TRAINEE_MESSAGE_MAX_CHARS = 2000


def storable(text: str) -> str:
    """Postgres text cannot hold NUL, and UTF-8 cannot encode lone surrogates: such text is
    refused here, at the contract, so it never reaches a database write that would fail forever."""
    if "\x00" in text:
        raise ValueError("text must not contain NUL characters")
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise ValueError("text must not contain unpaired surrogate characters")
    return text


def _no_controls(text: str) -> str:
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in text):
        raise ValueError("must not contain control characters")
    return text


# Every text field that crosses a process boundary and may be stored uses this type.
StorableText = Annotated[str, AfterValidator(storable)]
# Identifiers and one-line names (user ids, emails, display names): storable and single-line.
LineText = Annotated[str, AfterValidator(storable), AfterValidator(_no_controls)]


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


def require_one_target(scenario_id: object, assignment_id: object) -> None:
    """A session starts from a scenario (practice) or an assignment (assessed), never both."""
    if (scenario_id is None) == (assignment_id is None):
        raise ValueError("give exactly one of scenario_id and assignment_id")

"""The conversation, as the agent and the session workflow speak it (directly over Temporal or
through the API's HTTP bridge): the agent's job metadata, its join and briefing, the turns it
signals and the end of the conversation."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, ConfigDict, Field, StrictInt, ValidationError, model_validator

from core.contracts.base import TURN_BATCH_MAX, Contract, Speaker, StorableText

EndReason = Literal[
    "trainee_ended",
    "participant_disconnected",
    "room_finished",
    "agent_shutdown",
    "agent_error",
    "time_limit",
    "max_turns",
    "idle_timeout",
]


# The agent's payloads are strict where JSON has a type of its own: a number sent as a string or
# a bool as an int is refused, not coerced (StrictInt per field: model-wide strict would refuse
# the ISO strings the JSON converters send for datetimes and UUIDs).


class Turn(Contract):
    seq: StrictInt = Field(description="0-based, assigned by the agent; the workflow dedupes by it")
    speaker: Speaker
    text: StorableText
    started_at: AwareDatetime
    ended_at: AwareDatetime


class RejectedTurn(Contract):
    seq: StrictInt | None
    reason: str


class TurnBatch(Contract):
    """Signals are decoded whole: one malformed turn must not take the valid turns of its batch
    with it. Each turn is validated on its own; the ones that fail are kept in `rejected` (with
    the reason, which names the field path) so the workflow counts them as dropped instead of
    losing the batch silently. The HTTP bridge can answer, so there a batch with any rejected
    turn is refused whole (422) and nothing of it is signalled."""

    turns: Annotated[list[Turn], Field(max_length=TURN_BATCH_MAX)]
    rejected: list[RejectedTurn] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _split_invalid(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("turns"), list):
            return data
        valid: list[Any] = []
        rejected: list[Any] = list(data.get("rejected") or [])
        for index, item in enumerate(data["turns"]):
            if isinstance(item, Turn):
                valid.append(item)
                continue
            try:
                valid.append(Turn.model_validate(item))
            except ValidationError as exc:
                seq = item.get("seq") if isinstance(item, dict) else None
                first = exc.errors()[0]
                where = ".".join(str(p) for p in ("turns", index, *first.get("loc", ())))
                rejected.append(
                    RejectedTurn(
                        seq=seq if isinstance(seq, int) and not isinstance(seq, bool) else None,
                        reason=f"{where}: {first.get('msg', 'invalid')}",
                    )
                )
        return {**data, "turns": valid, "rejected": rejected}


class EndConversation(Contract):
    reason: EndReason
    final_turn_count: StrictInt | None = Field(None, ge=0)


class AgentJoined(Contract):
    agent_identity: StorableText = Field(min_length=1, max_length=200)


class AgentBriefing(Contract):
    session_id: UUID
    scenario_title: str
    persona_prompt: str
    opening_line: str
    deadline: AwareDatetime
    max_turns: int
    offline_script: dict[str, Any] | None = Field(
        None, description="the scenario's script rules, for the offline scripted persona"
    )


class AgentJobMetadata(Contract):
    model_config = ConfigDict(extra="ignore")
    session_id: UUID
    workflow_id: str = Field(min_length=1)
    bridge_token: str = Field(
        min_length=1,
        description="credential for the HTTP bridge, valid for this one session only",
    )

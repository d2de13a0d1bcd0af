"""The text modality's persona activity: the client's next line, from the persona engine
(persona/, the same code the voice agent plays with).

Deterministic when the offline client plays: the activity reads the conversation so far from
Postgres (the workflow persists the trainee turn before it asks) and the client's state is
replayed over it, so a retry gives the same reply. With an LLM a retry may word the reply differently, which is
safe: only the completed attempt's result is recorded in the workflow history and becomes the
client turn."""

from __future__ import annotations

import logging

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.heartbeat import heartbeating
from core.contracts.activities import ClientReplyRequest, ClientReplyText
from core.contracts.base import TURN_TEXT_MAX_CHARS, Speaker
from core.db import queries
from core.db.engine import SessionMaker
from core.db.models import Scenario, TrainingSession
from persona.engine import LLMEndpoint, PersonaError, make_engine, offline_source

log = logging.getLogger(__name__)


class PersonaActivities:
    def __init__(self, sessionmaker: SessionMaker, llm: LLMEndpoint | None = None) -> None:
        self.db = sessionmaker
        self.llm = llm

    @activity.defn(name="client_reply")
    async def client_reply(self, request: ClientReplyRequest) -> ClientReplyText:
        async with self.db() as db:
            session = await db.get(TrainingSession, request.session_id)
            if session is None:
                raise ApplicationError("session not found", type="NotFound", non_retryable=True)
            scenario = await db.get(Scenario, session.scenario_id)
            assert scenario is not None
            rows = await queries.transcript(db, session.id)
        history: list[tuple[Speaker, str]] = [
            (row.speaker, row.text) for row in rows if row.seq <= request.trainee_seq
        ]
        last = rows[-1] if rows else None
        if last is None or last.seq != request.trainee_seq or last.speaker != "trainee":
            # the workflow persists the trainee turn before asking: a missing one is a bug
            # upstream (or the turn was quarantined), and waiting cannot bring it
            raise ApplicationError(
                f"trainee turn {request.trainee_seq} is not the last stored turn",
                type="TurnMissing",
                non_retryable=True,
            )
        engine = make_engine(
            persona_prompt=scenario.persona_prompt,
            script=offline_source(scenario.definition),
            llm=self.llm,
        )
        try:
            async with heartbeating():
                text = await engine.reply(history)
        except PersonaError as exc:
            log.warning("persona failed on attempt %d: %s", activity.info().attempt, exc.reason)
            raise ApplicationError(
                exc.reason, type="PersonaUnavailable", non_retryable=not exc.retryable
            ) from exc
        return ClientReplyText(text=_storable(text), model=engine.model)


def _storable(text: str) -> str:
    """A model's output made into a turn the contract and Postgres accept (no NUL, no lone
    surrogates, within the turn bound), so a strange reply never fails the workflow's decode."""
    cleaned = text.replace("\x00", "").encode("utf-8", "ignore").decode("utf-8")
    return cleaned[:TURN_TEXT_MAX_CHARS].strip() or "..."

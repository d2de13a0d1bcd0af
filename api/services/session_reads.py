"""Reading sessions: the visible ones page by page (cursor), one with its live status while the
workflow runs, and the evaluation with its long-poll."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

from sqlalchemy import and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from api.admission import Admission
from api.pagination import decode_cursor, encode_cursor
from core.contracts.evaluation import Evaluation
from core.contracts.rest import EvaluationPending, SessionPage, SessionView
from core.contracts.workflow import SessionStatus
from core.db import queries
from core.db.convert import scenario_summary
from core.db.evaluations import current_evaluation
from core.db.models import Scenario, TrainingSession
from core.errors import NoEvaluation, NotFound
from core.security import Principal
from core.status import CONVERSING_PHASES, evaluation_status
from workflows import interface


async def _live_status(temporal: Client, session: TrainingSession) -> SessionStatus | None:
    if session.status != "active":
        return None
    try:
        return await interface.STATUS.ask(temporal.get_workflow_handle(session.workflow_id))
    except (
        Exception
    ):  # the DB row is the fallback view; a query failure is not the caller's problem
        return None


def _view(
    session: TrainingSession, scenario: Scenario, evaluated: bool, live: SessionStatus | None = None
) -> SessionView:
    return SessionView(
        session_id=session.id,
        user_id=session.user_id,
        scenario=scenario_summary(scenario),
        scenario_version=scenario.version,
        assignment_id=session.assignment_id,
        attempt=session.attempt,
        status=session.status,
        phase=live.phase if live else session.phase,
        turn_count=live.turn_count if live else session.turn_count,
        end_reason=live.end_reason if live else session.end_reason,
        evaluation_status=live.evaluation_status
        if live
        else evaluation_status(session.status, evaluated=evaluated),
        created_at=session.created_at,
        started_at=session.started_at,
        ended_at=session.ended_at,
        modality=live.modality if live else None,
        shared_at=session.shared_at,
        late=session.late,
        review_status=live.review_status if live else session.review_status,
        review_due_at=live.review_due_at if live else session.review_due_at,
        transcript_purged=session.transcripts_purged_at is not None,
    )


async def session_page(
    db: AsyncSession, user: Principal, limit: int, cursor: str | None
) -> SessionPage:
    query = queries.sessions_with_scenario().where(queries.visible_sessions(user))
    if cursor:
        created, sid = decode_cursor(cursor)
        query = query.where(
            or_(
                TrainingSession.created_at < created,
                and_(TrainingSession.created_at == created, TrainingSession.id < sid),
            )
        )
    rows = (
        await db.execute(
            query.order_by(TrainingSession.created_at.desc(), TrainingSession.id.desc()).limit(
                limit + 1
            )
        )
    ).all()
    page = rows[:limit]
    return SessionPage(
        items=[_view(session, scenario, evaluated) for session, scenario, evaluated in page],
        next_cursor=encode_cursor(page[-1][0].created_at, page[-1][0].id)
        if len(rows) > limit
        else None,
    )


async def session_view(
    db: AsyncSession, temporal: Client, user: Principal, session_id: uuid.UUID
) -> SessionView:
    found = (
        await db.execute(
            queries.sessions_with_scenario().where(
                TrainingSession.id == session_id, queries.visible_sessions(user)
            )
        )
    ).first()
    if found is None:
        raise NotFound("session not found")
    session, scenario, evaluated = found
    return _view(session, scenario, evaluated, await _live_status(temporal, session))


EVALUATION_CHECK_SECONDS = 1.0


async def _wait_for_evaluation(
    db: AsyncSession, temporal: Client, session: TrainingSession, wait: float
) -> Evaluation | None:
    """The one wait: look for the evaluation once a second (a session awaiting a supervisor's
    review has it long before its workflow ends) until it is there, the workflow ends or `wait`
    runs out. Between looks the connection is given back: waiting requests must never starve
    the pool."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    ended = asyncio.ensure_future(temporal.get_workflow_handle(session.workflow_id).result())
    try:
        while True:
            await db.close()
            await asyncio.wait(
                {ended}, timeout=max(0, min(deadline - loop.time(), EVALUATION_CHECK_SECONDS))
            )
            found = await current_evaluation(db, session.id)
            if found is not None or ended.done() or loop.time() >= deadline:
                return found
    finally:
        ended.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):  # not the caller's problem
            await ended


async def evaluation_or_pending(
    db: AsyncSession,
    temporal: Client,
    admission: Admission,
    user: Principal,
    session: TrainingSession,
    wait: float,
) -> Evaluation | EvaluationPending:
    """The evaluation; else, while one may still come, what it waits for (after waiting up to
    `wait` seconds for it, holding no DB connection); NoEvaluation when none ever will."""
    evaluation = await current_evaluation(db, session.id)
    if evaluation is None and session.status == "active" and wait > 0:
        with admission.long_poll(user.id):
            evaluation = await _wait_for_evaluation(db, temporal, session, wait)
        if evaluation is None:  # what the session became meanwhile says why (db.close detached it)
            fresh = await db.get(TrainingSession, session.id)
            assert fresh is not None, "sessions are never deleted"
            session = fresh
    if evaluation is not None:
        return evaluation
    if session.status != "active":
        raise NoEvaluation(
            f"this session ended without an evaluation ({session.end_reason or session.status})"
        )
    live = await _live_status(temporal, session)
    phase = live.phase if live else session.phase
    if live is not None and live.evaluation_status == "none":
        raise NoEvaluation(
            f"this session ended without an evaluation ({live.end_reason or live.phase})"
        )
    return EvaluationPending(
        status="in_conversation" if phase in CONVERSING_PHASES else "pending", phase=phase
    )

"""Deleting a practice attempt: its run stopped, its rows gone, its Temporal history gone.

The order is the point. The run is terminated first, so no activity of it writes a turn or an
evaluation back after the rows are deleted; then one transaction deletes the session row (turns,
evaluation, revisions go with it: ON DELETE CASCADE) and writes the tombstone; last the workflow
execution is deleted from Temporal (its history holds every turn's text: the signals' and
updates' payloads). A crash between the commit and the history deletion is finished by the
next DELETE, which finds the tombstone and deletes the history again (deleting what is gone is
not an error), so a DELETE delivered twice answers 204 twice with one effect."""

from __future__ import annotations

import uuid

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from api.audit.service import Auditor
from api.visibility import get_visible_session
from core.db.models import DeletedSession, TrainingSession
from core.errors import AssessedSessionKept, Forbidden, NotFound
from core.temporal import forget_history


async def delete_session(
    db: AsyncSession, temporal: Client, audit: Auditor, session_id: uuid.UUID
) -> None:
    user = audit.user
    tombstone = await db.get(DeletedSession, session_id)
    if tombstone is not None:
        if tombstone.user_id != user.id and user.role != "admin":
            raise NotFound("session not found")
        await forget_history(temporal, tombstone.workflow_id)
        return
    session = await get_visible_session(db, user, session_id)
    if session.user_id != user.id and user.role != "admin":
        raise Forbidden("only the trainee (or an admin) can delete a session")
    if session.assignment_id is not None and user.role != "admin":
        raise AssessedSessionKept(
            "an assessed attempt stays with its assignment and review; ask an admin to delete it"
        )
    await _stop_run(temporal, session.workflow_id)
    await db.execute(delete(TrainingSession).where(TrainingSession.id == session.id))
    db.add(
        DeletedSession(
            session_id=session.id,
            user_id=session.user_id,
            workflow_id=session.workflow_id,
            deleted_by=user.id,
        )
    )
    audit.add(
        "session.delete", "session", session.id, session_id=session.id,
        subject_user_id=session.user_id,
    )  # fmt: skip
    await db.commit()
    await forget_history(temporal, session.workflow_id)


async def _stop_run(temporal: Client, workflow_id: str) -> None:
    try:
        await temporal.get_workflow_handle(workflow_id).terminate(reason="session deleted")
    except RPCError as e:  # already closed (or never started): nothing runs
        if e.status != RPCStatusCode.NOT_FOUND:
            raise

"""Recording the trail. A read is recorded (and committed) before its answer is sent; a change is
recorded in the transaction that makes it, so neither can happen without its event."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import CurrentUser, DbDep
from core.contracts.rest_audit import AuditAction
from core.db.models import AuditEvent
from core.security import Principal


@dataclass
class Auditor:
    db: AsyncSession
    user: Principal
    client_ip: str | None
    user_agent: str | None

    def add(
        self,
        action: AuditAction,
        object_type: str,
        object_id: object,
        *,
        session_id: uuid.UUID | None = None,
        subject_user_id: str | None = None,
    ) -> None:
        """Adds the event to the caller's transaction (committed with the change it records)."""
        self.db.add(
            AuditEvent(
                actor_id=self.user.id,
                actor_role=self.user.role,
                action=action,
                object_type=object_type,
                object_id=str(object_id)[:200],
                session_id=session_id,
                subject_user_id=subject_user_id,
                client_ip=self.client_ip,
                user_agent=self.user_agent,
            )
        )

    async def read(self, action: AuditAction, session_id: uuid.UUID, subject_user_id: str) -> None:
        """A read of something of one session: recorded and committed before the answer."""
        self.add(
            action, "session", session_id, session_id=session_id, subject_user_id=subject_user_id
        )
        await self.db.commit()


def auditor(request: Request, user: CurrentUser, db: DbDep) -> Auditor:
    agent = request.headers.get("user-agent")
    return Auditor(
        db=db,
        user=user,
        client_ip=request.client.host[:64] if request.client else None,
        user_agent=agent[:300] if agent else None,
    )


AuditDep = Annotated[Auditor, Depends(auditor)]

"""Team statements: who leads whom. Supervisors see (and assign, review, follow the progress of)
the trainees of the teams they lead; core.db.queries.visible_sessions builds on this."""

from __future__ import annotations

from sqlalchemy import Select, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.db.models import TeamMember


def trainees_led_by(lead_id: str, trainee_id: str | None = None) -> Select[str]:
    """The user ids of the members of every team `lead_id` leads (only `trainee_id`, if given)."""
    lead = aliased(TeamMember)
    member = aliased(TeamMember)
    query = (
        select(member.user_id)
        .join(lead, lead.team_id == member.team_id)
        .where(lead.user_id == lead_id, lead.role == "lead", member.role == "member")
    )
    return query if trainee_id is None else query.where(member.user_id == trainee_id)


async def leads_trainee(db: AsyncSession, lead_id: str, trainee_id: str) -> bool:
    return bool(await db.scalar(select(exists(trainees_led_by(lead_id, trainee_id)))))

"""REST bodies of `/v1/teams`: teams and their leads and members."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from core.contracts.base import Contract, LineText

TeamRole = Literal["lead", "member"]


class TeamCreate(Contract):
    name: LineText = Field(min_length=1, max_length=200)


class TeamUpdate(Contract):
    name: LineText = Field(min_length=1, max_length=200)


class TeamMemberSet(Contract):
    role: TeamRole


class TeamMemberView(Contract):
    user_id: str
    role: TeamRole
    name: str | None = None
    email: str | None = None


class TeamView(Contract):
    id: UUID
    name: str
    created_at: datetime
    members: list[TeamMemberView]


class TeamPage(Contract):
    items: list[TeamView]

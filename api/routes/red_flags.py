"""The built-in red flag library a scenario's author picks from (issue 26)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import StaffUser
from api.errors import responses
from core.contracts.rest import RedFlagLibrary
from core.scenarios.redflag_ids import BUILTIN_RED_FLAG_IDS

router = APIRouter(prefix="/v1/red-flags", tags=["scenarios"], responses=responses(401, 403))


@router.get("", response_model=RedFlagLibrary, summary="The built-in red flags a scenario may use")
async def red_flag_library(_: StaffUser) -> RedFlagLibrary:
    return RedFlagLibrary(ids=list(BUILTIN_RED_FLAG_IDS))

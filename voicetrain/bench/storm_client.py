"""The storm's trainees, in a process of their own: `python -m voicetrain.bench.storm_client URL
SCENARIO_ID N` posts N starts by N different trainees at once and prints what they were answered
(JSON). Run apart from the bench so that making 200 requests does not hold up the event loop
that sends the live sessions' turns and watches them arrive: the storm's cost to the live
sessions is then the system's, not the load generator's (docs/performance.md)."""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from collections import Counter
from typing import Any

import httpx

from core.security import mint_jwt
from core.settings import load_settings


async def storm(api_url: str, scenario_id: str, starts: int) -> dict[str, Any]:
    settings = load_settings()  # the bench stack's environment: its dev signing secret
    tokens = [
        mint_jwt(settings, sub=f"bench-storm-{uuid.uuid4().hex[:6]}-{i}", role="trainee")
        for i in range(starts)
    ]

    async def one(token: str, http: httpx.AsyncClient) -> int:
        r = await http.post(
            "/v1/sessions",
            json={"scenario_id": scenario_id, "modality": "voice"},
            headers={"Authorization": f"Bearer {token}"},
        )
        return r.status_code

    began = time.perf_counter()
    async with httpx.AsyncClient(base_url=api_url, timeout=120) as http:
        codes = await asyncio.gather(*(one(t, http) for t in tokens))
    counts = Counter(codes)
    return {
        "starts": starts,
        "admitted": counts.get(201, 0),
        "refused_429": counts.get(429, 0),
        "other": {str(k): v for k, v in counts.items() if k not in (201, 429)},
        "answered_within_seconds": round(time.perf_counter() - began, 2),
    }


def main(argv: list[str]) -> int:
    api_url, scenario_id, starts = argv[0], argv[1], int(argv[2])
    print(json.dumps(asyncio.run(storm(api_url, scenario_id, starts))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

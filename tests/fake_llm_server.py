"""A real local HTTP server speaking the OpenAI chat-completions format (the LLM is the one
third-party cloud we fake). Each request takes the next scripted behaviour."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.helpers import serving


@dataclass
class Behaviour:
    status: int = 200
    content: str | None = None  # the assistant message content
    delay: float = 0.0


@dataclass
class FakeLLM:
    behaviours: list[Behaviour] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    async def _chat(self, request: Request) -> Response:
        self.requests.append(await request.json())
        b = self.behaviours.pop(0) if self.behaviours else Behaviour(status=500)
        if b.delay:
            await asyncio.sleep(b.delay)
        if b.status != 200:
            return PlainTextResponse(
                "rate limited" if b.status == 429 else "error", status_code=b.status
            )
        return JSONResponse(
            {
                "id": "cmpl-1",
                "object": "chat.completion",
                "model": "fake",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": b.content},
                        "finish_reason": "stop",
                    }
                ],
            }
        )


@asynccontextmanager
async def fake_llm() -> AsyncIterator[FakeLLM]:
    fake = FakeLLM()
    app = Starlette(routes=[Route("/v1/chat/completions", fake._chat, methods=["POST"])])
    async with serving(app) as url:
        fake.url = f"{url}/v1"
        yield fake


def judgment(criteria_ids: list[str], evidence: list[tuple[int, str]], rating: str = "met") -> str:
    return json.dumps(
        {
            "criteria": [
                {
                    "id": cid,
                    "rating": rating,
                    "evidence": [{"seq": s, "quote": q} for s, q in evidence],
                    "feedback": f"Specific feedback on {cid}.",
                }
                for cid in criteria_ids
            ]
        }
    )

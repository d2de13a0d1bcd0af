"""A real local HTTP server speaking the OpenAI audio API, as a self-hosted speech server (e.g.
speaches) does: `POST /v1/audio/transcriptions` transcribes the WAV it is sent with pocketsphinx,
`POST /v1/audio/speech` answers eSpeak NG speech of the input as WAV. Both record the requests,
so a test sees exactly what livekit-plugins-openai sent."""

from __future__ import annotations

import asyncio
import io
import json
import wave
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

import uvicorn
from livekit import rtc
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from agent.offline_speech import PocketsphinxSTT, espeak_synthesize
from voicetrain.devstack.processes import free_port


@dataclass
class Upload:
    fields: dict[str, str]
    audio: bytes


@dataclass
class FakeSpeech:
    stt: PocketsphinxSTT
    transcriptions: list[Upload] = field(default_factory=list)
    speech_requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    async def _transcribe(self, request: Request) -> Response:
        body = await request.body()
        head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + body)
        fields: dict[str, str] = {}
        audio = b""
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            if name == "file":
                audio = payload
            elif isinstance(name, str):
                fields[name] = payload.decode()
        self.transcriptions.append(Upload(fields, audio))
        with wave.open(io.BytesIO(audio)) as wav:
            frame = rtc.AudioFrame(
                wav.readframes(wav.getnframes()),
                wav.getframerate(),
                wav.getnchannels(),
                wav.getnframes(),
            )
        event = await self.stt.recognize([frame])
        return JSONResponse({"text": event.alternatives[0].text})

    async def _speech(self, request: Request) -> Response:
        payload = json.loads(await request.body())
        self.speech_requests.append(payload)
        pcm, rate = await asyncio.to_thread(espeak_synthesize, payload["input"])
        out = io.BytesIO()
        with wave.open(out, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(rate)
            wav.writeframes(pcm)
        return Response(out.getvalue(), media_type="audio/wav")


@asynccontextmanager
async def fake_speech(sentences: list[str]) -> AsyncIterator[FakeSpeech]:
    fake = FakeSpeech(stt=PocketsphinxSTT(sentences=sentences))
    port = free_port()
    fake.url = f"http://127.0.0.1:{port}/v1"
    app = Starlette(
        routes=[
            Route("/v1/audio/transcriptions", fake._transcribe, methods=["POST"]),
            Route("/v1/audio/speech", fake._speech, methods=["POST"]),
        ]
    )
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield fake
    finally:
        server.should_exit = True
        await task

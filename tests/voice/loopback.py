"""Audio I/O for driving the agent's voice pipeline without a room or a sound card: a microphone
that speaks prepared PCM in real time (silence in between, as a live microphone does) and a
speaker that records what the agent says."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from livekit import rtc
from livekit.agents.voice import io

FRAME_SECONDS = 0.02


class SyntheticMicrophone(io.AudioInput):
    """Real-time paced 20 ms frames: the queued utterance's audio, else silence."""

    def __init__(self, sample_rate: int) -> None:
        super().__init__(label="synthetic-microphone")
        self.sample_rate = sample_rate
        self._samples = int(sample_rate * FRAME_SECONDS)
        self._silence = bytes(self._samples * 2)
        self._queue: asyncio.Queue[tuple[bytes, asyncio.Future[float]]] = asyncio.Queue()
        self._current: tuple[bytes, asyncio.Future[float]] | None = None
        self._offset = 0
        self._start: float | None = None
        self._frames = 0
        self._closed = False

    async def say(self, pcm: bytes) -> float:
        """Speak `pcm` (16-bit mono at `sample_rate`); returns the wall time its last frame left."""
        done: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        await self._queue.put((pcm, done))
        return await done

    def close(self) -> None:
        self._closed = True

    async def __anext__(self) -> rtc.AudioFrame:
        if self._closed:
            raise StopAsyncIteration
        loop = asyncio.get_running_loop()
        if self._start is None:
            self._start = loop.time()
        # pace by the clock, not by sleeps, so a busy machine does not slow the audio down
        due = self._start + self._frames * FRAME_SECONDS
        if (wait := due - loop.time()) > 0:
            await asyncio.sleep(wait)
        self._frames += 1
        if self._current is None and not self._queue.empty():
            self._current, self._offset = self._queue.get_nowait(), 0
        if self._current is None:
            chunk = self._silence
        else:
            pcm, done = self._current
            chunk = pcm[self._offset : self._offset + len(self._silence)]
            self._offset += len(chunk)
            chunk = chunk.ljust(len(self._silence), b"\0")
            if self._offset >= len(pcm):
                self._current = None
                if not done.done():
                    done.set_result(time.time())
        return rtc.AudioFrame(chunk, self.sample_rate, 1, self._samples)


@dataclass
class Segment:
    frames: int = 0
    seconds: float = 0.0
    first_frame_at: float = 0.0


class RecordingSpeaker(io.AudioOutput):
    """Takes every frame the agent's TTS produces. Playback is instant: a segment is reported
    played out as soon as it is flushed, so the conversation is not paced by the client's speech."""

    def __init__(self) -> None:
        super().__init__(
            label="recording-speaker",
            capabilities=io.AudioOutputCapabilities(pause=False),
            sample_rate=None,
        )
        self.segments: list[Segment] = []
        self._current: Segment | None = None
        self.segment_done = asyncio.Event()

    @property
    def frames(self) -> int:
        return sum(s.frames for s in self.segments)

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        if self._current is None:
            self._current = Segment(first_frame_at=time.time())
            self.segments.append(self._current)
            self.on_playback_started(created_at=self._current.first_frame_at)
        self._current.frames += 1
        self._current.seconds += frame.duration

    def flush(self) -> None:
        super().flush()
        self._finish(interrupted=False)

    def clear_buffer(self) -> None:
        self._finish(interrupted=True)

    def _finish(self, *, interrupted: bool) -> None:
        segment, self._current = self._current, None
        if segment is not None:
            self.on_playback_finished(playback_position=segment.seconds, interrupted=interrupted)
            self.segment_done.set()

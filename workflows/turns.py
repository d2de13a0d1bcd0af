"""The turn bookkeeping of one session: dedupe by seq, the reasons a turn is refused, the buffer
of turns not yet persisted and its batches, and the counters. Plain and deterministic: the
workflow owns one, and it is tested without Temporal."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from core.contracts.base import (
    PERSIST_BATCH_MAX_CHARS,
    PERSIST_TURN_OVERHEAD_CHARS,
    TURN_TEXT_MAX_CHARS,
)
from core.contracts.conversation import RejectedTurn, Turn
from core.contracts.workflow import SessionLimits


@dataclass(frozen=True)
class Dropped:
    seq: int
    reason: str


class TurnLedger:
    def __init__(self, limits: SessionLimits) -> None:
        self._max_turns = limits.max_turns
        self._batch_max_turns = limits.persist_batch_max_turns
        self._seen: set[int] = set()
        self._refused: set[int] = set()
        self._unpersisted: dict[int, Turn] = {}
        self.accepting = True
        self.trainee_turns = 0
        self.persisted_count = 0
        self.dropped_count = 0

    @property
    def received(self) -> int:
        """Distinct turns accepted so far (persisted or still buffered)."""
        return len(self._seen)

    @property
    def has_unpersisted(self) -> bool:
        return bool(self._unpersisted)

    def settled(self, seq: int) -> bool:
        """Turn `seq` waits for no persist any more (stored, or quarantined)."""
        return seq not in self._unpersisted

    def summary(self) -> str:
        return (
            f"turns: {self.received} received, {self.persisted_count} persisted, "
            f"{self.dropped_count} dropped"
        )

    def close(self) -> None:
        """The conversation is finalized: every later turn is dropped."""
        self.accepting = False

    def add(self, turns: Iterable[Turn]) -> list[Dropped]:
        """Accept new turns; a seq seen before is ignored (at-least-once delivery: a duplicate is
        expected, not an error); a turn refused is counted and returned with its reason."""
        dropped: list[Dropped] = []
        for turn in turns:
            if turn.seq in self._seen:
                continue
            reason = self._reject_reason(turn)
            if reason:
                self.dropped_count += 1
                dropped.append(Dropped(turn.seq, reason))
                continue
            self._seen.add(turn.seq)
            self._unpersisted[turn.seq] = turn
            if turn.speaker == "trainee":
                self.trainee_turns += 1
        return dropped

    def _reject_reason(self, turn: Turn) -> str | None:
        if not self.accepting:
            return "arrived after the conversation was finalized"
        if turn.seq < 0 or turn.seq >= self._max_turns:
            return f"seq outside 0..{self._max_turns - 1}"
        if len(turn.text) > TURN_TEXT_MAX_CHARS:
            return f"text longer than {TURN_TEXT_MAX_CHARS} characters"
        if not turn.text.strip():
            return "empty text"
        if turn.ended_at < turn.started_at:
            return "ends before it starts"
        return None

    def next_batch(self) -> list[Turn]:
        """The unpersisted turns in seq order, bounded by turns and by characters (never empty
        while any is unpersisted: one turn alone always makes a batch)."""
        batch: list[Turn] = []
        size = 0
        for seq in sorted(self._unpersisted):
            turn = self._unpersisted[seq]
            if batch and (
                len(batch) >= self._batch_max_turns
                or size + len(turn.text) > PERSIST_BATCH_MAX_CHARS
            ):
                break
            batch.append(turn)
            size += len(turn.text) + PERSIST_TURN_OVERHEAD_CHARS
        return batch

    def refused(self, rejected: Iterable[RejectedTurn]) -> list[Dropped]:
        """Turns the contract refused when the signal was decoded (e.g. text Postgres cannot
        store): counted as dropped once per seq, however often they are delivered."""
        dropped: list[Dropped] = []
        for turn in rejected:
            if turn.seq is not None and turn.seq in self._refused:
                continue
            if turn.seq is not None:
                self._refused.add(turn.seq)
            self.dropped_count += 1
            dropped.append(Dropped(turn.seq if turn.seq is not None else -1, turn.reason))
        return dropped

    def persisted(self, seqs: Collection[int], *, quarantined: Collection[int] = ()) -> None:
        """A batch is done: its turns leave the buffer. Those `quarantined` (Postgres refused them
        for good, so they are not stored) count as dropped rather than persisted."""
        for seq in seqs:
            del self._unpersisted[seq]
        kept_out = len(set(quarantined) & set(seqs))
        self.persisted_count += len(seqs) - kept_out
        self.dropped_count += kept_out

"""The workflow's turn bookkeeping as a plain object: no Temporal, no database."""

from __future__ import annotations

from core.contracts.base import PERSIST_BATCH_MAX_CHARS
from core.contracts.workflow import SessionLimits
from tests.helpers import make_turns
from workflows.turns import TurnLedger


def test_a_seq_seen_twice_is_kept_once_and_out_of_order_is_fine() -> None:
    ledger = TurnLedger(SessionLimits())
    turns = make_turns(4)
    assert ledger.add([turns[2], turns[0]]) == []
    assert ledger.add([turns[0], turns[1], turns[3], turns[2]]) == []
    assert (ledger.received, ledger.dropped_count) == (4, 0)
    assert [t.seq for t in ledger.next_batch()] == [0, 1, 2, 3]
    assert ledger.trainee_turns == 2  # seq 0 and 2 (make_turns alternates, trainee first)


def test_each_refused_turn_is_counted_with_its_reason() -> None:
    ledger = TurnLedger(SessionLimits(max_turns=10))
    good = make_turns(1)[0]
    refused = ledger.add(
        [
            good.model_copy(update={"seq": 10}),
            good.model_copy(update={"seq": -1}),
            good.model_copy(update={"seq": 1, "text": "x" * 4001}),
            good.model_copy(update={"seq": 2, "text": "   "}),
            good.model_copy(update={"seq": 3, "ended_at": good.started_at.replace(year=2025)}),
        ]
    )
    assert [(d.seq, d.reason) for d in refused] == [
        (10, "seq outside 0..9"),
        (-1, "seq outside 0..9"),
        (1, "text longer than 4000 characters"),
        (2, "empty text"),
        (3, "ends before it starts"),
    ]
    assert (ledger.received, ledger.dropped_count, ledger.has_unpersisted) == (0, 5, False)


def test_after_close_every_new_turn_is_dropped_but_a_duplicate_is_still_ignored() -> None:
    ledger = TurnLedger(SessionLimits())
    first, second = make_turns(2)
    ledger.add([first])
    ledger.close()
    assert ledger.add([first]) == []
    assert [d.reason for d in ledger.add([second])] == [
        "arrived after the conversation was finalized"
    ]
    assert (ledger.received, ledger.dropped_count) == (1, 1)


def test_batches_are_bounded_by_turns() -> None:
    ledger = TurnLedger(SessionLimits(persist_batch_max_turns=3))
    ledger.add(make_turns(7))
    sizes = []
    while ledger.has_unpersisted:
        batch = ledger.next_batch()
        sizes.append([t.seq for t in batch])
        ledger.persisted([t.seq for t in batch])
    assert sizes == [[0, 1, 2], [3, 4, 5], [6]]
    assert (ledger.persisted_count, ledger.next_batch()) == (7, [])


def test_batches_are_bounded_by_characters_but_never_empty() -> None:
    ledger = TurnLedger(SessionLimits())
    long = "y" * 4000
    ledger.add([t.model_copy(update={"text": long}) for t in make_turns(40)])
    batch = ledger.next_batch()
    # each turn counts 4000 characters + 200 overhead: 28 fit in 120 000, the 29th does not
    assert PERSIST_BATCH_MAX_CHARS == 120_000
    assert len(batch) == 28
    ledger.persisted([t.seq for t in batch])
    assert [t.seq for t in ledger.next_batch()] == list(range(28, 40))


def test_quarantined_turns_leave_the_buffer_and_count_as_dropped() -> None:
    ledger = TurnLedger(SessionLimits())
    ledger.add(make_turns(5))
    ledger.persisted([0, 1, 2], quarantined=[1])
    assert (ledger.persisted_count, ledger.dropped_count, ledger.received) == (2, 1, 5)
    assert [t.seq for t in ledger.next_batch()] == [3, 4]
    assert ledger.summary() == "turns: 5 received, 2 persisted, 1 dropped"

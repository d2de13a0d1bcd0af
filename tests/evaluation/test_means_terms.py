"""Which words of an author's `means` fact name the means: the crisis checks follow what the
trainee does with those words, so a modifier or a place read as the means makes a sleep question
the capability step and "How old are your kids?" a question about means."""

from __future__ import annotations

import pytest

from evaluation.crisis.vocabulary import means_places, means_terms


@pytest.mark.parametrize(
    ("phrase", "terms"),
    [
        ("old prescription sleeping pills in the bathroom cabinet", {"pills", "prescription", "sleeping pills"}),
        ("a loaded Glock 19 handgun (pistol) in the nightstand", {"handgun", "glock handgun", "pistol", "glock"}),
        ("his father's hunting rifle, locked in the shed", {"rifle", "hunting rifle"}),
        ("the gas canister in the shed", {"canister", "gas canister", "gas"}),
        ("the car and a hosepipe", {"car", "hosepipe"}),
        ("a stockpile of paracetamol", {"paracetamol"}),
        ("his own insulin", {"insulin"}),
        ("tramadol prescribed for his back, in the kitchen", {"tramadol"}),
        ("a rifle that was his father's", {"rifle"}),
    ],
)  # fmt: skip
def test_the_means_is_the_thing_not_its_modifiers_or_place(phrase: str, terms: set[str]) -> None:
    assert set(means_terms(phrase)) == terms


@pytest.mark.parametrize(
    ("phrase", "places"),
    [
        ("old prescription pills in the bathroom cabinet", ("bathroom", "cabinet")),
        ("tramadol prescribed for his back, in the kitchen", ("kitchen",)),
        ("the car and a hosepipe", ()),
    ],
)
def test_the_place_is_where_it_is_kept(phrase: str, places: tuple[str, ...]) -> None:
    assert means_places(phrase) == places

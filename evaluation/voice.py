"""Whose view a clause carries. A counsellor who says the client's own fear or view back ("You're
worried your parents would be disappointed", "Part of you thinks they'd be better off") is
reflecting it, not holding it; the rubric's red flags and the crisis layer read this alike.

The view covers the clause it opens, not what follows a turn of the sentence: in "It sounds like
you're exhausted, but at least you have your kids" the second clause is the counsellor's own."""

from __future__ import annotations

import re

THEIR_VIEW = re.compile(
    r"\b(you('re| are) (worried|afraid|scared|frightened|concerned)|you (said|say|mentioned|"
    r"told me|worry|worried|fear|feel|felt|think|wonder|believe|imagine)|it sounds like you|"
    r"i hear you|part of you (fears?|thinks?|believes?|worries|feels?))\b",
    re.I,
)
# where the sentence turns to the speaker's own words
_TURN = re.compile(r"\b(but|though|although|yet|however|still)\b|[;:]|\s[-–—]\s", re.I)


def their_view(text: str, at: int) -> bool:
    """The words at `at` sit in a clause that says the client's own view back."""
    before = text[:at]
    turns = list(_TURN.finditer(before))
    clause = before[turns[-1].end() :] if turns else before
    return bool(THEIR_VIEW.search(clause))

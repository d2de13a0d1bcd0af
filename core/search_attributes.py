"""The Temporal search attributes of a session, declared once: the workflow sets them, the API
sets the user at start, the dev stack and tests register them (all Keyword)."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

USER_ID = SearchAttributeKey.for_keyword("VoicetrainUserId")
SCENARIO = SearchAttributeKey.for_keyword("VoicetrainScenario")
PHASE = SearchAttributeKey.for_keyword("VoicetrainPhase")

SEARCH_ATTRIBUTES: tuple[SearchAttributeKey[str], ...] = (USER_ID, SCENARIO, PHASE)

"""The Temporal search attributes of a session, declared once: the workflow sets them, the API
sets the user at start, the dev stack, docker-compose and tests register them (all Keyword)."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

USER_ID = SearchAttributeKey.for_keyword("VoicetrainUserId")
SCENARIO = SearchAttributeKey.for_keyword("VoicetrainScenario")
PHASE = SearchAttributeKey.for_keyword("VoicetrainPhase")
# The human review of a session: "pending", "overdue" (past its deadline) or "done".
REVIEW = SearchAttributeKey.for_keyword("VoicetrainReview")

SEARCH_ATTRIBUTES: tuple[SearchAttributeKey[str], ...] = (USER_ID, SCENARIO, PHASE, REVIEW)

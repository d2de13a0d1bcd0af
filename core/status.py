"""What a session's phase and state mean, owned here and used by the workflow and the API alike:
the phase groups and the rule that gives `evaluation_status`."""

from __future__ import annotations

from core.contracts.base import EvaluationStatus, Phase, SessionState

# Phases after which nothing more happens to a session.
TERMINAL_PHASES: frozenset[Phase] = frozenset({"completed", "abandoned", "failed"})
# Phases in which the conversation has not ended yet (an evaluation is further away).
CONVERSING_PHASES: frozenset[Phase] = frozenset(
    {"starting", "waiting_for_agent", "in_conversation"}
)
# Phases in which the conversation is over: no agent may join any more.
CONVERSATION_OVER_PHASES: frozenset[Phase] = frozenset(
    {"finalizing", "evaluating", "awaiting_review", "completed", "abandoned", "failed"}
)
# Phases in which a supervisor's review is accepted (the workflow's submit_review validator adds
# "completed" once a first review is recorded: later ones are new revisions).
REVIEW_PHASES: frozenset[Phase] = frozenset({"awaiting_review"})
# States of a session that ended without an evaluation, and never will have one.
NO_EVALUATION_STATES: frozenset[SessionState] = frozenset({"abandoned", "failed"})


def evaluation_status(state: SessionState, *, evaluated: bool) -> EvaluationStatus:
    if evaluated:
        return "ready"
    return "none" if state in NO_EVALUATION_STATES else "pending"

"""Row <-> contract conversions shared by the activities and the API."""

from __future__ import annotations

from core.contracts.conversation import Turn
from core.contracts.evaluation import Evaluation
from core.contracts.workflow import ScenarioSummary
from core.db.models import EvaluationRow, Scenario, TranscriptTurn


def evaluation_to_row(evaluation: Evaluation) -> dict[str, object]:
    return {"session_id": evaluation.session_id, "evaluation": evaluation.model_dump(mode="json")}


def row_to_evaluation(row: EvaluationRow) -> Evaluation:
    return Evaluation.model_validate(row.evaluation)


def row_to_turn(row: TranscriptTurn) -> Turn:
    return Turn.model_validate(
        {
            "seq": row.seq,
            "speaker": row.speaker,
            "text": row.text,
            "started_at": row.started_at,
            "ended_at": row.ended_at,
        }
    )


def scenario_summary(scenario: Scenario) -> ScenarioSummary:
    return ScenarioSummary(
        id=scenario.id, slug=scenario.slug, title=scenario.title, briefing=scenario.briefing
    )

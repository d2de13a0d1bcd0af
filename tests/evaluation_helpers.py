"""Small builders for the evaluation tests (not fixtures)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from core.contracts.conversation import Turn
from core.contracts.evaluation import Evaluation
from core.scenarios.library import load_library
from core.scenarios.schema import ScenarioDoc
from evaluation.combine import combine
from evaluation.crisis import crisis_profile

LIBRARY = {s.slug: s for s in load_library()}
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def turns(*pairs: tuple[str, str]) -> list[Turn]:
    return [
        Turn.model_validate(
            {
                "seq": i,
                "speaker": speaker,
                "text": text,
                "started_at": T0 + timedelta(seconds=20 * i),
                "ended_at": T0 + timedelta(seconds=20 * i + 15),
            }
        )
        for i, (speaker, text) in enumerate(pairs)
    ]


def score(slug: str, conversation: list[Turn]) -> Evaluation:
    scenario: ScenarioDoc = LIBRARY[slug]
    return combine(
        session_id=uuid.UUID(int=1),
        turns=conversation,
        rubric=scenario.rubric,
        scenario_id=uuid.UUID(int=2),
        scenario_version=1,
        created_at=T0,
        client_name=scenario.persona.name,
        crisis_profile=crisis_profile(scenario.model_dump()),
        facts=scenario.persona.facts,
    )


def flag_ids(evaluation: Evaluation) -> set[str]:
    return {f.id for f in evaluation.red_flags}


C, T = "client", "trainee"

"""The evaluate_session activity's work: the transcript from Postgres, the engine (evaluation/),
the one current evaluation row. Pass ids through Temporal, never transcripts."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.judging import LLMJudge
from core.contracts.activities import EvaluateSession, EvaluationSummary
from core.contracts.conversation import Turn
from core.contracts.evaluation import Evaluation
from core.db import queries
from core.db.convert import row_to_turn
from core.db.engine import SessionMaker
from core.db.evaluations import current_evaluation, insert_first_evaluation
from core.db.models import Scenario, TrainingSession
from core.scenarios.parse import stored_facts
from core.scenarios.schema import RubricDef
from evaluation.combine import combine
from evaluation.crisis import crisis_profile
from evaluation.judge import JudgeError, Judgment

log = logging.getLogger(__name__)


async def evaluate_and_store(
    sessionmaker: SessionMaker, judge: LLMJudge | None, request: EvaluateSession
) -> EvaluationSummary:
    """Read the stored transcript, score it (the judge when configured, the deterministic
    evaluator always), store the one current evaluation (insert-or-return-existing)."""
    async with sessionmaker() as db:
        existing = await current_evaluation(db, request.session_id)
        if existing is not None:
            return _summary(existing)
        session = await db.get(TrainingSession, request.session_id)
        if session is None:
            raise ApplicationError("session not found", type="NotFound", non_retryable=True)
        scenario = await db.get(Scenario, session.scenario_id)
        assert scenario is not None
        turns = [row_to_turn(r) for r in await queries.transcript(db, session.id)]
    rubric = RubricDef.model_validate(scenario.rubric)
    judgment = None
    fallback_reason = None
    if judge is not None:
        try:
            judgment = await judge.judge(turns, rubric)
        except JudgeError as exc:
            attempt = activity.info().attempt
            if exc.retryable and attempt < request.judge_max_attempts:
                # The activity's retry policy provides the backoff between judge attempts.
                raise ApplicationError(exc.reason, type="JudgeUnavailable") from exc
            log.warning("LLM judge failed on attempt %d, using the rubric: %s", attempt, exc.reason)
            fallback_reason = exc.reason
    # The deterministic evaluation always runs: it is the result, or the judge's cross-check.
    evaluation = evaluate_stored(
        scenario, session.id, turns, judgment=judgment, judge_failure=fallback_reason
    )
    async with sessionmaker() as db:
        stored = await insert_first_evaluation(db, evaluation)
        await db.commit()
    return _summary(stored)


def evaluate_stored(
    scenario: Scenario,
    session_id: uuid.UUID,
    turns: Sequence[Turn],
    *,
    judgment: Judgment | None = None,
    judge_failure: str | None = None,
) -> Evaluation:
    """The evaluation of `turns` against a stored scenario version: the one place a stored
    version's rubric, persona, facts and crisis profile are handed to the engine (the session's
    evaluation, a re-score, a scenario's calibration)."""
    return combine(
        session_id=session_id,
        turns=turns,
        rubric=RubricDef.model_validate(scenario.rubric),
        scenario_id=scenario.id,
        scenario_version=scenario.version,
        created_at=datetime.now(UTC),
        client_name=str(scenario.definition.get("persona", {}).get("name", "the client")),
        crisis_profile=crisis_profile(scenario.definition),
        judgment=judgment,
        judge_failure=judge_failure,
        facts=stored_facts(scenario.definition),
    )


def _summary(evaluation: Evaluation) -> EvaluationSummary:
    return EvaluationSummary(
        session_id=evaluation.session_id,
        overall_score=evaluation.overall_score,
        passed=evaluation.passed,
        evaluator=f"{evaluation.evaluator.name} {evaluation.evaluator.version}",
        fallback=evaluation.evaluator.fallback,
        needs_review=evaluation.needs_review,
        criterion_ids=[c.id for c in evaluation.criteria],
        red_flag_ids=sorted({f.id for f in evaluation.red_flags}),
    )

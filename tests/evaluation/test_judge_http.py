"""The LLM judge's prompt and JSON-schema output against a real local HTTP server speaking the
chat-completions format: a valid judgment is the result (crisis flags kept); every kind of
failure ends in the deterministic result, recorded as a fallback with its reason."""

from __future__ import annotations

import json
import uuid

import pytest

from activities.judging import LLMJudge
from core.contracts.conversation import Turn
from core.contracts.evaluation import Evaluation
from evaluation.combine import combine
from evaluation.crisis import crisis_profile
from evaluation.judge import JudgeError, JudgeOutput
from tests.evaluation_helpers import LIBRARY, T0, C, T, turns
from tests.fake_llm_server import Behaviour, fake_llm, judgment

SCENARIO = LIBRARY["suicide-risk-assessment"]
IDS = [c.id for c in SCENARIO.rubric.criteria]
CONVERSATION = turns(
    (C, "Some days I think everyone would be better off without me."),
    (T, "That sounds so heavy. When you say that, are you thinking about suicide?"),
    (C, "Yeah. I've got sleeping pills in the cabinet."),
    (T, "Just take one of them and get some sleep."),
)


async def _score(
    behaviour: Behaviour, timeout: float = 2.0
) -> tuple[Evaluation, list[dict[str, object]]]:
    async with fake_llm() as llm:
        llm.behaviours.append(behaviour)
        judge = LLMJudge(base_url=llm.url, model="judge-1", api_key="sk-test", timeout=timeout)
        judged, failure = None, None
        try:
            judged = await judge.judge(CONVERSATION, SCENARIO.rubric)
        except JudgeError as exc:
            failure = exc.reason
        requests = llm.requests
    evaluation = combine(
        session_id=uuid.UUID(int=1), turns=CONVERSATION, rubric=SCENARIO.rubric,
        scenario_id=uuid.UUID(int=2), scenario_version=1, created_at=T0,
        crisis_profile=crisis_profile(SCENARIO.model_dump()), judgment=judged,
        judge_failure=failure,
    )  # fmt: skip
    return evaluation, requests


def _quote(turn: Turn) -> list[tuple[int, str]]:
    return [(turn.seq, turn.text[:20])]


async def test_the_prompt_asks_for_the_schema_and_knows_the_crisis_flags() -> None:
    evaluation, requests = await _score(Behaviour(content=judgment(IDS, _quote(CONVERSATION[1]))))
    body = requests[0]
    assert body["model"] == "judge-1"
    fmt = body["response_format"]
    assert isinstance(fmt, dict)
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["schema"] == JudgeOutput.model_json_schema()
    messages = body["messages"]
    assert isinstance(messages, list)
    sent = json.loads(messages[1]["content"])
    assert {"means_encouraged", "ended_early", "secrecy_promised"} <= {
        f["id"] for f in sent["red_flags"]
    }
    assert [t["text"] for t in sent["transcript"]] == [t.text for t in CONVERSATION]
    # the judge rated everything met and saw no flag; the crisis act still fails the session
    assert evaluation.evaluator.name == "llm-judge:judge-1"
    assert not evaluation.evaluator.fallback
    assert "means_encouraged" in {f.id for f in evaluation.red_flags}
    assert not evaluation.passed
    assert evaluation.needs_review
    assert evaluation.metrics.cross_check is not None


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        (Behaviour(content='{"criteria": [ {"id": '), "invalid output"),  # malformed JSON
        (
            Behaviour(
                content=json.dumps(
                    {
                        "criteria": [
                            {"id": i, "rating": "excellent", "evidence": [], "feedback": "x"}
                            for i in IDS
                        ]
                    }
                )
            ),
            "invalid output",
        ),  # valid JSON, violates the schema  # fmt: skip
        (Behaviour(content=judgment(IDS, []), delay=1.5), "timed out"),  # past the timeout
        (Behaviour(status=500), "HTTP 500"),
        (Behaviour(raw_body="<html>gateway</html>"), "invalid output"),  # not a completion
    ],
)
async def test_every_failure_falls_back_to_the_deterministic_result(
    behaviour: Behaviour, reason: str
) -> None:
    evaluation, _ = await _score(behaviour, timeout=0.5)
    assert evaluation.evaluator.name == "voicetrain-conversation"
    assert evaluation.evaluator.fallback is True
    assert reason in (evaluation.evaluator.reason or "")
    assert evaluation.metrics.cross_check is None
    assert "means_encouraged" in {f.id for f in evaluation.red_flags}
    assert not evaluation.passed

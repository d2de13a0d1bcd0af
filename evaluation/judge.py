"""Optional LLM judge: an OpenAI-compatible chat-completions endpoint scores the rubric criteria
with structured JSON output. Every judgment is validated: criterion ids must match the rubric and
every evidence item must cite a real turn with a quote taken from it, or the judgment is rejected."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.contracts import CriterionResult, Evidence, Turn
from core.scenarios import Rubric
from evaluation.rubric import RATING_SCORE

JUDGE_VERSION = "1"


class JudgeError(Exception):
    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class _JudgedEvidence(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seq: int
    quote: str = Field(min_length=1)


class _JudgedCriterion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    rating: Literal["met", "partly", "not_met"]
    evidence: list[_JudgedEvidence]
    feedback: str = Field(min_length=1)


class JudgeOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    criteria: list[_JudgedCriterion]


_SYSTEM = (
    "You are an experienced clinical supervisor scoring a counseling trainee's role-play "
    "transcript against a rubric. For each criterion rate met, partly or not_met, cite evidence "
    "as turn seq numbers with exact quotes copied from the trainee's turns, and give one short, "
    "specific feedback sentence (what was done, what would have been better). Reply with JSON only."
)


class LLMJudge:
    def __init__(self, *, base_url: str, model: str, api_key: str | None, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._api_key = api_key
        self._timeout = timeout

    @property
    def name(self) -> str:
        return f"llm-judge:{self.model}"

    def _request(self, turns: Sequence[Turn], rubric: Rubric) -> dict[str, object]:
        criteria = [
            {"id": c.id, "title": c.title, "description": c.description, "evidence": c.evidence}
            for c in rubric.criteria
        ]
        transcript = [{"seq": t.seq, "speaker": t.speaker, "text": t.text} for t in turns]
        return {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": _SYSTEM},
                {
                    "role": "user",
                    "content": json.dumps({"rubric": criteria, "transcript": transcript}),
                },
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "name": "evaluation",
                    "strict": True,
                    "schema": JudgeOutput.model_json_schema(),
                },
            },
        }

    async def judge(self, turns: Sequence[Turn], rubric: Rubric) -> list[CriterionResult]:
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as http:
                response = await http.post(
                    f"{self.base_url}/chat/completions",
                    json=self._request(turns, rubric),
                    headers=headers,
                )
        except httpx.TimeoutException as exc:
            raise JudgeError(f"judge timed out after {self._timeout:g}s", retryable=True) from exc
        except httpx.HTTPError as exc:
            raise JudgeError(f"judge unreachable: {type(exc).__name__}", retryable=True) from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise JudgeError(f"judge answered HTTP {response.status_code}", retryable=True)
        if response.status_code != 200:
            raise JudgeError(
                f"judge rejected the request: HTTP {response.status_code}", retryable=False
            )
        try:
            content = response.json()["choices"][0]["message"]["content"]
            output = JudgeOutput.model_validate_json(content)
        except (KeyError, IndexError, TypeError, ValueError, ValidationError) as exc:
            raise JudgeError(
                f"judge returned invalid output: {type(exc).__name__}", retryable=True
            ) from exc
        return self._validated(output, turns, rubric)

    @staticmethod
    def _validated(
        output: JudgeOutput, turns: Sequence[Turn], rubric: Rubric
    ) -> list[CriterionResult]:
        by_seq = {t.seq: t for t in turns}
        judged = {c.id: c for c in output.criteria}
        if set(judged) != {c.id for c in rubric.criteria}:
            raise JudgeError("judge's criteria do not match the rubric", retryable=True)
        results = []
        for criterion in rubric.criteria:
            item = judged[criterion.id]
            evidence = []
            for ev in item.evidence:
                turn = by_seq.get(ev.seq)
                if turn is None:
                    raise JudgeError(
                        f"judge cited turn {ev.seq}, which does not exist", retryable=True
                    )
                if ev.quote.strip() not in turn.text:
                    raise JudgeError(
                        f"judge's quote for turn {ev.seq} is not in that turn", retryable=True
                    )
                evidence.append(Evidence(seq=ev.seq, quote=turn.text))
            results.append(
                CriterionResult(
                    id=criterion.id,
                    title=criterion.title,
                    weight=criterion.weight,
                    rating=item.rating,
                    score=RATING_SCORE[item.rating],
                    evidence=evidence,
                    feedback=item.feedback,
                )
            )
        return results

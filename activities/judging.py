"""The LLM judge as a caller uses it: the pure request and validation of evaluation/judge.py
over the shared chat-completions client (core/llm.py). One call, no retries here: the
evaluate_session activity's policy retries, and combine.py falls back to the rubric."""

from __future__ import annotations

from collections.abc import Sequence

from core.contracts.conversation import Turn
from core.llm import ChatClient, LLMError
from core.scenarios.schema import RubricDef
from evaluation.judge import JudgeError, Judgment, judge_request, read_judgment


class LLMJudge:
    def __init__(self, *, base_url: str, model: str, api_key: str | None, timeout: float) -> None:
        self._client = ChatClient(base_url=base_url, model=model, api_key=api_key, timeout=timeout)

    @property
    def model(self) -> str:
        return self._client.model

    @property
    def name(self) -> str:
        return f"llm-judge:{self.model}"

    async def judge(self, turns: Sequence[Turn], rubric: RubricDef) -> Judgment:
        try:
            content = await self._client.complete(judge_request(turns, rubric))
        except LLMError as exc:
            raise JudgeError(f"judge {exc.reason}", retryable=exc.retryable) from exc
        return read_judgment(content, turns, rubric, name=self.name)

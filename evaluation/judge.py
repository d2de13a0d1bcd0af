"""The optional LLM judge, pure: the chat-completions request it is asked with (the rubric's
criteria, the red flag definitions incl. the crisis ones, the transcript, a JSON-schema output
format) and the validation of its answer. Criterion ids must match the rubric, flags must be
known ones, and every evidence item or flag must cite a real trainee turn with a quote taken
from it, or the judgment is rejected. The HTTP call is the shared client's (core/llm.py), made
by activities/judging.py; combine.py decides what a judgment or its failure means."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.contracts.conversation import Turn
from core.contracts.evaluation import CriterionResult, EvaluatorInfo, Evidence, RedFlag
from core.scenarios.schema import RubricDef
from evaluation.crisis import CRISIS_FLAGS
from evaluation.criteria import RATING_SCORE
from evaluation.redflags import flag_definitions

JUDGE_VERSION = "3"


@dataclass(frozen=True)
class Judgment:
    """An LLM judge's criteria and red flags, validated against the transcript and rubric."""

    criteria: list[CriterionResult]
    red_flags: list[RedFlag]
    evaluator: EvaluatorInfo


@dataclass(frozen=True)
class _FlagDef:
    id: str
    title: str
    why: str
    critical: bool
    better: str | None = None


def known_flags(rubric: RubricDef) -> dict[str, _FlagDef]:
    """The red flags a judge may report: the rubric's (built-ins plus its own) and the crisis ones."""
    known = {f.id: _FlagDef(f.id, f.title, f.why, f.critical) for f in flag_definitions(rubric)}
    for c in CRISIS_FLAGS:
        known[c.id] = _FlagDef(c.id, c.title, c.why, True, c.better)
    return known


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
    better_alternative: str | None = None


class _JudgedFlag(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    seq: int
    quote: str = Field(min_length=1)


class JudgeOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    criteria: list[_JudgedCriterion]
    red_flags: list[_JudgedFlag] = []


_SYSTEM = (
    "You are an experienced clinical supervisor scoring a counseling trainee's role-play "
    "transcript against a rubric. For each criterion rate met, partly or not_met, cite evidence "
    "as turn seq numbers with exact quotes copied from the trainee's turns, and give one short, "
    "specific feedback sentence (what was done, what would have been better); for a criterion not "
    "met, give a better_alternative: what the trainee could have said, at which turn. Read the "
    "conversation, not phrases: a question asked negated or leading ('you're not ..., are you?') "
    "does not count, repeating the client's words is not a reflection, and the client's reaction "
    "(opening up or withdrawing) is evidence. Report every red flag from the list that occurs, "
    "with the trainee turn's seq and an exact quote. Reply with JSON only."
)


def judge_request(turns: Sequence[Turn], rubric: RubricDef) -> dict[str, Any]:
    """The chat-completions body (the client adds the model)."""
    criteria = [
        {"id": c.id, "title": c.title, "description": c.description, "evidence": c.evidence}
        for c in rubric.criteria
    ]
    flags = [
        {"id": f.id, "title": f.title, "why": f.why, "critical": f.critical}
        for f in known_flags(rubric).values()
    ]
    transcript = [{"seq": t.seq, "speaker": t.speaker, "text": t.text} for t in turns]
    return {
        "temperature": 0,
        "messages": [
            {"role": "system", "content": _SYSTEM},
            {
                "role": "user",
                "content": json.dumps(
                    {"rubric": criteria, "red_flags": flags, "transcript": transcript}
                ),
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


def read_judgment(content: str, turns: Sequence[Turn], rubric: RubricDef, *, name: str) -> Judgment:
    """The judge's answer, parsed against the schema and checked against the transcript."""
    try:
        output = JudgeOutput.model_validate_json(content)
    except (ValueError, ValidationError) as exc:
        raise JudgeError(
            f"judge returned invalid output: {type(exc).__name__}", retryable=True
        ) from exc
    by_seq = {t.seq: t for t in turns}
    judged = {c.id: c for c in output.criteria}
    if set(judged) != {c.id for c in rubric.criteria}:
        raise JudgeError("judge's criteria do not match the rubric", retryable=True)

    def cited(seq: int, quote: str) -> Turn:
        turn = by_seq.get(seq)
        if turn is None:
            raise JudgeError(f"judge cited turn {seq}, which does not exist", retryable=True)
        if quote.strip() not in turn.text:
            raise JudgeError(f"judge's quote for turn {seq} is not in that turn", retryable=True)
        return turn

    results = []
    for criterion in rubric.criteria:
        item = judged[criterion.id]
        evidence = [
            Evidence(seq=ev.seq, quote=cited(ev.seq, ev.quote).text) for ev in item.evidence
        ]
        results.append(
            CriterionResult(
                id=criterion.id,
                title=criterion.title,
                weight=criterion.weight,
                rating=item.rating,
                score=RATING_SCORE[item.rating],
                evidence=evidence,
                feedback=item.feedback,
                better_alternative=item.better_alternative if item.rating != "met" else None,
            )
        )
    known = known_flags(rubric)
    flags = []
    for flag in output.red_flags:
        definition = known.get(flag.id)
        if definition is None:
            raise JudgeError(f"judge reported an unknown red flag {flag.id!r}", retryable=True)
        if cited(flag.seq, flag.quote).speaker != "trainee":
            raise JudgeError(f"judge flagged turn {flag.seq}, a client turn", retryable=True)
        flags.append(
            RedFlag(
                id=definition.id,
                title=definition.title,
                critical=definition.critical,
                seq=flag.seq,
                quote=flag.quote.strip(),
                why=definition.why,
                better_alternative=definition.better,
            )
        )
    return Judgment(results, flags, EvaluatorInfo(name=name, version=JUDGE_VERSION))

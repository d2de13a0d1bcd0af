"""Counseling skill metrics over a whole transcript (see docs/evaluation.md for definitions)."""

from __future__ import annotations

from collections.abc import Sequence

from core.contracts.conversation import Turn
from core.contracts.evaluation import SkillMetrics
from evaluation.skills import Skills, detect


def _words(text: str) -> int:
    return len(text.split())


def skills_by_turn(turns: Sequence[Turn]) -> dict[int, Skills]:
    return {t.seq: detect(t.text) for t in turns if t.speaker == "trainee"}


def compute_metrics(
    turns: Sequence[Turn], by_turn: dict[int, Skills] | None = None
) -> SkillMetrics:
    ordered = sorted(turns, key=lambda t: t.seq)
    by_turn = by_turn if by_turn is not None else skills_by_turn(ordered)
    trainee = [t for t in ordered if t.speaker == "trainee"]
    client = [t for t in ordered if t.speaker == "client"]

    # Advice counts only when neither this turn nor the trainee's previous one asked permission.
    advice_unasked = 0
    previous_permission = False
    for turn in trainee:
        skills = by_turn[turn.seq]
        if skills.advice and not (skills.permission_asks or previous_permission):
            advice_unasked += skills.advice
        previous_permission = skills.permission_asks > 0

    trainee_words = sum(_words(t.text) for t in trainee)
    total_words = trainee_words + sum(_words(t.text) for t in client)

    longest = run = 0
    for turn in ordered:
        run = run + _words(turn.text) if turn.speaker == "trainee" else 0
        longest = max(longest, run)

    per_minute: float | None = None
    if ordered:
        seconds = (
            max(t.ended_at for t in ordered) - min(t.started_at for t in ordered)
        ).total_seconds()
        if seconds >= 1:
            per_minute = round(len(ordered) / (seconds / 60), 2)

    total = Skills(
        open_questions=sum(s.open_questions for s in by_turn.values()),
        closed_questions=sum(s.closed_questions for s in by_turn.values()),
        reflections=sum(s.reflections for s in by_turn.values()),
        complex_reflections=sum(s.complex_reflections for s in by_turn.values()),
        affirmations=sum(s.affirmations for s in by_turn.values()),
        summaries=sum(s.summaries for s in by_turn.values()),
    )
    return SkillMetrics(
        trainee_turns=len(trainee),
        client_turns=len(client),
        questions=total.questions,
        open_questions=total.open_questions,
        closed_questions=total.closed_questions,
        reflections=total.reflections,
        complex_reflections=total.complex_reflections,
        affirmations=total.affirmations,
        summaries=total.summaries,
        advice_without_permission=advice_unasked,
        trainee_talk_share=round(trainee_words / total_words, 3) if total_words else 0.0,
        longest_trainee_monologue_words=longest,
        turns_per_minute=per_minute,
        reflection_to_question_ratio=round(total.reflections / total.questions, 2)
        if total.questions
        else None,
    )

"""A readable text report of an evaluation (used by `demo` and `practice`)."""

from __future__ import annotations

from core.contracts.evaluation import Evaluation

_MARK = {"met": "[met]   ", "partly": "[partly]", "not_met": "[missed]"}


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_report(evaluation: Evaluation, *, title: str | None = None) -> str:
    e = evaluation
    m = e.metrics
    verdict = "PASSED" if e.passed else "NOT YET PASSED"
    lines = [
        f"Evaluation{f' - {title}' if title else ''}",
        f"Overall {e.overall_score:.0f}/100 (pass mark {e.pass_mark:.0f}) - {verdict}",
        f"Evaluator {e.evaluator.name} {e.evaluator.version}"
        + (f" (fallback: {e.evaluator.reason})" if e.evaluator.fallback else ""),
    ]
    if e.needs_review:
        lines.append("Needs human review: " + "; ".join(e.review_reasons))
    if e.red_flags:
        lines += ["", "Red flags"]
        for f in e.red_flags:
            lines.append(
                f"  {'[CRITICAL]' if f.critical else '[flag]    '} {f.title} - turn {f.seq}"
            )
            lines.append(f'           "{_short(f.quote)}"')
            lines.append(f"           {f.why}")
    lines += ["", "Criteria"]
    for c in e.criteria:
        lines.append(f"  {_MARK[c.rating]} {c.title} (weight {c.weight:g}) - {c.score:.0f}")
        lines.append(f"           {c.feedback}")
        for ev in c.evidence[:2]:
            lines.append(f'           turn {ev.seq}: "{_short(ev.quote)}"')
        if c.better_alternative:
            lines.append(f"           Better: {c.better_alternative}")
    ratio = (
        "n/a" if m.reflection_to_question_ratio is None else f"{m.reflection_to_question_ratio:.2f}"
    )
    lines += [
        "",
        "Skills",
        f"  questions {m.questions} (open {m.open_questions}, closed {m.closed_questions}); "
        f"reflections {m.reflections} (complex {m.complex_reflections}); reflections per question {ratio}",
        f"  affirmations {m.affirmations}; summaries {m.summaries}; advice without permission "
        f"{m.advice_without_permission}",
        f"  your share of the talking {m.trainee_talk_share:.0%}; longest monologue "
        f"{m.longest_trainee_monologue_words} words; turns {m.trainee_turns} yours / {m.client_turns} client",
    ]
    if m.client_engagement is not None:
        trend = m.client_engagement_trend or 0.0
        lines.append(
            f"  client engagement {m.client_engagement:.0%} "
            f"({'opening up' if trend > 0.1 else 'withdrawing' if trend < -0.1 else 'steady'} "
            f"over the session)"
        )
    return "\n".join(lines)

"""`voicetrain calibrate DIR`: score every labelled transcript file in DIR with the configured
evaluator and measure agreement with the expert labels; non-zero exit below the thresholds or
when a harmful or gaming transcript passes."""

from __future__ import annotations

import sys
from pathlib import Path

from activities.judging import LLMJudge
from core.errors import ScenarioError
from core.scenarios.library import load_library
from evaluation.calibration import SEPARATION, Agreement, Scored, agreement, by_split
from evaluation.labelled import TranscriptFileError, load_transcript_file
from voicetrain.evaluate_file import scenario_for, score_transcript


def _threshold(value: float) -> float:
    """Accept 0.95 or 95."""
    return value / 100 if value > 1 else value


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def transcript_paths(directory: Path, *, recursive: bool = False) -> list[Path]:
    pattern = "**/*.y*ml" if recursive else "*.y*ml"
    return sorted(p for p in directory.glob(pattern) if p.suffix in (".yaml", ".yml"))


async def score_directory(
    directory: Path, judge: LLMJudge | None, *, recursive: bool = False
) -> list[Scored]:
    library = load_library()
    scored = []
    for path in transcript_paths(directory, recursive=recursive):
        transcript = load_transcript_file(path)
        scenario = scenario_for(path, transcript, library)
        evaluation = await score_transcript(path, transcript, scenario, judge)
        name = str(path.relative_to(directory).with_suffix(""))
        scored.append(Scored(name, transcript, evaluation))
    return scored


def render_figures(result: Agreement) -> list[str]:
    kappa = "n/a" if result.criterion_kappa is None else f"{result.criterion_kappa:.2f}"
    lines = [
        f"files: {result.files}",
        f"ranking accuracy (pairs {SEPARATION:g}+ points apart): {_pct(result.ranking)}"
        f" ({result.pairs_right}/{result.pairs})",
        f"pass/fail agreement: {_pct(result.pass_agreement)}"
        f" ({result.pass_agree}/{result.pass_labelled})",
        f"per-criterion agreement: {_pct(result.criterion_agreement)}"
        f" ({result.criteria_agree}/{result.criteria_labelled}), weighted kappa {kappa}"
        " (anchors: expert-expert 0.58-0.60, counsellor codes 0.69)",
        f"mean absolute error: {'n/a' if result.mae is None else f'{result.mae:g} points'}",
        "harmful/gaming files that passed: " + (", ".join(result.bad_passes) or "none"),
        "harmful acts whose red flag was not raised: "
        + (
            "; ".join(f"{name} ({', '.join(acts)})" for name, acts in result.acts_missed.items())
            or "none"
        ),
    ]
    return lines


def render_agreement(scored: list[Scored], result: Agreement) -> str:
    lines = [
        f"{'file':32} {'kind':10} {'split':6} {'expert':>7} {'score':>6}  pass (expert/evaluator)"
    ]
    for s in scored:
        expert = "-" if s.labels.expert_score is None else f"{s.labels.expert_score:g}"
        labelled = (
            "-" if s.labels.expert_passed is None else ("yes" if s.labels.expert_passed else "no")
        )
        lines.append(
            f"{s.name:32} {s.labels.kind or '-':10} {s.labels.split or '-':6} {expert:>7} {s.evaluation.overall_score:6.1f}"
            f"  {labelled}/{'yes' if s.evaluation.passed else 'no'}"
            + ("  [red flags: " + ", ".join(sorted({f.id for f in s.evaluation.red_flags})) + "]"
               if s.evaluation.red_flags else "")
        )  # fmt: skip
    lines += ["", *render_figures(result)]
    if result.misranked:
        lines.append("misranked (expert higher, evaluator not): " + ", ".join(
            f"{hi} > {lo}" for hi, lo in result.misranked))  # fmt: skip
    if result.pass_disagreements:
        lines.append("pass/fail disagreements: " + ", ".join(result.pass_disagreements))
    if result.criterion_misses:
        lines.append("criteria rated differently (above the expert / below):")
        lines += [
            f"  {cid:32} {over} / {under}" for cid, (over, under) in result.criterion_misses.items()
        ]
    splits = by_split(scored)
    if set(splits) != {"unsplit"}:
        for name, figures in splits.items():
            title = {"tune": "tuned on", "report": "never tuned on", "unsplit": "no split"}[name]
            lines += ["", f"split {name} ({title}):", *("  " + x for x in render_figures(figures))]
    return "\n".join(lines)


async def run_calibrate(
    directory: Path,
    *,
    min_pass_agreement: float,
    min_ranking: float,
    judge: LLMJudge | None,
    recursive: bool = False,
) -> int:
    if not directory.is_dir():
        print(f"{directory}: not a directory", file=sys.stderr)
        return 2
    try:
        scored = await score_directory(directory, judge, recursive=recursive)
    except (TranscriptFileError, ScenarioError) as exc:
        print(exc, file=sys.stderr)
        return 2
    if not scored:
        print(f"{directory}: no transcript files (*.yaml)", file=sys.stderr)
        return 2
    result = agreement(scored)
    print(render_agreement(scored, result))
    failures = []
    if result.ranking is not None and result.ranking < _threshold(min_ranking):
        failures.append(f"ranking {_pct(result.ranking)} < {_pct(_threshold(min_ranking))}")
    if result.pass_agreement is not None and result.pass_agreement < _threshold(min_pass_agreement):
        failures.append(
            f"pass/fail agreement {_pct(result.pass_agreement)} < "
            f"{_pct(_threshold(min_pass_agreement))}"
        )
    if result.bad_passes:
        failures.append(f"{len(result.bad_passes)} harmful/gaming file(s) passed")
    if result.acts_missed:
        failures.append(f"{len(result.acts_missed)} harmful file(s) missing the red flag of an act")
    if failures:
        print("\nBELOW THRESHOLD: " + "; ".join(failures))
        return 1
    print("\nwithin thresholds")
    return 0

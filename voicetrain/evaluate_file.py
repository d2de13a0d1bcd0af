"""`voicetrain evaluate FILE.yaml [--json]`: score one transcript file with the scenario library's
rubric (and the LLM judge when one is configured) and print the report or the evaluation JSON."""

from __future__ import annotations

import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

from activities.judging import LLMJudge
from core.contracts.evaluation import Evaluation
from core.errors import ScenarioError
from core.scenarios.library import content_hash, load_library
from core.scenarios.schema import ScenarioDoc
from evaluation.combine import combine
from evaluation.crisis import crisis_profile
from evaluation.judge import JudgeError
from evaluation.labelled import TranscriptFile, TranscriptFileError, load_transcript_file
from voicetrain.report import render_report


class UnknownScenario(TranscriptFileError):
    pass


def scenario_for(path: Path, transcript: TranscriptFile, library: list[ScenarioDoc]) -> ScenarioDoc:
    by_slug = {s.slug: s for s in library}
    if transcript.scenario not in by_slug:
        raise UnknownScenario(
            f"{path}: field 'scenario': unknown scenario {transcript.scenario!r} "
            f"(known: {', '.join(sorted(by_slug))})"
        )
    return by_slug[transcript.scenario]


async def score_transcript(
    path: Path, transcript: TranscriptFile, scenario: ScenarioDoc, judge: LLMJudge | None
) -> Evaluation:
    """A file is not a stored session: its ids are derived from the file path and the scenario's
    content, and `scenario.version` is 0 (the library file, not an imported version)."""
    turns = transcript.as_turns()
    judgment, reason = None, None
    if judge is not None:
        try:
            judgment = await judge.judge(turns, scenario.rubric)
        except JudgeError as exc:
            reason = exc.reason
    return combine(
        session_id=uuid.uuid5(uuid.NAMESPACE_URL, f"voicetrain:file:{path.resolve()}"),
        turns=turns,
        rubric=scenario.rubric,
        scenario_id=uuid.uuid5(uuid.NAMESPACE_URL, f"voicetrain:scenario:{content_hash(scenario)}"),
        scenario_version=0,
        created_at=datetime.now(UTC),
        client_name=scenario.persona.name,
        crisis_profile=crisis_profile(scenario.model_dump()),
        judgment=judgment,
        judge_failure=reason,
        facts=scenario.persona.facts,
    )


async def run_evaluate(path: Path, *, as_json: bool, judge: LLMJudge | None) -> int:
    try:
        library = load_library()
        transcript = load_transcript_file(path)
        scenario = scenario_for(path, transcript, library)
    except (TranscriptFileError, ScenarioError) as exc:
        print(exc, file=sys.stderr)
        return 2
    evaluation = await score_transcript(path, transcript, scenario, judge)
    if as_json:
        print(evaluation.model_dump_json(indent=2))
    else:
        print(render_report(evaluation, title=scenario.title))
    return 0

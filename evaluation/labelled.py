"""Transcript files for `voicetrain evaluate` and `voicetrain calibrate`: YAML with `scenario` (a
slug) and `turns` as `[speaker, text]` pairs; optional expert labels `expert_score` (0-100),
`expert_passed`, `criteria` (id -> met|partly|not_met), `kind` (exemplary, good, borderline,
weak, harmful, gaming), `split` (`tune`: thresholds may be fitted on it; `report`: never tuned on,
the figures that count) and, for harmful files, `harmful_acts` (the red flag ids the
attempt must raise). Errors name the file and the field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.contracts.base import Rating, Speaker
from core.contracts.conversation import Turn

Kind = Literal["exemplary", "good", "borderline", "weak", "harmful", "gaming"]
Split = Literal["tune", "report"]
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class TranscriptFileError(Exception):
    pass


class Labels(BaseModel):
    """A supervisor's reading of one attempt: what calibration compares the evaluator with (a
    transcript file's labels, or a label given in the console to a stored session)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    kind: Kind | None = None
    expert_score: float | None = Field(None, ge=0, le=100)
    expert_passed: bool | None = None
    criteria: dict[str, Rating] = {}
    split: Split | None = None
    harmful_acts: list[str] = []


class TranscriptFile(Labels):
    scenario: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{2,80}$")
    turns: list[tuple[Speaker, str]] = Field(min_length=2)
    note: str | None = Field(None, alias="notes")

    @field_validator("turns")
    @classmethod
    def _texts(cls, turns: list[tuple[Speaker, str]]) -> list[tuple[Speaker, str]]:
        for i, (_, text) in enumerate(turns):
            if not text.strip():
                raise ValueError(f"turn {i} has no text")
        return turns

    def as_turns(self) -> list[Turn]:
        return [
            Turn(
                seq=i,
                speaker=speaker,
                text=text,
                started_at=T0 + timedelta(seconds=20 * i),
                ended_at=T0 + timedelta(seconds=20 * i + 15),
            )
            for i, (speaker, text) in enumerate(self.turns)
        ]


def load_transcript_file(path: Path) -> TranscriptFile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TranscriptFileError(f"{path}: cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise TranscriptFileError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise TranscriptFileError(f"{path}: field '(document)': expected a mapping")
    try:
        return TranscriptFile.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "(document)"
            lines.append(f"{path}: field '{where}': {err['msg']}")
        raise TranscriptFileError("\n".join(lines)) from exc

"""Reading a scenario document (YAML or JSON text, or an already parsed mapping) into a
`ScenarioDoc`, with errors that name the file and the field path ("rubric.criteria.1.weight")."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from core.errors import ScenarioError
from core.scenarios.schema import PersonaDef, PersonaFact, ScenarioDoc


def _format_error(source: str, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(document)"
        lines.append(f"{source}: field '{where}': {err['msg']}")
    return "\n".join(lines)


def parse_mapping(raw: Any, source: str = "(scenario)") -> ScenarioDoc:
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"{source}: field '(document)': expected a mapping at the top level")
    try:
        return ScenarioDoc.model_validate(dict(raw))
    except ValidationError as exc:
        raise ScenarioError(_format_error(source, exc)) from exc


def parse_text(text: str, source: str = "(scenario)") -> ScenarioDoc:
    """YAML (a superset of JSON) or JSON text."""
    try:
        raw = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise ScenarioError(f"{source}: not valid YAML: {exc}") from exc
    return parse_mapping(raw, source)


def parse_file(path: Path) -> ScenarioDoc:
    return parse_text(path.read_text(encoding="utf-8"), str(path))


def stored_facts(definition: Mapping[str, Any]) -> list[PersonaFact]:
    """The persona facts of a stored scenario's `definition` (empty for one that has none)."""
    persona = definition.get("persona") or {}
    return PersonaDef.model_validate(persona).facts if "facts" in persona else []

"""The scenario library. `schema` is the scenario format (format 2: plain-language criteria
with example utterances, persona facts); `legacy` is the cue form being migrated away, re-exported
here until its last user moves to `schema` (issue 27/26)."""

from core.scenarios.legacy import (
    DEFAULT_LIBRARY,
    SKILL_NAMES,
    Aspect,
    CriterionDef,
    RedFlagDef,
    Rubric,
    ScenarioDef,
    Script,
    ScriptRule,
    SkillName,
    import_scenarios,
    load_library,
    load_scenario_file,
)

__all__ = [
    "DEFAULT_LIBRARY",
    "SKILL_NAMES",
    "Aspect",
    "CriterionDef",
    "RedFlagDef",
    "Rubric",
    "ScenarioDef",
    "Script",
    "ScriptRule",
    "SkillName",
    "import_scenarios",
    "load_library",
    "load_scenario_file",
]

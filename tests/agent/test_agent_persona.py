"""The agent's persona without a session: the scripted persona's facts and fallbacks, and the
model each setting picks (scripted offline, inference, or the persona engine)."""

from __future__ import annotations

import uuid
from pathlib import Path

from core.contracts.base import Speaker
from core.scenarios.prompt import persona_prompt
from core.scenarios.prompt import persona_prompt as build_prompt
from persona.client import reply as client_reply
from tests.agent_helpers import LIBRARY


def test_the_offline_client_plays_the_scenario_facts() -> None:
    maya = LIBRARY["anxious-college-student"].persona
    said: list[tuple[Speaker, str]] = [("client", maya.opening_line)]

    def say(line: str) -> str:
        said.append(("trainee", line))
        text = client_reply(maya, said).text
        said.append(("client", text))
        return text

    say("Hi Maya, welcome, and thanks for coming in.")
    # a turn that reaches no fact tells nothing new
    assert (
        client_reply(
            maya, [*said, ("trainee", "The weather turned cold this week.")]
        ).disclosed_fact_ids
        == ()
    )
    coping = say("What has helped you cope with stress before?")
    assert coping not in [t for s, t in said[:-1] if s == "client"]


def test_models_come_from_settings(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from agent.persona import PersonaLLM, ScriptedLLM
    from agent.server import model_for
    from core.contracts.conversation import AgentBriefing
    from core.settings import load_settings
    from persona.engine import ChatEngine

    scenario = LIBRARY["parent-acute-grief"]
    briefing = AgentBriefing(
        session_id=uuid.uuid4(),
        scenario_title=scenario.title,
        persona_prompt=persona_prompt(scenario.persona),
        opening_line=scenario.persona.opening_line,
        deadline=datetime.now(UTC),
        max_turns=10,
        offline_script=scenario.persona.model_dump(mode="json"),
    )
    offline = model_for(load_settings(env="dev", state_dir=tmp_path), briefing)
    assert isinstance(offline, ScriptedLLM)
    inference = model_for(
        load_settings(env="dev", state_dir=tmp_path, agent_llm_model="openai/gpt-4.1-mini"),
        briefing,
    )
    assert inference == "openai/gpt-4.1-mini"
    compatible = model_for(
        load_settings(
            env="dev",
            state_dir=tmp_path,
            llm_base_url="http://127.0.0.1:9/v1",
            llm_model="local-model",
            llm_api_key="sk-x",
        ),
        briefing,
    )
    # the persona engine the text modality's activity uses, with the scenario's prompt
    assert isinstance(compatible, PersonaLLM)
    assert isinstance(compatible.engine, ChatEngine)
    assert compatible.engine.persona_prompt == build_prompt(scenario.persona)
    assert compatible.model == "local-model"

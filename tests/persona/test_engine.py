"""The listening client behind the engines both modalities use: the offline source a scenario
definition gives, the engine it makes (offline, or an LLM prompted with the same facts and
rules), and the agent's text mode playing it through livekit's AgentSession."""

from __future__ import annotations

from typing import Any

from livekit.agents import Agent, AgentSession, RunResult
from livekit.agents.llm import ChatMessage
from sqlalchemy import select

from agent.persona import ScriptedLLM
from core.contracts.base import Speaker
from core.db.engine import SessionMaker
from core.db.models import Scenario
from core.scenarios.library import content_hash, load_library
from core.scenarios.prompt import persona_prompt
from core.scenarios.schema import ScenarioDoc
from persona.client import reply
from persona.engine import (
    ChatEngine,
    ListeningEngine,
    LLMEndpoint,
    make_engine,
    offline_engine,
    offline_source,
)
from tests.persona.personas import CRISIS, GRIEF

_LLM = LLMEndpoint(base_url="http://127.0.0.1:9/v1", model="persona-1")


def _definition() -> dict[str, Any]:
    """A format-2 scenario as stored (its JSON form)."""
    doc = ScenarioDoc(slug="crisis-line-test", title="Crisis line", persona=CRISIS)
    return doc.model_dump(mode="json")


def test_a_format_2_definition_gives_its_persona_to_the_offline_client() -> None:
    source = offline_source(_definition())
    assert source is not None
    engine = offline_engine(source)
    assert isinstance(engine, ListeningEngine)
    assert engine.persona == CRISIS


def test_the_offline_source_is_the_persona_section() -> None:
    assert offline_source(_definition()) == _definition()["persona"]
    assert offline_source({"slug": "no-persona"}) is None


async def test_the_listening_engine_answers_as_the_client_model() -> None:
    engine = offline_engine(offline_source(_definition()))
    history: list[tuple[Speaker, str]] = [
        ("client", CRISIS.opening_line),
        ("trainee", "What's been going on tonight?"),
    ]
    text = await engine.reply(history)
    assert text == reply(CRISIS, history).text
    assert "divorce" in text


def test_with_an_llm_the_same_facts_and_rules_build_the_prompt() -> None:
    engine = make_engine(
        persona_prompt="stored prose", script=offline_source(_definition()), llm=_LLM
    )
    assert isinstance(engine, ChatEngine)
    prompt = engine.persona_prompt
    assert "stored prose" not in prompt
    for fact in CRISIS.facts:
        assert f"({fact.id})" in prompt
    # the means fact's order, by what the earlier fact is about
    assert "only after you have told (suicidal_thoughts) thoughts of suicide" in prompt
    assert "only once you feel understood" in prompt
    assert CRISIS.ending.closing_line in prompt
    assert CRISIS.ending.cut_short_line in prompt
    assert "like I said" in prompt
    assert "Never agree to a plan the counselor has not proposed" in prompt
    # a legacy scenario keeps its stored prompt
    legacy = make_engine(persona_prompt="stored prose", script=None, llm=_LLM)
    assert isinstance(legacy, ChatEngine)
    assert legacy.persona_prompt == "stored prose"


async def test_the_agents_text_mode_plays_the_listening_client() -> None:
    async with AgentSession[None](llm=ScriptedLLM(GRIEF)) as session:
        await session.start(Agent(instructions="play the client"))
        result: RunResult[None] = await session.run(user_input="Can you tell me what happened?")
        result.expect.next_event().is_message(role="assistant")
        said = [
            item.text_content
            for item in session.history.items
            if isinstance(item, ChatMessage) and item.role == "assistant"
        ]
    assert said == [GRIEF.facts[0].says[0]]


async def test_the_stored_persona_prompt_is_the_prompt_the_llm_plays(
    sessionmaker: SessionMaker,
) -> None:
    """One builder: the `persona_prompt` column the voice agent is briefed with is the prompt
    the text persona sends an LLM, for every built-in scenario, rules of unlocking included."""
    library = load_library()
    async with sessionmaker() as db:  # the rows the import stored for this content
        rows = await db.execute(
            select(Scenario.slug, Scenario.persona_prompt).where(
                Scenario.content_hash.in_([content_hash(doc) for doc in library])
            )
        )
    stored = {row.slug: row.persona_prompt for row in rows}
    assert sorted(stored) == sorted(doc.slug for doc in library)
    for doc in library:
        engine = make_engine(
            persona_prompt=stored[doc.slug],
            script=offline_source(doc.model_dump(mode="json")),
            llm=_LLM,
        )
        assert isinstance(engine, ChatEngine)
        assert engine.persona_prompt == stored[doc.slug] == persona_prompt(doc.persona)
        for fact in doc.persona.facts:
            assert f"({fact.id})" in stored[doc.slug]
        assert "tell it only when the counselor reaches it by" in stored[doc.slug]

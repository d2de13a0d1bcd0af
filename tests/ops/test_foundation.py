"""Settings, migrations, model constraints, the scenario library and its import."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest
import yaml
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from core.db.engine import SessionMaker, make_engine
from core.db.models import Scenario, TrainingSession, TranscriptTurn
from core.errors import ScenarioError
from core.scenarios.library import (
    DEFAULT_LIBRARY,
    import_scenarios,
    load_library,
    load_scenario_file,
)
from core.settings import SettingsError, load_settings
from tests.helpers import T0, make_user, scenario_by_slug
from voicetrain.devstack.postgres import EmbeddedPostgres
from voicetrain.migrate import downgrade, upgrade

STRONG = "s" * 8 + uuid.uuid4().hex + uuid.uuid4().hex


def test_production_settings_fail_fast_naming_each_problem() -> None:
    with pytest.raises(SettingsError) as err:
        load_settings(env="production")
    message = str(err.value)
    for name in (
        "VOICETRAIN_DATABASE_URL",
        "VOICETRAIN_TEMPORAL_ADDRESS",
        "VOICETRAIN_JWT_SECRET",
        "VOICETRAIN_INTERNAL_SERVICE_KEY",
    ):
        assert name in message
    with pytest.raises(SettingsError, match="too weak"):
        load_settings(
            env="production",
            database_url="postgresql://x/y",
            temporal_address="t:7233",
            jwt_secret="changeme",
            internal_service_key=STRONG,
        )
    # the previous service key (rotation) is accepted like the key: it must be as strong
    with pytest.raises(SettingsError, match="INTERNAL_SERVICE_KEY_PREVIOUS is too weak"):
        load_settings(
            env="production",
            database_url="postgresql://x/y",
            temporal_address="t:7233",
            jwt_secret=STRONG,
            internal_service_key=STRONG[::-1],
            internal_service_key_previous="password",
        )
    ok = load_settings(
        env="production",
        database_url="postgresql://x/y",
        temporal_address="t:7233",
        jwt_secret=STRONG,
        internal_service_key=STRONG[::-1],
        internal_service_key_previous=STRONG.upper(),
    )
    assert ok.jwt_algorithms == ["HS256"]
    with pytest.raises(SettingsError, match="LIVEKIT"):
        load_settings(env="dev", livekit_url="wss://x")
    with pytest.raises(SettingsError, match="VOICETRAIN_LIVEKIT_TOKEN_TTL_SECONDS"):
        load_settings(env="dev", livekit_token_ttl_seconds=7200)


def test_dev_secrets_are_generated_once_and_kept(tmp_path: Path) -> None:
    first = load_settings(env="dev", state_dir=tmp_path)
    second = load_settings(env="dev", state_dir=tmp_path)
    assert first.jwt_secret is not None
    assert second.jwt_secret is not None
    assert first.jwt_secret.get_secret_value() == second.jwt_secret.get_secret_value()
    assert len(first.jwt_secret.get_secret_value()) >= 32
    assert (tmp_path / "secrets.json").stat().st_mode & 0o077 == 0


async def test_migrations_go_up_and_down(postgres: EmbeddedPostgres) -> None:
    name = f"mig_{uuid.uuid4().hex[:8]}"
    admin = make_engine(postgres.url, pool_size=1)
    async with admin.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f"CREATE DATABASE {name}"))
    await admin.dispose()
    url = postgres.url.rsplit("/", 1)[0] + f"/{name}"
    tables = {
        "users",
        "scenarios",
        "assignments",
        "training_sessions",
        "transcript_turns",
        "evaluations",
    }

    async def present() -> set[str]:
        engine = make_engine(url, pool_size=1)
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        await engine.dispose()
        return names

    import asyncio

    await asyncio.to_thread(upgrade, url)
    assert tables <= await present()
    await asyncio.to_thread(downgrade, url, "base")
    assert not (tables & await present())
    await asyncio.to_thread(upgrade, url)
    assert tables <= await present()


async def _session_row(sm: SessionMaker) -> uuid.UUID:
    """A session row written directly (no workflow), for schema tests."""
    user = await make_user(sm)
    scenario = await scenario_by_slug(sm, "anxious-college-student")
    sid = uuid.uuid4()
    async with sm() as db:
        db.add(
            TrainingSession(
                id=sid,
                user_id=user.id,
                scenario_id=scenario.id,
                attempt=1,
                room_name=f"r-{sid}",
                workflow_id=f"w-{sid}",
            )
        )
        await db.commit()
    return sid


async def test_duplicate_turn_seq_is_rejected_by_the_schema(sessionmaker: SessionMaker) -> None:
    sid = await _session_row(sessionmaker)
    async with sessionmaker() as db:
        turn = {
            "session_id": sid,
            "seq": 0,
            "speaker": "trainee",
            "text": "hi",
            "started_at": T0,
            "ended_at": T0,
        }
        db.add(TranscriptTurn(**turn))
        await db.commit()
        db.add(TranscriptTurn(**{**turn, "text": "again"}))
        with pytest.raises(IntegrityError):
            await db.commit()


async def test_status_phase_and_speaker_hold_only_their_literal_values(
    sessionmaker: SessionMaker,
) -> None:
    sid = await _session_row(sessionmaker)
    for column in ("status", "phase"):
        async with sessionmaker() as db:
            with pytest.raises(IntegrityError, match=f"ck_training_sessions_{column}"):
                await db.execute(
                    text(f"UPDATE training_sessions SET {column} = 'done' WHERE id = :id"),
                    {"id": sid},
                )
    async with sessionmaker() as db:
        db.add(
            TranscriptTurn(
                session_id=sid, seq=0, speaker="coach", text="hi", started_at=T0, ended_at=T0
            )
        )
        with pytest.raises(IntegrityError, match="ck_transcript_turns_speaker"):
            await db.commit()


def test_invalid_scenario_names_the_file_and_the_field(tmp_path: Path) -> None:
    raw = yaml.safe_load((DEFAULT_LIBRARY / "parent-acute-grief.yaml").read_text())
    raw["rubric"]["criteria"][1]["weight"] = -3
    bad = tmp_path / "broken.yaml"
    bad.write_text(yaml.safe_dump(raw))
    with pytest.raises(ScenarioError) as err:
        load_scenario_file(bad)
    assert str(bad) in str(err.value)
    assert "rubric.criteria.1.weight" in str(err.value)
    del raw["rubric"]
    bad.write_text(yaml.safe_dump(raw))
    with pytest.raises(ScenarioError, match="field 'rubric'"):
        load_scenario_file(bad)
    bad.write_text("slug: [unclosed")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenario_file(bad)


def test_the_library_is_complete() -> None:
    library = load_library()
    assert len(library) >= 4
    for scenario in library:
        assert len(scenario.rubric.criteria) >= 5
        assert scenario.persona.facts
        assert scenario.demo.trainee_lines


async def test_import_is_idempotent_and_versions_changed_content(
    sessionmaker: SessionMaker, tmp_path: Path
) -> None:
    raw = yaml.safe_load((DEFAULT_LIBRARY / "drinking-ambivalence-mi.yaml").read_text())
    raw["slug"] = f"versioned-{uuid.uuid4().hex[:8]}"
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(raw))
    async with sessionmaker() as db:
        first = await import_scenarios(db, load_library(tmp_path))
        again = await import_scenarios(db, load_library(tmp_path))
        await db.commit()
    assert (first[0].version, first[0].created, again[0].version, again[0].created) == (
        1,
        True,
        1,
        False,
    )
    v1 = await scenario_by_slug(sessionmaker, raw["slug"])
    raw["title"] = "A revised title"
    path.write_text(yaml.safe_dump(raw))
    async with sessionmaker() as db:
        changed = await import_scenarios(db, load_library(tmp_path))
        await db.commit()
    assert (changed[0].version, changed[0].created) == (2, True)
    async with sessionmaker() as db:
        old = await db.get(Scenario, v1.id)
    assert old is not None
    assert (old.version, old.title) == (
        1,
        yaml.safe_load((DEFAULT_LIBRARY / "drinking-ambivalence-mi.yaml").read_text())["title"],
    )


def test_cli_validates_the_library() -> None:
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "voicetrain", "scenarios", "validate"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "anxious-college-student" in out.stdout

"""The command line: the agent without LiveKit, practice in the terminal, Temporal env config."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import load_settings
from core.temporal import connect_config
from tests.helpers import dev_env, leftovers


def test_agent_without_livekit_exits_with_a_clear_message(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEKIT_")}
    env["VOICETRAIN_STATE_DIR"] = str(tmp_path)
    out = subprocess.run(
        [sys.executable, "-m", "voicetrain", "agent"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert "LiveKit is not configured" in out.stdout


def test_practice_in_the_terminal(tmp_path: Path, database_url: str) -> None:
    state = tmp_path / "practice"
    env = dev_env(state, VOICETRAIN_DATABASE_URL=database_url)
    typed = (
        "\n".join(
            [
                "Welcome, I'm glad you came. What's been going on?",
                "It sounds like that was really frightening.",
                "What has helped you cope before?",
                "/end",
            ]
        )
        + "\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "voicetrain", "practice", "--scenario", "anxious-college-student"],
        env=env,
        input=typed,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Running, I guess" in out.stdout  # the scripted client answered the coping question
    assert "Overall" in out.stdout
    assert leftovers(state) == []


def test_temporal_connection_follows_the_sdk_env_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", "my-ns.a1b2c.tmprl.cloud:7233")
    monkeypatch.setenv("TEMPORAL_NAMESPACE", "my-ns.a1b2c")
    monkeypatch.setenv("TEMPORAL_API_KEY", "secret-api-key")
    config = connect_config(load_settings(env="dev", state_dir=tmp_path))
    assert config["target_host"] == "my-ns.a1b2c.tmprl.cloud:7233"
    assert config["namespace"] == "my-ns.a1b2c"
    assert config["api_key"] == "secret-api-key"
    assert config["tls"] is True
    ours = connect_config(
        load_settings(
            env="dev", state_dir=tmp_path, temporal_address="t:7233", temporal_namespace="prod"
        )
    )
    assert (ours["target_host"], ours["namespace"]) == ("t:7233", "prod")

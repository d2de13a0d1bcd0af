"""docker-compose.yml and the Dockerfile agree with the CLI and the settings (no Docker engine
here, so the structure is validated, not run)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import yaml

from core.settings import Settings
from voicetrain.cli import _parser

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
OURS = {
    name: svc
    for name, svc in SERVICES.items()
    if str(svc.get("image", "")).startswith("voicetrain")
}


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = _parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _known_env() -> set[str]:
    names = set()
    for name, field in Settings.model_fields.items():
        names.add(f"VOICETRAIN_{name.upper()}")
        alias = field.validation_alias
        for choice in getattr(alias, "choices", []):
            names.add(str(choice))
    return names


def test_every_voicetrain_service_runs_a_real_subcommand() -> None:
    commands = _subcommands()
    assert set(OURS) == {"migrate", "api", "worker", "agent"}
    for name, svc in OURS.items():
        command = svc["command"]
        assert command[0] in commands, name
        commands[command[0]].parse_args(command[1:])  # the arguments parse, too


def test_every_environment_variable_is_a_known_setting() -> None:
    known = _known_env()
    for name, svc in OURS.items():
        env = svc["environment"]
        assert isinstance(env, dict), name
        for var in env:
            assert var in known, f"{name}: {var} is not a setting"


def test_depends_on_names_real_services_with_valid_conditions() -> None:
    for name, svc in SERVICES.items():
        for dep, spec in (svc.get("depends_on") or {}).items():
            assert dep in SERVICES, f"{name} depends on unknown {dep}"
            assert spec["condition"] in {
                "service_started",
                "service_healthy",
                "service_completed_successfully",
            }
            if spec["condition"] == "service_healthy":
                assert "healthcheck" in SERVICES[dep], (
                    f"{dep} has no healthcheck but {name} waits for it"
                )


def test_published_ports_match_the_settings() -> None:
    defaults = Settings.model_fields
    api_port = int(OURS["api"]["environment"]["VOICETRAIN_API_PORT"])
    assert api_port == defaults["api_port"].default
    assert f"{api_port}:{api_port}" in OURS["api"]["ports"]
    ui = defaults["temporal_ui_url"].default.rsplit(":", 1)[1]
    assert f"{ui}:8080" in SERVICES["temporal-ui"]["ports"]
    assert OURS["api"]["environment"]["VOICETRAIN_API_HOST"] == "0.0.0.0"


def test_every_secret_comes_from_env_and_the_example_lists_them() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    referenced = set(re.findall(r"\$\{([A-Z_]+)(?::-[^}]*)?\}", text))
    example = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    }
    assert referenced <= example, referenced - example
    for secret in (
        "VOICETRAIN_JWT_SECRET",
        "VOICETRAIN_INTERNAL_SERVICE_KEY",
        "LIVEKIT_API_SECRET",
        "POSTGRES_PASSWORD",
    ):
        assert "${" + secret + "}" in text
    assert "webhook" in SERVICES["livekit"]["environment"]["LIVEKIT_CONFIG"]
    assert (
        "http://api:8000/v1/livekit/webhook" in SERVICES["livekit"]["environment"]["LIVEKIT_CONFIG"]
    )


def test_dockerfile_runs_the_cli_as_non_root_with_a_healthcheck() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["python", "-m", "voicetrain"]' in dockerfile
    cmd = re.search(r'^CMD \["([a-z]+)"\]', dockerfile, re.MULTILINE)
    assert cmd is not None
    assert cmd.group(1) in _subcommands()
    assert re.search(r"^USER voicetrain$", dockerfile, re.MULTILINE)
    assert "HEALTHCHECK" in dockerfile
    assert dockerfile.count("FROM ") == 2  # multi-stage
    for package in (
        "core",
        "workflows",
        "activities",
        "evaluation",
        "persona",
        "api",
        "agent",
        "worker",
        "voicetrain",
        "scenarios",
        "migrations",
    ):
        assert f"COPY {package} ./{package}" in dockerfile


def _compose_value(value: str) -> str:
    """${VAR:-default} -> default; ${VAR} -> a stand-in value (secrets come from .env)."""
    value = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)
    return re.sub(r"\$\{[A-Z_]+\}", "x" * 40, value)


def test_the_agent_talks_through_the_self_hosted_speech_service() -> None:
    """LiveKit Inference strings exist only on LiveKit Cloud; the compose LiveKit is self-hosted,
    so the agent must get its STT and TTS from the speech service, and its start-up check must
    accept this configuration."""
    from agent.speech import make_stt, make_tts, speech_problems
    from core.settings import load_settings

    env = {k: _compose_value(str(v)) for k, v in OURS["agent"]["environment"].items()}
    assert env["LIVEKIT_URL"] == "ws://livekit:7880"
    fields = {
        name: env[f"VOICETRAIN_{name.upper()}"]
        for name in ("stt_base_url", "stt_model", "tts_base_url", "tts_model", "tts_voice")
    }
    settings = load_settings(
        env="dev",
        livekit_url=env["LIVEKIT_URL"],
        livekit_api_key="k",
        livekit_api_secret=env["LIVEKIT_API_SECRET"],
        **fields,
    )
    assert speech_problems(settings, environ={}) == ([], [])
    from livekit.plugins import openai

    assert isinstance(make_stt(settings), openai.STT)
    assert isinstance(make_tts(settings), openai.TTS)
    # both endpoints are the compose speech service, an OpenAI-compatible speech server
    for url in (settings.stt_base_url, settings.tts_base_url):
        assert url == "http://speech:8000/v1"
    assert SERVICES["speech"]["image"].startswith("ghcr.io/speaches-ai/speaches:")
    assert not SERVICES["speech"]["image"].endswith(":latest")
    # the models the agent asks for are the ones pulled before it starts
    pull = " ".join(SERVICES["speech-models"]["command"])
    assert f"/v1/models/{settings.stt_model}" in _compose_value(pull)
    assert f"/v1/models/{settings.tts_model}" in _compose_value(pull)
    deps = OURS["agent"]["depends_on"]
    assert deps["speech-models"]["condition"] == "service_completed_successfully"
    assert "speech-models" in COMPOSE["volumes"]


def test_gpl_offline_speech_stays_out_of_the_runtime_image() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = " ".join(project["dependencies"])
    dockerfile = (ROOT / "Dockerfile").read_text()
    uninstall = dockerfile.split("pip uninstall -y", 1)[1].split("\n\n", 1)[0]
    lock = (ROOT / "requirements.lock").read_text()
    for package in ("pocketsphinx", "espeakng-loader"):
        assert package not in runtime
        assert any(package in dep for dep in project["optional-dependencies"]["dev"])
        assert re.search(rf"^{package}==", lock, re.MULTILINE), f"{package} is not pinned"
        assert package in uninstall.split(), f"the image keeps {package}"

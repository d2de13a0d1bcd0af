"""The one settings object. Every process reads its configuration from here."""

from __future__ import annotations

import json
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.contracts.workflow import SessionLimits

MIN_SECRET_LENGTH = 32
_LIMITS = SessionLimits()
_WEAK_SECRETS = {"secret", "changeme", "change-me", "password", "dev", "test", "voicetrain"}


class SettingsError(ValueError):
    """Configuration that must stop start-up."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="VOICETRAIN_", extra="ignore", populate_by_name=True
    )

    env: Literal["dev", "test", "production"] = "dev"
    state_dir: Path = Path(".voicetrain")

    database_url: str | None = None
    database_pool_size: int = Field(10, ge=1, le=200)

    temporal_address: str | None = None
    temporal_namespace: str = "default"
    task_queue: str = "voicetrain"
    temporal_ui_url: str = "http://127.0.0.1:8233"

    # ports of the embedded dev stack (`voicetrain dev`)
    dev_postgres_port: int = Field(54329, ge=1, le=65535)
    dev_temporal_port: int = Field(7233, ge=1, le=65535)
    dev_temporal_ui_port: int = Field(8233, ge=1, le=65535)

    api_host: str = "127.0.0.1"
    api_port: int = Field(8000, ge=1, le=65535)
    api_url: str = "http://127.0.0.1:8000"
    max_body_bytes: int = Field(262_144, ge=1024)
    # A request that cannot get a database connection this fast answers 503 + Retry-After.
    database_pool_timeout_seconds: float = Field(5.0, gt=0, le=60)

    # Admission control: refused early (429/409) rather than slowing every live session.
    # Rates use the `limits` notation ("10/minute", "5 per second").
    session_start_rate: str = "10/minute"  # per user
    session_start_rate_global: str = "20/second"  # per API replica
    max_active_sessions_per_user: int = Field(3, ge=1)
    max_long_polls_per_user: int = Field(5, ge=1)

    internal_service_key: SecretStr | None = None
    # During a rotation the API also accepts bridge credentials derived from the previous key
    # (agents dispatched before the worker got the new one); unset it once those have ended.
    internal_service_key_previous: SecretStr | None = None
    jwt_secret: SecretStr | None = None
    jwt_jwks_url: str | None = None
    jwt_issuer: str = "voicetrain"
    jwt_audience: str = "voicetrain-api"
    jwt_leeway_seconds: int = Field(30, ge=0, le=300)
    # Where the token carries the user's role: a claim name, or a dotted path into nested claims
    # (Keycloak: "realm_access.roles"). A string, or a list of which the most privileged
    # voicetrain role counts (Entra ID app roles: "roles"); other values are ignored.
    jwt_role_claim: str = Field("role", pattern=r"^[A-Za-z0-9_:/.-]+$")
    # Where the token carries the user's organisation (scenarios, teams and visibility are per
    # organisation): a claim name or dotted path (Okta: a custom "org"; Entra ID: "tid"). With
    # the default "org", a token without it belongs to the "default" organisation (one-tenant
    # installs); with any other path configured, a token without a string there is refused.
    jwt_org_claim: str = Field("org", pattern=r"^[A-Za-z0-9_:/.-]+$")

    # The web console signs users in outside dev with OIDC authorization code + PKCE (a public
    # client: no secret in the browser). The IdP's access token must satisfy the JWT settings
    # above (issuer, audience, a `role` claim).
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_scopes: str = "openid profile email"

    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = Field(30.0, gt=0, le=600)

    livekit_url: str | None = Field(
        None, validation_alias=AliasChoices("LIVEKIT_URL", "VOICETRAIN_LIVEKIT_URL")
    )
    livekit_api_key: str | None = Field(
        None, validation_alias=AliasChoices("LIVEKIT_API_KEY", "VOICETRAIN_LIVEKIT_API_KEY")
    )
    livekit_api_secret: SecretStr | None = Field(
        None, validation_alias=AliasChoices("LIVEKIT_API_SECRET", "VOICETRAIN_LIVEKIT_API_SECRET")
    )
    livekit_token_ttl_seconds: int = Field(900, ge=60, le=3600)

    agent_name: str = "voicetrain-client"
    agent_bridge: Literal["temporal", "http"] = "temporal"
    agent_stt_model: str = "deepgram/nova-3"
    agent_llm_model: str | None = None
    agent_tts_model: str = "cartesia/sonic-2"

    # Self-hosted speech: OpenAI-compatible STT/TTS endpoints (speaches, faster-whisper-server,
    # Kokoro-FastAPI, ...), used through livekit-plugins-openai. When a base URL is set it wins
    # over the LiveKit Inference string above, which works only with LiveKit Cloud.
    stt_base_url: str | None = None
    stt_model: str = "Systran/faster-whisper-small"
    stt_language: str = "en"
    stt_api_key: SecretStr | None = None
    tts_base_url: str | None = None
    tts_model: str = "speaches-ai/Kokoro-82M-v1.0-ONNX"
    tts_voice: str = "af_heart"
    tts_api_key: SecretStr | None = None

    # VAD and turn handling of the voice pipeline (see agent/speech.py)
    agent_turn_detection: Literal["vad", "stt"] = "vad"
    agent_endpointing_min_delay: float = Field(0.8, ge=0.0, le=10.0)
    agent_endpointing_max_delay: float = Field(3.0, ge=0.1, le=30.0)
    agent_vad_min_silence: float = Field(0.4, ge=0.05, le=5.0)
    agent_vad_activation_threshold: float = Field(0.5, gt=0.0, lt=1.0)
    agent_allow_interruptions: bool = True

    worker_max_concurrent_activities: int = Field(200, ge=1)
    # Workflow tasks a worker process takes at once. A task's 5 s timeout runs from the moment
    # the worker takes it, so taking more than one Python process can finish in time makes an
    # overloaded worker time its own tasks out and redo them (measured: 200 slots collapsed at
    # 300 sessions, tasks taking 5-37 s); with fewer, the backlog waits on the server instead.
    worker_max_concurrent_workflow_tasks: int = Field(32, ge=1)
    # Worker processes of `voicetrain dev` and of the bench (compose: VOICETRAIN_WORKER_REPLICAS).
    # Unset: worker_process_count().
    worker_processes: int | None = Field(None, ge=1, le=64)

    # The bounds of every session, handed to its workflow by session_limits(); the defaults are
    # SessionLimits' own.
    agent_join_timeout_seconds: float = Field(_LIMITS.agent_join_timeout_seconds, gt=0)
    max_duration_seconds: float = Field(_LIMITS.max_duration_seconds, gt=0)
    max_turns: int = Field(_LIMITS.max_turns, ge=1, le=5000)
    final_turn_wait_seconds: float = Field(_LIMITS.final_turn_wait_seconds, ge=0)
    min_trainee_turns: int = Field(_LIMITS.min_trainee_turns, ge=1)
    persist_batch_max_turns: int = Field(_LIMITS.persist_batch_max_turns, ge=1, le=1000)
    judge_max_attempts: int = Field(_LIMITS.judge_max_attempts, ge=1)
    text_idle_timeout_seconds: float = Field(_LIMITS.text_idle_timeout_seconds, gt=0)
    review_deadline_hours: float = Field(_LIMITS.review_deadline_hours, gt=0)
    review_revision_window_hours: float = Field(_LIMITS.review_revision_window_hours, ge=0)

    def worker_process_count(self) -> int:
        """One worker process per two cores, at least one: a Python worker saturates near 0.8 of a
        core, and the Temporal server beside it spends ~1.5x the worker's CPU on the same
        sessions (docs/performance.md), so on a box that runs both, more workers than that only
        take CPU from the server they wait on."""
        return self.worker_processes or max(1, (os.cpu_count() or 1) // 2)

    def session_limits(self) -> SessionLimits:
        return SessionLimits(**{name: getattr(self, name) for name in SessionLimits.model_fields})

    @property
    def livekit_configured(self) -> bool:
        return bool(self.livekit_url and self.livekit_api_key and self.livekit_api_secret)

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @property
    def jwt_algorithms(self) -> list[str]:
        # Fixed by configuration, never taken from a token header.
        return ["RS256"] if self.jwt_jwks_url else ["HS256"]

    @field_validator("session_start_rate", "session_start_rate_global")
    @classmethod
    def _rate(cls, value: str) -> str:
        from limits import parse

        try:
            parse(value)
        except ValueError as exc:
            raise ValueError(f"not a rate like '10/minute': {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _urls_follow_ports(self) -> Settings:
        # The URLs people are told (banner, demo, links) follow the ports the stack listens on
        # unless set explicitly (behind a proxy they differ).
        if "api_url" not in self.model_fields_set:
            self.api_url = f"http://{self.api_host}:{self.api_port}"
        if "temporal_ui_url" not in self.model_fields_set:
            self.temporal_ui_url = f"http://127.0.0.1:{self.dev_temporal_ui_port}"
        return self

    @model_validator(mode="after")
    def _check(self) -> Settings:
        problems: list[str] = []
        lk = [self.livekit_url, self.livekit_api_key, self.livekit_api_secret]
        if any(lk) and not all(lk):
            problems.append(
                "LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET must be set together"
            )
        if bool(self.llm_base_url) != bool(self.llm_model):
            problems.append("VOICETRAIN_LLM_BASE_URL and VOICETRAIN_LLM_MODEL must be set together")
        if bool(self.oidc_issuer) != bool(self.oidc_client_id):
            problems.append(
                "VOICETRAIN_OIDC_ISSUER and VOICETRAIN_OIDC_CLIENT_ID must be set together"
            )
        if self.agent_endpointing_max_delay < self.agent_endpointing_min_delay:
            problems.append(
                "VOICETRAIN_AGENT_ENDPOINTING_MAX_DELAY must not be below VOICETRAIN_AGENT_ENDPOINTING_MIN_DELAY"
            )
        if self.env != "dev":
            if not self.database_url:
                problems.append("VOICETRAIN_DATABASE_URL is required outside dev")
            if not self.temporal_address:
                problems.append("VOICETRAIN_TEMPORAL_ADDRESS is required outside dev")
            if not self.jwt_jwks_url:
                problems.append(_secret_problem("VOICETRAIN_JWT_SECRET", self.jwt_secret))
            problems.append(
                _secret_problem("VOICETRAIN_INTERNAL_SERVICE_KEY", self.internal_service_key)
            )
            if self.internal_service_key_previous is not None:  # accepted as much as the key
                problems.append(
                    _secret_problem(
                        "VOICETRAIN_INTERNAL_SERVICE_KEY_PREVIOUS",
                        self.internal_service_key_previous,
                    )
                )
        problems = [p for p in problems if p]
        if problems:
            raise SettingsError("invalid voicetrain configuration:\n  - " + "\n  - ".join(problems))
        return self


def _secret_problem(name: str, value: SecretStr | None) -> str:
    if value is None:
        return f"{name} is required outside dev (at least {MIN_SECRET_LENGTH} random characters)"
    raw = value.get_secret_value()
    if len(raw) < MIN_SECRET_LENGTH or raw.lower() in _WEAK_SECRETS or len(set(raw)) < 8:
        return f"{name} is too weak: use at least {MIN_SECRET_LENGTH} random characters"
    return ""


def _dev_state(settings: Settings) -> Settings:
    """In dev, unset secrets are generated once and kept under the state dir, and the
    addresses of a running dev stack are picked up, so every dev process agrees."""
    state = settings.state_dir
    state.mkdir(parents=True, exist_ok=True)
    secrets_file = state / "secrets.json"
    stored: dict[str, str] = {}
    if secrets_file.exists():
        stored = json.loads(secrets_file.read_text())
    changed = False
    for key in ("jwt_secret", "internal_service_key"):
        if key not in stored:
            stored[key] = secrets.token_urlsafe(48)
            changed = True
    if changed:
        secrets_file.write_text(json.dumps(stored, indent=2))
        secrets_file.chmod(0o600)
    update: dict[str, object] = {}
    if settings.jwt_secret is None and not settings.jwt_jwks_url:
        update["jwt_secret"] = SecretStr(stored["jwt_secret"])
    if settings.internal_service_key is None:
        update["internal_service_key"] = SecretStr(stored["internal_service_key"])
    stack_file = state / "stack.json"
    if stack_file.exists():
        stack = json.loads(stack_file.read_text())
        if settings.database_url is None and stack.get("database_url"):
            update["database_url"] = stack["database_url"]
        if settings.temporal_address is None and stack.get("temporal_address"):
            update["temporal_address"] = stack["temporal_address"]
    return settings.model_copy(update=update)


def load_settings(**overrides: object) -> Settings:
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            message = str(err["msg"]).removeprefix("Value error, ")
            if message.startswith("invalid voicetrain configuration"):
                problems.append(message)
            else:
                field = "_".join(str(p) for p in err["loc"]).upper()
                problems.append(f"invalid voicetrain configuration: VOICETRAIN_{field}: {message}")
        raise SettingsError("\n".join(problems)) from None
    if settings.env == "dev":
        settings = _dev_state(settings)
    return settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()

"""Connecting to Temporal: the SDK's env config (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
TEMPORAL_API_KEY, TEMPORAL_TLS_*, or a TOML profile) so Temporal Cloud works unchanged, with our
own VOICETRAIN_TEMPORAL_* settings taking precedence when set. Always the pydantic converter."""

from __future__ import annotations

from typing import Any

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.envconfig import ClientConfigProfile

from core.settings import Settings


def connect_config(settings: Settings) -> dict[str, Any]:
    config: dict[str, Any] = dict(ClientConfigProfile.load().to_client_connect_config())
    if settings.temporal_address:
        config["target_host"] = settings.temporal_address
    config.setdefault("target_host", "127.0.0.1:7233")
    if settings.temporal_namespace != "default" or "namespace" not in config:
        config["namespace"] = settings.temporal_namespace
    return config


async def connect(settings: Settings) -> Client:
    return await Client.connect(**connect_config(settings), data_converter=pydantic_data_converter)

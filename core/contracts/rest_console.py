"""The web console's two small endpoints: its public configuration and dev sign-in."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from core.contracts.base import Contract, LineText, Role


class OidcConfig(Contract):
    issuer: str
    client_id: str
    scopes: str
    role_claim: str = Field(description="where the access token carries the role (a dotted path)")


class ConsoleConfig(Contract):
    env: Literal["dev", "test", "production"]
    dev_sign_in: bool = Field(description="POST /v1/dev/token exists (dev only)")
    oidc: OidcConfig | None = Field(description="where the console signs users in outside dev")
    livekit: bool = Field(description="sessions can be practised by voice")


class DevTokenRequest(Contract):
    user_id: LineText = Field(min_length=1, max_length=200)
    role: Role = "trainee"
    name: LineText | None = Field(None, max_length=200)
    email: LineText | None = Field(None, max_length=320)


class DevToken(Contract):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int

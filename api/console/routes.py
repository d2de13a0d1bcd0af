"""The console's public configuration and, in dev only, a token minting endpoint for its sign-in
page. Outside dev the dev router is not included at all, so its path answers 404."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter

from api.deps import SettingsDep
from api.errors import responses
from core.contracts.rest_console import ConsoleConfig, DevToken, DevTokenRequest, OidcConfig
from core.security import mint_jwt

DEV_TOKEN_TTL = timedelta(hours=12)

config_router = APIRouter(prefix="/v1", tags=["console"])
dev_router = APIRouter(prefix="/v1/dev", tags=["dev"], responses=responses(422))


@config_router.get(
    "/console-config",
    response_model=ConsoleConfig,
    summary="What the web console needs before sign-in (public, no secrets)",
)
async def console_config(settings: SettingsDep) -> ConsoleConfig:
    oidc = None
    if settings.oidc_issuer and settings.oidc_client_id:
        oidc = OidcConfig(
            issuer=settings.oidc_issuer,
            client_id=settings.oidc_client_id,
            scopes=settings.oidc_scopes,
            role_claim=settings.jwt_role_claim,
        )
    return ConsoleConfig(
        env=settings.env,
        dev_sign_in=settings.env == "dev",
        oidc=oidc,
        livekit=settings.livekit_configured,
    )


@dev_router.post(
    "/token",
    response_model=DevToken,
    summary="Dev only: mint a token for any user id and role (absent outside dev)",
)
async def dev_token(body: DevTokenRequest, settings: SettingsDep) -> DevToken:
    token = mint_jwt(
        settings, sub=body.user_id, role=body.role, email=body.email, name=body.name or body.user_id,
        ttl=DEV_TOKEN_TTL,
    )  # fmt: skip
    return DevToken(access_token=token, expires_in=int(DEV_TOKEN_TTL.total_seconds()))

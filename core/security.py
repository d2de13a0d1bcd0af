"""Secrets: the one constant-time comparison, JWT verification and minting, LiveKit tokens."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import jwt
from pydantic import ValidationError

from core.contracts.base import Role
from core.contracts.rest import TokenClaims
from core.settings import Settings

# Most privileged first: a token naming several voicetrain roles (IdP groups) gets the highest.
_ROLES_BY_PRIVILEGE: tuple[Role, ...] = ("admin", "supervisor", "trainee")


def secrets_equal(given: str | bytes | None, expected: str | bytes) -> bool:
    """Every secret comparison in voicetrain goes through here: fixed-length SHA-256 digests
    compared with hmac.compare_digest, so neither content nor length leaks through timing."""
    if given is None:
        given = b""
    a = given.encode() if isinstance(given, str) else given
    b = expected.encode() if isinstance(expected, str) else expected
    return hmac.compare_digest(hashlib.sha256(a).digest(), hashlib.sha256(b).digest()) and bool(b)


def session_bridge_token(service_key: str, session_id: UUID) -> str:
    """The agent's credential for the HTTP bridge: valid for one session only, derived with HMAC
    from the service key, so a leaked agent credential cannot touch any other session and the
    API needs no table of credentials."""
    message = f"voicetrain-bridge:{session_id}".encode()
    return hmac.new(service_key.encode(), message, hashlib.sha256).hexdigest()


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class Principal:
    id: str
    role: Role
    email: str | None
    name: str | None
    org: str = "default"  # the organisation whose scenarios they see and author


_jwks_clients: dict[str, jwt.PyJWKClient] = {}


def _key_for(token: str, settings: Settings) -> Any:
    if settings.jwt_jwks_url:
        client = _jwks_clients.setdefault(
            settings.jwt_jwks_url, jwt.PyJWKClient(settings.jwt_jwks_url)
        )
        return client.get_signing_key_from_jwt(token).key
    assert settings.jwt_secret is not None, (
        "settings validation guarantees a JWT secret or JWKS URL"
    )
    return settings.jwt_secret.get_secret_value()


def verify_jwt(token: str, settings: Settings) -> Principal:
    try:
        claims = jwt.decode(
            token,
            _key_for(token, settings),
            algorithms=settings.jwt_algorithms,  # fixed by config, never read from the token
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            leeway=settings.jwt_leeway_seconds,
            options={"require": ["exp", "iss", "aud", "sub"]},
        )
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise InvalidToken(str(exc)) from exc
    if settings.jwt_role_claim != "role":
        claims = {**claims, "role": _mapped_role(claims, settings.jwt_role_claim)}
    if settings.jwt_org_claim != "org":
        org = _at_path(claims, settings.jwt_org_claim)
        if not isinstance(org, str) or not org:
            raise InvalidToken(f"invalid {settings.jwt_org_claim} claim")
        claims = {**claims, "org": org}
    try:
        user = TokenClaims.model_validate(claims, strict=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidToken(f"invalid {'.'.join(map(str, first['loc']))} claim") from exc
    return Principal(
        id=user.sub, role=user.role, email=user.email, name=user.name, org=user.org or "default"
    )


def _at_path(claims: dict[str, Any], path: str) -> object:
    """The claim at a dotted path ("realm_access.roles"), None where it is missing."""
    value: object = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _mapped_role(claims: dict[str, Any], path: str) -> object:
    """The role at `path` as TokenClaims expects it; a missing or unknown one stays invalid."""
    value = _at_path(claims, path)
    if isinstance(value, list):
        return next((role for role in _ROLES_BY_PRIVILEGE if role in value), None)
    return value


def mint_jwt(
    settings: Settings, *, sub: str, role: Role, email: str | None = None, name: str | None = None,
    ttl: timedelta = timedelta(hours=12), org: str | None = None,
) -> str:  # fmt: skip
    """Dev/test tokens signed with the HS256 secret (production tokens come from your IdP)."""
    if settings.jwt_secret is None:
        raise ValueError("minting needs VOICETRAIN_JWT_SECRET (HS256)")
    now = datetime.now(UTC)
    claims = {
        "sub": sub, "role": role, "email": email, "name": name, "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience, "iat": now, "exp": now + ttl,
    }  # fmt: skip
    if org is not None:
        claims["org"] = org
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")


def livekit_trainee_token(settings: Settings, *, identity: str, name: str | None, room: str) -> str:
    """Least privilege: one room, microphone only, can hear the agent, no data, no admin."""
    from livekit import api

    assert settings.livekit_api_key
    assert settings.livekit_api_secret
    token = (
        api.AccessToken(settings.livekit_api_key, settings.livekit_api_secret.get_secret_value())
        .with_identity(identity)
        .with_name(name or identity)
        .with_ttl(timedelta(seconds=settings.livekit_token_ttl_seconds))
        .with_grants(
            api.VideoGrants(
                room_join=True,
                room=room,
                can_publish=True,
                can_publish_sources=["microphone"],
                can_subscribe=True,
                can_publish_data=False,
            )
        )
    )
    return token.to_jwt()

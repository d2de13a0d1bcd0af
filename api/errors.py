"""One handler renders every error into the contract body {"error": {type, message, retryable}}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.contracts.rest import ErrorBody, ErrorDetail, Problem
from core.errors import VoicetrainError

log = logging.getLogger(__name__)


def error_response(
    status: int,
    type_: str,
    message: str,
    retryable: bool = False,
    headers: dict[str, str] | None = None,
    problems: list[tuple[str, str]] | None = None,
) -> JSONResponse:
    listed = [Problem(path=path, message=why) for path, why in (problems or [])[:MAX_PROBLEMS]]
    detail = ErrorDetail(type=type_, message=message, retryable=retryable, problems=listed)
    body = ErrorBody(error=detail)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


MAX_PROBLEMS = 50  # a body can be wrong in many places; the answer stays small
_HTTP_TYPES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(VoicetrainError)
    async def _ours(_: Request, exc: VoicetrainError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else {}
        if exc.retry_after is not None:
            headers["Retry-After"] = str(exc.retry_after)
        return error_response(
            exc.status_code, exc.type, exc.message, exc.retryable, headers, exc.problems
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors()[:MAX_PROBLEMS]:
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
            problems.append((where, str(err.get("msg", "invalid"))))
        message = "; ".join(f"{where}: {why}" for where, why in problems[:5])
        return error_response(
            422, "invalid_request", message or "invalid request", problems=problems
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(
            exc.status_code, _HTTP_TYPES.get(exc.status_code, "http_error"), str(exc.detail)
        )

    @app.exception_handler(SQLAlchemyTimeoutError)
    async def _pool_exhausted(_: Request, exc: SQLAlchemyTimeoutError) -> JSONResponse:
        # every database connection is busy: transient, so say when to come back (never a 500)
        return error_response(
            503, "unavailable", "the service is busy; try again shortly", retryable=True,
            headers={"Retry-After": "2"},
        )  # fmt: skip

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "an unexpected error occurred", retryable=True)


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI declarations of the error body for a route's error statuses."""
    return {
        code: {"model": ErrorBody, "description": _DESCRIPTIONS.get(code, "error")}
        for code in codes
    }


_DESCRIPTIONS = {
    401: "missing or invalid credentials",
    403: "not allowed for this role or user",
    404: "not found or not visible to you",
    409: "conflict (permanent for this resource)",
    413: "request body too large",
    429: "too many requests: retry after Retry-After seconds",
    422: "invalid request",
    503: "a dependency is unavailable; retry later",
}

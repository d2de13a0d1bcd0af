"""The one OpenAI-compatible chat-completions client (VOICETRAIN_LLM_*), shared by the persona
and the LLM judge. One request per call and no retry loop here: callers' declared policies
retry (the activity's RetryPolicy, the agent's session). Failures are one exception type that
says whether trying again can help."""

from __future__ import annotations

from typing import Any

import httpx


class LLMError(Exception):
    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class ChatClient:
    def __init__(self, *, base_url: str, model: str, api_key: str | None, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._api_key = api_key
        self.timeout = timeout

    async def complete(self, body: dict[str, Any]) -> str:
        """POST `body` (with this client's model) to /chat/completions; the first choice's
        message content, non-empty."""
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as http:
                response = await http.post(
                    f"{self.base_url}/chat/completions",
                    json={**body, "model": self.model},
                    headers=headers,
                )
        except httpx.TimeoutException as exc:
            raise LLMError(f"timed out after {self.timeout:g}s", retryable=True) from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"unreachable: {type(exc).__name__}", retryable=True) from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise LLMError(f"answered HTTP {response.status_code}", retryable=True)
        if response.status_code != 200:
            raise LLMError(f"rejected the request: HTTP {response.status_code}", retryable=False)
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise LLMError(
                f"returned invalid output: {type(exc).__name__}", retryable=True
            ) from exc
        if not isinstance(content, str) or not content.strip():
            raise LLMError("returned an empty reply", retryable=True)
        return content

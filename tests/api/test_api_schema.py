"""Schemathesis over the OpenAPI spec of the real app (served by uvicorn with a real worker, on
its own thread and loop), with valid auth: no 5xx, no response outside the schema."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from core.db.engine import SessionMaker, make_engine, make_sessionmaker
from core.security import mint_jwt
from core.settings import Settings, load_settings
from core.temporal import connect
from tests.api_harness import SERVICE_KEY
from voicetrain.devstack.processes import free_port
from worker.main import build_worker


class ThreadedApi:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ready = threading.Event()
        self.server: uvicorn.Server | None = None
        self.thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _main(self) -> None:
        client = await connect(self.settings)
        engine = make_engine(self.settings.database_url or "", pool_size=5)
        worker = build_worker(client, self.settings, make_sessionmaker(engine))
        app = create_app(self.settings, temporal=client, engine=engine)
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.settings.api_port, log_level="warning")
        )
        async with worker:
            serving = asyncio.create_task(self.server.serve())
            while not self.server.started:
                await asyncio.sleep(0.02)
            self.ready.set()
            await serving
        await engine.dispose()

    def __enter__(self) -> ThreadedApi:
        self.thread.start()
        assert self.ready.wait(60), "the API did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.should_exit = True
        self.thread.join(30)


@pytest.fixture(scope="module")
def api_target(
    temporal_env: WorkflowEnvironment,
    database_url: str,
    sessionmaker: SessionMaker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, str]]:
    port = free_port()
    s = load_settings(
        env="dev",
        state_dir=Path(tmp_path_factory.mktemp("schema")),
        database_url=database_url,
        temporal_address=temporal_env.client.service_client.config.target_host,
        task_queue=f"schema-{uuid.uuid4()}",
        internal_service_key=SERVICE_KEY,
        api_port=port,
        agent_join_timeout_seconds=1,
    )
    with ThreadedApi(s):
        yield {
            "url": f"http://127.0.0.1:{port}",
            "token": mint_jwt(
                s, sub=f"schema-{uuid.uuid4()}", role="admin", email="a@example.org", name="Schema"
            ),
        }


def test_api_never_errors_and_matches_its_schema(api_target: dict[str, str]) -> None:
    # Driven through hypothesis directly: schemathesis' pytest loader does not support pytest 9 yet.
    api_schema = schemathesis.openapi.from_url(f"{api_target['url']}/openapi.json")
    headers = {
        "Authorization": f"Bearer {api_target['token']}",
        # per-session credentials cannot be guessed for generated ids: internal routes answer 401
        "X-Bridge-Token": SERVICE_KEY,
    }
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an invalid operation fails loudly here
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,  # the same cases every run: a failure is reproducible, never luck
        )
        def check(case: Any) -> None:
            case.call_and_validate(
                base_url=api_target["url"],
                headers=headers,
                checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
            )

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert operations >= 15
    assert not failures, "\n\n".join(failures)

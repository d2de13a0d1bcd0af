"""Real parts only: embedded Postgres, the Temporal dev server and the time-skipping server, all
from pip wheels, started here and stopped here."""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from core.db.engine import SessionMaker, make_engine, make_sessionmaker
from core.scenarios.library import import_scenarios, load_library
from core.search_attributes import SEARCH_ATTRIBUTES
from core.settings import load_settings
from tests.api_harness import Api, running_api
from voicetrain.devstack.postgres import EmbeddedPostgres
from voicetrain.devstack.processes import free_port
from voicetrain.devstack.temporal import UNTHROTTLED_DEV_SERVER_ARGS
from voicetrain.migrate import upgrade
from worker.main import build_worker

BIN = Path(sys.executable).parent
_exit_status = 0


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _exit_status
    _exit_status = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    # temporalio's Rust runtime can abort the interpreter during finalization
    # ("PyGILState_Release ... must be current", temporalio/sdk-python#300) after every test
    # has passed; leave with pytest's own verdict instead of that crash.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_exit_status)


@pytest.fixture(scope="session")
def tmp_root() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="voicetrain-tests-") as d:
        yield Path(d)


@pytest.fixture(scope="session")
def postgres(tmp_root: Path) -> Iterator[EmbeddedPostgres]:
    pg = EmbeddedPostgres(tmp_root / "pg", port=free_port(), durable=False)
    pg.start()
    try:
        yield pg
    finally:
        pg.stop()


@pytest.fixture(scope="session")
def database_url(postgres: EmbeddedPostgres) -> str:
    upgrade(postgres.url)
    return postgres.url


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(database_url, pool_size=20)
    yield eng
    await eng.dispose()


@pytest.fixture(scope="session")
async def sessionmaker(engine: AsyncEngine) -> SessionMaker:
    sm = make_sessionmaker(engine)
    async with sm() as db:
        await import_scenarios(db, load_library())
        await db.commit()
    return sm


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"),
        data_converter=pydantic_data_converter,
        search_attributes=list(SEARCH_ATTRIBUTES),
        dev_server_extra_args=list(UNTHROTTLED_DEV_SERVER_ARGS),
    )
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(BIN / "temporal-test-server"),
        data_converter=pydantic_data_converter,
    )
    await env.client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=env.client.namespace,
            search_attributes={
                k.name: IndexedValueType.ValueType(k.indexed_value_type) for k in SEARCH_ATTRIBUTES
            },
        )
    )
    yield env
    await env.shutdown()


@pytest.fixture
def task_queue() -> str:
    return f"tq-{uuid.uuid4()}"


@pytest.fixture
async def client(temporal_env: WorkflowEnvironment) -> Client:
    return temporal_env.client


@pytest.fixture
async def worker(
    client: Client, sessionmaker: SessionMaker, task_queue: str
) -> AsyncIterator[Worker]:
    """The real worker (activities on real Postgres) on this test's task queue."""
    async with build_worker(
        client, load_settings(env="dev"), sessionmaker, task_queue=task_queue
    ) as w:
        yield w


@pytest.fixture
async def api(
    client: Client, sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> AsyncIterator[Api]:
    """The real app in-process with its own worker (tests/api_harness.py)."""
    async with running_api(client, sessionmaker, database_url, tmp_path) as a:
        yield a

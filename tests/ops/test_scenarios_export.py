"""`voicetrain scenarios export SLUG` / `import FILE`: a stored scenario written as a library file
and read back is the same scenario (export -> import -> export gives the same bytes, for every
built-in and an organisation's own); importing it again adds no version; a changed file adds one
and stays its organisation's."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from sqlalchemy import select

from core.db.engine import SessionMaker
from core.db.models import Scenario
from core.scenarios.library import import_scenarios, load_library, row_values, to_yaml
from core.scenarios.parse import parse_text


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VOICETRAIN_DATABASE_URL": database_url, "VOICETRAIN_ENV": "dev"}
    return subprocess.run(
        [sys.executable, "-m", "voicetrain", "scenarios", *args],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip


async def _versions(sessionmaker: SessionMaker, slug: str) -> list[tuple[int, str | None]]:
    async with sessionmaker() as db:
        rows = await db.execute(
            select(Scenario.version, Scenario.org_id)
            .where(Scenario.slug == slug)
            .order_by(Scenario.version)
        )
        return [(v, org) for v, org in rows]


def test_every_builtin_round_trips_through_its_file() -> None:
    for doc in load_library():
        text = to_yaml(doc)
        again = parse_text(text, doc.slug)
        assert again == doc
        assert to_yaml(again) == text


async def test_export_import_export_is_identity(
    sessionmaker: SessionMaker, database_url: str, tmp_path: Path
) -> None:
    # an organisation's own scenario (a built-in's content under its own slug)
    doc = next(d for d in load_library() if d.slug == "veteran-firearm-crisis")
    doc = doc.model_copy(update={"slug": f"acme-vet-{uuid.uuid4().hex[:8]}"})
    async with sessionmaker() as db:
        db.add(Scenario(version=1, org_id="acme", status="published", **row_values(doc)))
        await db.commit()
    for slug in [*(d.slug for d in load_library()), doc.slug]:
        first = tmp_path / f"{slug}.yaml"
        out = _cli(database_url, "export", slug, "-o", str(first))
        assert out.returncode == 0, out.stderr
        before = await _versions(sessionmaker, slug)
        for _ in range(2):  # imported twice: no new version
            out = _cli(database_url, "import", str(first))
            assert out.returncode == 0, out.stderr
            assert out.stdout.startswith("same"), out.stdout
        assert await _versions(sessionmaker, slug) == before
        second = _cli(database_url, "export", slug)
        assert second.returncode == 0, second.stderr
        assert second.stdout == first.read_text(encoding="utf-8")

    # a changed file is a new version, still the organisation's (never a built-in for everyone)
    changed = parse_text((tmp_path / f"{doc.slug}.yaml").read_text(), doc.slug)
    changed = changed.model_copy(update={"title": "Ray, second draft"})
    async with sessionmaker() as db:
        await import_scenarios(db, [changed])
        await db.commit()
    assert await _versions(sessionmaker, doc.slug) == [(1, "acme"), (2, "acme")]
    old = _cli(database_url, "export", doc.slug, "--version", "1")
    assert "Ray, second draft" not in old.stdout
    missing = _cli(database_url, "export", "no-such-scenario")
    assert missing.returncode == 1
    assert "no-such-scenario" in missing.stderr

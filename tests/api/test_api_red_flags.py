"""The red flag library an author picks from (issue 26): the ids a scenario's rubric accepts,
for supervisors and admins only."""

from __future__ import annotations

from core.scenarios.redflag_ids import BUILTIN_RED_FLAG_IDS
from core.scenarios.schema import ScenarioDoc
from core.scenarios.validate import publish_problems
from tests.api_harness import Api


async def test_staff_read_the_library_a_rubric_accepts_and_trainees_are_refused(api: Api) -> None:
    for role in ("supervisor", "admin"):
        r = await api.http.get("/v1/red-flags", headers=api.auth(f"lib-{role}", role))
        assert r.status_code == 200, r.text
        ids = r.json()["ids"]
        assert ids == list(BUILTIN_RED_FLAG_IDS)
    # every id offered is one that publishing accepts in rubric.red_flags
    doc = ScenarioDoc.model_validate({"slug": "library-check", "rubric": {"red_flags": ids}})
    assert [p for p in publish_problems(doc) if p.path.startswith("rubric.red_flags")] == []
    refused = await api.http.get("/v1/red-flags", headers=api.auth("lib-trainee"))
    assert refused.status_code == 403
    assert refused.json()["error"]["type"]
    assert (await api.http.get("/v1/red-flags")).status_code == 401

"""One bootstrap run converges under faults: every write whose outcome is unknown is resolved in
the same run (adopted when what it made carries our key, written again when it made nothing),
with no duplicate source, connection or tag, and nothing deleted."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any, Literal

import pytest

from sandboxes.base import FaultPlan, Request

from .world import (
    ACME_DESTINATION,
    GLOBEX_DESTINATION,
    TEMPLATE_DESTINATION,
    World,
)

Fault = Literal["lost", "refused"]


def _row(doc: dict[str, Any], slug: str, key: str) -> dict[str, Any]:
    tenant = next(t for t in doc["tenants"] if t["tenant"] == slug)
    return next(r for r in tenant["resources"] if r["key"] == key)


def _converged_without_writes(world: World) -> None:
    """A fault-free re-run plans nothing and writes nothing."""
    world.app.reset_write_count()
    again = world.bootstrap()
    assert again.code == 0, again.out
    assert world.app.writes == 0, world.app.write_log


def _bearer(world: World) -> None:
    world.app.auth = "bearer"
    world.env.update(
        AIRBYTE_CLIENT_ID=world.app.client_id, AIRBYTE_CLIENT_SECRET=world.app.client_secret
    )


# ------------------------------------------------------------------------------------------------
# each recovery path
# ------------------------------------------------------------------------------------------------
def _plant(world: World, fault: Fault, path: str) -> None:
    """``lost``: Airbyte did the write but its answer never came back; ``refused``: a gateway
    error, the write never arrived."""
    if fault == "lost":
        world.app.lose_response(1, path_prefix=path)
    else:
        world.app.fail_next(1, status=503, path_prefix=path)


@pytest.mark.parametrize(
    ("fault", "outcome"), [("lost", ("adopted", "adopted")), ("refused", ("created", "rewritten"))]
)
def test_a_source_create_with_an_unknown_outcome_is_adopted_or_sent_again_in_the_same_run(
    provisioned: World, fault: Fault, outcome: tuple[str, str]
) -> None:
    _plant(provisioned, fault, "/api/v1/sources/create")

    result = provisioned.bootstrap()

    assert result.code == 0, result.out
    row = _row(result.doc, "globex-eu", "source:META")
    assert (row["result"], row["recovered"]) == outcome
    assert result.doc["summary"]["recovered"] == 1
    assert len(provisioned.sources_named("stack:globex-eu:META")) == 1
    _converged_without_writes(provisioned)


def test_a_connection_create_whose_answer_was_lost_is_adopted_in_the_same_run(
    provisioned: World,
) -> None:
    provisioned.app.lose_response(2, path_prefix="/api/v1/connections/create")

    result = provisioned.bootstrap()

    assert result.code == 0, result.out
    assert result.doc["summary"]["recovered"] == 2
    adopted = [
        r for t in result.doc["tenants"] for r in t["resources"] if r.get("recovered") == "adopted"
    ]
    assert [r["kind"] for r in adopted] == ["connection", "connection"]
    assert all(r["persist"].endswith(r["resource_id"]) for r in adopted)
    for template in ("META_METRICS", "GOOGLE_METRICS", "DIMENSIONS_DAILY"):
        assert len(provisioned.tagged(template, ACME_DESTINATION)) == 1
        assert len(provisioned.tagged(template, GLOBEX_DESTINATION)) == 1
    _converged_without_writes(provisioned)


@pytest.mark.parametrize(("fault", "recovered"), [("lost", "adopted"), ("refused", "rewritten")])
def test_a_tag_create_with_an_unknown_outcome_is_adopted_or_sent_again_in_the_same_run(
    provisioned: World, fault: Fault, recovered: str
) -> None:
    _plant(provisioned, fault, "/api/v1/tags/create")

    result = provisioned.bootstrap()

    assert result.code == 0, result.out
    resources = [r for t in result.doc["tenants"] for r in t["resources"] if r.get("recovered")]
    assert [(r["kind"], r["recovered"]) for r in resources] == [("tag", recovered)]
    names = Counter((t["workspaceId"], t["name"]) for t in provisioned.app.tags.values())
    assert max(names.values()) == 1
    _converged_without_writes(provisioned)


def test_a_5xx_on_an_update_is_retried_within_the_run(provisioned: World) -> None:
    assert provisioned.bootstrap().code == 0
    (connection,) = provisioned.tagged("DIMENSIONS_DAILY", GLOBEX_DESTINATION)
    connection["name"] = "renamed by hand"
    provisioned.app.fail_next(2, status=500, path_prefix="/api/v1/connections/update")
    provisioned.app.lose_response(1, path_prefix="/api/v1/connections/update")

    result = provisioned.bootstrap()

    assert result.code == 0, result.out
    assert _row(result.doc, "globex-eu", "connection:DIMENSIONS_DAILY")["result"] == "updated"
    assert provisioned.app.connections[connection["connectionId"]]["name"] != "renamed by hand"
    assert provisioned.app.request_count("/api/v1/connections/update") == 4
    _converged_without_writes(provisioned)


def test_a_token_that_expires_during_recovery_is_renewed_and_the_write_adopted(
    provisioned: World,
) -> None:
    _bearer(provisioned)
    app = provisioned.app
    app.lose_response(1, path_prefix="/api/v1/sources/create")
    creates: list[str] = []
    expired: list[str] = []

    def note_create(request: Request) -> None:
        creates.append(request.path)

    def expire_on_the_recovery_read(request: Request) -> None:
        # the first sources/list after the lost create is recovery's: its token dies first
        if creates and not expired:
            expired.append(request.path)
            app.expire_tokens()

    app.faults += [
        FaultPlan(respond=note_create, every=1, path_prefix="/api/v1/sources/create"),  # type: ignore[arg-type]
        FaultPlan(respond=expire_on_the_recovery_read, every=1, path_prefix="/api/v1/sources/list"),  # type: ignore[arg-type]
    ]

    result = provisioned.bootstrap()

    assert result.code == 0, result.out
    assert expired
    assert app.tokens_issued == 2
    row = _row(result.doc, "globex-eu", "source:META")
    assert (row["result"], row["recovered"]) == ("adopted", "adopted")
    assert len(provisioned.sources_named("stack:globex-eu:META")) == 1


def test_recovery_never_adopts_a_connection_without_our_tag(provisioned: World) -> None:
    source_id = "00000000-0000-4000-9000-000000000002"
    provisioned.meta_source_by_hand(source_id, "globex meta (by hand)")
    by_hand = provisioned.app.call(
        "connections/create",
        {
            "sourceId": source_id,
            "destinationId": GLOBEX_DESTINATION,
            "status": "active",
            "name": "globex meta (by hand)",
        },
    )
    provisioned.app.fail_next(1, status=502, path_prefix="/api/v1/connections/create")

    result = provisioned.bootstrap()

    assert result.code == 0, result.out
    untouched = provisioned.app.connections[by_hand["connectionId"]]
    assert untouched["tags"] == [] and untouched["status"] == "active"
    for template in ("META_METRICS", "GOOGLE_METRICS", "DIMENSIONS_DAILY"):
        (ours,) = provisioned.tagged(template, GLOBEX_DESTINATION)
        assert ours["connectionId"] != by_hand["connectionId"]


def test_a_create_whose_outcome_stays_unknown_fails_after_bounded_attempts_without_duplicates(
    provisioned: World,
) -> None:
    provisioned.app.fail_next(50, status=500, path_prefix="/api/v1/sources/create")
    sent_before = provisioned.app.request_count("/api/v1/sources/create")

    result = provisioned.bootstrap()

    assert result.code == 1
    row = _row(result.doc, "globex-eu", "source:META")
    assert row["result"] == "failed"
    assert "nothing was duplicated" in row["message"]
    # 4 sends per source (META and GOOGLE_ADS), none of which reached the API
    assert provisioned.app.request_count("/api/v1/sources/create") - sent_before == 8
    assert not provisioned.sources_named("stack:globex-eu:META")


# ------------------------------------------------------------------------------------------------
# a small fleet under random faults
# ------------------------------------------------------------------------------------------------
FLEET = 28  # plus acme and globex-eu: 30 tenants


def _fleet(world: World) -> None:
    slugs = [f"t{i:02d}" for i in range(1, FLEET + 1)]
    world.env["AIRBYTE_TENANTS"] += "," + ",".join(slugs)
    for i, slug in enumerate(slugs, start=1):
        workspace = str(uuid.uuid5(uuid.NAMESPACE_URL, f"fleet/workspace/{slug}"))
        destination = str(uuid.uuid5(uuid.NAMESPACE_URL, f"fleet/destination/{slug}"))
        world.app.add_workspace(slug, workspace)
        world.app.add_destination(workspace, f"{slug} warehouse", destination_id=destination)
        prefix = f"AIRBYTE_{slug.upper()}_"
        world.env[prefix + "WORKSPACE_ID"] = workspace
        world.env[prefix + "DESTINATION_ID"] = destination
        world.env[prefix + "META_ACCOUNT_ID"] = f"act_{70_000 + i}"
        world.env[prefix + "GOOGLE_ADS_CUSTOMER_ID"] = f"{7_000_000_000 + i}"


def _duplicates(world: World) -> dict[str, int]:
    sources = Counter(
        (a.workspace_id, a.name) for a in world.app.actors.values() if a.kind == "source"
    )
    connections = Counter(
        (c["workspaceId"], c["destinationId"], t["name"])
        for c in world.connections()
        for t in c["tags"]
    )
    tags = Counter((t["workspaceId"], t["name"]) for t in world.app.tags.values())
    return {
        "sources": sum(n - 1 for n in sources.values()),
        "connections": sum(n - 1 for n in connections.values()),
        "tags": sum(n - 1 for n in tags.values()),
    }


def test_thirty_tenants_converge_in_one_run_under_random_faults_without_duplicates(
    provisioned: World,
) -> None:
    _fleet(provisioned)
    _bearer(provisioned)
    faults = provisioned.app.inject_faults(0.05, seed=14)

    # one worker: the seeded faults then meet the same requests on every run of this test
    result = provisioned.bootstrap("--concurrency", "1")

    assert result.code == 0, result.out
    assert result.doc["summary"]["statuses"] == {"ok": 30}
    assert set(faults.injected) == {
        "proxy_error",
        "dropped",
        "lost_response",
        "lost_connection",
        "token_expiry",
    }
    assert result.doc["summary"]["recovered"] >= 1
    assert result.doc["summary"]["api_retries"] >= 1
    assert _duplicates(provisioned) == {"sources": 0, "connections": 0, "tags": 0}
    tenant_connections = [
        c for c in provisioned.connections() if c["destinationId"] != TEMPLATE_DESTINATION
    ]
    assert len({(c["destinationId"], c["tags"][0]["name"]) for c in tenant_connections}) == 90
    provisioned.app.inject_faults(0.0)
    _converged_without_writes(provisioned)

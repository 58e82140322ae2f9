"""Pagination: since 1.8.0 sources/list and destinations/list stop at 20 unless paged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from airbyte_provisioning.api import AirbyteClient
from sandboxes.airbyte import DEFAULT_WORKSPACE_ID, AirbyteSandboxApp
from sandboxes.airbyte.catalogs import GOOGLE_ADS_ID

pytestmark = pytest.mark.e2e


def _create_sources(client: AirbyteClient, config: dict[str, Any], count: int) -> set[str]:
    return {
        client.create_source(
            DEFAULT_WORKSPACE_ID, GOOGLE_ADS_ID, f"tenant-{n:02d} | Google Ads", config
        )["sourceId"]
        for n in range(count)
    }


def test_a_bare_sources_list_call_sees_only_the_first_20(
    client: AirbyteClient, google_ads_config: Callable[..., dict[str, Any]]
) -> None:
    _create_sources(client, google_ads_config(), 23)
    answer = client.post("sources/list", {"workspaceId": DEFAULT_WORKSPACE_ID})
    assert len(answer["sources"]) == 20


@pytest.mark.parametrize("page_size", [20, 7, 100])
def test_list_sources_returns_every_source_across_pages(
    sandbox: tuple[AirbyteSandboxApp, str],
    client: AirbyteClient,
    google_ads_config: Callable[..., dict[str, Any]],
    page_size: int,
) -> None:
    app, _ = sandbox
    created = _create_sources(client, google_ads_config(), 45)
    before = app.request_count("/api/v1/sources/list")

    listed = client.list_sources(DEFAULT_WORKSPACE_ID, page_size=page_size)

    assert [s["sourceId"] for s in listed if s["sourceId"] in created] == [
        s["sourceId"] for s in listed
    ]
    assert {s["sourceId"] for s in listed} == created
    assert [s["name"] for s in listed] == sorted(s["name"] for s in listed)
    pages = app.request_count("/api/v1/sources/list") - before
    assert pages == 45 // page_size + 1


def test_paging_follows_the_requested_sort_order(
    client: AirbyteClient, google_ads_config: Callable[..., dict[str, Any]]
) -> None:
    _create_sources(client, google_ads_config(), 25)
    listed = client.list_sources(DEFAULT_WORKSPACE_ID, page_size=10, sortKey="actorName_desc")
    assert [s["name"] for s in listed] == sorted((s["name"] for s in listed), reverse=True)
    assert len(listed) == 25


def test_list_destinations_pages_too(
    sandbox: tuple[AirbyteSandboxApp, str], client: AirbyteClient
) -> None:
    app, _ = sandbox
    seeded = {app.add_destination(DEFAULT_WORKSPACE_ID, f"warehouse-{n:02d}") for n in range(27)}
    listed = client.list_destinations(DEFAULT_WORKSPACE_ID, page_size=20)
    assert {d["destinationId"] for d in listed} == seeded
    assert all(d["connectionConfiguration"]["password"] == "**********" for d in listed)


def test_jobs_are_paged_newest_first_and_limit_stops_early(
    sandbox: tuple[AirbyteSandboxApp, str], client: AirbyteClient
) -> None:
    app, _ = sandbox
    connection_id = "00000000-0000-4000-8000-0000000c0001"
    for n in range(120):
        app.add_job(
            connection_id, "succeeded", created_at=1_700_000_000 + n * 3600, records_synced=n
        )
    app.add_job("00000000-0000-4000-8000-0000000c0002", "failed", created_at=1_700_000_000)

    jobs = client.list_jobs(connection_id, page_size=50)
    assert len(jobs) == 120
    created = [j["job"]["createdAt"] for j in jobs]
    assert created == sorted(created, reverse=True)
    assert {j["job"]["configId"] for j in jobs} == {connection_id}

    calls = app.request_count("/api/v1/jobs/list")
    assert [
        j["job"]["aggregatedStats"]["recordsCommitted"]
        for j in client.list_jobs(connection_id, limit=3)
    ] == [119, 118, 117]
    assert app.request_count("/api/v1/jobs/list") - calls == 1


def test_workspaces_are_listed_through_the_organization(
    sandbox: tuple[AirbyteSandboxApp, str], client: AirbyteClient
) -> None:
    app, _ = sandbox
    for n in range(5):
        app.add_workspace(f"tenant {n}")
    names = [w["name"] for w in client.list_workspaces(page_size=2)]
    assert sorted(names) == sorted(["Default Workspace", *(f"tenant {n}" for n in range(5))])

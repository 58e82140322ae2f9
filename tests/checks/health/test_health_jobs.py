"""Health at fleet scale: job histories read per batch of workspaces, calls bounded by workspaces
and pages, not by connections (the sandbox on 127.0.0.1, frozen clock)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from airbyte_provisioning.api import AirbyteClient, RetryPolicy
from airbyte_provisioning.checks import health_jobs
from airbyte_provisioning.checks.health_connections import Settings, Target, judge
from airbyte_provisioning.commands import airbyte_health_check as command
from airbyte_provisioning.model.cron import parse_quartz
from sandboxes.airbyte import AirbyteSandboxApp, create_app
from sandboxes.airbyte.catalogs import GOOGLE_ADS_ID
from sandboxes.base import SwitchableApp

from .builders import NOW, NOW_ISO, job

pytestmark = pytest.mark.e2e

TENANTS = 40
TEMPLATES = ("META_METRICS", "GOOGLE_METRICS", "LINKEDIN_METRICS", "DIMENSIONS_DAILY")
HOURLY = ("0 0 6-22 * * ?", "America/Jamaica")
DAILY = ("0 15 2 * * ?", "America/Jamaica")
# tenant index % 10 -> (template, what its history is made to show)
SICK = {
    1: ("META_METRICS", "sync_failed"),
    2: ("GOOGLE_METRICS", "stale"),
    3: ("LINKEDIN_METRICS", "never_synced"),
    4: ("META_METRICS", "empty"),
    5: ("GOOGLE_METRICS", "inactive"),
    6: ("DIMENSIONS_DAILY", "missing"),
    7: ("LINKEDIN_METRICS", "auto_disabled"),
}
EXPECTED_STATE = {
    "sync_failed": "sync_failed",
    "stale": "stale",
    "never_synced": "stale",
    "empty": "empty",
    "inactive": "inactive",
    "missing": "missing",
    "auto_disabled": "inactive",
}
# the listing cannot settle these (no success within their own horizon, created before the
# window): each gets its own jobs/list page, as every connection did before
READ_ONE_BY_ONE = ("stale", "never_synced", "auto_disabled")
SOURCE_CONFIG = {
    "credentials": {
        "developer_token": "fleet-developer-token",
        "client_id": "fleet-client-id",
        "client_secret": "fleet-client-secret",
        "refresh_token": "fleet-refresh-token",
    },
    "customer_id": "6783948572",
}


def _id(kind: str, index: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"health-fleet/{kind}/{index}"))


def slug(index: int) -> str:
    return f"t{index:02d}"


def planted(index: int, template: str) -> str:
    sick = SICK.get(index % 10)
    return sick[1] if sick and sick[0] == template else "healthy"


@dataclass
class Fleet:
    app: AirbyteSandboxApp
    url: str
    connections: dict[tuple[int, str], str]

    def env(self) -> dict[str, str]:
        env = {
            "AIRBYTE_BASE_URL": self.url,
            "AIRBYTE_TENANTS": ",".join(slug(i) for i in range(TENANTS)),
            "AIRBYTE_DEFAULT_METRICS_CRON": "0 6-22 * * *",
            "AIRBYTE_DEFAULT_DAILY_CRON": "15 2 * * *",
            "AIRBYTE_DEFAULT_DESTINATION_NAMESPACE": "marketing_raw",
        }
        for n, template in enumerate(TEMPLATES):
            env[f"AIRBYTE_TEMPLATE_{template}_CONNECTION_ID"] = _id("template", n)
        for i in range(TENANTS):
            prefix = f"AIRBYTE_{slug(i).upper()}_"
            env[prefix + "WORKSPACE_ID"] = _id("workspace", i)
            env[prefix + "DESTINATION_ID"] = _id("destination", i)
            sick = SICK.get(i % 10)
            if sick and sick[1] == "inactive":
                env[prefix + f"{sick[0]}_STATUS"] = "inactive"
        return env

    def run(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, *argv: str
    ) -> tuple[int, dict[str, Any]]:
        env_file = tmp_path / "fleet.env"
        env_file.write_text("".join(f"{k}='{v}'\n" for k, v in self.env().items()))
        code = command.main(["--env-file", str(env_file), "--now", NOW_ISO, *argv])
        return code, json.loads(capsys.readouterr().out)


def _connection(app: AirbyteSandboxApp, index: int, template: str, source: str) -> str:
    quartz, zone = DAILY if template == "DIMENSIONS_DAILY" else HOURLY
    state = planted(index, template)
    workspace = _id("workspace", index)
    body = {
        "sourceId": source,
        "destinationId": _id("destination", index),
        "name": f"{slug(index)} | {template}",
        "status": "inactive" if state in ("inactive", "auto_disabled") else "active",
        "scheduleType": "cron",
        "scheduleData": {"cron": {"cronExpression": quartz, "cronTimeZone": zone}},
        "tags": [
            {
                "tagId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{workspace}/{template}")),
                "workspaceId": workspace,
                "name": f"stack:{template}",
                "color": "#3b82f6",
            }
        ],
    }
    return str(app.call("connections/create", body)["connectionId"])


def _history(app: AirbyteSandboxApp, connection_id: str, template: str, state: str) -> None:
    """Two days of runs at the schedule's fire times, shaped to show ``state``."""
    quartz, zone = DAILY if template == "DIMENSIONS_DAILY" else HOURLY
    tz = ZoneInfo(zone)
    fires = parse_quartz(quartz).fire_times((NOW - timedelta(days=2)).astimezone(tz), NOW)
    if state == "never_synced":
        fires = []
    if state == "stale":
        fires = [f for f in fires if f <= NOW - timedelta(hours=40)]
    if state == "auto_disabled":
        fires = fires[-2:]
    for n, fire in enumerate(fires):
        newest = n == len(fires) - 1
        failed = (state == "sync_failed" and n >= len(fires) - 3) or state == "auto_disabled"
        app.add_job(
            connection_id,
            "failed" if failed else "succeeded",
            created_at=fire.timestamp(),
            updated_at=(fire + timedelta(minutes=5)).timestamp(),
            records_synced=0 if state == "empty" and newest else 40,
            failure_message="Sync failed: 401 from the ad platform",
        )


@pytest.fixture
def fleet(sandbox_switch: tuple[SwitchableApp, str], clean_env: None) -> Fleet:
    switch, url = sandbox_switch
    # connections are created 30 days before the frozen "now"
    app = create_app(
        spec_dir=None,
        clock=lambda: NOW.timestamp() - 30 * 86400,
        workspaces=[(_id("workspace", i), slug(i)) for i in range(TENANTS)],
    )
    connections: dict[tuple[int, str], str] = {}
    for i in range(TENANTS):
        app.add_destination(_id("workspace", i), destination_id=_id("destination", i))
        source = app.call(
            "sources/create",
            {
                "workspaceId": _id("workspace", i),
                "sourceDefinitionId": GOOGLE_ADS_ID,
                "name": f"{slug(i)} | ads",
                "connectionConfiguration": SOURCE_CONFIG,
            },
        )["sourceId"]
        for template in TEMPLATES:
            state = planted(i, template)
            if state == "missing":
                continue
            cid = _connection(app, i, template, source)
            connections[i, template] = cid
            _history(app, cid, template, state)
    switch.target = app
    return Fleet(app, url, connections)


def test_a_fleet_is_judged_from_listings_with_calls_bounded_by_workspaces_and_pages(
    fleet: Fleet, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, doc = fleet.run(capsys, tmp_path)

    states = {(c["tenant"], c["template"]): c["state"] for c in doc["connections"]}
    expected = {
        (slug(i), t): EXPECTED_STATE.get(planted(i, t), "healthy")
        for i in range(TENANTS)
        for t in TEMPLATES
    }
    assert states == expected
    assert code == 1 and doc["summary"]["unexpectedly_inactive"] == 4
    listing = doc["job_listing"]
    one_by_one = sum(
        1 for i in range(TENANTS) for t in TEMPLATES if planted(i, t) in READ_ONE_BY_ONE
    )
    # two listings (25 + 15 workspaces), each over more than one page
    assert listing["listings"] == 2 and listing["pages"] > listing["listings"]
    assert listing["connections_read_one_by_one"] == one_by_one == 12
    app = fleet.app
    assert app.request_count("/api/v1/connections/list") == TENANTS
    assert app.request_count("/api/v1/jobs/list_for_workspaces") == listing["pages"]
    assert app.request_count("/api/v1/jobs/list") - listing["pages"] == one_by_one
    assert doc["api_calls"] == TENANTS + listing["pages"] + one_by_one
    assert doc["api_calls"] < len(fleet.connections)


def test_verdicts_from_the_listing_equal_those_read_connection_by_connection(
    fleet: Fleet, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, doc = fleet.run(capsys, tmp_path)
    settings = command._settings(command.build_parser().parse_args(["--now", NOW_ISO]), fleet.env())
    client = AirbyteClient(fleet.url, retry=RetryPolicy(sleep=lambda _s: None))
    judged = [c for c in doc["connections"] if c["connection_id"]]
    assert len(judged) == len(fleet.connections)
    for listed in judged:
        # the former path: the connection's own jobs/list page
        target = Target(
            tenant=listed["tenant"],
            template=listed["template"],
            found_by=listed["found_by"],
            connection=client.get_connection(listed["connection_id"]),
            schedule=None,
            desired_status=listed["desired_status"],
            connection_id=listed["connection_id"],
        )
        own = judge(target, client, settings)
        assert (listed["state"], listed["conditions"]) == (own["state"], own["conditions"])
        if listed["state"] != "inactive":
            for key in ("consecutive_failures", "last_success_at", "last_success_rows"):
                assert listed["evidence"][key] == own["evidence"][key], (listed["name"], key)


def test_jobs_older_than_the_window_are_never_listed(
    fleet: Fleet, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, before = fleet.run(capsys, tmp_path)
    # a long, old history for every connection of the first tenant: months of hourly runs
    for template in TEMPLATES:
        cid = fleet.connections[0, template]
        for hours in range(24 * 5, 24 * 60):
            ended = (NOW - timedelta(hours=hours)).timestamp()
            fleet.app.add_job(cid, "succeeded", created_at=ended - 300, updated_at=ended)

    _, after = fleet.run(capsys, tmp_path)

    assert after["job_listing"]["pages"] == before["job_listing"]["pages"]
    assert after["summary"] == before["summary"]
    window = timedelta(hours=after["job_listing"]["window_hours"])
    assert window <= health_jobs.MAX_WINDOW
    starts = {
        json.loads(r.body)["updatedAtStart"]
        for r in fleet.app.requests
        if r.path.endswith("/jobs/list_for_workspaces")
    }
    assert starts == {(NOW - window).isoformat()}


def test_a_failed_listing_makes_only_its_batch_unknown(
    fleet: Fleet, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Airbyte answers, but every attempt of the first listing call fails with a server error;
    # with one worker that call is the first batch's
    fleet.app.fail_next(5, 500, path_prefix="/api/v1/jobs/list_for_workspaces")

    code, doc = fleet.run(capsys, tmp_path, "--concurrency", "1")

    first_batch = set(sorted(_id("workspace", i) for i in range(TENANTS))[:25])
    unknown = {c["tenant"] for c in doc["connections"] if c["state"] == "unknown"}
    workspaces = {slug(i): _id("workspace", i) for i in range(TENANTS)}
    assert unknown and {workspaces[s] for s in unknown} <= first_batch
    assert all(
        "jobs/list failed (jobs/list_for_workspaces for 25 workspace(s))" in c["reason"]
        for c in doc["connections"]
        if c["state"] == "unknown"
    )
    others = [c for c in doc["connections"] if workspaces[c["tenant"]] not in first_batch]
    assert others and all(c["state"] != "unknown" for c in others)
    assert code == 1 and doc["job_listing"]["failed_listings"] == 1


class _Pages:
    """A client whose listing answers pre-made pages by offset (a job created between two pages
    shifts the offsets, so the next page repeats the last job of the previous one)."""

    def __init__(self, pages: list[list[dict[str, Any]]]) -> None:
        self.pages = pages
        self.offsets: list[int] = []

    def post(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        assert endpoint == "jobs/list_for_workspaces"
        offset = body["pagination"]["rowOffset"]
        self.offsets.append(offset)
        page = self.pages[len(self.offsets) - 1]
        return {"jobs": page, "totalJobCount": 99}


def _for(connection_id: str, item: dict[str, Any]) -> dict[str, Any]:
    item["job"]["configId"] = connection_id
    return item


def test_a_job_repeated_across_pages_counts_once_and_paging_stops_when_all_are_decided(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(health_jobs, "PAGE_SIZE", 2)
    watched, other = "c0ffee00-0000-4000-8000-0000000000a1", "c0ffee00-0000-4000-8000-0000000000b2"
    failed_1 = _for(watched, job(5, "failed", NOW - timedelta(hours=1)))
    failed_2 = _for(watched, job(4, "failed", NOW - timedelta(hours=2)))
    success = _for(watched, job(3, "succeeded", NOW - timedelta(hours=3)))
    noise = _for(other, job(6, "succeeded", NOW - timedelta(minutes=30)))
    later = _for(other, job(2, "succeeded", NOW - timedelta(hours=4)))
    client = _Pages([[noise, failed_1], [failed_1, failed_2], [success, later], [later]])
    settings = Settings(
        now=NOW, grace=timedelta(hours=1), failure_threshold=2, jobs=10, expect_rows=None
    )
    batch = health_jobs.Batch(
        ["6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a40"],
        {
            cid: health_jobs.Wanted(cid, "ws", NOW - timedelta(days=1), None, False)
            for cid in (watched, other)
        },
    )

    health_jobs._list(batch, client, settings, NOW - timedelta(days=2))  # type: ignore[arg-type]

    ids = [i["job"]["id"] for i in batch.wanted[watched].items]
    assert ids == [5, 4, 3]
    assert client.offsets == [0, 2, 4]  # both decided on the third page: the fourth is not read
    assert batch.pages == 3 and not batch.exhausted


def test_concurrency_is_a_named_setting(
    fleet: Fleet, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, doc = fleet.run(capsys, tmp_path, "--concurrency", "3")
    assert doc["concurrency"] == 3 and code == 1
    code, doc = fleet.run(capsys, tmp_path, "--concurrency", "0")
    assert code == 2 and "--concurrency" in doc["error"]


def test_a_connection_created_inside_the_window_needs_no_read_of_its_own(
    fleet: Fleet, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # a tenant connection created an hour ago, never synced: the listing holds all its jobs
    index, template = 6, "DIMENSIONS_DAILY"  # planted missing
    fleet.app.advance(30 * 86400 - 3600)
    source = next(a.actor_id for a in fleet.app.actors.values() if a.name == f"{slug(index)} | ads")
    fresh = _connection(fleet.app, index, template, source)
    fleet.app.add_job(
        fresh,
        "failed",
        created_at=NOW.timestamp() - 1200,
        updated_at=NOW.timestamp() - 900,
    )

    _, doc = fleet.run(capsys, tmp_path)

    entry = next(
        c for c in doc["connections"] if (c["tenant"], c["template"]) == (slug(index), template)
    )
    assert entry["state"] == "healthy" and entry["reason"] == "no sync due yet"
    read_alone = {
        json.loads(r.body).get("configId")
        for r in fleet.app.requests
        if r.path.endswith("/jobs/list")
    }
    assert read_alone and fresh not in read_alone


def test_airbyte_gone_mid_check_stops_it_with_one_message_naming_the_base_url(
    fleet: Fleet, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # the workspaces are listed, then every job listing meets the proxy's 503 page
    fleet.app.fail_next(1000, 503, path_prefix="/api/v1/jobs/")

    code, doc = fleet.run(capsys, tmp_path)

    assert code != 0 and doc["healthy"] is False
    assert "AIRBYTE_BASE_URL" in doc["error"] and "connections" not in doc
    # one retry chain, not one per batch or per connection
    assert fleet.app.request_count("/api/v1/jobs/") <= 10

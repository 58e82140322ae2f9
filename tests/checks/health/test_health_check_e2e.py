"""airbyte_health_check end to end against the local Airbyte sandbox (127.0.0.1, frozen clock)."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from airbyte_provisioning.api import AirbyteClient, RetryPolicy
from airbyte_provisioning.commands import airbyte_health_check as command
from sandboxes.airbyte import AirbyteSandboxApp, create_app
from sandboxes.airbyte.catalogs import GOOGLE_ADS_ID
from sandboxes.base import SwitchableApp

from .builders import NOW, NOW_ISO, at

RunScript = Callable[..., subprocess.CompletedProcess[str]]

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[3]
WS_ACME = "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a40"
WS_GLOBEX = "7a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c61"
DEST_ACME = "8b3c4d5e-6f7a-4b9c-8d1e-2f3a4b5c6d72"
DEST_GLOBEX = "9c4d5e6f-7a8b-4c0d-9e2f-3a4b5c6d7e83"
DEST_OTHER = "ad5e6f7a-8b9c-4d1e-8f3a-4b5c6d7e8f94"
HOURLY = {"cron": {"cronExpression": "0 0 6-22 * * ?", "cronTimeZone": "America/Jamaica"}}
DAILY = {"cron": {"cronExpression": "0 15 2 * * ?", "cronTimeZone": "America/Jamaica"}}
BERLIN = {"cron": {"cronExpression": "0 0 7-21 ? * MON-FRI", "cronTimeZone": "Europe/Berlin"}}
SOURCE_CONFIG = {
    "credentials": {
        "developer_token": "sandbox-developer-token",
        "client_id": "sandbox-client-id",
        "client_secret": "sandbox-client-secret",
        "refresh_token": "sandbox-refresh-token",
    },
    "customer_id": "6783948572",
}


@dataclass
class World:
    """A sandbox seeded with two tenant workspaces, and helpers to add connections and jobs."""

    app: AirbyteSandboxApp
    url: str
    client: AirbyteClient
    sources: dict[str, str] = field(default_factory=dict)

    def connection(
        self,
        workspace: str,
        destination: str,
        name: str,
        schedule: dict[str, Any] | None = HOURLY,
        template: str | None = None,
        status: str = "active",
    ) -> str:
        if workspace not in self.sources:
            source = self.client.create_source(
                workspace, GOOGLE_ADS_ID, f"gads {workspace[:4]}", SOURCE_CONFIG
            )
            self.sources[workspace] = source["sourceId"]
        body: dict[str, Any] = {
            "sourceId": self.sources[workspace],
            "destinationId": destination,
            "status": status,
            "name": name,
            "scheduleType": "cron" if schedule else "manual",
        }
        if schedule:
            body["scheduleData"] = schedule
        if template:
            body["tags"] = [
                {
                    "tagId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{workspace}/{template}")),
                    "workspaceId": workspace,
                    "name": f"stack:{template}",
                    "color": "#3b82f6",
                }
            ]
        return str(self.client.create_connection(body)["connectionId"])

    def jobs(self, connection_id: str, *runs: tuple[str, datetime, int]) -> None:
        for status, ended, rows in runs:
            self.app.add_job(
                connection_id,
                status,
                created_at=(ended - timedelta(minutes=5)).timestamp(),
                updated_at=ended.timestamp(),
                records_synced=rows,
                failure_message="Sync failed: 401 from the Google Ads API",
            )

    def acme_all_succeeded(self, ended: datetime, daily_rows: int = 9) -> None:
        """acme's three template connections, each with one success ending at ``ended`` (9 rows;
        ``daily_rows`` for DIMENSIONS_DAILY)."""
        for template, schedule in (
            ("META_METRICS", HOURLY),
            ("GOOGLE_METRICS", HOURLY),
            ("DIMENSIONS_DAILY", DAILY),
        ):
            cid = self.connection(
                WS_ACME, DEST_ACME, f"acme {template}", schedule, template=template
            )
            rows = daily_rows if template == "DIMENSIONS_DAILY" else 9
            self.jobs(cid, ("succeeded", ended, rows))

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "AIRBYTE_BASE_URL": self.url,
            "AIRBYTE_TENANTS": "acme,globex-eu",
            "AIRBYTE_DEFAULT_METRICS_CRON": "0 6-22 * * *",
            "AIRBYTE_DEFAULT_DAILY_CRON": "15 2 * * *",
            "AIRBYTE_DEFAULT_DESTINATION_NAMESPACE": "marketing_raw",
            "AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID": "c4ca4238-a0b9-4382-8dcc-509a6f75849b",
            "AIRBYTE_TEMPLATE_GOOGLE_METRICS_CONNECTION_ID": "c81e728d-9d4c-4f63-af06-7f89cc14862c",
            "AIRBYTE_TEMPLATE_DIMENSIONS_DAILY_CONNECTION_ID": "eccbc87e-4b5c-4e2f-a6b8-2b7f3c9d1e0a",
            "AIRBYTE_ACME_WORKSPACE_ID": WS_ACME,
            "AIRBYTE_ACME_DESTINATION_ID": DEST_ACME,
            "AIRBYTE_GLOBEX_EU_WORKSPACE_ID": WS_GLOBEX,
            "AIRBYTE_GLOBEX_EU_DESTINATION_ID": DEST_GLOBEX,
            "AIRBYTE_GLOBEX_EU_TIMEZONE": "Europe/Berlin",
            "AIRBYTE_GLOBEX_EU_METRICS_CRON": "0 0 7-21 ? * MON-FRI",
            **extra,
        }


@pytest.fixture
def world(sandbox_switch: tuple[SwitchableApp, str], clean_env: None) -> World:
    switch, url = sandbox_switch
    # connections are created 30 days before the frozen "now"; jobs carry their own times
    app = create_app(
        spec_dir=None,
        clock=lambda: NOW.timestamp() - 30 * 86400,
        workspaces=[(WS_ACME, "Acme"), (WS_GLOBEX, "Globex EU")],
    )
    for workspace, destination in (
        (WS_ACME, DEST_ACME),
        (WS_GLOBEX, DEST_GLOBEX),
        (WS_ACME, DEST_OTHER),
    ):
        app.add_destination(workspace, destination_id=destination)
    switch.target = app
    client = AirbyteClient(url, retry=RetryPolicy(sleep=lambda _s: None), timeout=10)
    return World(app, url, client)


def run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, env: dict[str, str], *argv: str
) -> tuple[int, dict[str, Any], str]:
    env_file = tmp_path / "health.env"
    env_file.write_text("".join(f"{k}='{v}'\n" for k, v in env.items()))
    code = command.main(["--env-file", str(env_file), "--now", NOW_ISO, *argv])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else {}, err


def by_key(doc: dict[str, Any]) -> dict[tuple[str | None, str | None], dict[str, Any]]:
    return {(c["tenant"], c["template"]): c for c in doc["connections"]}


def test_every_state_across_two_tenants_with_bounded_reads(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    meta = world.connection(WS_ACME, DEST_ACME, "acme | meta", template="META_METRICS")
    world.jobs(meta, ("succeeded", at("2026-11-26T11:05"), 500))
    google = world.connection(WS_ACME, DEST_ACME, "acme | google (no tag)")
    world.jobs(
        google,
        ("succeeded", at("2026-11-26T09:05"), 80),
        ("failed", at("2026-11-26T10:05"), 0),
        ("failed", at("2026-11-26T11:05"), 0),
    )
    dims = world.connection(WS_ACME, DEST_ACME, "acme | dims", DAILY, template="DIMENSIONS_DAILY")
    world.jobs(dims, ("succeeded", at("2026-11-25T07:20"), 0))
    # same tag, other destination: not acme's managed connection
    decoy = world.connection(WS_ACME, DEST_OTHER, "someone else", template="META_METRICS")
    world.jobs(decoy, ("failed", at("2026-11-26T10:00"), 0), ("failed", at("2026-11-26T11:00"), 0))
    empty = world.connection(
        WS_GLOBEX, DEST_GLOBEX, "globex | meta", BERLIN, template="META_METRICS"
    )
    world.jobs(empty, ("succeeded", at("2026-11-26T11:00"), 0))
    world.connection(
        WS_GLOBEX,
        DEST_GLOBEX,
        "globex | google",
        BERLIN,
        template="GOOGLE_METRICS",
        status="inactive",
    )
    env = world.env(
        AIRBYTE_ACME_GOOGLE_METRICS_CONNECTION_ID=google,
        AIRBYTE_GLOBEX_EU_GOOGLE_METRICS_STATUS="inactive",
    )

    code, doc, err = run(capsys, tmp_path, env)

    assert code == 1 and doc["healthy"] is False and doc["mode"] == "tenants"
    states = {key: c["state"] for key, c in by_key(doc).items()}
    assert states == {
        ("acme", "META_METRICS"): "healthy",
        ("acme", "GOOGLE_METRICS"): "sync_failed",
        ("acme", "DIMENSIONS_DAILY"): "stale",
        ("globex-eu", "META_METRICS"): "empty",
        ("globex-eu", "GOOGLE_METRICS"): "inactive",
        ("globex-eu", "DIMENSIONS_DAILY"): "missing",
    }
    assert doc["summary"] == {
        "healthy": 1,
        "stale": 1,
        "sync_failed": 1,
        "empty": 1,
        "inactive": 1,
        "missing": 1,
        "unknown": 0,
        "total": 6,
        "unexpectedly_inactive": 0,
    }
    entries = by_key(doc)
    assert entries[("acme", "META_METRICS")]["connection_id"] == meta
    assert entries[("acme", "META_METRICS")]["found_by"] == "tag stack:META_METRICS"
    assert entries[("acme", "GOOGLE_METRICS")]["found_by"] == (
        "explicit id (AIRBYTE_ACME_GOOGLE_METRICS_CONNECTION_ID)"
    )
    failed = entries[("acme", "GOOGLE_METRICS")]["evidence"]
    assert failed["consecutive_failures"] == 2
    assert failed["last_failure_message"] == "Sync failed: 401 from the Google Ads API"
    assert failed["last_success_at"] == "2026-11-26T09:05:00+00:00"
    stale = entries[("acme", "DIMENSIONS_DAILY")]
    assert stale["evidence"]["expected_interval_minutes"] == 24 * 60
    assert stale["evidence"]["expects_rows"] is False  # dimensions may legitimately be empty
    assert (
        entries[("globex-eu", "META_METRICS")]["evidence"]["schedule"]["timezone"]
        == "Europe/Berlin"
    )
    assert "bootstrap_connections.py" in entries[("globex-eu", "DIMENSIONS_DAILY")]["reason"]
    # bounded: one connections/list per workspace, one job listing for both workspaces, and no
    # jobs/list of its own for any connection (each has a success, or is inactive, in the window)
    assert world.app.request_count("/api/v1/connections/list") == 2
    assert world.app.request_count("/api/v1/jobs/list_for_workspaces") == 1
    assert world.app.request_count("/api/v1/jobs/list") == 1
    assert doc["api_calls"] == 3
    assert doc["job_listing"]["connections_read_one_by_one"] == 0
    assert json.loads(err.splitlines()[-1])["event"] == "health check finished"


def test_all_healthy_exits_0(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    world.acme_all_succeeded(at("2026-11-26T07:20"), daily_rows=0)
    code, doc, _ = run(capsys, tmp_path, world.env(), "--tenant", "acme")
    assert code == 0 and doc["healthy"] is True
    assert doc["summary"]["healthy"] == 3 and doc["summary"]["total"] == 3
    assert doc["api_versions"] == []


def test_grace_comes_from_the_environment_and_the_option_wins(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    dims = world.connection(WS_ACME, DEST_ACME, "acme | dims", DAILY, template="DIMENSIONS_DAILY")
    world.jobs(dims, ("succeeded", at("2026-11-25T07:20"), 0))
    env = world.env(AIRBYTE_HEALTH_SLA_GRACE_MINUTES="300")
    _, doc, _ = run(capsys, tmp_path, env, "--tenant", "acme")
    entry = by_key(doc)[("acme", "DIMENSIONS_DAILY")]
    assert (entry["state"], entry["evidence"]["grace_minutes"]) == ("healthy", 300)
    _, doc, _ = run(capsys, tmp_path, env, "--tenant", "acme", "--grace-minutes", "30")
    assert by_key(doc)[("acme", "DIMENSIONS_DAILY")]["state"] == "stale"
    assert doc["grace_minutes"] == 30


def test_expect_rows_setting_decides_which_templates_can_be_empty(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    dims = world.connection(WS_ACME, DEST_ACME, "acme | dims", DAILY, template="DIMENSIONS_DAILY")
    world.jobs(dims, ("succeeded", at("2026-11-26T07:20"), 0))
    env = world.env(AIRBYTE_HEALTH_EXPECT_ROWS="META_METRICS,DIMENSIONS_DAILY")
    _, doc, _ = run(capsys, tmp_path, env, "--tenant", "acme")
    assert by_key(doc)[("acme", "DIMENSIONS_DAILY")]["state"] == "empty"
    _, doc, _ = run(capsys, tmp_path, env, "--tenant", "acme", "--expect-rows", "none")
    assert by_key(doc)[("acme", "DIMENSIONS_DAILY")]["state"] == "healthy"


def test_connection_auto_disabled_while_config_wants_it_active_fails_the_check(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    meta = world.connection(
        WS_ACME, DEST_ACME, "acme | meta", template="META_METRICS", status="inactive"
    )
    world.jobs(meta, ("failed", at("2026-11-26T10:00"), 0), ("failed", at("2026-11-26T11:00"), 0))
    code, doc, _ = run(capsys, tmp_path, world.env(), "--tenant", "acme")
    entry = by_key(doc)[("acme", "META_METRICS")]
    assert entry["state"] == "inactive" and entry["unexpectedly_inactive"] is True
    assert any("disables a connection after repeated failures" in n for n in entry["notes"])
    assert code == 1 and doc["summary"]["unexpectedly_inactive"] == 1


def test_schedule_drift_between_config_and_airbyte_is_noted(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    meta = world.connection(WS_ACME, DEST_ACME, "acme | meta", DAILY, template="META_METRICS")
    world.jobs(meta, ("succeeded", at("2026-11-26T11:05"), 10))
    _, doc, _ = run(capsys, tmp_path, world.env(), "--tenant", "acme")
    entry = by_key(doc)[("acme", "META_METRICS")]
    assert entry["evidence"]["schedule"]["source"] == "config"
    assert entry["evidence"]["airbyte_schedule"]["quartz"] == "0 15 2 * * ?"
    assert any("differs from the tenant config" in n for n in entry["notes"])


def test_legacy_mode_checks_every_connection_of_the_workspace_by_its_own_schedule(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    hourly = world.connection(WS_ACME, DEST_ACME, "hourly", template="META_METRICS")
    world.jobs(hourly, ("succeeded", at("2026-11-26T11:05"), 0))
    every_6h = world.connection(WS_ACME, DEST_ACME, "every 6h", None)
    world.client.update_connection(
        every_6h,
        {
            "scheduleType": "basic",
            "scheduleData": {"basicSchedule": {"timeUnit": "hours", "units": 6}},
        },
    )
    world.jobs(every_6h, ("succeeded", at("2026-11-26T04:00"), 3))
    manual = world.connection(WS_ACME, DEST_OTHER, "manual", None)
    world.jobs(manual, ("succeeded", at("2026-10-01T00:00"), 3))
    env = {"AIRBYTE_BASE_URL": world.url, "AIRBYTE_WORKSPACE_ID": WS_ACME}

    code, doc, _ = run(capsys, tmp_path, env)

    assert code == 1 and doc["mode"] == "legacy" and doc["workspace_id"] == WS_ACME
    states = {
        c["name"]: (c["state"], c["template"], c["evidence"]["schedule"]["type"])
        for c in doc["connections"]
    }
    assert states == {
        "hourly": ("empty", "META_METRICS", "cron"),  # the tag names the template: rows expected
        "every 6h": ("stale", None, "basic"),
        "manual": ("healthy", None, "manual"),
    }
    assert world.app.request_count("/api/v1/connections/list") == 1


def test_workspace_option_forces_legacy_mode_even_with_tenants(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    world.connection(WS_GLOBEX, DEST_GLOBEX, "globex only", BERLIN)
    code, doc, _ = run(capsys, tmp_path, world.env(), "--workspace-id", WS_GLOBEX)
    assert doc["mode"] == "legacy"
    assert [c["name"] for c in doc["connections"]] == ["globex only"]
    # created 30 days ago and never synced
    assert doc["connections"][0]["state"] == "stale" and code == 1


def test_unreadable_jobs_make_the_connection_unknown(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    world.connection(WS_ACME, DEST_ACME, "acme | meta", template="META_METRICS")
    # Airbyte answers (a proxy's 503 pages would mean it is not there: see test_health_jobs)
    world.app.fail_next(5, 500, path_prefix="/api/v1/jobs/list")
    code, doc, _ = run(capsys, tmp_path, world.env(), "--tenant", "acme")
    entry = by_key(doc)[("acme", "META_METRICS")]
    assert entry["state"] == "unknown" and "jobs/list failed" in entry["reason"]
    assert code == 1


def test_refused_credentials_are_a_configuration_error_without_leaking_them(
    sandbox_switch: tuple[SwitchableApp, str],
    clean_env: None,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    switch, url = sandbox_switch
    switch.target = create_app(spec_dir=None, auth="bearer", workspaces=[(WS_ACME, "Acme")])
    canary = "canary-bearer-6d0e31aa"
    env = {
        "AIRBYTE_BASE_URL": url,
        "AIRBYTE_WORKSPACE_ID": WS_ACME,
        "AIRBYTE_API_AUTH_HEADER": f"Bearer {canary}",
    }
    code, doc, err = run(capsys, tmp_path, env)
    assert code == 2 and doc["healthy"] is False
    assert "AIRBYTE_API_AUTH_HEADER" in doc["error"]
    assert canary not in json.dumps(doc) and canary not in err


def test_client_secret_and_server_echoes_never_reach_the_output(
    sandbox_switch: tuple[SwitchableApp, str],
    clean_env: None,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    switch, url = sandbox_switch
    canary = "canary-client-secret-91ab"
    app = create_app(
        spec_dir=None,
        auth="bearer",
        client_id="health-client",
        client_secret=canary,
        clock=lambda: NOW.timestamp(),
        workspaces=[(WS_ACME, "Acme")],
    )
    app.add_destination(WS_ACME, destination_id=DEST_ACME)
    switch.target = app
    client = AirbyteClient.from_env(
        {
            "AIRBYTE_BASE_URL": url,
            "AIRBYTE_CLIENT_ID": "health-client",
            "AIRBYTE_CLIENT_SECRET": canary,
        }
    )
    world = World(app, url, client)
    cid = world.connection(WS_ACME, DEST_ACME, "acme | meta", template="META_METRICS")
    for minutes in (60, 0):
        app.add_job(
            cid,
            "failed",
            created_at=NOW.timestamp() - minutes * 60 - 300,
            updated_at=NOW.timestamp() - minutes * 60,
            failure_message=f"source said: bad secret {canary}",
        )
    env = {
        "AIRBYTE_BASE_URL": url,
        "AIRBYTE_WORKSPACE_ID": WS_ACME,
        "AIRBYTE_CLIENT_ID": "health-client",
        "AIRBYTE_CLIENT_SECRET": canary,
    }
    code, doc, err = run(capsys, tmp_path, env)
    assert code == 1 and doc["connections"][0]["state"] == "sync_failed"
    assert "bad secret" in doc["connections"][0]["evidence"]["last_failure_message"]
    assert canary not in json.dumps(doc) and canary not in err


@pytest.mark.parametrize(
    ("env", "argv", "message"),
    [
        ({}, [], "nothing to check"),
        ({"AIRBYTE_WORKSPACE_ID": "not-a-uuid"}, [], "AIRBYTE_WORKSPACE_ID='not-a-uuid'"),
        (
            {"AIRBYTE_WORKSPACE_ID": WS_ACME, "AIRBYTE_HEALTH_SLA_GRACE_MINUTES": "1h"},
            [],
            "AIRBYTE_HEALTH_SLA_GRACE_MINUTES",
        ),
        ({"AIRBYTE_WORKSPACE_ID": WS_ACME}, ["--expect-rows", "META"], "unknown template(s) META"),
        (
            {"AIRBYTE_WORKSPACE_ID": WS_ACME, "AIRBYTE_BASE_URL": ""},
            [],
            "AIRBYTE_BASE_URL is not set",
        ),
        ({"AIRBYTE_TENANTS": "acme"}, [], "tenant configuration has errors"),
        ({"AIRBYTE_WORKSPACE_ID": WS_ACME}, ["--jobs", "0"], "--jobs"),
    ],
)
def test_usage_and_configuration_errors_exit_2(
    sandbox_switch: tuple[SwitchableApp, str],
    clean_env: None,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    env: dict[str, str],
    argv: list[str],
    message: str,
) -> None:
    full = {"AIRBYTE_BASE_URL": sandbox_switch[1], **env}
    code, doc, _ = run(capsys, tmp_path, full, *argv)
    assert code == 2 and doc["healthy"] is False
    assert message in doc["error"]
    if "tenant configuration" in message:
        assert {p["variable"] for p in doc["problems"]} >= {"AIRBYTE_ACME_WORKSPACE_ID"}


def test_script_wrapper_runs_the_same_command(
    world: World, tmp_path: Path, run_script: RunScript
) -> None:
    cid = world.connection(WS_ACME, DEST_ACME, "acme | meta", template="META_METRICS")
    world.jobs(cid, ("succeeded", at("2026-11-26T11:05"), 5))
    env_file = tmp_path / "legacy.env"
    env_file.write_text(f"AIRBYTE_BASE_URL={world.url}\nAIRBYTE_WORKSPACE_ID={WS_ACME}\n")
    result = run_script("airbyte_health_check.py", "--env-file", str(env_file), "--now", NOW_ISO)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["healthy"] == 1


def test_a_pinned_api_version_near_its_sunset_is_shown_without_failing_the_check(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    world.acme_all_succeeded(at("2027-06-01T11:20"))
    code, doc, _ = run(
        capsys, tmp_path, world.env(), "--tenant", "acme", "--now", "2027-06-01T12:00:00Z"
    )
    assert code == 0 and doc["healthy"] is True
    [warning] = doc["api_versions"]
    assert warning["severity"] == "warning" and "source-linkedin-ads" in warning["message"]

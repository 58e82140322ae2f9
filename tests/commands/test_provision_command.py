"""provision_meta_google_connectors against the Airbyte sandbox."""

from __future__ import annotations

from typing import Any

from sandboxes.airbyte import CHECK_FAIL_MARKER, Actor, known
from sandboxes.airbyte.catalogs import FACEBOOK_MARKETING_ID, GOOGLE_ADS_ID
from sandboxes.base import FaultPlan, Request, Response

from .world import TEMPLATE_DESTINATION, TEMPLATE_WORKSPACE, World, canary_token


def _stream(connection: dict[str, Any], name: str) -> dict[str, Any]:
    return next(
        s["config"] for s in connection["syncCatalog"]["streams"] if s["stream"]["name"] == name
    )


def test_from_empty_creates_sources_and_tagged_template_connections(world: World) -> None:
    result = world.provision()

    assert result.code == 0, result.out
    doc = result.doc
    assert {p["status"] for p in doc["providers"].values()} == {"ok"}
    persisted = dict(line.split("=", 1) for line in doc["persist"])
    assert set(persisted) == {
        "AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID",
        "AIRBYTE_TEMPLATE_GOOGLE_METRICS_CONNECTION_ID",
        "AIRBYTE_TEMPLATE_DIMENSIONS_DAILY_CONNECTION_ID",
    }
    meta = world.app.connections[persisted["AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID"]]
    google = world.app.connections[persisted["AIRBYTE_TEMPLATE_GOOGLE_METRICS_CONNECTION_ID"]]
    for connection in (meta, google):
        assert connection["destinationId"] == TEMPLATE_DESTINATION
        assert connection["scheduleType"] == "cron"
        assert connection["scheduleData"]["cron"] == {
            "cronExpression": "0 0 6-22 * * ?",
            "cronTimeZone": "America/Jamaica",
        }
    assert [t["name"] for t in meta["tags"]] == ["stack:META_METRICS"]
    insights = _stream(meta, "custom_ads_performance_daily")
    assert (insights["syncMode"], insights["cursorField"]) == ("incremental", ["date_start"])
    gaql = _stream(google, "ad_group_ad_performance_daily")
    assert (gaql["syncMode"], gaql["cursorField"]) == ("incremental", ["segments.date"])
    (meta_source,) = world.sources_named("stack:template:META")
    assert meta_source.config["insights_lookback_window"] == 3
    assert meta_source.workspace_id == TEMPLATE_WORKSPACE


def test_a_rerun_makes_zero_writes(world: World) -> None:
    assert world.provision().code == 0
    world.app.reset_write_count()

    again = world.provision()

    assert again.code == 0
    assert world.app.writes == 0, world.app.write_log
    resources = [r for p in again.doc["providers"].values() for r in p["resources"]]
    assert {r["result"] for r in resources} == {"noop"}


def test_drift_is_repaired_field_by_field(provisioned: World) -> None:
    meta_id = provisioned.env["AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID"]
    provisioned.app.connections[meta_id]["prefix"] = "edited_in_the_ui_"

    plan = provisioned.provision("--plan")
    assert plan.code == 0
    meta_rows = plan.doc["providers"]["META"]["resources"]
    changed = [r for r in meta_rows if r["action"] != "noop"]
    assert [(r["key"], [c["field"] for c in r["changes"]]) for r in changed] == [
        ("connection:META_METRICS", ["prefix"])
    ]
    assert provisioned.app.writes == 0

    assert provisioned.provision().code == 0
    assert provisioned.app.connections[meta_id]["prefix"] == "ads_"
    assert provisioned.app.write_log == ["connections/update"]


def test_a_failed_check_stops_that_provider_with_the_server_message(world: World) -> None:
    world.env["AIRBYTE_META_ACCESS_TOKEN"] = f"{CHECK_FAIL_MARKER}-{canary_token()}"

    result = world.provision()

    assert result.code == 1
    meta = result.doc["providers"]["META"]
    assert (meta["status"], meta["stage"]) == ("failed", "check")
    assert "401 Unauthorized" in meta["message"]
    assert result.doc["providers"]["GOOGLE_ADS"]["status"] == "ok"
    assert not world.sources_named("stack:template:META")
    assert not any(
        "META" in t["name"] or "DIMENSIONS" in t["name"] for t in world.app.tags.values()
    )
    assert "AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID" not in result.out.split('"persist"')[1]


def test_a_failed_discover_stops_that_provider(world: World) -> None:
    world.app.fail_discover(
        FACEBOOK_MARKETING_ID, "Discover failed: (#200) Missing ads_read permission"
    )

    result = world.provision()

    assert result.code == 1
    meta = result.doc["providers"]["META"]
    assert (meta["stage"], meta["message"]) == (
        "discover",
        "discover failed: Discover failed: (#200) Missing ads_read permission",
    )
    assert not world.sources_named("stack:template:META")
    assert world.app.write_log.count("connections/create") == 1  # Google's only


def test_429_and_5xx_are_retried_then_succeed(world: World) -> None:
    world.app.fail_next(2, status=429, path_prefix="/api/v1/connections/list")
    world.app.fail_next(2, status=503, path_prefix="/api/v1/scheduler/sources/discover_schema")

    result = world.provision()

    assert result.code == 0, result.out
    assert world.app.request_count("/api/v1/connections/list") == 3
    assert len(world.connections(TEMPLATE_WORKSPACE)) == 3


def test_a_4xx_is_surfaced_with_the_server_message(world: World) -> None:
    refusal = known(
        422,
        "The provided configuration does not fulfill the specification. Errors: $.account_ids: quota",
        "BadObjectSchemaKnownException",
    )
    world.app.faults.append(
        FaultPlan(
            respond=lambda _r: Response.json(refusal.body, status=422),
            first=1,
            path_prefix="/api/v1/sources/create",
        )
    )

    result = world.provision()

    assert result.code == 1
    meta = result.doc["providers"]["META"]
    source_row = next(r for r in meta["resources"] if r["key"] == "source:META")
    assert source_row["result"] == "failed"
    assert "HTTP 422" in source_row["message"] and "$.account_ids: quota" in source_row["message"]
    connection_rows = [r for r in meta["resources"] if r["kind"] == "connection"]
    assert {r["result"] for r in connection_rows} == {"skipped"}
    assert result.doc["providers"]["GOOGLE_ADS"]["status"] == "ok"


class _ExpireAfter(FaultPlan):
    """Expires every issued token when the n-th request arrives, and lets it through."""

    def __init__(self, app: Any, after: int) -> None:
        super().__init__(respond=lambda _r: Response())
        self.app, self.after = app, after

    def check(self, request: Request) -> Response | None:
        self._seen += 1
        if self._seen == self.after:
            self.app.expire_tokens()
        return None


def test_token_expiry_mid_run_renews_once_and_goes_on(world: World) -> None:
    world.app.auth = "bearer"
    world.env.update(
        AIRBYTE_CLIENT_ID=world.app.client_id, AIRBYTE_CLIENT_SECRET=world.app.client_secret
    )
    world.app.faults.append(_ExpireAfter(world.app, after=8))

    result = world.provision()

    assert result.code == 0, result.out
    assert world.app.tokens_issued == 2
    assert len(world.connections(TEMPLATE_WORKSPACE)) == 3


def test_a_workspace_with_more_than_a_page_of_sources_is_read_to_the_end(
    provisioned: World,
) -> None:
    # 130 names sorting before "stack:..." push the managed sources past the first pages
    for index in range(130):
        ident = f"00000000-0000-4000-9000-{index:012d}"
        config = {"customer_id": "1234567890", "credentials": {"developer_token": "d"}}
        provisioned.app.actors[ident] = Actor(
            ident, TEMPLATE_WORKSPACE, GOOGLE_ADS_ID, f"aaa source {index:03d}", config, 0, "source"
        )

    result = provisioned.provision()

    assert result.code == 0, result.out
    assert provisioned.app.writes == 0, provisioned.app.write_log
    assert provisioned.app.request_count("/api/v1/sources/list") >= 2

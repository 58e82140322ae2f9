"""bootstrap_connections against the Airbyte sandbox: plan, apply, convergence, safety."""

from __future__ import annotations

import json
from typing import Any

from .world import (
    ACME_DESTINATION,
    GLOBEX_DESTINATION,
    GLOBEX_WORKSPACE,
    TEMPLATE_WORKSPACE,
    World,
    canary_token,
)


def _tenant(doc: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(t for t in doc["tenants"] if t["tenant"] == slug)


def _row(doc: dict[str, Any], slug: str, key: str) -> dict[str, Any]:
    return next(r for r in _tenant(doc, slug)["resources"] if r["key"] == key)


def test_plan_then_apply_then_plan_is_empty(provisioned: World) -> None:
    plan = provisioned.bootstrap("--plan", "--detailed-exitcode")
    assert plan.code == 2, plan.out
    assert plan.doc["changes_pending"] is True
    assert (
        plan.doc["summary"]["planned"]["create"] == 11
    )  # globex: 3 tags, 2 sources; 6 connections
    assert provisioned.app.writes == 0

    applied = provisioned.bootstrap()
    assert applied.code == 0, applied.out
    assert applied.doc["summary"]["statuses"] == {"ok": 2}

    again = provisioned.bootstrap("--plan", "--detailed-exitcode")
    assert again.code == 0, again.out
    assert set(again.doc["summary"]["planned"]) >= {"noop"}
    assert {k: v for k, v in again.doc["summary"]["planned"].items() if v and k != "noop"} == {}


def test_apply_builds_each_tenants_connections_from_the_templates(provisioned: World) -> None:
    result = provisioned.bootstrap()

    assert result.code == 0, result.out
    (acme_meta,) = provisioned.tagged("META_METRICS", ACME_DESTINATION)
    (globex_meta,) = provisioned.tagged("META_METRICS", GLOBEX_DESTINATION)
    template = provisioned.app.connections[
        provisioned.env["AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID"]
    ]
    # acme lives in the template workspace and shares the template source
    assert acme_meta["sourceId"] == template["sourceId"]
    assert (acme_meta["name"], acme_meta["prefix"], acme_meta["namespaceFormat"]) == (
        "acme | Meta metrics",
        "acme_",
        "acme_marketing",
    )
    assert acme_meta["scheduleData"]["cron"]["cronTimeZone"] == "America/Jamaica"
    # globex-eu has its own workspace, its own account, hence its own managed source
    (globex_source,) = provisioned.sources_named("stack:globex-eu:META")
    assert globex_meta["sourceId"] == globex_source.actor_id
    assert globex_source.workspace_id == GLOBEX_WORKSPACE
    assert globex_source.config["account_ids"] == ["222333444"]
    assert globex_meta["scheduleData"]["cron"] == {
        "cronExpression": "0 0 7-21 ? * MON-FRI",
        "cronTimeZone": "Europe/Berlin",
    }
    assert [s["stream"]["name"] for s in globex_meta["syncCatalog"]["streams"]] == [
        "custom_ads_performance_daily"
    ]
    (globex_google,) = provisioned.tagged("GOOGLE_METRICS", GLOBEX_DESTINATION)
    assert (globex_google["status"], globex_google["prefix"]) == ("inactive", "globex_gads_")
    persisted = dict(line.split("=", 1) for line in result.doc["persist"])
    assert persisted["AIRBYTE_GLOBEX_EU_META_METRICS_CONNECTION_ID"] == globex_meta["connectionId"]


def test_a_rerun_makes_zero_writes(provisioned: World) -> None:
    assert provisioned.bootstrap().code == 0
    provisioned.app.reset_write_count()

    again = provisioned.bootstrap()

    assert again.code == 0
    assert provisioned.app.writes == 0, provisioned.app.write_log
    assert again.doc["summary"]["results"] == {"noop": 14}


def test_drift_shows_exactly_the_changed_field_and_is_repaired(provisioned: World) -> None:
    assert provisioned.bootstrap().code == 0
    (connection,) = provisioned.tagged("DIMENSIONS_DAILY", GLOBEX_DESTINATION)
    connection["scheduleData"] = {"cron": {"cronExpression": "0 0 4 * * ?", "cronTimeZone": "UTC"}}
    provisioned.app.reset_write_count()

    plan = provisioned.bootstrap("--plan")
    row = _row(plan.doc, "globex-eu", "connection:DIMENSIONS_DAILY")
    assert row["action"] == "update"
    assert [c["field"] for c in row["changes"]] == ["schedule.cron", "schedule.timezone"]
    assert row["changes"][0]["from"] == "0 0 4 * * ?"
    assert "resets_state" not in row

    assert provisioned.bootstrap().code == 0
    assert provisioned.app.write_log == ["connections/update"]
    assert connection["connectionId"] in provisioned.app.connections
    fixed = provisioned.app.connections[connection["connectionId"]]
    assert fixed["scheduleData"]["cron"]["cronTimeZone"] == "Europe/Berlin"


def test_a_saved_plan_is_applied_exactly(provisioned: World) -> None:
    plan_file = provisioned.tmp / "plan.json"
    planned = provisioned.bootstrap("--plan-out", str(plan_file))
    assert planned.code == 0 and provisioned.app.writes == 0

    applied = provisioned.bootstrap("--apply-plan", str(plan_file))

    assert applied.code == 0, applied.out
    saved = json.loads(plan_file.read_text())
    creates = sum(1 for u in saved["units"] for a in u["actions"] if a["action"] == "create")
    assert provisioned.app.writes == creates == 11


def test_a_stale_plan_is_refused_and_nothing_is_written(provisioned: World) -> None:
    assert provisioned.bootstrap().code == 0
    (connection,) = provisioned.tagged("META_METRICS", ACME_DESTINATION)
    connection["prefix"] = "drifted_"
    plan_file = provisioned.tmp / "plan.json"
    assert provisioned.bootstrap("--plan-out", str(plan_file)).code == 0
    connection["name"] = "renamed after the plan was reviewed"
    provisioned.app.reset_write_count()

    result = provisioned.bootstrap("--apply-plan", str(plan_file))

    assert result.code == 1
    assert _tenant(result.doc, "acme")["status"] == "stale"
    assert _tenant(result.doc, "globex-eu")["status"] == "ok"
    assert provisioned.app.writes == 0


def test_a_saved_plan_is_refused_when_a_secret_changed_since(provisioned: World) -> None:
    plan_file = provisioned.tmp / "plan.json"
    assert provisioned.bootstrap("--plan-out", str(plan_file)).code == 0
    provisioned.env["AIRBYTE_META_ACCESS_TOKEN"] = canary_token() + "rotated"

    result = provisioned.bootstrap("--apply-plan", str(plan_file))

    assert result.code == 1
    assert _tenant(result.doc, "globex-eu")["status"] == "stale"  # its managed Meta source
    assert not provisioned.sources_named("stack:globex-eu:META")


def test_a_rotated_secret_is_planned_as_secret_changed_without_showing_it(
    provisioned: World,
) -> None:
    assert provisioned.bootstrap().code == 0
    provisioned.env["AIRBYTE_META_ACCESS_TOKEN"] = canary_token() + "rotated"

    plan = provisioned.bootstrap("--plan")

    row = _row(plan.doc, "globex-eu", "source:META")
    assert row["action"] == "update"
    (change,) = row["changes"]
    assert (change["field"], change["note"]) == ("secrets", "secret changed")
    assert change["from"].startswith("sha256:") and change["from"] != change["to"]
    assert canary_token() not in plan.out


def test_an_existing_tagged_connection_is_adopted_not_duplicated(provisioned: World) -> None:
    assert provisioned.bootstrap().code == 0
    (connection,) = provisioned.tagged("GOOGLE_METRICS", ACME_DESTINATION)
    provisioned.app.reset_write_count()

    plan = provisioned.bootstrap("--plan")

    row = _row(plan.doc, "acme", "connection:GOOGLE_METRICS")
    assert (row["action"], row["found_by"]) == ("noop", "tag stack:GOOGLE_METRICS")
    assert (
        row["persist"] == f"AIRBYTE_ACME_GOOGLE_METRICS_CONNECTION_ID={connection['connectionId']}"
    )


def test_an_explicit_connection_id_is_updated_in_place_and_gains_the_tag(
    provisioned: World,
) -> None:
    template_source = provisioned.app.connections[
        provisioned.env["AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID"]
    ]["sourceId"]
    made_by_hand = provisioned.app.call(
        "connections/create",
        {
            "sourceId": template_source,
            "destinationId": ACME_DESTINATION,
            "status": "active",
            "name": "acme meta (made by hand)",
        },
    )
    provisioned.env["AIRBYTE_ACME_META_METRICS_CONNECTION_ID"] = made_by_hand["connectionId"]

    result = provisioned.bootstrap()

    assert result.code == 0, result.out
    row = _row(result.doc, "acme", "connection:META_METRICS")
    assert (row["planned"], row["result"]) == ("adopt", "adopted")
    (tagged,) = provisioned.tagged("META_METRICS", ACME_DESTINATION)
    assert tagged["connectionId"] == made_by_hand["connectionId"]
    assert tagged["name"] == "acme | Meta metrics"
    assert tagged["syncCatalog"]["streams"]


def test_a_crash_after_a_create_converges_without_a_duplicate(provisioned: World) -> None:
    provisioned.app.lose_response(1, path_prefix="/api/v1/connections/create")
    provisioned.app.lose_response(1, path_prefix="/api/v1/sources/create")

    first = provisioned.bootstrap()

    assert first.code == 0, first.out
    results = [r["result"] for t in first.doc["tenants"] for r in t["resources"]]
    assert results.count("adopted") == 2
    provisioned.app.reset_write_count()
    second = provisioned.bootstrap()
    assert second.code == 0 and provisioned.app.writes == 0
    for template in ("META_METRICS", "GOOGLE_METRICS", "DIMENSIONS_DAILY"):
        assert len(provisioned.tagged(template, ACME_DESTINATION)) == 1
        assert len(provisioned.tagged(template, GLOBEX_DESTINATION)) == 1
    assert len(provisioned.sources_named("stack:globex-eu:META")) == 1


def test_one_tenants_failure_does_not_stop_the_others(provisioned: World) -> None:
    del provisioned.app.workspaces[GLOBEX_WORKSPACE]

    result = provisioned.bootstrap()

    assert result.code == 1
    globex = _tenant(result.doc, "globex-eu")
    assert globex["status"] == "failed"
    assert "cannot read workspace" in globex["problems"][0]
    assert _tenant(result.doc, "acme")["status"] == "ok"
    assert len(provisioned.connections(TEMPLATE_WORKSPACE)) == 6


def test_a_failing_api_for_one_tenant_is_reported_per_connection(provisioned: World) -> None:
    assert provisioned.bootstrap("--tenant", "acme").code == 0
    provisioned.app.fail_next(50, status=500, path_prefix="/api/v1/sources/create")

    result = provisioned.bootstrap()

    assert result.code == 1
    assert _tenant(result.doc, "acme")["status"] == "ok"
    globex = _tenant(result.doc, "globex-eu")
    results = {r["key"]: r["result"] for r in globex["resources"]}
    assert results["source:META"] == "failed"
    assert results["connection:META_METRICS"] == "skipped"
    assert results["connection:DIMENSIONS_DAILY"] == "skipped"


def test_an_update_that_would_delete_stream_state_is_blocked_unless_allowed(
    provisioned: World,
) -> None:
    assert provisioned.bootstrap().code == 0
    (connection,) = provisioned.tagged("META_METRICS", GLOBEX_DESTINATION)
    stream = connection["syncCatalog"]["streams"][0]
    stream["config"].update(syncMode="full_refresh", destinationSyncMode="overwrite")
    provisioned.app.reset_write_count()

    plan = provisioned.bootstrap("--plan")
    row = _row(plan.doc, "globex-eu", "connection:META_METRICS")
    assert row["resets_state"] == ["custom_ads_performance_daily"]

    blocked = provisioned.bootstrap()
    assert blocked.code == 1
    assert _row(blocked.doc, "globex-eu", "connection:META_METRICS")["result"] == "blocked"
    assert _tenant(blocked.doc, "globex-eu")["status"] == "blocked"
    assert provisioned.app.writes == 0

    allowed = provisioned.bootstrap("--allow-state-reset")
    assert allowed.code == 0
    assert connection["connectionId"] in provisioned.app.connections
    repaired = provisioned.app.connections[connection["connectionId"]]
    assert repaired["syncCatalog"]["streams"][0]["config"]["syncMode"] == "incremental"


def test_a_canary_secret_never_leaves_the_process(provisioned: World) -> None:
    plan_file = provisioned.tmp / "plan.json"
    outputs = [
        provisioned.bootstrap("--plan-out", str(plan_file)),
        provisioned.bootstrap("--apply-plan", str(plan_file)),
        provisioned.bootstrap(),
    ]

    assert all(o.code == 0 for o in outputs), outputs[-1].out
    (source,) = provisioned.sources_named("stack:globex-eu:META")
    assert source.config["credentials"]["access_token"] == canary_token()
    for text in [plan_file.read_text(), *(o.out + o.err for o in outputs)]:
        assert canary_token() not in text


def test_a_tenant_without_a_usable_source_names_both_variables(provisioned: World) -> None:
    del provisioned.env["AIRBYTE_GLOBEX_EU_GOOGLE_ADS_CUSTOMER_ID"]

    result = provisioned.bootstrap("--plan")

    assert result.code == 1
    row = _row(result.doc, "globex-eu", "connection:GOOGLE_METRICS")
    assert row["action"] == "error"
    assert "AIRBYTE_GLOBEX_EU_GOOGLE_ADS_SOURCE_ID" in row["reason"]
    assert "AIRBYTE_GLOBEX_EU_GOOGLE_ADS_CUSTOMER_ID" in row["reason"]
    assert _row(result.doc, "globex-eu", "connection:META_METRICS")["action"] == "create"


def test_an_explicit_source_id_is_used_as_it_is(provisioned: World) -> None:
    ident = "00000000-0000-4000-9000-000000000001"
    provisioned.meta_source_by_hand(ident, "globex meta (own)")
    provisioned.env["AIRBYTE_GLOBEX_EU_META_SOURCE_ID"] = ident

    result = provisioned.bootstrap()

    assert result.code == 0, result.out
    (connection,) = provisioned.tagged("META_METRICS", GLOBEX_DESTINATION)
    assert connection["sourceId"] == ident
    assert not provisioned.sources_named("stack:globex-eu:META")


def test_bootstrap_without_template_ids_stops_before_any_call(world: World) -> None:
    result = world.bootstrap()

    assert result.code == 1
    variables = {p["variable"] for p in result.doc["problems"]}
    assert "AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID" in variables
    assert world.app.request_count() == 0


def test_token_expiry_and_transient_errors_mid_bootstrap(provisioned: World) -> None:
    provisioned.app.auth = "bearer"
    provisioned.env.update(
        AIRBYTE_CLIENT_ID=provisioned.app.client_id,
        AIRBYTE_CLIENT_SECRET=provisioned.app.client_secret,
    )
    provisioned.app.fail_next(2, status=502, path_prefix="/api/v1/connections/list")
    provisioned.app.fail_next(1, status=429, path_prefix="/api/v1/connections/create")
    provisioned.app.token_lifetime_s = 60

    first = provisioned.bootstrap("--tenant", "acme")
    provisioned.app.advance(120)
    second = provisioned.bootstrap()

    assert (first.code, second.code) == (0, 0), second.out
    assert len(provisioned.tagged("META_METRICS", ACME_DESTINATION)) == 1
    assert len(provisioned.tagged("META_METRICS", GLOBEX_DESTINATION)) == 1


def test_template_operations_are_shared_in_place_and_copied_elsewhere(provisioned: World) -> None:
    webhook = {
        "operatorType": "webhook",
        "webhook": {"webhookType": "dbtCloud", "dbtCloud": {"accountId": 1, "jobId": 2}},
    }
    operation = provisioned.app.call(
        "operations/create",
        {
            "workspaceId": TEMPLATE_WORKSPACE,
            "name": "dbt staging",
            "operatorConfiguration": webhook,
        },
    )
    template_id = provisioned.env["AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID"]
    provisioned.app.connections[template_id]["operationIds"] = [operation["operationId"]]

    assert provisioned.bootstrap().code == 0
    (acme,) = provisioned.tagged("META_METRICS", ACME_DESTINATION)
    (globex,) = provisioned.tagged("META_METRICS", GLOBEX_DESTINATION)
    assert acme["operationIds"] == [operation["operationId"]]
    (copy_id,) = globex["operationIds"]
    copied = provisioned.app.operations[copy_id]
    assert (copied["workspaceId"], copied["name"]) == (GLOBEX_WORKSPACE, "dbt staging")
    assert copied["operatorConfiguration"] == webhook

    provisioned.app.reset_write_count()
    assert provisioned.bootstrap().code == 0
    assert provisioned.app.writes == 0, provisioned.app.write_log

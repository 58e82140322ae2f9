"""The Airbyte sandbox itself, called in-process: bodies, paging, masking, catalogs, schedules, hooks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sandboxes.airbyte import (
    DEFAULT_WORKSPACE_ID,
    DISCOVER_FAIL_MARKER,
    MASK,
    AirbyteSandboxApp,
    create_app,
    mask_secrets,
    restore_secrets,
)
from sandboxes.airbyte_catalogs import (
    FACEBOOK_MARKETING_ID,
    GA4_ID,
    GOOGLE_ADS_ID,
    SEARCH_CONSOLE_ID,
    camel_to_snake,
    load_spec_snapshots,
)
from sandboxes.base import Request

WS = DEFAULT_WORKSPACE_ID
MISSING = "00000000-0000-4000-8000-0000000000ff"
GOOGLE_ADS_CONFIG: dict[str, Any] = {
    "credentials": {
        "developer_token": "dev-token-1",
        "client_id": "cid",
        "client_secret": "cs-1",
        "refresh_token": "rt-1",
    },
    "customer_id": "1234567890",
}


def call(
    app: AirbyteSandboxApp, endpoint: str, body: Any = None, token: str | None = None
) -> tuple[int, Any]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = app.dispatch(
        Request("POST", f"/api/v1/{endpoint}", {}, headers, json.dumps(body or {}).encode())
    )
    return response.status, json.loads(response.body) if response.body else None


@pytest.fixture
def app() -> AirbyteSandboxApp:
    return create_app(spec_dir=None)


def make_source(
    app: AirbyteSandboxApp, definition_id: str, config: dict[str, Any], name: str = "src"
) -> dict[str, Any]:
    status, body = call(
        app,
        "sources/create",
        {
            "workspaceId": WS,
            "sourceDefinitionId": definition_id,
            "name": name,
            "connectionConfiguration": config,
        },
    )
    assert status == 200, body
    return dict(body)


def discovered(app: AirbyteSandboxApp, source_id: str) -> dict[str, dict[str, Any]]:
    status, body = call(
        app, "sources/discover_schema", {"sourceId": source_id, "disable_cache": True}
    )
    assert status == 200 and body["jobInfo"]["succeeded"], body
    return {s["stream"]["name"]: s for s in body["catalog"]["streams"]}


# -- error bodies ------------------------------------------------------------------------------


def test_not_found_body_matches_airbyte(app: AirbyteSandboxApp) -> None:
    status, body = call(app, "connections/get", {"connectionId": MISSING})
    assert status == 404
    assert body == {
        "message": f"Internal Server Error: Could not find configuration for STANDARD_SYNC: {MISSING}.",
        "exceptionClassName": "io.airbyte.commons.server.errors.IdNotFoundKnownException",
        "exceptionStack": [],
        "rootCauseExceptionStack": [],
        "id": MISSING,
    }


def test_missing_required_field_is_an_invalid_input_body(app: AirbyteSandboxApp) -> None:
    status, body = call(
        app,
        "sources/create",
        {"workspaceId": WS, "sourceDefinitionId": GOOGLE_ADS_ID, "connectionConfiguration": {}},
    )
    assert status == 422
    assert body["validationErrors"] == [
        {"propertyPath": "sourceCreate.name", "message": "must not be null"}
    ]


def test_unauthenticated_and_expired_tokens_get_401_and_bad_credentials_400() -> None:
    app = create_app(spec_dir=None, auth="bearer", token_lifetime_s=60)
    assert call(app, "workspaces/get", {"workspaceId": WS})[0] == 401
    status, body = call(
        app, "applications/token", {"client_id": "sandbox-client-id", "client_secret": "nope"}
    )
    assert status == 400
    assert body["_embedded"]["errors"][0]["message"] == "Invalid client id or token"
    token = call(
        app,
        "applications/token",
        {"client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret"},
    )[1]["access_token"]
    assert call(app, "workspaces/get", {"workspaceId": WS}, token)[0] == 200
    app.advance(61)
    status, body = call(app, "workspaces/get", {"workspaceId": WS}, token)
    assert status == 401
    assert body["message"] == "Unauthorized"


def test_unknown_route_and_malformed_json(app: AirbyteSandboxApp) -> None:
    assert call(app, "sources/frobnicate", {})[0] == 404
    response = app.dispatch(Request("POST", "/api/v1/sources/get", {}, {}, b"{not json"))
    assert response.status == 422
    assert json.loads(response.body)["message"].startswith("Invalid json input.")


# -- paging ------------------------------------------------------------------------------------


def test_sources_list_pages_by_cursor_in_name_order(app: AirbyteSandboxApp) -> None:
    ids = {
        make_source(app, GOOGLE_ADS_ID, GOOGLE_ADS_CONFIG, f"s{n:02d}")["sourceId"]
        for n in range(25)
    }
    status, first = call(app, "sources/list", {"workspaceId": WS})
    assert status == 200 and first["page_size"] == 20 and len(first["sources"]) == 20
    assert [s["name"] for s in first["sources"]] == [f"s{n:02d}" for n in range(20)]
    _, rest = call(
        app, "sources/list", {"workspaceId": WS, "cursor": first["sources"][-1]["sourceId"]}
    )
    assert [s["name"] for s in rest["sources"]] == [f"s{n:02d}" for n in range(20, 25)]
    assert {s["sourceId"] for s in first["sources"] + rest["sources"]} == ids


def test_sources_list_filters_by_search_term(app: AirbyteSandboxApp) -> None:
    make_source(app, GOOGLE_ADS_ID, GOOGLE_ADS_CONFIG, "acme | Google Ads")
    make_source(app, GOOGLE_ADS_ID, GOOGLE_ADS_CONFIG, "globex | Google Ads")
    _, body = call(app, "sources/list", {"workspaceId": WS, "filters": {"searchTerm": "ACME"}})
    assert [s["name"] for s in body["sources"]] == ["acme | Google Ads"]


# -- secrets -----------------------------------------------------------------------------------


def test_masking_follows_the_spec_and_falls_back_to_key_names() -> None:
    spec = {
        "properties": {
            "auth": {
                "oneOf": [
                    {"properties": {"api_key_id": {"type": "string", "airbyte_secret": True}}}
                ]
            },
            "token_url": {"type": "string"},
        }
    }
    config = {
        "auth": {"api_key_id": "AKIA123", "other_password": "p"},
        "token_url": "https://x",
        "nested": [{"refresh_token": "r"}],
    }
    assert mask_secrets(config, spec) == {
        "auth": {"api_key_id": MASK, "other_password": MASK},
        "token_url": "https://x",
        "nested": [{"refresh_token": MASK}],
    }


def test_restoring_masks_keeps_old_values_only_where_the_mask_was_sent() -> None:
    old = {"a": "secret-a", "b": {"c": "secret-c"}, "list": [{"k": "v1"}]}
    new = {"a": MASK, "b": {"c": "new-c"}, "list": [{"k": MASK}], "added": MASK}
    assert restore_secrets(new, old) == {
        "a": "secret-a",
        "b": {"c": "new-c"},
        "list": [{"k": "v1"}],
        "added": MASK,
    }


def test_spec_snapshots_replace_the_built_in_spec(tmp_path: Path) -> None:
    spec = {
        "type": "object",
        "required": ["custom_required"],
        "properties": {"custom_required": {"type": "string", "airbyte_secret": True}},
    }
    snapshot = {
        "connector": "source-google-ads",
        "docker_repository": "airbyte/source-google-ads",
        "spec": {"connectionSpecification": spec},
    }
    (tmp_path / "source-google-ads-6.1.7.json").write_text(json.dumps(snapshot))
    (tmp_path / "broken.json").write_text("{")
    assert load_spec_snapshots(tmp_path) == {"airbyte/source-google-ads": spec}
    app = create_app(spec_dir=tmp_path)
    status, body = call(
        app,
        "sources/create",
        {
            "workspaceId": WS,
            "sourceDefinitionId": GOOGLE_ADS_ID,
            "name": "x",
            "connectionConfiguration": {"other": 1},
        },
    )
    assert status == 422 and "$.custom_required: is missing but it is required" in body["message"]
    _, read = call(
        app,
        "source_definition_specifications/get",
        {"workspaceId": WS, "sourceDefinitionId": GOOGLE_ADS_ID},
    )
    assert read["connectionSpecification"] == spec


# -- catalogs ----------------------------------------------------------------------------------


def test_google_ads_custom_queries_become_streams_with_dotted_columns(
    app: AirbyteSandboxApp,
) -> None:
    queries = [
        {
            "table_name": "campaign_daily",
            "query": "SELECT campaign.id, metrics.cost_micros, metrics.conversions, segments.date FROM campaign ORDER BY segments.date",
        },
        {
            "table_name": "last_30",
            "query": "SELECT campaign.id, segments.date FROM campaign WHERE segments.date DURING LAST_30_DAYS",
        },
        {"table_name": "no_date", "query": "select ad_group.id, metrics.clicks from ad_group"},
    ]
    streams = discovered(
        app,
        make_source(app, GOOGLE_ADS_ID, {**GOOGLE_ADS_CONFIG, "custom_queries_array": queries})[
            "sourceId"
        ],
    )
    daily = streams["campaign_daily"]["stream"]
    assert (
        daily["defaultCursorField"] == ["segments.date"] and daily["sourceDefinedPrimaryKey"] == []
    )
    assert daily["jsonSchema"]["properties"]["metrics.cost_micros"]["type"] == ["null", "integer"]
    assert daily["jsonSchema"]["properties"]["metrics.conversions"]["type"] == ["null", "number"]
    assert daily["jsonSchema"]["properties"]["segments.date"]["format"] == "date"
    assert streams["last_30"]["stream"]["supportedSyncModes"] == ["full_refresh"]
    assert streams["no_date"]["stream"]["supportedSyncModes"] == ["full_refresh"]
    assert (
        streams["campaign_daily"]["config"]["syncMode"] == "full_refresh"
    )  # cursor but no PK: Airbyte proposes overwrite
    campaign = streams["campaign"]["config"]
    assert (campaign["syncMode"], campaign["destinationSyncMode"], campaign["selected"]) == (
        "incremental",
        "append_dedup",
        False,
    )


def test_invalid_gaql_fails_discover_not_the_request(app: AirbyteSandboxApp) -> None:
    source = make_source(
        app,
        GOOGLE_ADS_ID,
        {
            **GOOGLE_ADS_CONFIG,
            "custom_queries_array": [
                {"table_name": "t", "query": "SELECT campaign.id AS x FROM campaign"}
            ],
        },
    )
    status, body = call(app, "sources/discover_schema", {"sourceId": source["sourceId"]})
    assert status == 200 and "catalog" not in body
    assert "custom query for stream 't'" in body["jobInfo"]["failureReason"]["externalMessage"]


def test_facebook_catalog_has_insights_and_custom_insight_names(app: AirbyteSandboxApp) -> None:
    config = {
        "account_ids": ["111"],
        "credentials": {"auth_type": "Service", "access_token": "fb-token"},
        "custom_insights": [
            {
                "name": "MyWeekly",
                "level": "campaign",
                "fields": ["spend"],
                "breakdowns": ["country"],
            },
            {"name": "daily_spend", "fields": ["spend"]},
        ],
    }
    streams = discovered(app, make_source(app, FACEBOOK_MARKETING_ID, config)["sourceId"])
    insights = streams["ads_insights"]["stream"]
    assert insights["sourceDefinedPrimaryKey"] == [["date_start"], ["account_id"], ["ad_id"]]
    assert insights["defaultCursorField"] == ["date_start"]
    assert streams["custom_my_weekly"]["stream"]["sourceDefinedPrimaryKey"] == [
        ["date_start"],
        ["account_id"],
        ["campaign_id"],
        ["country"],
    ]
    assert "customdaily_spend" in streams
    assert streams["campaigns"]["stream"]["defaultCursorField"] == ["updated_time"]
    assert camel_to_snake("CustomMyWeekly") == "custom_my_weekly"


def test_ga4_reports_are_named_per_property_and_keyed_on_dimensions(app: AirbyteSandboxApp) -> None:
    config = {
        "property_ids": ["111", "222"],
        "credentials": {
            "auth_type": "Client",
            "client_id": "c",
            "client_secret": "s",
            "refresh_token": "r",
        },
        "custom_reports_array": [
            {
                "name": "by_month",
                "dimensions": ["yearMonth", "country"],
                "metrics": ["sessions", "bounceRate"],
            }
        ],
    }
    streams = discovered(app, make_source(app, GA4_ID, config)["sourceId"])
    assert "website_overview" in streams and "website_overviewProperty222" in streams
    by_month = streams["by_month"]["stream"]
    assert by_month["defaultCursorField"] == ["yearMonth"]
    assert by_month["sourceDefinedPrimaryKey"] == [
        ["property_id"],
        ["yearMonth"],
        ["country"],
        ["startDate"],
        ["endDate"],
    ]
    assert by_month["jsonSchema"]["properties"]["sessions"]["type"] == ["null", "integer"]


def test_search_console_custom_reports_force_the_date_dimension(app: AirbyteSandboxApp) -> None:
    config = {
        "site_urls": ["https://example.com/"],
        "authorization": {
            "auth_type": "Client",
            "client_id": "c",
            "client_secret": "s",
            "refresh_token": "r",
        },
        "custom_reports_array": [{"name": "query_page", "dimensions": ["query", "page"]}],
    }
    streams = discovered(app, make_source(app, SEARCH_CONSOLE_ID, config)["sourceId"])
    assert streams["query_page"]["stream"]["sourceDefinedPrimaryKey"] == [
        ["query"],
        ["page"],
        ["date"],
        ["site_url"],
        ["search_type"],
    ]
    assert streams["search_analytics_by_date"]["stream"]["defaultCursorField"] == ["date"]


def test_discover_failure_switches(app: AirbyteSandboxApp) -> None:
    by_marker = make_source(
        app,
        GOOGLE_ADS_ID,
        {**GOOGLE_ADS_CONFIG, "customer_id": "1234567890", "start_date": DISCOVER_FAIL_MARKER},
    )
    assert (
        call(app, "sources/discover_schema", {"sourceId": by_marker["sourceId"]})[1]["jobInfo"][
            "succeeded"
        ]
        is False
    )
    app.fail_discover(GA4_ID, "quota exhausted")
    ga4 = make_source(app, GA4_ID, {"property_ids": ["1"]})
    assert (
        call(app, "sources/discover_schema", {"sourceId": ga4["sourceId"]})[1]["jobInfo"][
            "failureReason"
        ]["externalMessage"]
        == "quota exhausted"
    )


# -- connections, jobs, writes -------------------------------------------------------------------


def _connection(app: AirbyteSandboxApp, **fields: Any) -> dict[str, Any]:
    source = make_source(app, GOOGLE_ADS_ID, GOOGLE_ADS_CONFIG)
    destination = app.add_destination(WS)
    status, body = call(
        app,
        "connections/create",
        {
            "sourceId": source["sourceId"],
            "destinationId": destination,
            "status": "active",
            **fields,
        },
    )
    assert status == 200, body
    return dict(body)


def test_connection_defaults_and_unselected_streams_are_dropped(app: AirbyteSandboxApp) -> None:
    streams = [
        {
            "stream": {"name": "a"},
            "config": {
                "syncMode": "full_refresh",
                "destinationSyncMode": "overwrite",
                "selected": True,
            },
        },
        {
            "stream": {"name": "b"},
            "config": {
                "syncMode": "full_refresh",
                "destinationSyncMode": "overwrite",
                "selected": False,
            },
        },
    ]
    connection = _connection(app, syncCatalog={"streams": streams})
    assert connection["name"] == "src <> Warehouse"
    assert connection["namespaceDefinition"] == "source" and connection["scheduleType"] == "manual"
    assert [s["stream"]["name"] for s in connection["syncCatalog"]["streams"]] == ["a"]


def test_stream_without_selected_flag_is_a_server_error(app: AirbyteSandboxApp) -> None:
    connection = _connection(app)
    streams = [
        {
            "stream": {"name": "a"},
            "config": {"syncMode": "full_refresh", "destinationSyncMode": "overwrite"},
        }
    ]
    status, body = call(
        app,
        "connections/update",
        {"connectionId": connection["connectionId"], "syncCatalog": {"streams": streams}},
    )
    assert status == 500 and "getSelected()" in body["message"]


def test_old_and_new_schedule_together_are_refused(app: AirbyteSandboxApp) -> None:
    connection = _connection(app)
    body = {
        "connectionId": connection["connectionId"],
        "schedule": {"units": 1, "timeUnit": "hours"},
        "scheduleType": "manual",
    }
    status, answer = call(app, "connections/update", body)
    assert status == 422 and "not both" in answer["message"]


def test_cron_problem_body_is_problem_json(app: AirbyteSandboxApp) -> None:
    connection = _connection(app)
    response = app.dispatch(
        Request(
            "POST",
            "/api/v1/connections/update",
            {},
            {},
            json.dumps(
                {
                    "connectionId": connection["connectionId"],
                    "scheduleType": "cron",
                    "scheduleData": {
                        "cron": {"cronExpression": "0 0 2 * * ?", "cronTimeZone": "Etc/GMT"}
                    },
                }
            ).encode(),
        )
    )
    assert response.status == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert json.loads(response.body) == {
        "status": 400,
        "type": "error:cron-validation/invalid-timezone",
        "title": "Invalid cron timezone",
        "detail": "The specified cron timezone is invalid",
        "documentationUrl": None,
        "data": {"connectionId": connection["connectionId"], "cronTimezone": "Etc/GMT"},
    }


def test_writes_are_counted_and_reads_are_not(app: AirbyteSandboxApp) -> None:
    connection = _connection(app)
    assert app.write_log == ["sources/create", "connections/create"]
    call(app, "connections/get", {"connectionId": connection["connectionId"]})
    call(app, "sources/list", {"workspaceId": WS})
    call(app, "sources/check_connection", {"sourceId": connection["sourceId"]})
    assert app.writes == 2
    call(app, "connections/update", {"connectionId": connection["connectionId"], "name": "n"})
    assert app.writes == 3


def test_planted_job_history_reads_back_with_attempts_and_stats(app: AirbyteSandboxApp) -> None:
    connection = _connection(app)
    cid = connection["connectionId"]
    app.add_job(
        cid,
        "succeeded",
        created_at=1_700_000_000,
        attempts=2,
        records_synced=1200,
        bytes_synced=64_000,
    )
    failed = app.add_job(
        cid, "failed", created_at=1_700_003_600, attempts=3, failure_message="token expired"
    )
    _, page = call(
        app,
        "jobs/list",
        {"configTypes": ["sync"], "configId": cid, "pagination": {"pageSize": 1, "rowOffset": 0}},
    )
    assert page["totalJobCount"] == 2
    newest = page["jobs"][0]
    assert newest["job"]["id"] == failed and newest["job"]["status"] == "failed"
    assert [a["status"] for a in newest["attempts"]] == ["failed", "failed", "failed"]
    assert (
        newest["attempts"][-1]["failureSummary"]["failures"][0]["externalMessage"]
        == "token expired"
    )
    _, older = call(
        app,
        "jobs/list",
        {"configTypes": ["sync"], "configId": cid, "pagination": {"pageSize": 1, "rowOffset": 1}},
    )
    job = older["jobs"][0]
    assert [a["status"] for a in job["attempts"]] == ["failed", "succeeded"]
    assert job["job"]["aggregatedStats"]["recordsCommitted"] == 1200
    assert (
        call(app, "jobs/get_last_replication_job", {"connectionId": cid})[1]["job"]["id"] == failed
    )


def test_deleted_connection_leaves_the_list_and_cannot_be_reactivated(
    app: AirbyteSandboxApp,
) -> None:
    connection = _connection(app)
    assert call(app, "connections/delete", {"connectionId": connection["connectionId"]})[0] == 204
    assert call(app, "connections/list", {"workspaceId": WS})[1] == {"connections": []}
    assert (
        call(
            app,
            "connections/update",
            {"connectionId": connection["connectionId"], "status": "active"},
        )[0]
        == 422
    )


def test_create_manifest_conflicts_and_non_declarative_definitions(app: AirbyteSandboxApp) -> None:
    manifest = {
        "description": "d",
        "version": 1,
        "spec": {"connectionSpecification": {"type": "object"}},
        "manifest": {"streams": [{"name": "s"}]},
    }
    status, project = call(
        app,
        "connector_builder_projects/create",
        {"workspaceId": WS, "builderProject": {"name": "p"}},
    )
    assert status == 201
    _, published = call(
        app,
        "connector_builder_projects/publish",
        {
            "workspaceId": WS,
            "builderProjectId": project["builderProjectId"],
            "name": "p",
            "initialDeclarativeManifest": manifest,
        },
    )
    body = {
        "workspaceId": WS,
        "sourceDefinitionId": published["sourceDefinitionId"],
        "setAsActiveManifest": True,
        "declarativeManifest": manifest,
    }
    assert call(app, "declarative_source_definitions/create_manifest", body)[0] == 409
    assert (
        call(
            app,
            "declarative_source_definitions/create_manifest",
            {**body, "sourceDefinitionId": GOOGLE_ADS_ID},
        )[0]
        == 400
    )
    assert (
        call(
            app,
            "declarative_source_definitions/create_manifest",
            {**body, "declarativeManifest": {**manifest, "version": 2}},
        )[0]
        == 201
    )


def test_standalone_runner_rejects_a_malformed_destination_seed() -> None:
    from sandboxes.airbyte import main

    with pytest.raises(SystemExit) as caught:
        main(["--destination", "only-one-part"])
    assert caught.value.code == 2


def test_env_file_seeding_creates_the_named_workspaces_and_destinations() -> None:
    from airbyte_provisioning.core.envfile import read_env_file
    from sandboxes.airbyte import seed_from_env

    env = read_env_file(Path(__file__).resolve().parents[2] / "env.example")
    app = create_app(spec_dir=None, workspaces=())
    seed_from_env(app, env)
    assert env["AIRBYTE_GLOBEX_EU_WORKSPACE_ID"] in app.workspaces
    destination = app.actors[env["AIRBYTE_GLOBEX_EU_DESTINATION_ID"]]
    assert destination.workspace_id == env["AIRBYTE_GLOBEX_EU_WORKSPACE_ID"]
    assert env["AIRBYTE_TEMPLATE_DESTINATION_ID"] in app.actors
    status, listed = call(
        app, "destinations/list", {"workspaceId": env["AIRBYTE_ACME_WORKSPACE_ID"]}
    )
    assert status == 200 and {d["destinationId"] for d in listed["destinations"]} == {
        env["AIRBYTE_TEMPLATE_DESTINATION_ID"],
        env["AIRBYTE_ACME_DESTINATION_ID"],
    }

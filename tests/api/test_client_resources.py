"""Resource calls against the sandbox: masked secrets, patch updates, schedules, checks, discovers, publishing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from airbyte_provisioning.api import (
    AIRBYTE_MASK,
    AirbyteClient,
    AirbyteInvalidInputError,
    JsonDict,
)
from sandboxes.airbyte import CHECK_FAIL_MARKER, DEFAULT_WORKSPACE_ID, AirbyteSandboxApp
from sandboxes.airbyte.catalogs import GOOGLE_ADS_ID

pytestmark = pytest.mark.e2e
Sandbox = tuple[AirbyteSandboxApp, str]


@pytest.fixture
def destination_id(sandbox: Sandbox) -> str:
    return sandbox[0].add_destination(DEFAULT_WORKSPACE_ID, "warehouse")


def _selected_catalog(discovered: JsonDict, *names: str) -> JsonDict:
    streams = discovered["catalog"]["streams"]
    for item in streams:
        item["config"]["selected"] = item["stream"]["name"] in names
    return {"streams": streams}


def _connection(
    client: AirbyteClient, source: JsonDict, destination_id: str, **fields: Any
) -> JsonDict:
    discovered = client.discover_source_schema(source["sourceId"])
    body = {
        "sourceId": source["sourceId"],
        "destinationId": destination_id,
        "status": "active",
        "name": "acme | Google Ads metrics",
        "syncCatalog": _selected_catalog(discovered, "campaign_daily", "customer"),
        "sourceCatalogId": discovered["catalogId"],
        "scheduleType": "cron",
        "scheduleData": {
            "cron": {"cronExpression": "0 0 6-22 * * ?", "cronTimeZone": "America/Jamaica"}
        },
        "namespaceDefinition": "customformat",
        "namespaceFormat": "acme_marketing",
        "prefix": "acme_",
        **fields,
    }
    return client.create_connection(body)


def test_secrets_read_back_masked_and_the_mask_keeps_the_stored_value(
    sandbox: Sandbox, client: AirbyteClient, google_ads_source: JsonDict, canary: str
) -> None:
    app, _ = sandbox
    read = client.get_source(google_ads_source["sourceId"])
    credentials = read["connectionConfiguration"]["credentials"]
    assert credentials["refresh_token"] == AIRBYTE_MASK
    assert credentials["developer_token"] == AIRBYTE_MASK
    assert credentials["client_id"] == "changeme-client-id"  # not a secret in the Google Ads spec

    config = read["connectionConfiguration"]
    config["start_date"] = "2024-06-01"
    client.update_source(read["sourceId"], read["name"], config)
    stored = app.actors[read["sourceId"]].config
    assert stored["credentials"]["refresh_token"] == canary
    assert stored["start_date"] == "2024-06-01"

    config["credentials"]["refresh_token"] = "rotated-refresh-token"
    client.update_source(read["sourceId"], read["name"], config)
    assert (
        app.actors[read["sourceId"]].config["credentials"]["refresh_token"]
        == "rotated-refresh-token"
    )


def test_connection_update_changes_only_the_fields_sent(
    client: AirbyteClient, google_ads_source: JsonDict, destination_id: str
) -> None:
    created = _connection(client, google_ads_source, destination_id)
    assert sorted(s["stream"]["name"] for s in created["syncCatalog"]["streams"]) == [
        "campaign_daily",
        "customer",
    ]

    updated = client.update_connection(created["connectionId"], {"name": "acme | renamed"})

    assert updated["name"] == "acme | renamed"
    unchanged = {k: v for k, v in updated.items() if k != "name"}
    assert unchanged == {k: v for k, v in created.items() if k != "name"}
    assert client.get_connection(created["connectionId"]) == updated


def test_connection_update_refuses_to_send_nulls(client: AirbyteClient) -> None:
    with pytest.raises(ValueError, match="cannot clear prefix"):
        client.update_connection("00000000-0000-4000-8000-000000000001", {"prefix": None})


def test_schedule_changes_between_cron_basic_and_manual(
    client: AirbyteClient, google_ads_source: JsonDict, destination_id: str
) -> None:
    connection_id = _connection(client, google_ads_source, destination_id)["connectionId"]

    basic = client.update_connection(
        connection_id,
        {
            "scheduleType": "basic",
            "scheduleData": {"basicSchedule": {"timeUnit": "hours", "units": 24}},
        },
    )
    assert basic["scheduleData"] == {"basicSchedule": {"timeUnit": "hours", "units": 24}}
    assert basic["schedule"] == {"timeUnit": "hours", "units": 24}

    manual = client.update_connection(connection_id, {"scheduleType": "manual"})
    assert manual["scheduleType"] == "manual"
    assert "scheduleData" not in manual and "schedule" not in manual

    ignored = client.update_connection(
        connection_id,
        {"scheduleData": {"cron": {"cronExpression": "0 0 2 * * ?", "cronTimeZone": "UTC"}}},
    )
    assert ignored["scheduleType"] == "manual"  # scheduleData counts only with scheduleType


@pytest.mark.parametrize(
    ("expression", "zone", "problem_type"),
    [
        ("0 6-22 * * *", "America/Jamaica", "error:cron-validation/invalid-expression"),
        ("0 0 2 * * *", "America/Jamaica", "error:cron-validation/invalid-expression"),
        ("0 0 2 * * ?", "Etc/UTC", "error:cron-validation/invalid-timezone"),
        ("0 0 2 * * ?", "etc/GMT+5", "error:cron-validation/invalid-timezone"),
        ("0 0 2 * * ?", "Mars/Olympus_Mons", "error:cron-validation/invalid-timezone"),
    ],
)
def test_cron_and_time_zone_rejections_carry_the_problem_type(
    sandbox: Sandbox,
    client: AirbyteClient,
    google_ads_source: JsonDict,
    destination_id: str,
    expression: str,
    zone: str,
    problem_type: str,
) -> None:
    app, _ = sandbox
    connection_id = _connection(client, google_ads_source, destination_id)["connectionId"]
    writes = app.writes
    schedule = {
        "scheduleType": "cron",
        "scheduleData": {"cron": {"cronExpression": expression, "cronTimeZone": zone}},
    }
    with pytest.raises(AirbyteInvalidInputError) as caught:
        client.update_connection(connection_id, schedule)
    assert caught.value.status == 400
    assert caught.value.problem_type == problem_type
    assert app.writes == writes
    assert (
        client.get_connection(connection_id)["scheduleData"]["cron"]["cronTimeZone"]
        == "America/Jamaica"
    )


def test_schedule_type_without_data_is_a_422(
    client: AirbyteClient, google_ads_source: JsonDict, destination_id: str
) -> None:
    connection_id = _connection(client, google_ads_source, destination_id)["connectionId"]
    with pytest.raises(AirbyteInvalidInputError, match="schedule data must be populated") as caught:
        client.update_connection(connection_id, {"scheduleType": "cron"})
    assert caught.value.status == 422


def test_failed_check_is_a_200_with_status_failed(
    client: AirbyteClient, google_ads_config: Callable[..., dict[str, Any]]
) -> None:
    config = google_ads_config()
    config["credentials"]["refresh_token"] = f"{CHECK_FAIL_MARKER}-token"
    source = client.create_source(DEFAULT_WORKSPACE_ID, GOOGLE_ADS_ID, "bad creds", config)
    result = client.check_source(source["sourceId"])
    assert result["status"] == "failed"
    assert "401" in result["message"]
    assert result["jobInfo"]["configType"] == "check_connection_source"


def test_failed_discover_has_no_catalog_and_says_why(
    sandbox: Sandbox, client: AirbyteClient, google_ads_source: JsonDict
) -> None:
    app, _ = sandbox
    app.fail_discover(
        google_ads_source["sourceId"], "Discover failed: customer 1234567890 is not enabled."
    )
    result = client.discover_source_schema(google_ads_source["sourceId"])
    assert "catalog" not in result
    assert result["jobInfo"]["succeeded"] is False
    assert (
        result["jobInfo"]["failureReason"]["externalMessage"]
        == "Discover failed: customer 1234567890 is not enabled."
    )


def test_discover_is_stable_so_a_rerun_reuses_the_catalog_id(
    client: AirbyteClient, google_ads_source: JsonDict
) -> None:
    first = client.discover_source_schema(google_ads_source["sourceId"])
    second = client.discover_source_schema(google_ads_source["sourceId"])
    assert first["catalogId"] == second["catalogId"]
    stream = next(s for s in first["catalog"]["streams"] if s["stream"]["name"] == "campaign_daily")
    assert stream["stream"]["defaultCursorField"] == ["segments.date"]
    assert "campaign.id" in stream["stream"]["jsonSchema"]["properties"]


def test_operations_attach_to_a_connection(
    client: AirbyteClient, google_ads_source: JsonDict, destination_id: str
) -> None:
    webhook = {
        "operatorType": "webhook",
        "webhook": {"webhookType": "dbtCloud", "dbtCloud": {"accountId": 1, "jobId": 2}},
    }
    operation = client.create_operation(DEFAULT_WORKSPACE_ID, "dbt marts", webhook)
    connection = _connection(
        client, google_ads_source, destination_id, operationIds=[operation["operationId"]]
    )
    assert client.list_operations(connection["connectionId"]) == [operation]
    renamed = client.update_operation(operation["operationId"], "dbt marts v2", webhook)
    assert client.get_operation(operation["operationId"]) == renamed


MANIFEST: JsonDict = {
    "version": "7.39.1",
    "type": "DeclarativeSource",
    "check": {"type": "CheckStream", "stream_names": ["ad_analytics"]},
    "definitions": {
        "report": {
            "type": "DeclarativeStream",
            "primary_key": ["campaign_id", "date"],
            "incremental_sync": {"type": "DatetimeBasedCursor", "cursor_field": "date"},
        }
    },
    "streams": [{"$ref": "#/definitions/report", "name": "ad_analytics"}],
    "spec": {
        "type": "Spec",
        "connection_specification": {
            "type": "object",
            "required": ["access_token"],
            "properties": {"access_token": {"type": "string", "airbyte_secret": True}},
        },
    },
    "schemas": {
        "ad_analytics": {
            "type": "object",
            "properties": {"campaign_id": {"type": "integer"}, "date": {"type": "string"}},
        }
    },
}


def test_a_published_declarative_source_discovers_its_manifest_streams(
    client: AirbyteClient,
) -> None:
    # idempotent, versioned publishing is the publish command's job (tests/publish); this is
    # the bare Config API sequence it builds on
    project = client.create_builder_project(DEFAULT_WORKSPACE_ID, "LinkedIn Ads (custom)", MANIFEST)
    published = client.publish_builder_project(
        DEFAULT_WORKSPACE_ID,
        str(project["builderProjectId"]),
        "LinkedIn Ads (custom)",
        MANIFEST,
        description="v1",
    )
    definition = client.get_source_definition(published["sourceDefinitionId"], DEFAULT_WORKSPACE_ID)
    assert definition["dockerRepository"] == "airbyte/source-declarative-manifest"
    assert definition["custom"] is True
    source = client.create_source(
        DEFAULT_WORKSPACE_ID,
        published["sourceDefinitionId"],
        "acme | LinkedIn",
        {"access_token": "li-token-123"},
    )
    assert source["connectionConfiguration"] == {"access_token": AIRBYTE_MASK}
    stream = client.discover_source_schema(source["sourceId"])["catalog"]["streams"][0]
    assert stream["stream"]["name"] == "ad_analytics"
    assert stream["stream"]["sourceDefinedPrimaryKey"] == [["campaign_id"], ["date"]]
    assert stream["config"]["syncMode"] == "incremental"
    assert stream["config"]["selected"] is True  # a single-stream catalog is preselected

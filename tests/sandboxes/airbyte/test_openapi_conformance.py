"""The client's requests and the sandbox's answers agree with Airbyte 1.8.0's OpenAPI specs.

A scenario drives every endpoint the client uses through HTTP, recording each exchange at the
sandbox; each request body is then validated against the operation's request schema and each
answer against the schema of its status (errors included). Skipped when the reference specs are
not checked out next to the repository.

Two documented deviations of the real server from its own spec are accounted for:
* ``AirbyteStream`` lists ``json_schema`` as required while the property is ``jsonSchema`` (and
  ``additionalProperties: false``), so no real discover result validates; ``required`` is fixed.
* 422 answers for a config that breaks the connector spec, and 409/500 answers, carry a
  ``KnownExceptionInfo`` (no ``validationErrors``); they are validated against that schema.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from airbyte_provisioning.api import (
    AirbyteApiError,
    AirbyteClient,
    ClientCredentialsAuth,
    RetryPolicy,
)
from sandboxes.airbyte import DEFAULT_WORKSPACE_ID, AirbyteSandboxApp
from sandboxes.airbyte.catalogs import GOOGLE_ADS_ID
from sandboxes.base import Request, Response, SandboxServer

REF_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "ref" / "airbyte-openapi"
CONFIG_SPEC = REF_DIR / "config.yaml"
PROBLEMS_SPEC = REF_DIR / "api-problems.yaml"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not CONFIG_SPEC.is_file(), reason=f"Airbyte OpenAPI spec not found at {CONFIG_SPEC}"
    ),
]

CLIENT_ENDPOINTS = {
    "applications/token",
    "workspaces/get",
    "workspaces/create",
    "workspaces/list_by_organization_id",
    "source_definitions/list_for_workspace",
    "source_definitions/get",
    "source_definitions/get_for_workspace",
    "source_definition_specifications/get",
    "destination_definitions/list_for_workspace",
    "destination_definitions/get",
    "destination_definition_specifications/get",
    "sources/create",
    "sources/update",
    "sources/get",
    "sources/list",
    "sources/check_connection",
    "sources/discover_schema",
    "sources/delete",
    "destinations/create",
    "destinations/update",
    "destinations/get",
    "destinations/list",
    "connections/create",
    "connections/update",
    "connections/get",
    "connections/list",
    "connections/sync",
    "connections/delete",
    "jobs/list",
    "jobs/list_for_workspaces",
    "jobs/get",
    "jobs/get_last_replication_job",
    "operations/create",
    "operations/update",
    "operations/get",
    "operations/list",
    "connector_builder_projects/list",
    "connector_builder_projects/create",
    "connector_builder_projects/publish",
    "declarative_source_definitions/list_manifests",
    "declarative_source_definitions/create_manifest",
    "declarative_source_definitions/update_active_manifest",
}


@dataclass
class Exchange:
    endpoint: str
    request: Any
    status: int
    content_type: str
    answer: Any


class RecordingSandbox(AirbyteSandboxApp):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.exchanges: list[Exchange] = []

    def dispatch(self, request: Request) -> Response:
        response = super().dispatch(request)
        answer = json.loads(response.body) if response.body else None
        endpoint = request.path.removeprefix("/api/v1/")
        self.exchanges.append(
            Exchange(
                endpoint,
                request.json(),
                response.status,
                response.headers.get("Content-Type", ""),
                answer,
            )
        )
        return response


def _nullable_to_json_schema(node: Any) -> Any:
    if isinstance(node, dict):
        converted = {k: _nullable_to_json_schema(v) for k, v in node.items()}
        if converted.pop("nullable", False) and "type" in converted:
            converted["type"] = [converted["type"], "null"]
        return converted
    if isinstance(node, list):
        return [_nullable_to_json_schema(v) for v in node]
    return node


class SpecValidator:
    def __init__(self) -> None:
        config = yaml.safe_load(CONFIG_SPEC.read_text())
        self.paths = config["paths"]
        self.components = _nullable_to_json_schema(config["components"])
        self.components["schemas"]["AirbyteStream"]["required"] = ["name"]
        problems = (
            yaml.safe_load(PROBLEMS_SPEC.read_text())
            if PROBLEMS_SPEC.is_file()
            else {"components": {"schemas": {}}}
        )
        self.problems = problems["components"]
        self.formats = jsonschema.FormatChecker()
        self.formats.checks("uuid", raises=ValueError)(
            lambda value: not isinstance(value, str) or bool(uuid.UUID(value))
        )

    def _check(
        self, schema: dict[str, Any], instance: Any, components: dict[str, Any], what: str
    ) -> list[str]:
        root = {**schema, "components": components}
        validator = jsonschema.Draft7Validator(root, format_checker=self.formats)
        return [
            f"{what}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(instance)
        ]

    def operation(self, endpoint: str) -> dict[str, Any]:
        return dict(self.paths[f"/v1/{endpoint}"]["post"])

    def request_errors(self, exchange: Exchange) -> list[str]:
        body = self.operation(exchange.endpoint).get("requestBody")
        if body is None:
            return []
        schema = body["content"]["application/json"]["schema"]
        return self._check(
            schema, exchange.request, self.components, f"request {exchange.endpoint}"
        )

    def response_errors(self, exchange: Exchange) -> list[str]:
        what = f"{exchange.status} {exchange.endpoint}"
        if exchange.content_type == "application/problem+json":
            return self._problem_errors(exchange.answer, what)
        if exchange.status in (409, 500) or (
            exchange.status in (400, 422) and "validationErrors" not in (exchange.answer or {})
        ):
            if exchange.status == 400 and exchange.endpoint == "applications/token":
                return []  # Micronaut's own body, outside the Config API spec
            return self._check(
                {"$ref": "#/components/schemas/KnownExceptionInfo"},
                exchange.answer,
                self.components,
                what,
            )
        declared = self.operation(exchange.endpoint)["responses"].get(str(exchange.status))
        if declared is None:
            return [f"{what}: status not declared by the spec"]
        if "$ref" in declared:
            declared = self.components["responses"][declared["$ref"].rsplit("/", 1)[1]]
        content = declared.get("content", {}).get("application/json")
        if content is None or "schema" not in content:
            return (
                []
                if exchange.answer is None
                else [f"{what}: the spec declares no body but one was sent"]
            )
        return self._check(content["schema"], exchange.answer, self.components, what)

    def _problem_errors(self, answer: dict[str, Any], what: str) -> list[str]:
        name = next(
            (
                n
                for n, s in self.problems["schemas"].items()
                if _problem_type(s) == answer.get("type")
            ),
            None,
        )
        if name is None:
            return [f"{what}: problem type {answer.get('type')} is not in api-problems.yaml"]
        # Jackson writes unset optional problem fields as null; the spec does not mark them nullable
        present = {k: v for k, v in answer.items() if v is not None}
        return self._check({"$ref": f"#/components/schemas/{name}"}, present, self.problems, what)


def _problem_type(schema: dict[str, Any]) -> Any:
    for part in schema.get("allOf", []):
        default = part.get("properties", {}).get("type", {}).get("default")
        if default:
            return default
    return None


MANIFEST: dict[str, Any] = {
    "version": "7.39.1",
    "type": "DeclarativeSource",
    "streams": [{"type": "DeclarativeStream", "name": "report", "primary_key": ["id"]}],
    "spec": {
        "connection_specification": {
            "type": "object",
            "properties": {"token": {"type": "string", "airbyte_secret": True}},
        }
    },
}


def _expect_error(call: Any) -> None:
    with pytest.raises(AirbyteApiError):
        call()


def _scenario(client: AirbyteClient, app: AirbyteSandboxApp) -> None:
    ws = DEFAULT_WORKSPACE_ID
    client.get_workspace(ws)
    client.create_workspace("tenant b")
    client.list_workspaces()
    client.list_source_definitions(ws)
    client.get_source_definition(GOOGLE_ADS_ID)
    client.get_source_definition(GOOGLE_ADS_ID, ws)
    client.get_source_definition_spec(GOOGLE_ADS_ID, ws)
    destination_definition = client.list_destination_definitions(ws)[0]["destinationDefinitionId"]
    client.get_destination_definition(destination_definition)
    client.get_destination_definition_spec(destination_definition, ws)
    config = {
        "credentials": {
            "developer_token": "d-token",
            "client_id": "c",
            "client_secret": "c-secret",
            "refresh_token": "r-token",
        },
        "customer_id": "1234567890",
        "custom_queries_array": [
            {"table_name": "daily", "query": "SELECT campaign.id, segments.date FROM campaign"}
        ],
    }
    source = client.create_source(ws, GOOGLE_ADS_ID, "acme | Google Ads", config)
    client.update_source(
        source["sourceId"],
        "acme | Google Ads",
        client.get_source(source["sourceId"])["connectionConfiguration"],
    )
    client.list_sources(ws, page_size=1)
    client.check_source(source["sourceId"])
    discovered = client.discover_source_schema(source["sourceId"])
    destination = client.create_destination(
        ws,
        destination_definition,
        "warehouse",
        {
            "host": "db",
            "port": 5432,
            "database": "w",
            "schema": "raw",
            "username": "u",
            "password": "p-secret",
        },
    )
    client.update_destination(
        destination["destinationId"],
        "warehouse",
        client.get_destination(destination["destinationId"])["connectionConfiguration"],
    )
    client.list_destinations(ws)
    operation = client.create_operation(
        ws,
        "dbt",
        {
            "operatorType": "webhook",
            "webhook": {"webhookType": "dbtCloud", "dbtCloud": {"accountId": 1, "jobId": 2}},
        },
    )
    client.update_operation(operation["operationId"], "dbt v2", operation["operatorConfiguration"])
    client.get_operation(operation["operationId"])
    streams = discovered["catalog"]["streams"]
    for stream in streams:
        stream["config"]["selected"] = stream["stream"]["name"] == "daily"
    connection = client.create_connection(
        {
            "sourceId": source["sourceId"],
            "destinationId": destination["destinationId"],
            "status": "active",
            "syncCatalog": {"streams": streams},
            "sourceCatalogId": discovered["catalogId"],
            "operationIds": [operation["operationId"]],
            "scheduleType": "cron",
            "scheduleData": {
                "cron": {"cronExpression": "0 0 2 * * ?", "cronTimeZone": "Europe/Berlin"}
            },
        }
    )
    cid = connection["connectionId"]
    client.update_connection(
        cid,
        {
            "scheduleType": "basic",
            "scheduleData": {"basicSchedule": {"timeUnit": "hours", "units": 1}},
            "prefix": "acme_",
        },
    )
    client.get_connection(cid)
    client.list_connections(ws)
    client.list_operations(cid)
    app.add_job(cid, "failed", created_at=1_700_000_000, attempts=2)
    job = client.sync_connection(cid)
    client.get_job(job["job"]["id"])
    client.list_jobs(cid, page_size=1)
    client.post(  # the health check's listing (checks/health_jobs.py)
        "jobs/list_for_workspaces",
        {
            "configTypes": ["sync"],
            "workspaceIds": [ws],
            "updatedAtStart": "2023-11-01T00:00:00+00:00",
            "orderByField": "createdAt",
            "orderByMethod": "DESC",
            "pagination": {"pageSize": 200, "rowOffset": 0},
        },
    )
    client.get_last_replication_job(cid)
    project = client.create_builder_project(ws, "LinkedIn Ads (custom)", MANIFEST, "# v1\n")
    client.list_builder_projects(ws)
    published = client.publish_builder_project(
        ws,
        str(project["builderProjectId"]),
        "LinkedIn Ads (custom)",
        MANIFEST,
        description="v1",
        components="# v1\n",
    )
    definition_id = str(published["sourceDefinitionId"])
    client.create_declarative_manifest(
        ws, definition_id, MANIFEST, description="v2", version=2, components="# v2\n"
    )
    client.list_declarative_manifests(ws, definition_id)
    client.update_active_manifest(ws, definition_id, 1)
    # error answers
    _expect_error(lambda: client.get_source(str(uuid.UUID(int=1))))
    _expect_error(lambda: client.create_source(ws, GOOGLE_ADS_ID, "bad", {"customer_id": "x"}))
    _expect_error(lambda: client.post("sources/create", {"workspaceId": ws}))
    _expect_error(
        lambda: client.update_connection(
            cid,
            {
                "scheduleType": "cron",
                "scheduleData": {
                    "cron": {"cronExpression": "0 0 2 * * ?", "cronTimeZone": "Etc/UTC"}
                },
            },
        )
    )
    _expect_error(
        lambda: client.update_connection(
            cid,
            {
                "scheduleType": "cron",
                "scheduleData": {"cron": {"cronExpression": "0 2 * * *", "cronTimeZone": "UTC"}},
            },
        )
    )
    _expect_error(
        lambda: client.update_connection(cid, {"scheduleType": "cron", "scheduleData": {}})
    )
    app.sync_outcome = "running"
    client.sync_connection(cid)
    _expect_error(lambda: client.sync_connection(cid))
    client.delete_connection(cid)
    client.delete_source(source["sourceId"])


@pytest.fixture(scope="module")
def exchanges() -> Iterator[list[Exchange]]:
    app = RecordingSandbox(auth="bearer", spec_dir=None)
    with SandboxServer(app) as server:
        client = AirbyteClient(
            server.url,
            auth=ClientCredentialsAuth("sandbox-client-id", "sandbox-client-secret"),
            retry=RetryPolicy(sleep=lambda _s: None),
        )
        _scenario(client, app)
        yield app.exchanges


@pytest.fixture(scope="module")
def spec() -> SpecValidator:
    return SpecValidator()


def test_the_scenario_exercises_every_endpoint_the_client_uses(
    exchanges: list[Exchange], spec: SpecValidator
) -> None:
    assert {e.endpoint for e in exchanges} >= CLIENT_ENDPOINTS
    assert all(f"/v1/{endpoint}" in spec.paths for endpoint in CLIENT_ENDPOINTS)
    statuses = {e.status for e in exchanges}
    assert {200, 201, 204, 400, 404, 409, 422} <= statuses


def test_client_requests_match_the_request_schemas(
    exchanges: list[Exchange], spec: SpecValidator
) -> None:
    # the scenario sends one malformed body on purpose to provoke the InvalidInput answer
    sent = [e for e in exchanges if "validationErrors" not in (e.answer or {})]
    errors = [error for exchange in sent for error in spec.request_errors(exchange)]
    assert errors == []


def test_sandbox_answers_match_the_response_schemas(
    exchanges: list[Exchange], spec: SpecValidator
) -> None:
    errors = [error for exchange in exchanges for error in spec.response_errors(exchange)]
    assert errors == []


def test_the_validator_catches_a_wrong_answer(
    exchanges: list[Exchange], spec: SpecValidator
) -> None:
    read = next(e for e in exchanges if e.endpoint == "sources/get" and e.status == 200)
    broken = copy.deepcopy(read)
    del broken.answer["sourceName"]
    broken.answer["createdAt"] = "yesterday"
    assert len(spec.response_errors(broken)) == 2

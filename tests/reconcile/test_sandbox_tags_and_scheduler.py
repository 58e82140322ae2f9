"""The sandbox endpoints this layer added (connection tags, scheduler check/discover, lost
answers) behave as described and agree with Airbyte 1.8.0's OpenAPI spec."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from sandboxes.airbyte import CHECK_FAIL_MARKER, DEFAULT_WORKSPACE_ID, AirbyteSandboxApp, create_app
from sandboxes.airbyte.catalogs import GOOGLE_ADS_ID
from sandboxes.base import Request

SPEC = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "ref"
    / "airbyte-openapi"
    / "config.yaml"
)
WS = DEFAULT_WORKSPACE_ID
CONFIG = {
    "credentials": {
        "developer_token": "d",
        "client_id": "c",
        "client_secret": "s",
        "refresh_token": "r",
    },
    "customer_id": "1234567890",
    "custom_queries_array": [
        {"table_name": "daily", "query": "SELECT campaign.id, segments.date FROM campaign"}
    ],
}


def _nullable(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _nullable(v) for k, v in node.items()}
        if out.pop("nullable", False) and "type" in out:
            out["type"] = [out["type"], "null"]
        return out
    if isinstance(node, list):
        return [_nullable(v) for v in node]
    return node


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    if not SPEC.is_file():
        pytest.skip(f"Airbyte OpenAPI spec not found at {SPEC}")
    loaded: dict[str, Any] = yaml.safe_load(SPEC.read_text())
    return loaded


def _errors(spec: dict[str, Any], schema: dict[str, Any], instance: Any) -> list[str]:
    components = _nullable(spec["components"])
    components["schemas"]["AirbyteStream"]["required"] = ["name"]
    checker = jsonschema.FormatChecker()
    checker.checks("uuid", raises=ValueError)(
        lambda v: not isinstance(v, str) or bool(uuid.UUID(v))
    )
    validator = jsonschema.Draft7Validator(
        {**schema, "components": components}, format_checker=checker
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


class Caller:
    def __init__(self, app: AirbyteSandboxApp, spec: dict[str, Any] | None = None) -> None:
        self.app, self.spec = app, spec

    def __call__(self, endpoint: str, body: dict[str, Any]) -> tuple[int, Any]:
        response = self.app.dispatch(
            Request("POST", f"/api/v1/{endpoint}", {}, {}, json.dumps(body).encode())
        )
        is_json = "json" in response.headers.get("Content-Type", "")
        answer = json.loads(response.body) if response.body and is_json else response.body
        if self.spec is not None:
            operation = self.spec["paths"][f"/v1/{endpoint}"]["post"]
            request_schema = operation["requestBody"]["content"]["application/json"]["schema"]
            assert _errors(self.spec, request_schema, body) == []
            if response.status == 200:
                schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
            else:
                schema = {"$ref": "#/components/schemas/KnownExceptionInfo"}
            assert _errors(self.spec, schema, answer) == [], (endpoint, answer)
        return response.status, answer


@pytest.fixture
def call(spec: dict[str, Any]) -> Caller:
    return Caller(create_app(spec_dir=None), spec)


def _tag(call: Caller, name: str, workspace: str = WS) -> dict[str, Any]:
    status, tag = call("tags/create", {"workspaceId": workspace, "name": name, "color": "#3b82f6"})
    assert status == 200, tag
    return dict(tag)


def test_tags_are_unique_per_workspace_and_listed(call: Caller) -> None:
    first = _tag(call, "stack:META_METRICS")
    status, conflict = call(
        "tags/create", {"workspaceId": WS, "name": "stack:META_METRICS", "color": "#000000"}
    )
    other_ws = call.app.add_workspace("other")
    _tag(call, "stack:META_METRICS", other_ws)

    assert status == 409 and "already exists" in conflict["message"]
    status, listed = call("tags/list", {"workspaceId": WS})
    assert status == 200 and listed == [first]


def test_a_connection_keeps_tags_by_id_and_refuses_a_foreign_one(call: Caller) -> None:
    tag = _tag(call, "stack:GOOGLE_METRICS")
    _, source = call(
        "sources/create",
        {
            "workspaceId": WS,
            "sourceDefinitionId": GOOGLE_ADS_ID,
            "name": "g",
            "connectionConfiguration": CONFIG,
        },
    )
    destination = call.app.add_destination(WS)
    base = {"sourceId": source["sourceId"], "destinationId": destination, "status": "active"}

    status, connection = call("connections/create", {**base, "tags": [tag]})
    assert status == 200 and connection["tags"] == [tag]
    _, renamed = call("tags/update", {**tag, "name": "stack:renamed"})
    _, read = call("connections/get", {"connectionId": connection["connectionId"]})
    assert read["tags"] == [renamed]

    foreign = _tag(call, "stack:x", call.app.add_workspace("elsewhere"))
    status, refused = call("connections/create", {**base, "tags": [foreign]})
    assert status == 422 and "belongs to workspace" in refused["message"]


def test_scheduler_check_and_discover_work_on_an_unsaved_config(call: Caller) -> None:
    body = {
        "workspaceId": WS,
        "sourceDefinitionId": GOOGLE_ADS_ID,
        "connectionConfiguration": CONFIG,
    }

    status, check = call("scheduler/sources/check_connection", body)
    assert (status, check["status"]) == (200, "succeeded")
    status, discovered = call("scheduler/sources/discover_schema", body)
    assert status == 200 and "daily" in [
        s["stream"]["name"] for s in discovered["catalog"]["streams"]
    ]
    failing = {
        **CONFIG,
        "credentials": {**CONFIG["credentials"], "refresh_token": CHECK_FAIL_MARKER},
    }
    _, check = call(
        "scheduler/sources/check_connection", {**body, "connectionConfiguration": failing}
    )
    assert check["status"] == "failed" and check["message"]
    assert call.app.writes == 0 and not call.app.actors


def test_a_lost_answer_still_carries_the_write_out() -> None:
    app = create_app(spec_dir=None)
    app.lose_response(1, path_prefix="/api/v1/tags/create")
    call = Caller(app)

    status, _ = call("tags/create", {"workspaceId": WS, "name": "stack:T", "color": "#3b82f6"})

    assert status == 504
    assert [t["name"] for t in app.tags.values()] == ["stack:T"]
    assert call("tags/create", {"workspaceId": WS, "name": "stack:U", "color": "#3b82f6"})[0] == 200

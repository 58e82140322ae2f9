"""Calls into an in-process Airbyte sandbox, and the resources most tests start from."""

from __future__ import annotations

import json
from typing import Any

from sandboxes.airbyte import DEFAULT_WORKSPACE_ID, AirbyteSandboxApp
from sandboxes.airbyte.catalogs import GOOGLE_ADS_ID
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
    """``(status, decoded body)`` of ``POST /api/v1/<endpoint>`` through the app's dispatch."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = app.dispatch(
        Request("POST", f"/api/v1/{endpoint}", {}, headers, json.dumps(body or {}).encode())
    )
    return response.status, json.loads(response.body) if response.body else None


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


def make_connection(app: AirbyteSandboxApp, **fields: Any) -> dict[str, Any]:
    """A Google Ads source, a seeded destination and a connection between them."""
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

"""The route table serves every endpoint the library calls, each one wired to a live handler."""

from __future__ import annotations

import ast
import json
import re

import pytest
import yaml

from airbyte_provisioning.core.paths import REPO_ROOT
from sandboxes.airbyte import ROUTES, AirbyteSandboxApp
from sandboxes.base import Request

from .helpers import call

LIBRARY = REPO_ROOT / "airbyte_provisioning"
OPENAPI = REPO_ROOT.parent / "shared" / "ref" / "airbyte-openapi" / "config.yaml"
_ENDPOINT = re.compile(r"^[a-z_]+(/[a-z_]+)+$")


def endpoints_called(source: str) -> set[str]:
    """Endpoint-shaped string literals passed first to any call (``post``, ``_send``, the
    paging helpers...), so a renamed helper is still seen."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        first = node.args[0] if isinstance(node, ast.Call) and node.args else None
        value = first.value if isinstance(first, ast.Constant) else None
        if isinstance(value, str) and _ENDPOINT.match(value):
            found.add(value)
    return found


def library_endpoints() -> set[str]:
    return {
        endpoint
        for path in sorted(LIBRARY.rglob("*.py"))
        for endpoint in endpoints_called(path.read_text())
    }


def test_every_endpoint_the_library_calls_has_a_route() -> None:
    called = library_endpoints()

    assert {"applications/token", "tags/create", "scheduler/sources/discover_schema"} <= called
    assert sorted(called - set(ROUTES)) == []


def test_the_scan_reports_an_endpoint_the_route_table_lacks() -> None:
    planted = """
def cancel_job(client, job_id):
    return client.post("jobs/cancel", {"id": job_id})

def headers():
    return {"Content-Type": "application/json"}
"""
    called = endpoints_called(planted)

    assert called == {"jobs/cancel"}
    assert called - set(ROUTES) == {"jobs/cancel"}


@pytest.mark.skipif(not OPENAPI.is_file(), reason=f"Airbyte OpenAPI spec not found at {OPENAPI}")
def test_every_route_is_a_post_operation_of_the_config_api() -> None:
    paths = yaml.safe_load(OPENAPI.read_text())["paths"]
    undeclared = [e for e in ROUTES if "post" not in paths.get(f"/v1/{e}", {})]
    assert undeclared == []


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_every_route_answers_through_its_handler(app: AirbyteSandboxApp, endpoint: str) -> None:
    status, body = call(app, endpoint, {})

    assert status in (200, 201, 204, 400, 404, 422), (status, body)
    assert (body or {}).get("message") != "Not Found"  # Micronaut's page for an unknown path


def test_only_posts_and_the_health_probe_are_served(app: AirbyteSandboxApp) -> None:
    def get(path: str) -> int:
        return app.dispatch(Request("GET", path, {}, {}, b"")).status

    assert get("/api/v1/health") == 200
    assert get("/api/v1/sources/list") == 404
    unknown = app.dispatch(Request("POST", "/api/v1/sources/frobnicate", {}, {}, b"{}"))
    assert unknown.status == 404 and json.loads(unknown.body)["message"] == "Not Found"


def test_a_handler_called_in_process_raises_for_an_unknown_route(app: AirbyteSandboxApp) -> None:
    with pytest.raises(ValueError, match="no route 'sources/frobnicate'"):
        app.call("sources/frobnicate", {})

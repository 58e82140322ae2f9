"""The HTTP face of the sandbox: unknown routes, malformed JSON."""

from __future__ import annotations

import json

from sandboxes.airbyte import (
    AirbyteSandboxApp,
)
from sandboxes.base import Request

from .helpers import call


def test_unknown_route_and_malformed_json(app: AirbyteSandboxApp) -> None:
    assert call(app, "sources/frobnicate", {})[0] == 404
    response = app.dispatch(Request("POST", "/api/v1/sources/get", {}, {}, b"{not json"))
    assert response.status == 422
    assert json.loads(response.body)["message"].startswith("Invalid json input.")

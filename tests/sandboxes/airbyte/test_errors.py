"""Error answers carry Airbyte 1.8.0's real bodies."""

from __future__ import annotations

from sandboxes.airbyte import (
    AirbyteSandboxApp,
)
from sandboxes.airbyte.catalogs import (
    GOOGLE_ADS_ID,
)

from .helpers import MISSING, WS, call


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

"""Bearer tokens: issued for client credentials, refused once expired."""

from __future__ import annotations

from sandboxes.airbyte import (
    create_app,
)

from .helpers import WS, call


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

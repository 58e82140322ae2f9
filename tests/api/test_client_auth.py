"""Bearer tokens from application credentials: issued once, renewed before expiry and after a 401."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from airbyte_provisioning.api import (
    AirbyteAuthError,
    AirbyteClient,
    ClientCredentialsAuth,
    HeaderAuth,
)
from airbyte_provisioning.api.auth import jwt_claims, token_lifetime
from sandboxes.airbyte import DEFAULT_WORKSPACE_ID, AirbyteSandboxApp

pytestmark = pytest.mark.e2e
Sandbox = tuple[AirbyteSandboxApp, str]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def bearer_sandbox(serve_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return serve_sandbox(
        auth="bearer", client_id="ci-id", client_secret="ci-secret-value", token_lifetime_s=900
    )


def test_one_token_serves_many_calls(
    bearer_sandbox: Sandbox, make_client: Callable[..., AirbyteClient]
) -> None:
    app, url = bearer_sandbox
    client = make_client(url, auth=ClientCredentialsAuth("ci-id", "ci-secret-value"))
    for _ in range(5):
        client.get_workspace(DEFAULT_WORKSPACE_ID)
    assert app.tokens_issued == 1
    assert app.request_count("/api/v1/applications/token") == 1


def test_token_is_renewed_before_its_15_minutes_run_out(
    bearer_sandbox: Sandbox, make_client: Callable[..., AirbyteClient]
) -> None:
    app, url = bearer_sandbox
    clock = FakeClock()
    auth = ClientCredentialsAuth("ci-id", "ci-secret-value", renew_margin_s=60, clock=clock)
    client = make_client(url, auth=auth)
    client.get_workspace(DEFAULT_WORKSPACE_ID)

    clock.now += 839  # 61 s left: still used
    client.get_workspace(DEFAULT_WORKSPACE_ID)
    assert app.tokens_issued == 1

    clock.now += 2  # 59 s left: renewed before the call, so the server never answers 401
    app.advance(841)
    client.get_workspace(DEFAULT_WORKSPACE_ID)
    assert app.tokens_issued == 2
    assert app.request_count("/api/v1/workspaces/get") == 3  # no 401 round trip
    assert auth.tokens_issued == 2


def test_token_expiring_mid_run_is_renewed_after_the_401(
    bearer_sandbox: Sandbox, make_client: Callable[..., AirbyteClient], sleeps: list[float]
) -> None:
    app, url = bearer_sandbox
    client = make_client(url, auth=ClientCredentialsAuth("ci-id", "ci-secret-value"))
    client.get_workspace(DEFAULT_WORKSPACE_ID)
    app.expire_tokens()  # the server clock ran ahead of ours, or the token was revoked

    workspace = client.get_workspace(DEFAULT_WORKSPACE_ID)

    assert workspace["workspaceId"] == DEFAULT_WORKSPACE_ID
    assert app.tokens_issued == 2
    assert app.request_count("/api/v1/workspaces/get") == 3  # ok, 401, ok
    assert sleeps == []


def test_wrong_client_secret_names_the_variables_and_the_helm_chart_pitfall(
    bearer_sandbox: Sandbox, make_client: Callable[..., AirbyteClient]
) -> None:
    _, url = bearer_sandbox
    client = make_client(url, auth=ClientCredentialsAuth("ci-id", "wrong-secret-value"))
    with pytest.raises(AirbyteAuthError) as caught:
        client.get_workspace(DEFAULT_WORKSPACE_ID)
    text = str(caught.value)
    assert "Invalid client id or token" in text
    assert "AIRBYTE_CLIENT_ID" in text and "AIRBYTE_CLIENT_SECRET" in text
    assert "--chart-version 1.8.0" in text
    assert "wrong-secret-value" not in text


def test_missing_auth_against_a_secured_server_says_which_variables_to_set(
    bearer_sandbox: Sandbox, make_client: Callable[..., AirbyteClient]
) -> None:
    _, url = bearer_sandbox
    with pytest.raises(AirbyteAuthError) as caught:
        make_client(url).get_workspace(DEFAULT_WORKSPACE_ID)
    assert caught.value.status == 401
    assert "set AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET" in str(caught.value)


def test_pre_formatted_header_is_sent_as_is(
    serve_sandbox: Callable[..., Sandbox], make_client: Callable[..., AirbyteClient]
) -> None:
    app, url = serve_sandbox(auth="bearer", static_tokens=["static-token-123"])
    make_client(url, auth=HeaderAuth("Bearer static-token-123")).get_workspace(DEFAULT_WORKSPACE_ID)
    assert app.requests[-1].header("authorization") == "Bearer static-token-123"
    with pytest.raises(AirbyteAuthError, match="AIRBYTE_API_AUTH_HEADER"):
        make_client(url, auth=HeaderAuth("Bearer revoked")).get_workspace(DEFAULT_WORKSPACE_ID)


def test_token_lifetime_comes_from_expires_in_then_the_jwt_then_the_default() -> None:
    assert token_lifetime({"access_token": "x", "expires_in": 120}) == 120
    assert token_lifetime({"access_token": "a.eyJpYXQiOjEwMCwiZXhwIjo0MDB9.c"}) == 300
    assert token_lifetime({"access_token": "opaque"}) == 900
    assert jwt_claims("not.a-jwt.!!") == {}

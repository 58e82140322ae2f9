"""Injected faults: what each kind does to the request and to what the client receives."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from sandboxes.airbyte import AirbyteSandboxApp, RandomFaults, create_app
from sandboxes.base import ConnectionDropped, Request, Response, SandboxServer

from .helpers import WS

TAG = {"workspaceId": WS, "name": "stack:T", "color": "#3b82f6"}


def post(app: AirbyteSandboxApp, endpoint: str, body: Any, token: str = "") -> Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return app.dispatch(
        Request("POST", f"/api/v1/{endpoint}", {}, headers, json.dumps(body).encode())
    )


def test_a_proxy_error_answers_an_html_gateway_page_and_writes_nothing(
    app: AirbyteSandboxApp,
) -> None:
    policy = app.inject_faults(1.0, kinds=["proxy_error"])

    response = post(app, "tags/create", TAG)

    assert response.status in (502, 503, 504)
    assert response.headers["Content-Type"] == "text/html"
    assert b"nginx" in response.body
    assert (app.tags, app.writes, dict(policy.injected)) == ({}, 0, {"proxy_error": 1})


def test_a_dropped_connection_carries_nothing_out(app: AirbyteSandboxApp) -> None:
    app.inject_faults(1.0, kinds=["dropped"])

    with pytest.raises(ConnectionDropped):
        post(app, "tags/create", TAG)

    assert app.tags == {} and app.writes == 0


def test_a_lost_response_carries_the_write_out_and_answers_a_gateway_timeout(
    app: AirbyteSandboxApp,
) -> None:
    app.inject_faults(1.0, kinds=["lost_response"])

    response = post(app, "tags/create", TAG)

    assert response.status == 504 and b"Gateway" in response.body
    assert [t["name"] for t in app.tags.values()] == ["stack:T"]
    assert app.write_log == ["tags/create"]


def test_a_lost_connection_carries_the_write_out_then_closes(app: AirbyteSandboxApp) -> None:
    app.inject_faults(1.0, kinds=["lost_connection"])

    with pytest.raises(ConnectionDropped):
        post(app, "tags/create", TAG)

    assert [t["name"] for t in app.tags.values()] == ["stack:T"]


def test_a_refused_request_keeps_its_own_answer_when_its_response_would_be_lost(
    app: AirbyteSandboxApp,
) -> None:
    app.inject_faults(1.0, kinds=["lost_response", "lost_connection"])

    response = post(app, "tags/create", {"workspaceId": WS, "name": "stack:T"})

    assert response.status == 422
    assert json.loads(response.body)["validationErrors"][0]["propertyPath"] == (
        "tagCreateRequestBody.color"
    )


def test_token_expiry_refuses_a_live_token_until_the_client_gets_a_new_one() -> None:
    app = create_app(spec_dir=None, auth="bearer")
    credentials = {"client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret"}
    app.inject_faults(1.0, kinds=["token_expiry"])
    token = json.loads(post(app, "applications/token", credentials).body)["access_token"]

    assert post(app, "workspaces/get", {"workspaceId": WS}, token).status == 401

    app.inject_faults(0.0)
    renewed = json.loads(post(app, "applications/token", credentials).body)["access_token"]
    assert post(app, "workspaces/get", {"workspaceId": WS}, renewed).status == 200


def _outcomes(seed: int, requests_sent: int = 200) -> list[str]:
    app = create_app(spec_dir=None)
    app.inject_faults(0.3, seed=seed)
    seen = []
    for _ in range(requests_sent):
        try:
            seen.append(str(post(app, "workspaces/get", {"workspaceId": WS}).status))
        except ConnectionDropped:
            seen.append("dropped")
    return seen


def test_the_same_seed_replays_the_same_faults_and_another_seed_does_not() -> None:
    first, again, other = _outcomes(seed=11), _outcomes(seed=11), _outcomes(seed=12)

    assert first == again
    assert first != other
    faulted = sum(1 for outcome in first if outcome != "200")
    assert (
        30 <= faulted <= 90
    )  # about 0.3 of 200; token expiry leaves an unauthenticated app at 200


def test_faults_touch_only_requests_under_their_path_prefix(app: AirbyteSandboxApp) -> None:
    policy = app.inject_faults(1.0, kinds=["proxy_error"], path_prefix="/api/v1/tags/")

    assert post(app, "workspaces/get", {"workspaceId": WS}).status == 200
    assert post(app, "tags/list", {"workspaceId": WS}).status in (502, 503, 504)
    assert sum(policy.injected.values()) == 1


def test_an_http_client_sees_a_dropped_connection_and_the_server_keeps_serving() -> None:
    app = create_app(spec_dir=None)
    with SandboxServer(app) as server:
        url = f"{server.url}/api/v1/tags/create"
        app.inject_faults(1.0, kinds=["lost_connection"])
        with pytest.raises(requests.ConnectionError):
            requests.post(url, json=TAG, timeout=5)
        app.inject_faults(0.0)
        again = requests.post(url, json={**TAG, "name": "stack:U"}, timeout=5)

    assert again.status_code == 200
    assert sorted(t["name"] for t in app.tags.values()) == ["stack:T", "stack:U"]


@pytest.mark.parametrize(
    ("rate", "kinds", "message"),
    [
        (1.5, ("dropped",), "fault rate must be between 0 and 1, got 1.5"),
        (0.1, ("dropped", "meteor"), "got ['meteor']"),
        (0.1, (), "non-empty subset"),
    ],
)
def test_a_fault_policy_refuses_an_impossible_rate_or_kind(
    rate: float, kinds: tuple[Any, ...], message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        RandomFaults(rate, kinds)
    assert message in str(caught.value)

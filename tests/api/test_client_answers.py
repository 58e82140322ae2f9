"""Answers the client cannot use: proxy pages, bodies cut short, token answers without a token.

Each is retried where that is safe, and otherwise (or when it persists) raised with a message
that says what arrived and what to check, never a traceback from a JSON decoder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from airbyte_provisioning.api import (
    AirbyteBadAnswerError,
    AirbyteClient,
    AirbyteUnreachableError,
    ClientCredentialsAuth,
)
from sandboxes.airbyte import DEFAULT_WORKSPACE_ID, AirbyteSandboxApp
from sandboxes.airbyte.catalogs import GOOGLE_ADS_ID
from sandboxes.base import FaultPlan, Request, Response

pytestmark = pytest.mark.e2e
Sandbox = tuple[AirbyteSandboxApp, str]
WORKSPACE_GET = "/api/v1/workspaces/get"


def _plant(app: AirbyteSandboxApp, answer: Response, path: str, first: int) -> None:
    app.faults.append(FaultPlan(respond=lambda _r: answer, first=first, path_prefix=path))


def _proxy_page_200() -> Response:
    return Response.text("<html><body><h1>Please sign in</h1>corporate proxy</body></html>", 200)


def _cut_json() -> Response:
    return Response(
        200, b'{"workspaceId": "00000000-0000-4000-8000-0000', {"Content-Type": "application/json"}
    )


@pytest.mark.parametrize("answer", [_proxy_page_200, _cut_json], ids=["html_200", "cut_json"])
def test_an_unusable_answer_to_a_read_is_retried_until_a_usable_one_arrives(
    sandbox: Sandbox,
    make_client: Callable[..., AirbyteClient],
    sleeps: list[float],
    answer: Callable[[], Response],
) -> None:
    app, url = sandbox
    _plant(app, answer(), WORKSPACE_GET, first=2)

    workspace = make_client(url).get_workspace(DEFAULT_WORKSPACE_ID)

    assert workspace["workspaceId"] == DEFAULT_WORKSPACE_ID
    assert app.request_count(WORKSPACE_GET) == 3
    assert len(sleeps) == 2


def test_html_pages_for_every_call_mean_the_base_url_points_at_something_else(
    sandbox: Sandbox, make_client: Callable[..., AirbyteClient]
) -> None:
    app, url = sandbox
    _plant(app, _proxy_page_200(), WORKSPACE_GET, first=50)

    with pytest.raises(AirbyteUnreachableError) as caught:
        make_client(url).get_workspace(DEFAULT_WORKSPACE_ID)

    message = str(caught.value)
    assert "HTTP 200 with a page that is not the Config API's JSON x5" in message
    assert "text/html (Please sign in corporate proxy)" in message
    assert "AIRBYTE_BASE_URL" in message


def test_a_json_body_cut_short_is_reported_as_truncated(
    sandbox: Sandbox, make_client: Callable[..., AirbyteClient]
) -> None:
    app, url = sandbox
    _plant(app, _cut_json(), WORKSPACE_GET, first=50)

    with pytest.raises(AirbyteBadAnswerError) as caught:
        make_client(url).get_workspace(DEFAULT_WORKSPACE_ID)

    message = str(caught.value)
    assert "truncated" in message
    assert "expected JSON but got application/json" not in message
    assert caught.value.attempts == 5


def test_a_create_answered_with_an_unusable_page_is_not_resent_and_may_have_been_applied(
    sandbox: Sandbox,
    make_client: Callable[..., AirbyteClient],
    google_ads_config: Callable[..., dict[str, Any]],
) -> None:
    app, url = sandbox
    # the client cannot tell whether the proxy passed the request on before answering
    _plant(app, _proxy_page_200(), "/api/v1/sources/create", first=1)

    with pytest.raises(AirbyteBadAnswerError) as caught:
        make_client(url).create_source(
            DEFAULT_WORKSPACE_ID, GOOGLE_ADS_ID, "stack:acme:GOOGLE_ADS", google_ads_config()
        )

    assert caught.value.may_have_been_applied
    assert app.request_count("/api/v1/sources/create") == 1
    message = str(caught.value)
    assert "expected JSON but got text/html (Please sign in corporate proxy)" in message
    assert "AIRBYTE_BASE_URL" in message


# ------------------------------------------------------------------------------------------------
# the token endpoint
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def bearer_sandbox(serve_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return serve_sandbox(auth="bearer", client_id="ci-id", client_secret="ci-secret-value")


def test_a_token_answer_without_access_token_names_the_base_url_not_the_credentials(
    bearer_sandbox: Sandbox, make_client: Callable[..., AirbyteClient]
) -> None:
    app, url = bearer_sandbox
    answer = Response.json({"token_type": "Bearer", "session": "opaque-session-value"})
    _plant(app, answer, "/api/v1/applications/token", first=10)
    client = make_client(url, auth=ClientCredentialsAuth("ci-id", "ci-secret-value"))

    with pytest.raises(AirbyteBadAnswerError) as caught:
        client.get_workspace(DEFAULT_WORKSPACE_ID)

    message = str(caught.value)
    assert "answered HTTP 200 without an access_token" in message
    assert "session, token_type" in message  # what it held, by key only
    assert "opaque-session-value" not in message
    assert "AIRBYTE_BASE_URL" in message
    assert "refused" not in message  # not blamed on AIRBYTE_CLIENT_ID/SECRET
    assert app.request_count(WORKSPACE_GET) == 0


def test_a_token_that_expires_again_during_the_same_calls_retries_is_renewed_again(
    bearer_sandbox: Sandbox, make_client: Callable[..., AirbyteClient]
) -> None:
    app, url = bearer_sandbox
    client = make_client(url, auth=ClientCredentialsAuth("ci-id", "ci-secret-value"))
    client.get_workspace(DEFAULT_WORKSPACE_ID)
    outages = iter([True, False, True, False, False])

    def expire_then_fail(_request: Request) -> Response | None:
        # a gateway error while the server restarts, which also revokes every token
        if next(outages, False):
            app.expire_tokens()
            return Response.text("<html><body>503 Service Unavailable</body></html>", 503)
        return None

    app.faults.append(FaultPlan(respond=expire_then_fail, every=1, path_prefix=WORKSPACE_GET))  # type: ignore[arg-type]

    workspace = client.get_workspace(DEFAULT_WORKSPACE_ID)

    assert workspace["workspaceId"] == DEFAULT_WORKSPACE_ID
    assert app.tokens_issued == 3

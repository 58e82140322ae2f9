"""4xx answers surface at once, typed, with the server's own message and no request data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from airbyte_provisioning.api import (
    AirbyteApiError,
    AirbyteClient,
    AirbyteConflictError,
    AirbyteInvalidInputError,
    AirbyteNotFoundError,
)
from airbyte_provisioning.api.errors import error_for_status, extract_message
from sandboxes.airbyte import DEFAULT_WORKSPACE_ID, AirbyteSandboxApp
from sandboxes.airbyte.catalogs import GOOGLE_ADS_ID
from sandboxes.base import FaultPlan, Request, Response

Sandbox = tuple[AirbyteSandboxApp, str]
MISSING = "00000000-0000-4000-8000-0000000000ff"


@pytest.mark.e2e
def test_unknown_source_is_a_not_found_error_with_the_server_message(
    sandbox: Sandbox, client: AirbyteClient, sleeps: list[float]
) -> None:
    app, _ = sandbox
    with pytest.raises(AirbyteNotFoundError) as caught:
        client.get_source(MISSING)
    assert caught.value.status == 404
    assert caught.value.endpoint == "sources/get"
    assert (
        caught.value.message
        == f"Internal Server Error: Could not find configuration for SOURCE_CONNECTION: {MISSING}."
    )
    assert app.request_count("/api/v1/sources/get") == 1
    assert sleeps == []


@pytest.mark.e2e
def test_config_that_breaks_the_spec_is_refused_without_echoing_secrets(
    sandbox: Sandbox,
    client: AirbyteClient,
    google_ads_config: Callable[..., dict[str, Any]],
    canary: str,
) -> None:
    app, _ = sandbox
    config = google_ads_config(customer_id="123-456-7890")
    config["credentials"].pop("developer_token")
    with pytest.raises(AirbyteInvalidInputError) as caught:
        client.create_source(DEFAULT_WORKSPACE_ID, GOOGLE_ADS_ID, "bad", config)
    error = caught.value
    assert error.status == 422
    assert error.message.startswith(
        "The provided configuration does not fulfill the specification."
    )
    assert "$.credentials.developer_token: is missing but it is required" in error.message
    assert "$.customer_id: does not match the regex pattern" in error.message
    assert canary not in str(error) and canary not in repr(error.to_dict())
    assert app.writes == 0


@pytest.mark.e2e
def test_second_sync_while_one_runs_is_a_conflict(
    serve_sandbox: Callable[..., Sandbox],
    make_client: Callable[..., AirbyteClient],
    google_ads_config: Callable[..., dict[str, Any]],
) -> None:
    app, url = serve_sandbox(sync_outcome="running")
    client = make_client(url)
    destination = app.add_destination(DEFAULT_WORKSPACE_ID)
    source = client.create_source(DEFAULT_WORKSPACE_ID, GOOGLE_ADS_ID, "s", google_ads_config())
    connection = client.create_connection(
        {"sourceId": source["sourceId"], "destinationId": destination, "status": "active"}
    )
    job = client.sync_connection(connection["connectionId"])
    assert job["job"]["status"] == "running"
    with pytest.raises(AirbyteConflictError, match="A sync is already running for: "):
        client.sync_connection(connection["connectionId"])
    assert app.request_count("/api/v1/connections/sync") == 2


def test_a_500_that_means_not_found_is_treated_as_not_found() -> None:
    body = {
        "message": "Internal Server Error: Could not find configuration for SOURCE_CONNECTION: x."
    }
    assert isinstance(error_for_status(500, "sources/get", body), AirbyteNotFoundError)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {
                "message": "Some properties contained invalid input.",
                "validationErrors": [
                    {"propertyPath": "sourceCreate.name", "message": "must not be null"}
                ],
            },
            "Some properties contained invalid input.; sourceCreate.name: must not be null",
        ),
        (
            {
                "status": 400,
                "type": "error:cron-validation/invalid-timezone",
                "title": "Invalid cron timezone",
                "detail": "The specified cron timezone is invalid",
                "data": {"cronTimezone": "Etc/UTC"},
            },
            "Invalid cron timezone: The specified cron timezone is invalid (cronTimezone=Etc/UTC)",
        ),
        (
            {
                "message": "Bad Request",
                "_links": {"self": {"href": "/api/v1/applications/token"}},
                "_embedded": {"errors": [{"message": "Invalid client id or token"}]},
            },
            "Bad Request; Invalid client id or token",
        ),
        (
            "<html><body>502 Bad Gateway</body></html>",
            "an HTML page, not the Config API: 502 Bad Gateway",
        ),
        ({}, "HTTP 418 with no explanation from the server"),
    ],
)
def test_every_airbyte_error_body_shape_yields_a_readable_message(body: Any, message: str) -> None:
    assert extract_message(body, "HTTP 418 with no explanation from the server") == message


def test_problem_type_is_kept_for_callers_that_branch_on_it() -> None:
    error = error_for_status(
        400,
        "connections/update",
        {"type": "error:cron-validation/invalid-expression", "title": "Invalid cron expression"},
    )
    assert isinstance(error, AirbyteInvalidInputError)
    assert error.problem_type == "error:cron-validation/invalid-expression"
    assert not error.retryable
    assert isinstance(error, AirbyteApiError)


@pytest.mark.e2e
def test_a_server_message_echoing_a_sent_secret_is_scrubbed_everywhere(
    sandbox: Sandbox,
    client: AirbyteClient,
    google_ads_config: Callable[..., dict[str, Any]],
    canary: str,
) -> None:
    app, _ = sandbox

    def echo(request: Request) -> Response:
        return Response.json(
            {
                "message": f"refresh_token {canary} was rejected",
                "details": {"refresh_token": canary},
            },
            status=422,
        )

    app.faults.append(FaultPlan(respond=echo, first=1, path_prefix="/api/v1/sources/create"))
    with pytest.raises(AirbyteInvalidInputError) as caught:
        client.create_source(DEFAULT_WORKSPACE_ID, GOOGLE_ADS_ID, "s", google_ads_config())
    error = caught.value
    assert "was rejected" in error.message
    for text in (
        str(error),
        repr(error),
        repr(error.args),
        repr(error.body),
        repr(error.to_dict()),
    ):
        assert canary not in text

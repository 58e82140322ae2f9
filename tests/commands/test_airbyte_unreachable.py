"""Every command that talks to Airbyte stops fast, with one message, when Airbyte is not there;
its HTTP settings are checked, and a password in ``AIRBYTE_BASE_URL`` is refused up front."""

from __future__ import annotations

import json
from types import ModuleType

import pytest

from airbyte_provisioning.commands import (
    airbyte_health_check,
    bootstrap_connections,
    provision_meta_google_connectors,
    publish_custom_connectors,
    validate_tenant_config,
)
from sandboxes.base import FaultPlan, Response, free_port

from .world import Run, World

COMMANDS = [
    validate_tenant_config,
    bootstrap_connections,
    provision_meta_google_connectors,
    airbyte_health_check,
    publish_custom_connectors,
]
IDS = [m.__name__.rsplit(".", 1)[1] for m in COMMANDS]


def _messages(run: Run) -> list[str]:
    doc = run.doc
    return [p["message"] for p in doc.get("problems") or [] if p.get("severity") == "error"]


def _api_failures_logged(run: Run) -> int:
    events = [
        json.loads(line).get("event") for line in run.err.splitlines() if line.startswith("{")
    ]
    return sum(1 for e in events if e in ("airbyte_api.retry", "airbyte_api.error"))


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
def test_a_refused_port_stops_every_command_with_one_message_naming_the_base_url(
    provisioned: World, command: ModuleType
) -> None:
    provisioned.env["AIRBYTE_BASE_URL"] = f"http://127.0.0.1:{free_port()}"

    run = provisioned.run(command)

    assert run.code == 1, run.out
    (message,) = _messages(run)
    assert "Airbyte is not reachable at AIRBYTE_BASE_URL" in message
    assert "connection refused" in message
    assert "Traceback" not in run.out + run.err
    # one shared budget: it is spent at 8 failed attempts, plus at most 7 already under way in
    # other threads (8 threads with a chain of 5 each used to make 40)
    assert _api_failures_logged(run) <= 15


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
def test_a_server_that_never_answers_stops_every_command_at_the_read_timeout(
    provisioned: World, silent_server: str, command: ModuleType
) -> None:
    provisioned.env.update(
        AIRBYTE_BASE_URL=silent_server,
        AIRBYTE_HTTP_TIMEOUT_SECONDS="0.1",
        AIRBYTE_HTTP_CONNECT_TIMEOUT_SECONDS="0.5",
    )

    run = provisioned.run(command)

    assert run.code == 1, run.out
    (message,) = _messages(run)
    assert "no answer within 0.1 s (AIRBYTE_HTTP_TIMEOUT_SECONDS)" in message
    assert "AIRBYTE_BASE_URL" in message


@pytest.mark.parametrize(
    ("variable", "value"),
    [("AIRBYTE_HTTP_TIMEOUT_SECONDS", "soon"), ("AIRBYTE_HTTP_CONNECT_TIMEOUT_SECONDS", "0")],
)
def test_a_bad_timeout_is_a_usage_error_naming_the_variable(
    provisioned: World, variable: str, value: str
) -> None:
    provisioned.env[variable] = value
    calls = provisioned.app.request_count()

    run = provisioned.bootstrap()

    assert run.code == 2, run.out
    (problem,) = run.doc["problems"]
    assert problem["variable"] == variable
    assert problem["message"].startswith(f"{variable}=")
    assert provisioned.app.request_count() == calls


def test_a_password_in_the_base_url_is_refused_before_any_call_and_never_printed(
    provisioned: World,
) -> None:
    provisioned.env["AIRBYTE_BASE_URL"] = provisioned.url.replace(
        "http://", "http://operator:Pa55-in-url@"
    )
    calls = provisioned.app.request_count()

    run = provisioned.bootstrap()

    assert run.code == 2, run.out
    (problem,) = run.doc["problems"]
    assert problem["variable"] == "AIRBYTE_BASE_URL"
    assert "must not contain a user name or password" in problem["message"]
    assert "AIRBYTE_CLIENT_ID" in problem["message"]
    assert "Pa55-in-url" not in run.out + run.err
    assert provisioned.app.request_count() == calls


def test_a_token_endpoint_answering_without_a_token_gets_a_message_not_a_traceback(
    provisioned: World,
) -> None:
    app = provisioned.app
    app.auth = "bearer"
    provisioned.env.update(AIRBYTE_CLIENT_ID=app.client_id, AIRBYTE_CLIENT_SECRET=app.client_secret)
    answer = Response.json({"status": "ok"})
    app.faults.append(
        FaultPlan(respond=lambda _r: answer, every=1, path_prefix="/api/v1/applications/token")
    )

    run = provisioned.bootstrap()

    assert run.code == 1, run.out
    (message,) = _messages(run)
    assert "without an access_token" in message
    assert "AIRBYTE_BASE_URL" in message
    assert "Traceback" not in run.out + run.err

"""Retries: 429/5xx/connection errors with base-2 full-jitter backoff; no blind duplicate creates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from airbyte_provisioning.api import (
    AirbyteClient,
    AirbyteConnectionError,
    AirbyteRateLimitError,
    AirbyteServerError,
    RetryPolicy,
)
from sandboxes.airbyte import DEFAULT_WORKSPACE_ID, AirbyteSandboxApp
from sandboxes.airbyte.catalogs import GOOGLE_ADS_ID
from sandboxes.base import free_port

pytestmark = pytest.mark.e2e
Sandbox = tuple[AirbyteSandboxApp, str]


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_transient_failures_are_retried_then_succeed(
    sandbox: Sandbox, make_client: Callable[..., AirbyteClient], sleeps: list[float], status: int
) -> None:
    app, url = sandbox
    client = make_client(url)
    app.fail_next(3, status=status, path_prefix="/api/v1/workspaces/get")

    workspace = client.get_workspace(DEFAULT_WORKSPACE_ID)

    assert workspace["workspaceId"] == DEFAULT_WORKSPACE_ID
    assert app.request_count("/api/v1/workspaces/get") == 4
    assert len(sleeps) == 3
    for attempt, delay in enumerate(sleeps, start=1):
        assert 0 <= delay <= 2 ** (attempt - 1)


def test_delays_follow_the_base_2_ceilings_when_the_jitter_draws_its_maximum(
    sandbox: Sandbox, make_client: Callable[..., AirbyteClient], sleeps: list[float]
) -> None:
    app, url = sandbox
    client = make_client(url, random=lambda: 1.0, base_delay_s=0.5)
    app.fail_next(4, status=503)
    client.get_workspace(DEFAULT_WORKSPACE_ID)
    assert sleeps == [0.5, 1.0, 2.0, 4.0]


def test_server_errors_stop_after_five_attempts_with_the_server_message(
    sandbox: Sandbox, make_client: Callable[..., AirbyteClient], sleeps: list[float]
) -> None:
    app, url = sandbox
    client = make_client(url)
    app.fail_next(10, status=500)
    with pytest.raises(AirbyteServerError) as caught:
        client.get_workspace(DEFAULT_WORKSPACE_ID)
    assert caught.value.attempts == 5
    assert caught.value.status == 500
    assert "sandbox fault" in caught.value.message
    assert len(sleeps) == 4
    assert app.request_count("/api/v1/workspaces/get") == 5


def test_rate_limit_retry_after_is_honoured(
    sandbox: Sandbox, make_client: Callable[..., AirbyteClient], sleeps: list[float]
) -> None:
    app, url = sandbox
    client = make_client(url, random=lambda: 0.0)
    app.fail_next(1, status=429, retry_after=3)
    client.get_workspace(DEFAULT_WORKSPACE_ID)
    assert sleeps == [3.0]


def test_rate_limit_that_never_ends_surfaces_as_rate_limit_error(
    sandbox: Sandbox, make_client: Callable[..., AirbyteClient]
) -> None:
    app, url = sandbox
    app.fail_next(5, status=429)
    with pytest.raises(AirbyteRateLimitError) as caught:
        make_client(url).get_workspace(DEFAULT_WORKSPACE_ID)
    assert caught.value.retryable


def test_a_create_that_hit_a_5xx_is_not_retried_and_is_flagged_as_maybe_applied(
    sandbox: Sandbox,
    make_client: Callable[..., AirbyteClient],
    google_ads_config: Callable[..., dict[str, Any]],
    sleeps: list[float],
) -> None:
    app, url = sandbox
    app.fail_next(1, status=502, path_prefix="/api/v1/sources/create")
    with pytest.raises(AirbyteServerError) as caught:
        make_client(url).create_source(
            DEFAULT_WORKSPACE_ID, GOOGLE_ADS_ID, "s", google_ads_config()
        )
    assert caught.value.may_have_been_applied
    assert "may have been applied" in str(caught.value)
    assert app.request_count("/api/v1/sources/create") == 1
    assert sleeps == []


def test_a_create_refused_with_429_is_retried_because_nothing_was_applied(
    sandbox: Sandbox,
    make_client: Callable[..., AirbyteClient],
    google_ads_config: Callable[..., dict[str, Any]],
) -> None:
    app, url = sandbox
    client = make_client(url)
    app.fail_next(2, status=429, path_prefix="/api/v1/sources/create")
    client.create_source(DEFAULT_WORKSPACE_ID, GOOGLE_ADS_ID, "s", google_ads_config())
    assert len(client.list_sources(DEFAULT_WORKSPACE_ID)) == 1


def test_idempotent_updates_are_retried_after_a_5xx(
    sandbox: Sandbox,
    make_client: Callable[..., AirbyteClient],
    google_ads_config: Callable[..., dict[str, Any]],
) -> None:
    app, url = sandbox
    client = make_client(url)
    source = client.create_source(DEFAULT_WORKSPACE_ID, GOOGLE_ADS_ID, "s", google_ads_config())
    app.fail_next(2, status=500, path_prefix="/api/v1/sources/update")
    updated = client.update_source(source["sourceId"], "renamed", source["connectionConfiguration"])
    assert updated["name"] == "renamed"


def test_connection_refused_is_retried_and_then_reported_as_never_applied(
    sleeps: list[float],
) -> None:
    client = AirbyteClient(
        f"http://127.0.0.1:{free_port()}", retry=RetryPolicy(sleep=sleeps.append), timeout=2
    )
    with pytest.raises(AirbyteConnectionError) as caught:
        client.create_source(DEFAULT_WORKSPACE_ID, GOOGLE_ADS_ID, "s", {"credentials": {}})
    assert caught.value.status is None
    assert caught.value.attempts == 5
    assert not caught.value.may_have_been_applied
    assert "AIRBYTE_BASE_URL" in str(caught.value)
    assert len(sleeps) == 4

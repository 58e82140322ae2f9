"""Fail fast when Airbyte is not there: one connection budget per client, shared by its threads.

Time is a fake clock that only moves when a test says so (backoff waits, simulated timeouts), so
the 30-second promise is checked on simulated time, never by measuring.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

import pytest
import requests
from urllib3.connection import HTTPConnection
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError

from airbyte_provisioning.api import (
    AirbyteClient,
    AirbyteConnectionError,
    AirbyteUnreachableError,
    ConnectionBudget,
    RetryPolicy,
)
from airbyte_provisioning.api.budget import DEFAULT_WINDOW_S, Failure, classify
from airbyte_provisioning.api.settings import Timeouts
from sandboxes.airbyte import DEFAULT_WORKSPACE_ID, AirbyteSandboxApp
from sandboxes.base import free_port

Sandbox = tuple[AirbyteSandboxApp, str]


class Clock:
    """Simulated time: ``sleep`` advances it instead of waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class SimulatedOutage(requests.Session):
    """A session whose every POST fails the way a missing server does, advancing the clock by
    the time that failure takes for real (the whole read timeout for a silent server)."""

    def __init__(self, clock: Clock, kind: str) -> None:
        super().__init__()
        self.clock, self.kind = clock, kind
        self.failures_at: list[float] = []

    def post(self, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        connect, read = kwargs["timeout"]
        if self.kind == "silent":
            self.clock.now += read
            self.failures_at.append(self.clock.now)
            raise requests.exceptions.ReadTimeout(f"Read timed out. (read timeout={read})")
        self.clock.now += connect
        self.failures_at.append(self.clock.now)
        raise requests.exceptions.ConnectTimeout(f"Connect timed out (connect timeout={connect})")


def _client(url: str, clock: Clock, **kwargs: Any) -> AirbyteClient:
    policy = RetryPolicy(sleep=clock.sleep, random=lambda: 1.0)
    return AirbyteClient(url, retry=policy, budget=ConnectionBudget(clock=clock), **kwargs)


# ------------------------------------------------------------------------------------------------
# the 30-second promise, on simulated time
# ------------------------------------------------------------------------------------------------
def test_a_server_that_never_answers_stops_the_call_at_its_first_read_timeout() -> None:
    clock = Clock()
    session = SimulatedOutage(clock, "silent")
    client = _client("http://airbyte.test:8000", clock, session=session)

    with pytest.raises(AirbyteUnreachableError) as caught:
        client.get_workspace(DEFAULT_WORKSPACE_ID)

    assert len(session.failures_at) == 1  # another attempt could not end within 30 s
    assert clock.now - session.failures_at[0] <= DEFAULT_WINDOW_S
    message = str(caught.value)
    assert "AIRBYTE_BASE_URL" in message
    assert "no answer within 30 s (AIRBYTE_HTTP_TIMEOUT_SECONDS)" in message


def test_connect_timeouts_with_the_longest_backoff_stop_within_30_s_of_the_first_failure() -> None:
    clock = Clock()
    session = SimulatedOutage(clock, "connect")
    client = _client("http://airbyte.test:8000", clock, session=session)

    with pytest.raises(AirbyteUnreachableError) as caught:
        client.get_workspace(DEFAULT_WORKSPACE_ID)

    # 5 s per attempt and waits of 1, 2, 4 s fit; the 8 s wait and a 5th attempt would not
    assert len(session.failures_at) == 4
    assert clock.now - session.failures_at[0] <= DEFAULT_WINDOW_S
    assert "no connection within 5 s (AIRBYTE_HTTP_CONNECT_TIMEOUT_SECONDS) x4" in str(caught.value)


def test_once_spent_the_budget_stops_every_later_call_before_it_sends_anything() -> None:
    clock = Clock()
    session = SimulatedOutage(clock, "silent")
    client = _client("http://airbyte.test:8000", clock, session=session)
    with pytest.raises(AirbyteUnreachableError):
        client.get_workspace(DEFAULT_WORKSPACE_ID)
    sent = client.calls

    with pytest.raises(AirbyteUnreachableError) as later:
        client.list_connections(DEFAULT_WORKSPACE_ID)

    assert client.calls == sent
    assert later.value.endpoint == "connections/list"
    assert "AIRBYTE_BASE_URL" in str(later.value)


# ------------------------------------------------------------------------------------------------
# real sockets: a refused port and a server that never answers
# ------------------------------------------------------------------------------------------------
def test_a_refused_port_gives_one_message_naming_the_base_url_and_what_was_tried() -> None:
    clock = Clock()
    client = _client(f"http://127.0.0.1:{free_port()}", clock)

    with pytest.raises(AirbyteUnreachableError) as caught:
        client.get_workspace(DEFAULT_WORKSPACE_ID)

    assert isinstance(caught.value, AirbyteConnectionError)
    assert caught.value.attempts == 5
    assert not caught.value.may_have_been_applied
    message = str(caught.value)
    assert message.startswith("Airbyte is not reachable at AIRBYTE_BASE_URL")
    assert "connection refused" in message
    assert "x5" in message


def test_a_socket_that_accepts_and_never_answers_is_reported_as_a_read_timeout(
    silent_server: str,
) -> None:
    clock = Clock()
    client = _client(silent_server, clock, timeout=0.2, connect_timeout=0.5)

    with pytest.raises(AirbyteUnreachableError) as caught:
        client.get_workspace(DEFAULT_WORKSPACE_ID)

    message = str(caught.value)
    assert "connected, but no answer within 0.2 s (AIRBYTE_HTTP_TIMEOUT_SECONDS)" in message
    assert "raise AIRBYTE_HTTP_TIMEOUT_SECONDS" in message


def test_threads_share_one_budget_instead_of_one_retry_chain_each() -> None:
    clock = Clock()
    client = _client(f"http://127.0.0.1:{free_port()}", clock)
    errors: list[Exception] = []

    def call() -> None:
        try:
            client.get_workspace(DEFAULT_WORKSPACE_ID)
        except Exception as exc:  # collected for the assertions below
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(errors) == 8
    assert all(isinstance(e, AirbyteUnreachableError) for e in errors)
    # 8 chains of 5 would be 40 attempts; one shared streak stops at 8 (plus those in flight)
    assert client.calls <= 2 * client.budget.max_failures - 1


def test_a_tls_handshake_failure_is_final_at_once(sandbox: Sandbox) -> None:
    _, url = sandbox
    clock = Clock()
    client = _client(url.replace("http://", "https://"), clock)

    with pytest.raises(AirbyteUnreachableError) as caught:
        client.get_workspace(DEFAULT_WORKSPACE_ID)

    assert client.calls == 1
    assert "TLS handshake failed" in str(caught.value)


# ------------------------------------------------------------------------------------------------
# what counts as evidence
# ------------------------------------------------------------------------------------------------
def test_a_failure_is_no_evidence_when_another_call_was_answered_since_it_started() -> None:
    clock = Clock()
    budget = ConnectionBudget(clock=clock)
    started = clock()
    clock.sleep(1)
    budget.answered()

    assert budget.failed(Failure("dropped", "RemoteDisconnected"), started) is False
    assert budget.failed(Failure("dropped", "RemoteDisconnected"), clock()) is True


def test_an_answer_starts_the_streak_over() -> None:
    clock = Clock()
    budget = ConnectionBudget(clock=clock, max_failures=3)
    timeouts = Timeouts()
    failure = Failure("refused", "Connection refused")
    for _ in range(3):
        budget.failed(failure, clock())
    assert not budget.allows(0.0, failure, timeouts)

    clock.sleep(1)
    budget.answered()
    budget.failed(failure, clock())

    assert budget.allows(0.0, failure, timeouts)


def test_transient_faults_among_answered_calls_are_retried_and_never_spend_the_budget(
    sandbox: Sandbox,
) -> None:
    app, url = sandbox
    clock = Clock()
    client = _client(url, clock)
    app.inject_faults(0.5, kinds=("dropped", "proxy_error"), seed=3)

    for _ in range(20):
        client.get_workspace(DEFAULT_WORKSPACE_ID)

    assert client.budget.spent is None
    assert client.retries > 0


_CONN = HTTPConnection("airbyte.invalid", 8000)


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (requests.exceptions.ConnectTimeout("connect timed out"), "connect_timeout"),
        (requests.exceptions.ReadTimeout("read timed out"), "read_timeout"),
        (requests.exceptions.SSLError("wrong version number"), "tls"),
        (requests.exceptions.ChunkedEncodingError("IncompleteRead(10 bytes read)"), "truncated"),
        (
            requests.ConnectionError(
                MaxRetryError(
                    None,  # type: ignore[arg-type]
                    "/api/v1/workspaces/get",
                    NameResolutionError(
                        "airbyte.invalid", _CONN, socket.gaierror(-2, "Name or service not known")
                    ),
                )
            ),
            "dns",
        ),
        (
            requests.ConnectionError(
                MaxRetryError(
                    None,  # type: ignore[arg-type]
                    "/api/v1/workspaces/get",
                    NewConnectionError(_CONN, "[Errno 111] Connection refused"),
                )
            ),
            "refused",
        ),
        (requests.ConnectionError("RemoteDisconnected('closed without response')"), "dropped"),
    ],
)
def test_each_transport_failure_is_classified(exc: requests.RequestException, kind: str) -> None:
    assert classify(exc) == kind

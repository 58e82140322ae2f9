"""One connection budget per run, shared by every thread: when Airbyte is not there, stop fast.

A failure *without a usable answer* (connection refused, a name that does not resolve, a TLS
handshake that fails, a connect or read timeout, a connection closed before the answer, an
ingress's 502/503/504 HTML page, a 2xx that is not JSON) is evidence that Airbyte is not there
only when no other call received an answer since the failed attempt started: in a busy run, one
dropped connection among answered calls is a transient fault, retried by the call's own policy.

Evidence accumulates in one *streak*, reset by any answer. A call may retry on evidence only
while its next attempt (backoff wait plus the time the attempt may take: the connect timeout, and
the read timeout after a read timed out) ends within :attr:`ConnectionBudget.window_s` (30 s) of
the streak's first failure. The budget is *spent* when a call gives up on evidence, when the
streak reaches :attr:`ConnectionBudget.max_failures` attempts (many threads failing at once), or
at the first TLS failure (a wrong scheme or an untrusted certificate does not heal). From then
on every call of the client fails at once with the same :class:`AirbyteUnreachableError`, which
names ``AIRBYTE_BASE_URL`` and what was tried, so a command stops within the window of its first
failure (calls already waiting for an answer end by their own timeout; a host name lookup is
bounded by the system resolver, not by the connect timeout).

The clock is injectable so tests decide time instead of waiting for it.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import requests

from airbyte_provisioning.api.errors import AirbyteUnreachableError
from airbyte_provisioning.api.settings import (
    ENV_BASE_URL,
    ENV_CONNECT_TIMEOUT,
    ENV_READ_TIMEOUT,
    Timeouts,
)

# why an attempt got no usable answer
FailureKind = Literal[
    "refused",
    "dns",
    "tls",
    "connect_timeout",
    "read_timeout",
    "dropped",
    "truncated",
    "gateway",
    "not_json",
]
# kinds whose first occurrence is quoted in the message (the others say all there is)
_SHOW_DETAIL = ("tls", "dns", "not_json", "gateway")
DEFAULT_WINDOW_S = 30.0
DEFAULT_MAX_FAILURES = 8
# the request never left: nothing can have been applied
_UNSENT: frozenset[FailureKind] = frozenset({"refused", "dns", "tls", "connect_timeout"})


@dataclass(frozen=True)
class Failure:
    """One attempt that got no usable answer; ``detail`` is already redacted."""

    kind: FailureKind
    detail: str
    status: int | None = None

    @property
    def unsent(self) -> bool:
        """True when the request certainly never reached the server (safe to send again)."""
        return self.kind in _UNSENT

    def attempt_cost(self, timeouts: Timeouts) -> float:
        """How long another attempt may take when it fails the same way."""
        if self.kind == "read_timeout":
            return timeouts.connect + timeouts.read
        return timeouts.connect


def classify(exc: requests.RequestException) -> FailureKind:
    """The kind of a transport-level failure raised by ``requests``."""
    if isinstance(exc, requests.exceptions.SSLError):
        return "tls"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connect_timeout"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return "read_timeout"
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    names = {type(reason).__name__, type(exc).__name__}
    text = str(exc)
    if isinstance(exc, requests.exceptions.ChunkedEncodingError) or "IncompleteRead" in text:
        return "truncated"
    if "NameResolutionError" in names or "Name or service not known" in text:
        return "dns"
    if "ConnectTimeoutError" in names:
        return "connect_timeout"
    if "NewConnectionError" in names:
        return "refused"
    return "dropped"


def describe(kind: FailureKind, timeouts: Timeouts, status: int | None = None) -> str:
    """What one kind of failure means, for the operator."""
    return {
        "refused": "connection refused or no route to the host (nothing listens at that address "
        "and port)",
        "dns": "the host name does not resolve",
        "tls": "the TLS handshake failed (an https URL for a plain-http server, or a certificate "
        "that is not trusted: set REQUESTS_CA_BUNDLE)",
        "connect_timeout": f"no connection within {timeouts.connect:g} s ({ENV_CONNECT_TIMEOUT})",
        "read_timeout": f"connected, but no answer within {timeouts.read:g} s ({ENV_READ_TIMEOUT})",
        "dropped": "the connection closed before an answer arrived",
        "truncated": "the answer was cut short (the body is truncated)",
        "gateway": f"the proxy in front of Airbyte answered {status} with an HTML page "
        "(the Airbyte server behind it is down or starting)",
        "not_json": f"HTTP {status} with a page that is not the Config API's JSON",
    }[kind]


@dataclass
class ConnectionBudget:
    """See the module docstring. One instance per client, shared by every thread using it."""

    window_s: float = DEFAULT_WINDOW_S
    max_failures: int = DEFAULT_MAX_FAILURES
    clock: Callable[[], float] = time.monotonic
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _last_answer: float = field(default=-math.inf, init=False)
    _first_failure: float | None = field(default=None, init=False)
    _first_started: float | None = field(default=None, init=False)
    _streak: Counter[FailureKind] = field(default_factory=Counter, init=False)
    _details: dict[FailureKind, str] = field(default_factory=dict, init=False)
    _statuses: set[int] = field(default_factory=set, init=False)
    spent: AirbyteUnreachableError | None = field(default=None, init=False)

    def now(self) -> float:
        return self.clock()

    def answered(self) -> None:
        """A usable answer arrived: Airbyte is there, the streak starts over."""
        with self._lock:
            self._last_answer = self.clock()
            self._first_failure = self._first_started = None
            self._streak.clear()
            self._details.clear()
            self._statuses.clear()

    def failed(self, failure: Failure, started: float) -> bool:
        """Record a failed attempt that started at ``started``; true when it counts as evidence
        that Airbyte is not there (no call was answered since it started)."""
        with self._lock:
            if self._last_answer > started:
                return False
            if self._first_failure is None:
                self._first_failure = self.clock()
            if self._first_started is None or started < self._first_started:
                self._first_started = started
            self._streak[failure.kind] += 1
            self._details.setdefault(failure.kind, failure.detail)
            if failure.status is not None:
                self._statuses.add(failure.status)
            return True

    def allows(self, delay: float, failure: Failure, timeouts: Timeouts) -> bool:
        """True when another attempt after ``delay`` still ends inside the window."""
        with self._lock:
            if self.spent is not None or failure.kind == "tls":
                return False
            if sum(self._streak.values()) >= self.max_failures:
                return False
            first = self._first_failure if self._first_failure is not None else self.clock()
            ends = self.clock() + delay + failure.attempt_cost(timeouts)
            return ends - first <= self.window_s

    def spend(self, api_url: str, endpoint: str, timeouts: Timeouts) -> AirbyteUnreachableError:
        """Mark the budget spent (once) and return the error every later call raises."""
        with self._lock:
            if self.spent is None:
                self.spent = self._error(api_url, endpoint, timeouts)
            return self.spent

    def check(self, endpoint: str) -> None:
        """Raise the spent budget's error (for ``endpoint``) when Airbyte was found missing."""
        spent = self.spent
        if spent is not None:
            raise AirbyteUnreachableError(
                spent.message, status=None, endpoint=endpoint, attempts=0
            ) from None

    def _error(self, api_url: str, endpoint: str, timeouts: Timeouts) -> AirbyteUnreachableError:
        attempts = sum(self._streak.values())
        since = self._first_started if self._first_started is not None else self.clock()
        elapsed = self.clock() - since
        tried = "; ".join(
            f"{describe(kind, timeouts, min(self._statuses, default=None))} x{count}"
            + (f" [{self._details[kind]}]" if kind in _SHOW_DETAIL else "")
            for kind, count in self._streak.most_common()
        )
        message = (
            f"Airbyte is not reachable at {ENV_BASE_URL} (Config API {api_url}): {attempts} "
            f"attempt{'s' if attempts != 1 else ''} in {elapsed:.1f} s got no answer: {tried}. "
            f"Check {ENV_BASE_URL} (the address abctl prints, e.g. http://localhost:8000) and "
            "that the server runs (`abctl local status`)"
        )
        if "read_timeout" in self._streak:
            message += f"; if it is only slow, raise {ENV_READ_TIMEOUT}"
        message += ". Every other call of this run was stopped"
        return AirbyteUnreachableError(message, status=None, endpoint=endpoint, attempts=attempts)

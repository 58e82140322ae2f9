"""Failures the sandbox injects around its route table, the way a fleet run meets them.

Two families, both deterministic:

* **Planned** (tests): :meth:`FaultLayer.lose_response` plans carry a request out and then lose
  its answer, by request count; the base class's ``FaultPlan`` list (``app.faults``) refuses
  requests before they reach the API (``fail_next`` builds those with :func:`server_error` /
  :func:`rate_limited`).
* **Random** (benchmarks, soak runs): :class:`RandomFaults` gives each request under a path
  prefix a probability of one fault kind, drawn from a seeded generator so a sequential run
  replays exactly. The kinds (:data:`FaultKind`):

  ``proxy_error``      the ingress answers 502/503/504 with an HTML page; nothing happened.
  ``dropped``          the connection closes with no answer; nothing happened.
  ``lost_response``    the request is carried out, then the ingress answers 504 (HTML).
  ``lost_connection``  the request is carried out, then the connection closes with no answer.
  ``token_expiry``     every issued token expires just before the request is checked.

  Lost answers apply to successful requests only: a refused write has nothing to lose.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, get_args

from sandboxes.airbyte.auth import expire_tokens
from sandboxes.airbyte.store import Store
from sandboxes.base import ConnectionDropped, FaultPlan, Request, Response

FaultKind = Literal["proxy_error", "dropped", "lost_response", "lost_connection", "token_expiry"]
FAULT_KINDS: tuple[FaultKind, ...] = get_args(FaultKind)
Responder = Callable[[Request], Response]
_PROXY_STATUSES = (502, 503, 504)
_REASONS = {502: "Bad Gateway", 503: "Service Temporarily Unavailable", 504: "Gateway Time-out"}


def proxy_page(status: int) -> Response:
    """The HTML error page an nginx ingress answers when Airbyte's server is not reachable."""
    reason = _REASONS.get(status, "Bad Gateway")
    return Response.text(f"<html><body><h1>{status} {reason}</h1>nginx</body></html>", status)


def server_error(
    status: int = 500, message: str = "Internal Server Error: sandbox fault"
) -> Responder:
    """A FaultPlan responder: a 5xx with a KnownExceptionInfo body (502/503/504: ingress HTML)."""

    def respond(request: Request) -> Response:
        if status in _PROXY_STATUSES:
            return Response.text(
                f"<html><body><h1>{status} Bad Gateway</h1>nginx</body></html>", status
            )
        body = {
            "message": message,
            "exceptionClassName": "java.lang.RuntimeException",
            "exceptionStack": [],
        }
        return Response.json(body, status=status)

    return respond


def rate_limited(retry_after: float | None = None) -> Responder:
    """A FaultPlan responder: 429 as the ingress answers it (optionally with ``Retry-After``)."""

    def respond(request: Request) -> Response:
        response = Response.text(
            "<html><body><h1>429 Too Many Requests</h1>nginx</body></html>", 429
        )
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response

    return respond


@dataclass
class RandomFaults:
    """Each request under ``path_prefix`` meets a fault with probability ``rate``, its kind drawn
    uniformly from ``kinds``; :attr:`injected` counts what was injected, by kind."""

    rate: float
    kinds: tuple[FaultKind, ...] = FAULT_KINDS
    seed: int = 0
    path_prefix: str = "/api/v1/"
    injected: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"fault rate must be between 0 and 1, got {self.rate}")
        unknown = sorted(set(self.kinds) - set(FAULT_KINDS))
        if unknown or not self.kinds:
            raise ValueError(
                f"fault kinds must be a non-empty subset of {', '.join(FAULT_KINDS)}; got {unknown or 'none'}"
            )
        self._rng = random.Random(self.seed)

    def draw(self, request: Request) -> FaultKind | None:
        if not request.path.startswith(self.path_prefix) or self._rng.random() >= self.rate:
            return None
        kind = self._rng.choice(self.kinds)
        self.injected[kind] += 1
        return kind

    def proxy_status(self) -> int:
        return self._rng.choice(_PROXY_STATUSES)


class FaultLayer:
    """Applied around the route table by the app: faults before a request reaches the API, and
    answers lost after the API carried it out."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self.lost_responses: list[FaultPlan] = []
        self.random: RandomFaults | None = None

    def lose_response(self, count: int, path_prefix: str, status: int) -> FaultPlan:
        """The next ``count`` successful requests under ``path_prefix`` are carried out, but the
        client gets the ingress's gateway error instead (a crash between a write and its reply)."""
        plan = FaultPlan(respond=server_error(status), first=count, path_prefix=path_prefix)
        self.lost_responses.append(plan)
        return plan

    def around(self, request: Request, route: Responder) -> Response:
        with self._lock:
            kind = self.random.draw(request) if self.random else None
            status = self.random.proxy_status() if self.random and kind == "proxy_error" else 0
        if kind == "proxy_error":
            return proxy_page(status)
        if kind == "dropped":
            raise ConnectionDropped(request.path)
        if kind == "token_expiry":
            expire_tokens(self._store)
        response = route(request)
        if not 200 <= response.status < 300:
            return response
        if kind == "lost_response":
            return proxy_page(504)
        if kind == "lost_connection":
            raise ConnectionDropped(request.path)
        with self._lock:
            lost = next((r for p in self.lost_responses if (r := p.check(request))), None)
        return lost if lost is not None else response

"""The Airbyte sandbox as an HTTP app: the route table behind auth, JSON parsing and faults.

:class:`AirbyteSandboxApp` is both the :class:`~sandboxes.base.SandboxApp` the server calls and
the :class:`~sandboxes.airbyte.store.Store` the handlers change, so tests read its state
(``app.connections``, ``app.writes``...) and plant history through the hooks below.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from airbyte_provisioning.core.types import JsonDict
from sandboxes.airbyte import jobs
from sandboxes.airbyte.auth import authenticate, expire_tokens
from sandboxes.airbyte.catalogs import SPEC_DIR
from sandboxes.airbyte.errors import ApiFailure, invalid_json, micronaut_error
from sandboxes.airbyte.faults import (
    FAULT_KINDS,
    FaultKind,
    FaultLayer,
    RandomFaults,
    rate_limited,
    server_error,
)
from sandboxes.airbyte.routes import API_PREFIX, HEALTH_PATH, ROUTES, UNAUTHENTICATED
from sandboxes.airbyte.store import (
    DEFAULT_WORKSPACE_ID,
    AuthMode,
    Credentials,
    JobStatus,
    Store,
    SyncOutcome,
    WorkspaceSeed,
)
from sandboxes.base import FaultPlan, Request, Response, SandboxApp


def _page_not_found(request: Request) -> Response:
    return micronaut_error(404, request.path, "Not Found", "Page Not Found")


class AirbyteSandboxApp(SandboxApp, Store):
    name = "airbyte"

    def __init__(
        self,
        *,
        auth: AuthMode = "none",
        client_id: str = "sandbox-client-id",
        client_secret: str = "sandbox-client-secret",
        token_lifetime_s: int = 900,
        static_tokens: Iterable[str] = (),
        workspaces: Iterable[WorkspaceSeed] = ((DEFAULT_WORKSPACE_ID, "Default Workspace"),),
        spec_dir: Path | None = SPEC_DIR,
        sync_outcome: SyncOutcome = "succeeded",
        clock: Callable[[], float] = time.time,
        seed: int = 8000,
        latency_s: float = 0.0,
    ) -> None:
        SandboxApp.__init__(self)
        Store.__init__(
            self,
            credentials=Credentials(
                auth, client_id, client_secret, token_lifetime_s, static_tokens
            ),
            workspaces=workspaces,
            spec_dir=spec_dir,
            sync_outcome=sync_outcome,
            clock=clock,
            seed=seed,
        )
        self.latency_s = latency_s
        self.fault_layer = FaultLayer(self)

    # -- HTTP ---------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        return self.fault_layer.around(request, self._route)

    def _route(self, request: Request) -> Response:
        path = request.path.rstrip("/")
        if request.method == "GET" and path == HEALTH_PATH:
            return Response.json({"available": True})
        if not path.startswith(API_PREFIX) or request.method != "POST":
            return _page_not_found(request)
        endpoint = path.removeprefix(API_PREFIX)
        if endpoint not in ROUTES:
            return _page_not_found(request)
        if endpoint not in UNAUTHENTICATED and self.auth == "bearer":
            refused = authenticate(self, request)
            if refused is not None:
                return refused
        try:
            body = request.json()
        except ValueError as exc:
            return invalid_json(str(exc)).response()
        try:
            result = self.call(endpoint, body if isinstance(body, dict) else {})
        except ApiFailure as failure:
            return failure.response()
        if isinstance(result, Response):
            return result
        if result is None:
            return Response(204, b"", {})
        return Response.json(result)

    def call(self, endpoint: str, body: JsonDict) -> Any:
        """Run ``endpoint``'s handler in-process (no auth, no faults): its answer, or the
        :class:`~sandboxes.airbyte.errors.ApiFailure` it raises. Tests use it to make resources
        by hand."""
        handler = ROUTES.get(endpoint)
        if handler is None:
            raise ValueError(f"the sandbox has no route {endpoint!r}; see sandboxes.airbyte.routes")
        with self.state_lock:
            return handler(self, body)

    # -- test hooks ---------------------------------------------------------------------------
    def fail_check(
        self,
        actor_id: str,
        message: str = "Invalid credentials: the API refused the access token (HTTP 401).",
    ) -> None:
        """``actor_id``: a source id or a definition id."""
        self.check_failures[actor_id] = message

    def fail_discover(
        self, key: str, message: str = "Discover failed: the API refused the request (HTTP 403)."
    ) -> None:
        """``key``: a source id or a definition id."""
        self.discover_failures[key] = message

    def fail_next(
        self,
        count: int,
        status: int = 503,
        path_prefix: str = API_PREFIX,
        retry_after: float | None = None,
    ) -> FaultPlan:
        """The next ``count`` requests under ``path_prefix`` fail with ``status`` (429 or 5xx)."""
        respond = rate_limited(retry_after) if status == 429 else server_error(status)
        plan = FaultPlan(respond=respond, first=count, path_prefix=path_prefix)
        self.faults.append(plan)
        return plan

    def lose_response(
        self, count: int = 1, path_prefix: str = API_PREFIX, status: int = 504
    ) -> FaultPlan:
        """The next ``count`` successful requests under ``path_prefix`` are carried out, but the
        answer is lost: the client gets the ingress's gateway error instead."""
        return self.fault_layer.lose_response(count, path_prefix, status)

    def inject_faults(
        self,
        rate: float,
        *,
        kinds: Iterable[FaultKind] = FAULT_KINDS,
        seed: int = 0,
        path_prefix: str = API_PREFIX,
    ) -> RandomFaults:
        """From now on, each request meets one of ``kinds`` with probability ``rate`` (see
        :mod:`sandboxes.airbyte.faults`); ``rate=0`` switches them off."""
        policy = RandomFaults(rate, tuple(kinds), seed, path_prefix)
        self.fault_layer.random = policy
        return policy

    def expire_tokens(self) -> None:
        expire_tokens(self)

    # the planting helper itself, bound to this app as its store: one signature to keep
    add_job = jobs.add_job

    def complete_job(
        self,
        job_id: int,
        status: JobStatus = "succeeded",
        records_synced: int = 0,
        bytes_synced: int = 0,
    ) -> None:
        jobs.complete_job(self, job_id, status, records_synced, bytes_synced)


def create_app(**options: Any) -> AirbyteSandboxApp:
    """The sandbox with its default seed (one workspace, the four official sources, two destinations)."""
    return AirbyteSandboxApp(**options)

"""A small typed client over Airbyte's Config API (``/api/v1``, POST + JSON everywhere).

Design choices the provisioning scripts rely on:

* **Base URL**: ``AIRBYTE_BASE_URL`` is the server root as abctl exposes it
  (``http://localhost:8000``); ``/api/v1`` is appended. A value already ending in ``/api`` or
  ``/api/v1`` (with or without a trailing slash) means the same server.
* **Retries**: 429, 5xx and connection errors are retried with base-2 exponential backoff and
  full jitter, at most 5 attempts (:class:`~airbyte_provisioning.api.retry.RetryPolicy`).
  Other 4xx fail at once with the server's message.
* **No blind duplicate creates**: the Config API has no idempotency key and does not enforce
  unique names, so a ``*/create`` (or ``connections/sync``, ``publish``...) retried after a 5xx
  or a dropped connection may create a second object. Such calls are retried only when the
  request provably never reached the server (connection refused, connect timeout) or was
  refused with 429; otherwise the error is raised with ``may_have_been_applied=True`` and the
  caller reconciles by listing (plan/apply does exactly that). Reads, updates, checks and
  discovers are idempotent and retried normally.
* **Pagination**: since 1.8.0 ``sources/list`` and ``destinations/list`` return 20 items unless
  paged with a cursor; every ``list_*`` here pages to the end.
* **Auth**: see :mod:`airbyte_provisioning.api.auth`; a 401 triggers one token renewal.
* **Logs**: one JSON line per call on stderr (endpoint, status, attempt, duration, and the ids
  found in the request), with the correlation fields bound by the caller. Request and response
  bodies are never logged, and errors never carry the request body.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import requests

from airbyte_provisioning.api.auth import Auth, ClientCredentialsAuth, HeaderAuth, NoAuth
from airbyte_provisioning.api.errors import (
    AirbyteApiError,
    AirbyteAuthError,
    AirbyteConfigError,
    AirbyteConnectionError,
    error_for_status,
)
from airbyte_provisioning.api.retry import RetryPolicy, parse_retry_after
from airbyte_provisioning.core import logs
from airbyte_provisioning.core.redact import is_secret_key, redact_text, redact_value

JsonDict = dict[str, Any]

API_PREFIX = "/api/v1"
DEFAULT_ORGANIZATION_ID = "00000000-0000-0000-0000-000000000000"
# what sources/list and destinations/list return per page when no pageSize is sent (1.8.0)
SERVER_DEFAULT_PAGE_SIZE = 20
DEFAULT_PAGE_SIZE = 100
DEFAULT_TIMEOUT_S = 60.0

ENV_BASE_URL = "AIRBYTE_BASE_URL"
ENV_CLIENT_ID = "AIRBYTE_CLIENT_ID"
ENV_CLIENT_SECRET = "AIRBYTE_CLIENT_SECRET"
ENV_AUTH_HEADER = "AIRBYTE_API_AUTH_HEADER"

# Calls that create something new on every invocation: never retried once they may have arrived.
NON_IDEMPOTENT_SUFFIXES = ("/create", "/sync", "/reset", "/publish", "/create_manifest")
_ID_FIELDS = {
    "workspaceId": "workspace_id",
    "sourceId": "source_id",
    "destinationId": "destination_id",
    "connectionId": "connection_id",
}
_WRITE_SUFFIXES = (*NON_IDEMPOTENT_SUFFIXES, "/update", "/delete", "/update_active_manifest")


def normalize_base_url(value: str | None, variable: str = ENV_BASE_URL) -> str:
    """The Config API root (``<scheme>://<host>[:port][/prefix]/api/v1``) for a server URL."""
    text = (value or "").strip()
    example = "e.g. http://localhost:8000 (the address abctl prints)"
    if not text:
        raise AirbyteConfigError(
            f"{variable} is not set: set it to the Airbyte server root, {example}"
        )
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AirbyteConfigError(
            f"{variable}={text!r} is not an http(s) URL: set it to the Airbyte server root, {example}"
        )
    if parts.query or parts.fragment:
        raise AirbyteConfigError(
            f"{variable}={text!r} must not contain a query or fragment, {example}"
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise AirbyteConfigError(f"{variable}={text!r} has an invalid port: {exc}") from exc
    path = parts.path.rstrip("/")
    for suffix in (API_PREFIX, "/api"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    return f"{parts.scheme}://{parts.netloc}{path}{API_PREFIX}"


def auth_from_env(env: Mapping[str, str]) -> Auth:
    """The auth method the environment asks for (header wins over client credentials)."""
    header = (env.get(ENV_AUTH_HEADER) or "").strip()
    if header:
        if header.lower().startswith("authorization:"):
            header = header.split(":", 1)[1].strip()
        if len(header.split()) < 2:
            raise AirbyteConfigError(
                f"{ENV_AUTH_HEADER} must be a complete header value such as 'Bearer <token>' or "
                "'Basic <base64>'; leave it empty to use AIRBYTE_CLIENT_ID/AIRBYTE_CLIENT_SECRET"
            )
        return HeaderAuth(header)
    client_id = (env.get(ENV_CLIENT_ID) or "").strip()
    client_secret = (env.get(ENV_CLIENT_SECRET) or "").strip()
    if client_id and client_secret:
        return ClientCredentialsAuth(client_id, client_secret)
    if client_id or client_secret:
        missing = ENV_CLIENT_SECRET if client_id else ENV_CLIENT_ID
        present = ENV_CLIENT_ID if client_id else ENV_CLIENT_SECRET
        raise AirbyteConfigError(
            f"{present} is set but {missing} is not: set both (`abctl local credentials` prints "
            f"them) or neither when auth is disabled"
        )
    return NoAuth()


def secret_strings(body: Any) -> set[str]:
    """Every string stored under a secret-looking key of ``body`` (to scrub server echoes)."""
    found: set[str] = set()

    def walk(value: Any, secret: bool) -> None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                walk(item, secret or is_secret_key(str(key)))
        elif isinstance(value, list):
            for item in value:
                walk(item, secret)
        elif secret and isinstance(value, str) and len(value) >= 4:
            found.add(value)

    walk(body, False)
    return found


def _endpoint(path: str) -> str:
    text = path.strip().lstrip("/")
    for prefix in ("api/v1/", "v1/"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text


def _is_unsent(exc: requests.RequestException) -> bool:
    """True when the request certainly never reached the server."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return type(reason).__name__ in {
        "NewConnectionError",
        "ConnectTimeoutError",
        "NameResolutionError",
    }


class AirbyteClient:
    """Config API calls for provisioning: workspaces, definitions, sources, destinations,
    connections, jobs, operations and declarative (Builder) source definitions."""

    def __init__(
        self,
        base_url: str,
        auth: Auth | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = DEFAULT_TIMEOUT_S,
        session: requests.Session | None = None,
        correlation_id: str | None = None,
    ) -> None:
        self.api_url = normalize_base_url(base_url)
        self.auth: Auth = auth or NoAuth()
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.session = session or requests.Session()
        self.correlation_id = correlation_id or logs.new_correlation_id()
        self.calls = 0
        self.writes = 0

    @classmethod
    def from_env(cls, env: Mapping[str, str], **kwargs: Any) -> AirbyteClient:
        """Build a client from ``AIRBYTE_BASE_URL`` and the auth variables; errors name the variable."""
        base_url = normalize_base_url(env.get(ENV_BASE_URL))
        return cls(base_url, auth=auth_from_env(env), **kwargs)

    def __repr__(self) -> str:
        return f"AirbyteClient({self.api_url!r}, auth={type(self.auth).__name__})"

    # ---------------------------------------------------------------------------------------
    # transport
    # ---------------------------------------------------------------------------------------

    def post(
        self, path: str, body: Mapping[str, Any] | None = None, *, idempotent: bool | None = None
    ) -> JsonDict:
        """POST ``body`` to ``/api/v1/<path>`` and return the JSON answer (``{}`` for 204)."""
        endpoint = _endpoint(path)
        if idempotent is None:
            idempotent = not endpoint.endswith(NON_IDEMPOTENT_SUFFIXES)
        return self._send(endpoint, dict(body or {}), idempotent=idempotent, authenticate=True)

    def _send(
        self, endpoint: str, body: JsonDict, *, idempotent: bool, authenticate: bool
    ) -> JsonDict:
        url = f"{self.api_url}/{endpoint}"
        payload = json.dumps(body).encode()  # bytes: sent with the headers in one packet
        scrub = {*self.auth.secrets(), *secret_strings(body)}
        fields = self._log_fields(endpoint, body)
        attempt = 0
        renewed = False
        while True:
            attempt += 1
            headers = {"Content-Type": "application/json", "Accept": "application/json"}
            if authenticate:
                value = self.auth.header(self._fetch_token)
                if value:
                    headers["Authorization"] = value
                    scrub.update(self.auth.secrets())
            started = time.monotonic()
            self.calls += 1
            try:
                response = self.session.post(
                    url, data=payload, headers=headers, timeout=self.timeout
                )
            except requests.RequestException as exc:
                unsent = _is_unsent(exc)
                reason = redact_text(f"{type(exc).__name__}: {exc}", scrub)
                if (idempotent or unsent) and self.retry.should_retry(attempt):
                    self._wait(attempt, None, fields, reason)
                    continue
                logs.log(
                    logging.WARNING, "airbyte_api.error", **fields, attempt=attempt, reason=reason
                )
                raise AirbyteConnectionError(
                    f"cannot reach Airbyte at {self.api_url} ({reason}); check {ENV_BASE_URL} and "
                    "that the server is running",
                    status=None,
                    endpoint=endpoint,
                    attempts=attempt,
                    may_have_been_applied=not idempotent and not unsent,
                ) from None
            status = response.status_code
            elapsed_ms = round((time.monotonic() - started) * 1000, 1)
            level = logging.INFO if endpoint.endswith(_WRITE_SUFFIXES) else logging.DEBUG
            logs.log(
                level,
                "airbyte_api.call",
                **fields,
                status=status,
                attempt=attempt,
                duration_ms=elapsed_ms,
            )
            if status == 401 and authenticate and not renewed and self.auth.invalidate():
                renewed = True
                attempt -= 1  # a renewal is not a failed attempt
                continue
            if 200 <= status < 300:
                if endpoint.endswith(_WRITE_SUFFIXES):
                    self.writes += 1
                return self._decode(response, endpoint)
            error_body = self._error_body(response)
            retryable = status in self.retry.retry_statuses and (idempotent or status == 429)
            if retryable and self.retry.should_retry(attempt):
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                self._wait(attempt, retry_after, fields, f"HTTP {status}")
                continue
            error = error_for_status(
                status,
                endpoint,
                redact_value(error_body, tuple(scrub)),
                attempts=attempt,
                may_have_been_applied=not idempotent and status >= 500,
            )
            error.message = redact_text(error.message, scrub)
            if isinstance(error, AirbyteAuthError) and authenticate:
                error.message += f"; {self._auth_hint(status)}"
            error.args = (str(error),)  # args feed repr() and tracebacks: keep them redacted too
            logs.log(
                logging.WARNING,
                "airbyte_api.error",
                **fields,
                status=status,
                attempt=attempt,
                reason=error.message,
            )
            raise error

    def _wait(self, attempt: int, retry_after: float | None, fields: JsonDict, reason: str) -> None:
        delay = self.retry.delay(attempt, retry_after)
        logs.log(
            logging.WARNING,
            "airbyte_api.retry",
            **fields,
            attempt=attempt,
            max_attempts=self.retry.max_attempts,
            delay_s=round(delay, 3),
            reason=reason,
        )
        self.retry.sleep(delay)

    def _fetch_token(self, client_id: str, client_secret: str) -> JsonDict:
        body = {"client_id": client_id, "client_secret": client_secret}
        try:
            return self._send("applications/token", body, idempotent=True, authenticate=False)
        except AirbyteApiError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                raise AirbyteAuthError(
                    f"the token exchange was refused ({exc.message}); check {ENV_CLIENT_ID} and "
                    f"{ENV_CLIENT_SECRET} against `abctl local credentials`. Helm chart V2 installs of "
                    "Airbyte 1.8.0-1.8.5 do not pass them to the server (airbytehq/airbyte#65592): "
                    f"install with `--chart-version 1.8.0` or set {ENV_AUTH_HEADER}",
                    status=exc.status,
                    endpoint="applications/token",
                    attempts=exc.attempts,
                ) from None
            raise

    def _auth_hint(self, status: int) -> str:
        if status == 403:
            return "the credentials are valid but lack permission for this call"
        if isinstance(self.auth, HeaderAuth):
            return f"the header in {ENV_AUTH_HEADER} was refused: renew it or use {ENV_CLIENT_ID}/{ENV_CLIENT_SECRET}"
        if isinstance(self.auth, ClientCredentialsAuth):
            return f"the bearer token from {ENV_CLIENT_ID}/{ENV_CLIENT_SECRET} was refused even after renewal"
        return f"the server requires auth: set {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET} (`abctl local credentials`)"

    def _log_fields(self, endpoint: str, body: Mapping[str, Any]) -> JsonDict:
        context = logs.current_context()
        fields: JsonDict = {"endpoint": endpoint}
        if "correlation_id" not in context:
            fields["correlation_id"] = self.correlation_id
        for key, name in _ID_FIELDS.items():
            value = body.get(key)
            if isinstance(value, str) and name not in context:
                fields[name] = value
        return fields

    @staticmethod
    def _decode(response: requests.Response, endpoint: str) -> JsonDict:
        if response.status_code == 204 or not response.content:
            return {}
        try:
            data = response.json()
        except ValueError:
            kind = response.headers.get("Content-Type", "unknown content")
            raise AirbyteApiError(
                f"expected JSON but got {kind}; check that {ENV_BASE_URL} points at the Airbyte server root",
                status=response.status_code,
                endpoint=endpoint,
            ) from None
        return data if isinstance(data, dict) else {"items": data}

    @staticmethod
    def _error_body(response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            return response.text[:2000]

    # ---------------------------------------------------------------------------------------
    # paging
    # ---------------------------------------------------------------------------------------

    def _iter_actors(
        self, endpoint: str, key: str, id_key: str, workspace_id: str, page_size: int, **extra: Any
    ) -> Iterator[JsonDict]:
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            body: JsonDict = {"workspaceId": workspace_id, "pageSize": page_size, **extra}
            if cursor:
                body["cursor"] = cursor
            page = self.post(endpoint, body)
            items = [i for i in page.get(key) or [] if isinstance(i, dict)]
            fresh = [i for i in items if i.get(id_key) not in seen]
            seen.update(str(i.get(id_key)) for i in fresh)
            yield from fresh
            reported = page.get("page_size")
            limit = reported if isinstance(reported, int) and reported > 0 else page_size
            if len(items) < limit or not fresh:
                return
            cursor = str(items[-1].get(id_key))

    def _iter_offset(
        self, endpoint: str, body: JsonDict, key: str, page_size: int
    ) -> Iterator[JsonDict]:
        offset = 0
        while True:
            page = self.post(
                endpoint, {**body, "pagination": {"pageSize": page_size, "rowOffset": offset}}
            )
            items = [i for i in page.get(key) or [] if isinstance(i, dict)]
            yield from items
            offset += len(items)
            total = page.get("totalJobCount")
            if len(items) < page_size or (isinstance(total, int) and offset >= total):
                return

    # ---------------------------------------------------------------------------------------
    # workspaces and definitions
    # ---------------------------------------------------------------------------------------

    def get_workspace(self, workspace_id: str) -> JsonDict:
        return self.post("workspaces/get", {"workspaceId": workspace_id})

    def list_workspaces(
        self, organization_id: str = DEFAULT_ORGANIZATION_ID, page_size: int = DEFAULT_PAGE_SIZE
    ) -> list[JsonDict]:
        """Every workspace of an organization (``workspaces/list`` no longer exists since 1.7)."""
        body = {"organizationId": organization_id}
        return list(
            self._iter_offset("workspaces/list_by_organization_id", body, "workspaces", page_size)
        )

    def create_workspace(
        self, name: str, organization_id: str = DEFAULT_ORGANIZATION_ID
    ) -> JsonDict:
        return self.post("workspaces/create", {"name": name, "organizationId": organization_id})

    def list_source_definitions(self, workspace_id: str) -> list[JsonDict]:
        answer = self.post("source_definitions/list_for_workspace", {"workspaceId": workspace_id})
        return list(answer.get("sourceDefinitions") or [])

    def get_source_definition(
        self, definition_id: str, workspace_id: str | None = None
    ) -> JsonDict:
        if workspace_id:
            body = {"sourceDefinitionId": definition_id, "workspaceId": workspace_id}
            return self.post("source_definitions/get_for_workspace", body)
        return self.post("source_definitions/get", {"sourceDefinitionId": definition_id})

    def get_source_definition_spec(self, definition_id: str, workspace_id: str) -> JsonDict:
        body = {"sourceDefinitionId": definition_id, "workspaceId": workspace_id}
        return self.post("source_definition_specifications/get", body)

    def find_source_definition(self, workspace_id: str, docker_repository: str) -> JsonDict | None:
        """The definition whose ``dockerRepository`` matches (ids, not display names, are stable)."""
        wanted = docker_repository.split(":", 1)[0]
        return next(
            (
                d
                for d in self.list_source_definitions(workspace_id)
                if d.get("dockerRepository") == wanted
            ),
            None,
        )

    def list_destination_definitions(self, workspace_id: str) -> list[JsonDict]:
        answer = self.post(
            "destination_definitions/list_for_workspace", {"workspaceId": workspace_id}
        )
        return list(answer.get("destinationDefinitions") or [])

    def get_destination_definition(self, definition_id: str) -> JsonDict:
        return self.post("destination_definitions/get", {"destinationDefinitionId": definition_id})

    def get_destination_definition_spec(self, definition_id: str, workspace_id: str) -> JsonDict:
        body = {"destinationDefinitionId": definition_id, "workspaceId": workspace_id}
        return self.post("destination_definition_specifications/get", body)

    # ---------------------------------------------------------------------------------------
    # sources and destinations
    # ---------------------------------------------------------------------------------------

    def create_source(
        self, workspace_id: str, definition_id: str, name: str, configuration: Mapping[str, Any]
    ) -> JsonDict:
        body = {
            "workspaceId": workspace_id,
            "sourceDefinitionId": definition_id,
            "name": name,
            "connectionConfiguration": dict(configuration),
        }
        return self.post("sources/create", body)

    def update_source(
        self, source_id: str, name: str, configuration: Mapping[str, Any]
    ) -> JsonDict:
        """Full replace of the config; values equal to ``**********`` keep the stored secret."""
        body = {"sourceId": source_id, "name": name, "connectionConfiguration": dict(configuration)}
        return self.post("sources/update", body)

    def get_source(self, source_id: str) -> JsonDict:
        return self.post("sources/get", {"sourceId": source_id})

    def delete_source(self, source_id: str) -> None:
        self.post("sources/delete", {"sourceId": source_id})

    def iter_sources(
        self, workspace_id: str, page_size: int = DEFAULT_PAGE_SIZE, **extra: Any
    ) -> Iterator[JsonDict]:
        return self._iter_actors(
            "sources/list", "sources", "sourceId", workspace_id, page_size, **extra
        )

    def list_sources(
        self, workspace_id: str, page_size: int = DEFAULT_PAGE_SIZE, **extra: Any
    ) -> list[JsonDict]:
        """All sources of a workspace, every page (``extra``: ``sortKey``, ``filters``)."""
        return list(self.iter_sources(workspace_id, page_size, **extra))

    def check_source(self, source_id: str) -> JsonDict:
        """``CheckConnectionRead``: HTTP 200 even when the check fails; read ``status``."""
        return self.post("sources/check_connection", {"sourceId": source_id})

    def discover_source_schema(
        self, source_id: str, *, disable_cache: bool = True, connection_id: str | None = None
    ) -> JsonDict:
        """``SourceDiscoverSchemaRead``; a failed discover has ``jobInfo.succeeded == false``."""
        body: JsonDict = {"sourceId": source_id, "disable_cache": disable_cache}
        if connection_id:
            body["connectionId"] = connection_id
        return self.post("sources/discover_schema", body)

    def check_source_config(
        self,
        workspace_id: str,
        definition_id: str,
        configuration: Mapping[str, Any],
        source_id: str | None = None,
    ) -> JsonDict:
        """Check a configuration before saving it (``scheduler/sources/check_connection``).

        With ``source_id``, masked values (``**********``) stand for that source's stored secrets.
        """
        body = _core_config(workspace_id, definition_id, configuration, source_id)
        return self.post("scheduler/sources/check_connection", body)

    def discover_source_config(
        self,
        workspace_id: str,
        definition_id: str,
        configuration: Mapping[str, Any],
        source_id: str | None = None,
    ) -> JsonDict:
        """Discover the catalog of an unsaved configuration (``scheduler/sources/discover_schema``)."""
        body = _core_config(workspace_id, definition_id, configuration, source_id)
        return self.post("scheduler/sources/discover_schema", body)

    def create_destination(
        self, workspace_id: str, definition_id: str, name: str, configuration: Mapping[str, Any]
    ) -> JsonDict:
        body = {
            "workspaceId": workspace_id,
            "destinationDefinitionId": definition_id,
            "name": name,
            "connectionConfiguration": dict(configuration),
        }
        return self.post("destinations/create", body)

    def update_destination(
        self, destination_id: str, name: str, configuration: Mapping[str, Any]
    ) -> JsonDict:
        body = {
            "destinationId": destination_id,
            "name": name,
            "connectionConfiguration": dict(configuration),
        }
        return self.post("destinations/update", body)

    def get_destination(self, destination_id: str) -> JsonDict:
        return self.post("destinations/get", {"destinationId": destination_id})

    def iter_destinations(
        self, workspace_id: str, page_size: int = DEFAULT_PAGE_SIZE, **extra: Any
    ) -> Iterator[JsonDict]:
        return self._iter_actors(
            "destinations/list", "destinations", "destinationId", workspace_id, page_size, **extra
        )

    def list_destinations(
        self, workspace_id: str, page_size: int = DEFAULT_PAGE_SIZE, **extra: Any
    ) -> list[JsonDict]:
        return list(self.iter_destinations(workspace_id, page_size, **extra))

    # ---------------------------------------------------------------------------------------
    # connections, jobs, operations
    # ---------------------------------------------------------------------------------------

    def create_connection(self, body: Mapping[str, Any]) -> JsonDict:
        """``ConnectionCreate``: ``sourceId``, ``destinationId`` and ``status`` are required."""
        return self.post("connections/create", body)

    def update_connection(self, connection_id: str, patch: Mapping[str, Any]) -> JsonDict:
        """Patch: fields present change, absent fields stay. A field cannot be cleared with null."""
        cleared = sorted(k for k, v in patch.items() if v is None)
        if cleared:
            raise ValueError(
                f"connections/update cannot clear {', '.join(cleared)}: omit the field to keep it, "
                "or send an empty value (\"\" for prefix, [] for operationIds)"
            )
        return self.post("connections/update", {**patch, "connectionId": connection_id})

    def get_connection(self, connection_id: str) -> JsonDict:
        return self.post("connections/get", {"connectionId": connection_id})

    def list_connections(self, workspace_id: str) -> list[JsonDict]:
        """Every non-deleted connection of the workspace (not paginated by the server)."""
        answer = self.post("connections/list", {"workspaceId": workspace_id})
        return list(answer.get("connections") or [])

    def delete_connection(self, connection_id: str) -> None:
        self.post("connections/delete", {"connectionId": connection_id})

    def sync_connection(self, connection_id: str) -> JsonDict:
        """Start a manual sync (``JobInfoRead``); 409 when one is already running."""
        return self.post("connections/sync", {"connectionId": connection_id})

    def iter_jobs(
        self,
        connection_id: str,
        config_types: Sequence[str] = ("sync",),
        *,
        statuses: Iterable[str] | None = None,
        page_size: int = 50,
    ) -> Iterator[JsonDict]:
        """``JobWithAttemptsRead`` items, newest first, every page."""
        body: JsonDict = {
            "configTypes": list(config_types),
            "configId": connection_id,
            "orderByField": "createdAt",
            "orderByMethod": "DESC",
        }
        if statuses is not None:
            body["statuses"] = list(statuses)
        return self._iter_offset("jobs/list", body, "jobs", page_size)

    def list_jobs(
        self,
        connection_id: str,
        config_types: Sequence[str] = ("sync",),
        *,
        limit: int | None = None,
        statuses: Iterable[str] | None = None,
        page_size: int = 50,
    ) -> list[JsonDict]:
        jobs: list[JsonDict] = []
        size = min(page_size, limit) if limit else page_size
        for job in self.iter_jobs(connection_id, config_types, statuses=statuses, page_size=size):
            jobs.append(job)
            if limit is not None and len(jobs) >= limit:
                break
        return jobs

    def get_job(self, job_id: int) -> JsonDict:
        return self.post("jobs/get", {"id": job_id})

    def get_last_replication_job(self, connection_id: str) -> JsonDict | None:
        answer = self.post("jobs/get_last_replication_job", {"connectionId": connection_id})
        job = answer.get("job")
        return job if isinstance(job, dict) else None

    def list_tags(self, workspace_id: str) -> list[JsonDict]:
        """The workspace's connection tags (``Tag``: ``tagId``, ``workspaceId``, ``name``, ``color``)."""
        answer = self.post("tags/list", {"workspaceId": workspace_id})
        items = answer.get("items")  # the server answers a bare JSON array
        return [t for t in items if isinstance(t, dict)] if isinstance(items, list) else []

    def create_tag(self, workspace_id: str, name: str, color: str) -> JsonDict:
        """A connection tag; names are unique per workspace (a duplicate answers 409)."""
        return self.post("tags/create", {"workspaceId": workspace_id, "name": name, "color": color})

    def create_operation(
        self, workspace_id: str, name: str, operator_configuration: Mapping[str, Any]
    ) -> JsonDict:
        body = {
            "workspaceId": workspace_id,
            "name": name,
            "operatorConfiguration": dict(operator_configuration),
        }
        return self.post("operations/create", body)

    def update_operation(
        self, operation_id: str, name: str, operator_configuration: Mapping[str, Any]
    ) -> JsonDict:
        body = {
            "operationId": operation_id,
            "name": name,
            "operatorConfiguration": dict(operator_configuration),
        }
        return self.post("operations/update", body)

    def get_operation(self, operation_id: str) -> JsonDict:
        return self.post("operations/get", {"operationId": operation_id})

    def list_operations(self, connection_id: str) -> list[JsonDict]:
        answer = self.post("operations/list", {"connectionId": connection_id})
        return list(answer.get("operations") or [])

    # ---------------------------------------------------------------------------------------
    # declarative (Builder) source definitions: the only route for a components.py
    # ---------------------------------------------------------------------------------------

    def list_builder_projects(self, workspace_id: str) -> list[JsonDict]:
        answer = self.post("connector_builder_projects/list", {"workspaceId": workspace_id})
        return list(answer.get("projects") or [])

    def create_builder_project(
        self,
        workspace_id: str,
        name: str,
        manifest: Mapping[str, Any] | None = None,
        components: str | None = None,
    ) -> JsonDict:
        project: JsonDict = {"name": name}
        if manifest is not None:
            project["draftManifest"] = dict(manifest)
        if components is not None:
            project["componentsFileContent"] = components
        body = {"workspaceId": workspace_id, "builderProject": project}
        return self.post("connector_builder_projects/create", body)

    def publish_builder_project(
        self,
        workspace_id: str,
        project_id: str,
        name: str,
        manifest: Mapping[str, Any],
        *,
        description: str,
        version: int = 1,
        components: str | None = None,
    ) -> JsonDict:
        body: JsonDict = {
            "workspaceId": workspace_id,
            "builderProjectId": project_id,
            "name": name,
            "initialDeclarativeManifest": declarative_manifest(manifest, description, version),
        }
        if components is not None:
            body["componentsFileContent"] = components
        return self.post("connector_builder_projects/publish", body)

    def list_declarative_manifests(self, workspace_id: str, definition_id: str) -> list[JsonDict]:
        body = {"workspaceId": workspace_id, "sourceDefinitionId": definition_id}
        answer = self.post("declarative_source_definitions/list_manifests", body)
        return list(answer.get("manifestVersions") or [])

    def create_declarative_manifest(
        self,
        workspace_id: str,
        definition_id: str,
        manifest: Mapping[str, Any],
        *,
        description: str,
        version: int,
        components: str | None = None,
        set_active: bool = True,
    ) -> None:
        body: JsonDict = {
            "workspaceId": workspace_id,
            "sourceDefinitionId": definition_id,
            "setAsActiveManifest": set_active,
            "declarativeManifest": declarative_manifest(manifest, description, version),
        }
        if components is not None:
            body["componentsFileContent"] = components
        self.post("declarative_source_definitions/create_manifest", body)

    def update_active_manifest(self, workspace_id: str, definition_id: str, version: int) -> None:
        body = {
            "workspaceId": workspace_id,
            "sourceDefinitionId": definition_id,
            "version": version,
        }
        self.post("declarative_source_definitions/update_active_manifest", body)


def _core_config(
    workspace_id: str,
    definition_id: str,
    configuration: Mapping[str, Any],
    source_id: str | None,
) -> JsonDict:
    body: JsonDict = {
        "workspaceId": workspace_id,
        "sourceDefinitionId": definition_id,
        "connectionConfiguration": dict(configuration),
    }
    if source_id:
        body["sourceId"] = source_id
    return body


def declarative_manifest(manifest: Mapping[str, Any], description: str, version: int) -> JsonDict:
    """A ``DeclarativeSourceManifest``: the manifest plus its spec in Config API shape."""
    spec = manifest.get("spec") if isinstance(manifest.get("spec"), Mapping) else {}
    assert isinstance(spec, Mapping)
    connection_spec = spec.get("connection_specification") or spec.get("connectionSpecification")
    if not isinstance(connection_spec, Mapping):
        raise ValueError(
            "the manifest has no spec.connection_specification; Airbyte cannot publish it"
        )
    api_spec: JsonDict = {"connectionSpecification": dict(connection_spec)}
    if spec.get("documentation_url"):
        api_spec["documentationUrl"] = spec["documentation_url"]
    return {
        "manifest": dict(manifest),
        "spec": api_spec,
        "description": description,
        "version": version,
    }


def content_fingerprint(manifest: Mapping[str, Any], components: str | None) -> str:
    digest = hashlib.sha256(json.dumps(manifest, sort_keys=True, default=str).encode())
    digest.update(b"\0" + (components or "").encode())
    return "sha256:" + digest.hexdigest()[:16]

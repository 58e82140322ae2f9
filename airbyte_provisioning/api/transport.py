"""The Config API's transport: one POST with JSON, retried, authenticated, logged and redacted.

* **Retries**: 429, 5xx, connection errors, timeouts, an ingress's HTML error page and a 2xx
  whose body is not JSON or is cut short are retried with base-2 exponential backoff and full
  jitter, at most 5 attempts (:class:`~airbyte_provisioning.api.retry.RetryPolicy`). Other 4xx
  fail at once with the server's message.
* **No blind duplicate creates**: the Config API has no idempotency key and does not enforce
  unique names, so a ``*/create`` (or ``connections/sync``, ``publish``...) retried after a 5xx
  or a dropped connection may create a second object. Such calls are retried only when the
  request provably never reached the server (connection refused, connect timeout) or was
  refused with 429; otherwise the error is raised with ``may_have_been_applied=True`` and the
  caller resolves it by reading what the write targets (:mod:`airbyte_provisioning.reconcile.apply`
  does). Reads, updates (patches and full replaces), checks and discovers are idempotent and
  retried normally.
* **Fail fast**: one :class:`~airbyte_provisioning.api.budget.ConnectionBudget` per client,
  shared by its threads, stops every call once Airbyte is found missing (see :mod:`.budget`).
  Timeouts: :class:`~airbyte_provisioning.api.settings.Timeouts`.
* **Pagination**: since 1.8.0 ``sources/list`` and ``destinations/list`` return 20 items unless
  paged with a cursor; the paging helpers here page to the end.
* **Auth**: see :mod:`airbyte_provisioning.api.auth`; a 401 triggers one token renewal.
* **Logs**: one JSON line per call on stderr (endpoint, status, attempt, duration, and the ids
  found in the request), with the correlation fields bound by the caller. Request and response
  bodies are never logged, and errors never carry the request body.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from airbyte_provisioning.api.auth import Auth, ClientCredentialsAuth, HeaderAuth, NoAuth
from airbyte_provisioning.api.budget import ConnectionBudget, Failure, classify, describe
from airbyte_provisioning.api.errors import (
    AirbyteApiError,
    AirbyteAuthError,
    AirbyteBadAnswerError,
    AirbyteConnectionError,
    AirbyteServerError,
    AirbyteUnreachableError,
    error_for_status,
    html_summary,
    looks_like_html,
)
from airbyte_provisioning.api.retry import RetryPolicy, parse_retry_after
from airbyte_provisioning.api.settings import (
    DEFAULT_CONNECT_TIMEOUT_S,
    DEFAULT_READ_TIMEOUT_S,
    ENV_AUTH_HEADER,
    ENV_BASE_URL,
    ENV_CLIENT_ID,
    ENV_CLIENT_SECRET,
    Timeouts,
    normalize_base_url,
)
from airbyte_provisioning.core import logs
from airbyte_provisioning.core.logs import Level
from airbyte_provisioning.core.redact import is_secret_key, redact_text, redact_value
from airbyte_provisioning.core.types import JsonDict

# 401s that renew the token within one call before the refusal is final
MAX_RENEWALS = 3
# what an ingress answers (with an HTML page) when the Airbyte server behind it is not there
GATEWAY_STATUSES = frozenset({502, 503, 504})

# Calls that create something new on every invocation: never retried once they may have arrived.
NON_IDEMPOTENT_SUFFIXES = ("/create", "/sync", "/reset", "/publish", "/create_manifest")
_WRITE_SUFFIXES = (*NON_IDEMPOTENT_SUFFIXES, "/update", "/delete", "/update_active_manifest")
# request fields logged with each call (never the body itself)
_ID_FIELDS = {
    "workspaceId": "workspace_id",
    "sourceId": "source_id",
    "destinationId": "destination_id",
    "connectionId": "connection_id",
}


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


def _read(response: requests.Response) -> JsonDict | Failure | None:
    """A 2xx answer's JSON (``{}`` when empty); ``None`` for another status, handled by the
    caller; a :class:`Failure` when the answer cannot be used although one arrived: an ingress's
    502/503/504 page, a 2xx that is not JSON (a proxy's or a web app's page), a JSON body cut
    short."""
    status = response.status_code
    kind = response.headers.get("Content-Type") or "no content type"
    if status in GATEWAY_STATUSES and "json" not in kind.lower():
        return Failure("gateway", _page_summary(response), status)
    if not 200 <= status < 300:
        return None
    if status == 204 or not response.content:
        return {}
    try:
        data = response.json()
    except ValueError:
        if "json" in kind.lower():
            size = len(response.content)
            return Failure("truncated", f"{size} bytes of {kind} that end mid-document", status)
        return Failure("not_json", f"{kind} ({_page_summary(response)})", status)
    return data if isinstance(data, dict) else {"items": data}


def _page_summary(response: requests.Response) -> str:
    text = response.text[:2000]
    summary = html_summary(text) if looks_like_html(text) else " ".join(text.split())[:200]
    return summary or "an empty page"


def _error_body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:2000]


@dataclass
class _Call:
    """One logical call across its attempts."""

    endpoint: str
    url: str
    payload: bytes
    # values to scrub from every message: the auth secrets and the body's secret strings
    scrub: set[str]
    fields: JsonDict
    idempotent: bool
    authenticate: bool
    attempt: int = 0
    # the Authorization header of the latest attempt, and how many 401s renewed the token
    sent_auth: str | None = None
    renewals: int = 0


class Transport:
    """POSTs JSON to the Config API under ``/api/v1`` (see the module docstring for the rules)."""

    def __init__(
        self,
        base_url: str,
        auth: Auth | None = None,
        retry: RetryPolicy | None = None,
        timeout: float | None = None,
        session: requests.Session | None = None,
        correlation_id: str | None = None,
        *,
        connect_timeout: float | None = None,
        budget: ConnectionBudget | None = None,
    ) -> None:
        self.api_url = normalize_base_url(base_url)
        self.auth: Auth = auth or NoAuth()
        self.retry = retry or RetryPolicy()
        self.timeouts = Timeouts(
            connect=connect_timeout or DEFAULT_CONNECT_TIMEOUT_S,
            read=timeout or DEFAULT_READ_TIMEOUT_S,
        )
        self.budget = budget or ConnectionBudget()
        self.session = session or requests.Session()
        self.correlation_id = correlation_id or logs.new_correlation_id()
        self.calls = 0
        self.writes = 0
        self.retries = 0

    @property
    def timeout(self) -> float:
        """The read timeout (``AIRBYTE_HTTP_TIMEOUT_SECONDS``)."""
        return self.timeouts.read

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
        call = _Call(
            endpoint=endpoint,
            url=f"{self.api_url}/{endpoint}",
            payload=json.dumps(body).encode(),  # bytes: sent with the headers in one packet
            scrub={*self.auth.secrets(), *secret_strings(body)},
            fields=self._log_fields(endpoint, body),
            idempotent=idempotent,
            authenticate=authenticate,
        )
        while True:
            call.attempt += 1
            self.budget.check(endpoint)
            started = self.budget.now()
            answer = self._attempt(call)
            if isinstance(answer, Failure):
                self._after_failure(call, answer, started)
                continue
            read = _read(answer)
            if isinstance(read, Failure):
                if read.kind == "truncated":
                    self.budget.answered()  # the server is there; its answer was cut
                self._after_failure(call, read, started)
                continue
            self.budget.answered()
            if self._renewed_after(call, answer):
                continue
            if read is not None:
                if endpoint.endswith(_WRITE_SUFFIXES):
                    self.writes += 1
                return read
            if self._waited_after_status(call, answer):
                continue
            raise self._status_error(call, answer)

    # ---------------------------------------------------------------------------------------
    # the steps of one call
    # ---------------------------------------------------------------------------------------

    def _attempt(self, call: _Call) -> requests.Response | Failure:
        """One POST, logged: the response, or why none (usable) arrived."""
        headers = self._headers(call)
        started = time.monotonic()
        self.calls += 1
        try:
            response = self.session.post(
                call.url,
                data=call.payload,
                headers=headers,
                timeout=self.timeouts.for_endpoint(call.endpoint),
            )
        except requests.RequestException as exc:
            detail = redact_text(f"{type(exc).__name__}: {exc}", call.scrub)
            return Failure(classify(exc), detail)
        logs.log(
            Level.INFO if call.endpoint.endswith(_WRITE_SUFFIXES) else Level.DEBUG,
            "airbyte_api.call",
            **call.fields,
            status=response.status_code,
            attempt=call.attempt,
            duration_ms=round((time.monotonic() - started) * 1000, 1),
        )
        return response

    def _headers(self, call: _Call) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if call.authenticate:
            value = self.auth.header(self._fetch_token)
            if value:
                headers["Authorization"] = value
                call.scrub.update(self.auth.secrets())
            call.sent_auth = value
        return headers

    def _after_failure(self, call: _Call, failure: Failure, started: float) -> None:
        """Wait before the next attempt, or raise: the call's own error, or the spent budget's
        when the failure says Airbyte is not there (see :mod:`.budget`)."""
        evidence = self.budget.failed(failure, started)
        resendable = (call.idempotent or failure.unsent) and failure.kind != "tls"
        reason = f"{describe(failure.kind, self.timeouts, failure.status)}: {failure.detail}"
        if resendable and self.retry.should_retry(call.attempt):
            delay = self.retry.delay(call.attempt)
            if not evidence or self.budget.allows(delay, failure, self.timeouts):
                self._wait(delay, call, reason)
                return
        if evidence and (resendable or failure.kind == "tls"):
            error: AirbyteApiError = self.budget.spend(self.api_url, call.endpoint, self.timeouts)
        else:
            error = self._failure_error(call, failure)
        logs.log(
            Level.WARNING, "airbyte_api.error", **call.fields, attempt=call.attempt, reason=reason
        )
        raise error

    def _failure_error(self, call: _Call, failure: Failure) -> AirbyteApiError:
        """The error for one call that got no usable answer (Airbyte itself is there)."""
        applied = not call.idempotent and not failure.unsent
        what = describe(failure.kind, self.timeouts, failure.status)
        common: dict[str, Any] = {
            "endpoint": call.endpoint,
            "attempts": call.attempt,
            "may_have_been_applied": applied,
        }
        if failure.kind == "gateway":
            return AirbyteServerError(f"{what}: {failure.detail}", status=failure.status, **common)
        if failure.kind == "not_json":
            return AirbyteBadAnswerError(
                f"expected JSON but got {failure.detail}; check that {ENV_BASE_URL} points at "
                "the Airbyte server root",
                status=failure.status,
                **common,
            )
        if failure.kind == "truncated":
            return AirbyteBadAnswerError(
                f"{what}: {failure.detail}; a proxy or the server cut the answer off, try again",
                status=failure.status,
                **common,
            )
        return AirbyteConnectionError(
            f"cannot reach Airbyte at {self.api_url}: {what} ({failure.detail}); check "
            f"{ENV_BASE_URL} and that the server is running",
            status=None,
            **common,
        )

    def _renewed_after(self, call: _Call, response: requests.Response) -> bool:
        """True after a 401 renewed the token (a renewal is not a failed attempt). Tokens can
        expire, or be revoked by a server restart, again while a call waits or retries, so a
        call renews up to :data:`MAX_RENEWALS` times before the 401 is final."""
        if response.status_code != 401 or not call.authenticate:
            return False
        if call.renewals < MAX_RENEWALS and self.auth.invalidate(call.sent_auth):
            call.renewals += 1
            call.attempt -= 1
            return True
        return False

    def _waited_after_status(self, call: _Call, response: requests.Response) -> bool:
        """True after waiting for a retryable status (429 always; 5xx only when idempotent)."""
        status = response.status_code
        retryable = status in self.retry.retry_statuses and (call.idempotent or status == 429)
        if not (retryable and self.retry.should_retry(call.attempt)):
            return False
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        self._wait(self.retry.delay(call.attempt, retry_after), call, f"HTTP {status}")
        return True

    def _status_error(self, call: _Call, response: requests.Response) -> AirbyteApiError:
        """The error for a final non-2xx answer, redacted, with a hint for auth failures."""
        status = response.status_code
        error = error_for_status(
            status,
            call.endpoint,
            redact_value(_error_body(response), tuple(call.scrub)),
            attempts=call.attempt,
            may_have_been_applied=not call.idempotent and status >= 500,
        )
        error.message = redact_text(error.message, call.scrub)
        if isinstance(error, AirbyteAuthError) and call.authenticate:
            error.message += f"; {self._auth_hint(status)}"
        error.args = (str(error),)  # args feed repr() and tracebacks: keep them redacted too
        logs.log(
            Level.WARNING,
            "airbyte_api.error",
            **call.fields,
            status=status,
            attempt=call.attempt,
            reason=error.message,
        )
        return error

    def _wait(self, delay: float, call: _Call, reason: str) -> None:
        self.retries += 1
        logs.log(
            Level.WARNING,
            "airbyte_api.retry",
            **call.fields,
            attempt=call.attempt,
            max_attempts=self.retry.max_attempts,
            delay_s=round(delay, 3),
            reason=reason,
        )
        self.retry.sleep(delay)

    def _fetch_token(self, client_id: str, client_secret: str) -> JsonDict:
        body = {"client_id": client_id, "client_secret": client_secret}
        try:
            return self._send("applications/token", body, idempotent=True, authenticate=False)
        except (AirbyteUnreachableError, AirbyteBadAnswerError):
            raise
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

    # ---------------------------------------------------------------------------------------
    # paging
    # ---------------------------------------------------------------------------------------

    def _iter_actors(
        self, endpoint: str, key: str, id_key: str, workspace_id: str, page_size: int, **extra: Any
    ) -> Iterator[JsonDict]:
        """Cursor paging (``sources/list``, ``destinations/list``): the cursor is the last id."""
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
        """Offset paging (``jobs/list``, ``workspaces/list_by_organization_id``)."""
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

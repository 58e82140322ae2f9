"""Errors raised by the Airbyte client, and the parser for the server's error bodies.

Airbyte 1.8 answers errors in four shapes, and the client reduces each to one readable message:

* ``KnownExceptionInfo`` / ``NotFoundKnownExceptionInfo``: ``{"message": ..., "exceptionClassName": ...}``
* ``InvalidInputExceptionInfo``: the same plus ``validationErrors[{propertyPath, message}]``
* problem JSON (cron validation, public API): ``{"type", "title", "detail", "status", "data"}``
* Micronaut's default body (auth layer): ``{"message": "Bad Request", "_embedded": {"errors": [...]}}``

No error ever carries the request body: it may hold connector credentials.
"""

from __future__ import annotations

import json
import re
from typing import Any


class AirbyteError(Exception):
    """Base class of everything this package raises."""


class AirbyteConfigError(AirbyteError, ValueError):
    """The client cannot be built from the given settings; the message names the variable."""


class AirbyteApiError(AirbyteError):
    """A call to the Config API failed.

    ``status`` is the HTTP status (``None`` when no response arrived), ``endpoint`` the API path
    (``sources/create``), ``message`` the server's own explanation. ``may_have_been_applied`` is
    true when the server may have carried out a non-idempotent call before the failure (a
    timeout or a 5xx on ``*/create``): the caller must list and reconcile before trying again.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None,
        endpoint: str,
        body: Any = None,
        attempts: int = 1,
        may_have_been_applied: bool = False,
    ) -> None:
        self.message = message
        self.status = status
        self.endpoint = endpoint
        self.body = body
        self.attempts = attempts
        self.may_have_been_applied = may_have_been_applied
        super().__init__(str(self))

    def __str__(self) -> str:
        status = f"HTTP {self.status}" if self.status is not None else "no response"
        text = f"{self.endpoint}: {status}: {self.message}"
        if self.attempts > 1:
            text += f" (after {self.attempts} attempts)"
        if self.may_have_been_applied:
            text += "; the request may have been applied, list before retrying"
        return text

    @property
    def retryable(self) -> bool:
        return False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary for the scripts' stdout (no request data, no secrets)."""
        return {
            "error": type(self).__name__,
            "endpoint": self.endpoint,
            "status": self.status,
            "message": self.message,
            "attempts": self.attempts,
            "may_have_been_applied": self.may_have_been_applied,
        }


class AirbyteNotFoundError(AirbyteApiError):
    """404, or the 500 some versions return for "Could not find configuration for ..."."""


class AirbyteConflictError(AirbyteApiError):
    """409: a sync is already running, a manifest version exists, a concurrent write."""


class AirbyteInvalidInputError(AirbyteApiError):
    """400 / 422: the request was refused as invalid (config vs. spec, cron, time zone)."""

    def __init__(self, message: str, *, problem_type: str | None = None, **kwargs: Any) -> None:
        self.problem_type = problem_type
        super().__init__(message, **kwargs)


class AirbyteAuthError(AirbyteApiError):
    """401 / 403, or a refused token exchange."""


class AirbyteRateLimitError(AirbyteApiError):
    """429 after every retry."""

    @property
    def retryable(self) -> bool:
        return True


class AirbyteServerError(AirbyteApiError):
    """5xx after every retry (or at once for a non-idempotent call)."""

    @property
    def retryable(self) -> bool:
        return True


class AirbyteConnectionError(AirbyteApiError):
    """No HTTP response: connection refused, reset, or timed out."""

    @property
    def retryable(self) -> bool:
        return True


class AirbyteUnreachableError(AirbyteConnectionError):
    """The run's connection budget is spent: Airbyte (or its token endpoint) is not there.

    Raised by the call that spent it and, at once, by every later call of the same client, so a
    command stops with one message (naming ``AIRBYTE_BASE_URL`` and what was tried) instead of a
    retry chain per tenant.
    """

    def __str__(self) -> str:
        return self.message  # about the server, not one endpoint: it says what was tried

    @property
    def retryable(self) -> bool:
        return False


class AirbyteBadAnswerError(AirbyteApiError):
    """A 2xx answer the client cannot use: not JSON, a JSON body cut short, or a token answer
    without ``access_token``. The message says which and what to check."""


_NOT_FOUND_MARKER = "Could not find configuration for"
_TAG = re.compile(r"<[^>]*>")


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head


def html_summary(text: str) -> str:
    """The visible words of an HTML error page (an ingress's ``502 Bad Gateway nginx``)."""
    return " ".join(_TAG.sub(" ", text).split())[:200]


def extract_message(body: Any, fallback: str = "") -> str:
    """The human part of an Airbyte error body, whatever its shape."""
    if isinstance(body, (bytes, str)):
        text = body.decode(errors="replace") if isinstance(body, bytes) else body
        try:
            body = json.loads(text)
        except ValueError:
            if looks_like_html(text):
                words = html_summary(text)
                return f"an HTML page, not the Config API: {words}" if words else fallback
            snippet = " ".join(text.split())[:300]
            return snippet or fallback
    if not isinstance(body, dict):
        return fallback
    parts: list[str] = []
    if isinstance(body.get("title"), str) and "type" in body:
        parts.append(body["title"])
        if isinstance(body.get("detail"), str):
            parts.append(body["detail"])
        data = body.get("data")
        if isinstance(data, dict):
            described = ", ".join(
                f"{k}={v}" for k, v in sorted(data.items()) if isinstance(v, (str, int)) and v != ""
            )
            if described:
                parts.append(f"({described})")
        return ": ".join(parts[:2]) + (f" {parts[2]}" if len(parts) > 2 else "")
    message = body.get("message")
    if isinstance(message, str) and message:
        parts.append(message)
    for item in body.get("validationErrors") or []:
        if isinstance(item, dict):
            path = item.get("propertyPath", "?")
            parts.append(f"{path}: {item.get('message') or item.get('invalidValue') or 'invalid'}")
    embedded = (
        (body.get("_embedded") or {}).get("errors")
        if isinstance(body.get("_embedded"), dict)
        else None
    )
    for item in embedded or []:
        if isinstance(item, dict) and isinstance(item.get("message"), str):
            parts.append(item["message"])
    return "; ".join(parts) or fallback


def error_for_status(
    status: int,
    endpoint: str,
    body: Any,
    *,
    attempts: int = 1,
    may_have_been_applied: bool = False,
) -> AirbyteApiError:
    """The typed error for an HTTP failure, with the server's message."""
    message = extract_message(body, fallback=f"HTTP {status} with no explanation from the server")
    common: dict[str, Any] = {
        "status": status,
        "endpoint": endpoint,
        "body": body,
        "attempts": attempts,
    }
    if status == 404 or (status == 500 and _NOT_FOUND_MARKER in message):
        return AirbyteNotFoundError(message, **common)
    if status == 409:
        return AirbyteConflictError(message, **common)
    if status in (401, 403):
        return AirbyteAuthError(message, **common)
    if status == 429:
        return AirbyteRateLimitError(message, **common)
    if status in (400, 422):
        problem_type = body.get("type") if isinstance(body, dict) else None
        return AirbyteInvalidInputError(
            message, problem_type=problem_type if isinstance(problem_type, str) else None, **common
        )
    if status >= 500:
        return AirbyteServerError(message, may_have_been_applied=may_have_been_applied, **common)
    return AirbyteApiError(message, **common)

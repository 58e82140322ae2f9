"""Where the Config API is and how to authenticate, from the environment.

``AIRBYTE_BASE_URL`` is the server root as abctl exposes it (``http://localhost:8000``);
``/api/v1`` is appended, and a value already ending in ``/api`` or ``/api/v1`` (with or without a
trailing slash) means the same server. ``AIRBYTE_API_AUTH_HEADER`` wins over
``AIRBYTE_CLIENT_ID``/``AIRBYTE_CLIENT_SECRET``; with neither, calls are not authenticated. Every
error names the variable to fix.

A user name or password in ``AIRBYTE_BASE_URL`` (``http://user:pass@host``) is refused: the HTTP
library would send it as a Basic ``Authorization`` header in place of the bearer token, Airbyte
would answer 401, and the refusal would look like bad client credentials.

``AIRBYTE_HTTP_CONNECT_TIMEOUT_SECONDS`` (default 5) bounds how long a connection may take to
open, ``AIRBYTE_HTTP_TIMEOUT_SECONDS`` (default 30) how long the server may stay silent while
answering. Calls that run a connector synchronously (check, discover) wait at least
:data:`JOB_READ_TIMEOUT_S`, since a discover of a large account takes minutes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from airbyte_provisioning.api.auth import Auth, ClientCredentialsAuth, HeaderAuth, NoAuth
from airbyte_provisioning.api.errors import AirbyteConfigError

API_PREFIX = "/api/v1"

ENV_BASE_URL = "AIRBYTE_BASE_URL"
ENV_CLIENT_ID = "AIRBYTE_CLIENT_ID"
ENV_CLIENT_SECRET = "AIRBYTE_CLIENT_SECRET"
ENV_AUTH_HEADER = "AIRBYTE_API_AUTH_HEADER"
ENV_READ_TIMEOUT = "AIRBYTE_HTTP_TIMEOUT_SECONDS"
ENV_CONNECT_TIMEOUT = "AIRBYTE_HTTP_CONNECT_TIMEOUT_SECONDS"

DEFAULT_CONNECT_TIMEOUT_S = 5.0
DEFAULT_READ_TIMEOUT_S = 30.0
# the longest accepted values: beyond them a dead server would hold a run for many minutes
MAX_CONNECT_TIMEOUT_S = 30.0
MAX_READ_TIMEOUT_S = 3600.0
# check_connection and discover_schema run a connector before answering
JOB_READ_TIMEOUT_S = 600.0
JOB_ENDPOINTS = ("/check_connection", "/discover_schema")


@dataclass(frozen=True)
class Timeouts:
    """Seconds to open a connection and to wait for an answer (see the module docstring)."""

    connect: float = DEFAULT_CONNECT_TIMEOUT_S
    read: float = DEFAULT_READ_TIMEOUT_S

    def __post_init__(self) -> None:
        if not (self.connect > 0 and self.read > 0):
            raise ValueError("timeouts must be positive")

    def for_endpoint(self, endpoint: str) -> tuple[float, float]:
        """The (connect, read) pair the HTTP library takes for one call."""
        if endpoint.endswith(JOB_ENDPOINTS):
            return self.connect, max(self.read, JOB_READ_TIMEOUT_S)
        return self.connect, self.read


def normalize_base_url(value: str | None, variable: str = ENV_BASE_URL) -> str:
    """The Config API root (``<scheme>://<host>[:port][/prefix]/api/v1``) for a server URL."""
    text = (value or "").strip()
    example = "e.g. http://localhost:8000 (the address abctl prints)"
    if not text:
        raise AirbyteConfigError(
            f"{variable} is not set: set it to the Airbyte server root, {example}"
        )
    _refuse_userinfo(text, variable)
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


def _refuse_userinfo(text: str, variable: str) -> None:
    """A ``user:password@`` part is refused with a message that shows the URL without it."""
    scheme, separator, rest = text.partition("://")
    if not separator:
        scheme, rest = "", text
    authority, slash, path = rest.partition("/")
    if "@" not in authority:
        return
    host = authority.rsplit("@", 1)[1]
    shown = f"{scheme}://{host}{slash}{path}" if scheme else f"{host}{slash}{path}"
    raise AirbyteConfigError(
        f"{variable} must not contain a user name or password (the part before '@'): it would be "
        f"sent as a Basic Authorization header instead of the Airbyte token, and Airbyte would "
        f"answer 401. Set {variable}={shown} and put the credentials in {ENV_CLIENT_ID} and "
        f"{ENV_CLIENT_SECRET} (`abctl local credentials`), or a complete header value in "
        f"{ENV_AUTH_HEADER} ('Basic <base64 of user:password>' for a proxy with basic auth)"
    )


def timeouts_from_env(env: Mapping[str, str]) -> Timeouts:
    """The HTTP timeouts the environment sets; a bad value is an error naming its variable."""
    connect = _seconds(env, ENV_CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT_S, MAX_CONNECT_TIMEOUT_S)
    read = _seconds(env, ENV_READ_TIMEOUT, DEFAULT_READ_TIMEOUT_S, MAX_READ_TIMEOUT_S)
    return Timeouts(connect=connect, read=read)


def _seconds(env: Mapping[str, str], variable: str, default: float, highest: float) -> float:
    text = (env.get(variable) or "").strip()
    if not text:
        return default
    shown = text if len(text) <= 40 else text[:40] + "..."
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if math.isnan(value):
        raise AirbyteConfigError(
            f"{variable}={shown!r} is not a number of seconds: set e.g. {default:g}, or unset it "
            f"for the default ({default:g})"
        )
    if not 0 < value <= highest:
        raise AirbyteConfigError(
            f"{variable}={shown!r} must be more than 0 and at most {highest:g} seconds "
            f"(default {default:g})"
        )
    return value


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

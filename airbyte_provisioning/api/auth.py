"""How the client authenticates: no auth, a pre-formatted header, or application credentials.

On abctl installs (``global.auth.enabled``) the Config API wants ``Authorization: Bearer <jwt>``.
The JWT comes from ``POST /api/v1/applications/token`` with the ``client_id``/``client_secret``
that ``abctl local credentials`` prints, and lives 15 minutes
(``AB_AIRBYTE_AUTH_TOKEN_EXPIRATION_APPLICATION``). The Config API answers only
``{"access_token": ...}``; the lifetime is read from ``expires_in`` when a server sends it, else
from the JWT's own ``exp - iat``, else assumed to be 15 minutes. The token is renewed
``renew_margin_s`` before it expires, and at once when the server answers 401 anyway.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from airbyte_provisioning.api.errors import AirbyteBadAnswerError

DEFAULT_TOKEN_LIFETIME_S = 15 * 60
TokenFetcher = Callable[[str, str], dict[str, Any]]


class Auth(Protocol):
    def header(self, fetch_token: TokenFetcher) -> str | None:
        """The ``Authorization`` value for the next request (``None``: send none)."""
        ...

    def invalidate(self, refused: str | None = None) -> bool:
        """Forget the token after a 401 refused the header ``refused`` (unless another thread
        already replaced it); true when a fresh one can be obtained."""
        ...

    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in logs or errors."""
        ...


@dataclass
class NoAuth:
    """For installs with auth disabled (``abctl local install --disable-auth``)."""

    def header(self, fetch_token: TokenFetcher) -> str | None:
        return None

    def invalidate(self, refused: str | None = None) -> bool:
        return False

    def secrets(self) -> tuple[str, ...]:
        return ()


@dataclass
class HeaderAuth:
    """A pre-formatted header value (``AIRBYTE_API_AUTH_HEADER``), e.g. ``Bearer eyJ...``."""

    value: str

    def header(self, fetch_token: TokenFetcher) -> str | None:
        return self.value

    def invalidate(self, refused: str | None = None) -> bool:
        return False

    def secrets(self) -> tuple[str, ...]:
        parts = [self.value, *self.value.split(None, 1)[1:]]
        return tuple(p for p in parts if p)


@dataclass
class ClientCredentialsAuth:
    """Exchanges application credentials for a bearer token and renews it before it expires."""

    client_id: str
    client_secret: str
    renew_margin_s: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _token: str | None = field(default=None, init=False, repr=False)
    _deadline: float = field(default=0.0, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    tokens_issued: int = field(default=0, init=False)

    def header(self, fetch_token: TokenFetcher) -> str | None:
        with self._lock:
            if self._token is None or self.clock() >= self._deadline - self.renew_margin_s:
                answer = fetch_token(self.client_id, self.client_secret)
                token = answer.get("access_token")
                if not isinstance(token, str) or not token:
                    raise missing_token(answer)
                self._token = token
                self._deadline = self.clock() + token_lifetime(answer)
                self.tokens_issued += 1
            return f"Bearer {self._token}"

    def invalidate(self, refused: str | None = None) -> bool:
        with self._lock:
            if refused is None or refused == f"Bearer {self._token}":
                self._token = None
        return True

    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.client_secret, self._token) if s)

    def __repr__(self) -> str:  # never show the secret, even in a debugger or a traceback
        return f"ClientCredentialsAuth(client_id={self.client_id!r}, client_secret='**')"


def missing_token(answer: dict[str, Any]) -> AirbyteBadAnswerError:
    """The error for a token answer without a usable ``access_token`` (no value is shown)."""
    keys = ", ".join(sorted(str(k) for k in answer)[:10]) or "nothing"
    return AirbyteBadAnswerError(
        f"the token endpoint answered HTTP 200 without an access_token (the answer holds: "
        f"{keys}); AIRBYTE_BASE_URL must point at the Airbyte server itself "
        "(e.g. http://localhost:8000), not at a proxy or another service; with a gateway that "
        "issues its own tokens, set AIRBYTE_API_AUTH_HEADER instead of AIRBYTE_CLIENT_ID/SECRET",
        status=200,
        endpoint="applications/token",
    )


def token_lifetime(answer: dict[str, Any]) -> float:
    """Seconds a freshly issued token stays valid."""
    expires_in = answer.get("expires_in")
    if isinstance(expires_in, (int, float)) and expires_in > 0:
        return float(expires_in)
    claims = jwt_claims(str(answer.get("access_token", "")))
    exp, iat = claims.get("exp"), claims.get("iat")
    if isinstance(exp, (int, float)) and isinstance(iat, (int, float)) and exp > iat:
        return float(exp - iat)
    return float(DEFAULT_TOKEN_LIFETIME_S)


def jwt_claims(token: str) -> dict[str, Any]:
    """The unverified payload of a JWT (only the timing claims are used); ``{}`` if not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        decoded = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except (ValueError, TypeError):
        return {}
    return decoded if isinstance(decoded, dict) else {}

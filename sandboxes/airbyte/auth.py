"""``applications/token`` and bearer-token checks.

Tokens are JWT-shaped (HS256 over the sandbox's own key) and live ``token_lifetime_s`` on the
sandbox clock, so :meth:`Store.advance` or :func:`expire_tokens` makes a client renew mid-run.
Static tokens (``static_tokens``) never expire. Refusals use Micronaut's bodies, as the real
server's security filter answers before the Config API sees the request.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from airbyte_provisioning.core.types import JsonDict
from sandboxes.airbyte.errors import micronaut_error
from sandboxes.airbyte.store import DEFAULT_ORGANIZATION_ID, Store
from sandboxes.base import Request, Response

TOKEN_ENDPOINT = "applications/token"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _part(data: JsonDict) -> str:
    return _b64(json.dumps(data, separators=(",", ":")).encode())


def issue_token(store: Store) -> str:
    issued = int(store.now())
    store.tokens_issued += 1
    head = _part({"alg": "HS256", "typ": "JWT"})
    claims = _part(
        {
            "sub": DEFAULT_ORGANIZATION_ID,
            "roles": ["ADMIN"],
            "iat": issued,
            "exp": issued + store.token_lifetime_s,
            "jti": store.tokens_issued,
        }
    )
    signature = hmac.new(store.signing_key, f"{head}.{claims}".encode(), hashlib.sha256).digest()
    token = f"{head}.{claims}.{_b64(signature)}"
    store.tokens[token] = issued + store.token_lifetime_s
    return token


def expire_tokens(store: Store) -> None:
    """Every issued token stops working now (a server restart, a revoked key, a clock jump)."""
    with store.state_lock:
        for token in store.tokens:
            store.tokens[token] = store.now() - 1


def authenticate(store: Store, request: Request) -> Response | None:
    """``None`` when the request carries a live bearer token, else the 401 answer."""
    header = request.header("authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return micronaut_error(401, request.path, "Unauthorized", "Unauthorized")
    if token in store.static_tokens:
        return None
    with store.state_lock:
        expires = store.tokens.get(token)
        if expires is None or expires <= store.now():
            return micronaut_error(401, request.path, "Unauthorized", "Unauthorized")
    return None


def create_token(store: Store, body: JsonDict) -> Any:
    """``applications/token``: client credentials in, ``access_token`` out."""
    if body.get("client_id") != store.client_id or body.get("client_secret") != store.client_secret:
        return micronaut_error(
            400, f"/api/v1/{TOKEN_ENDPOINT}", "Bad Request", "Invalid client id or token"
        )
    return {"access_token": issue_token(store)}

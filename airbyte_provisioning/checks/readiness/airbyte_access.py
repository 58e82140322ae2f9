"""Rule ``airbyte_access``: the server URL and credentials the API client will use.

The precedence is the client's: ``AIRBYTE_API_AUTH_HEADER`` when set, otherwise both
``AIRBYTE_CLIENT_ID`` and ``AIRBYTE_CLIENT_SECRET``. Production Airbyte must not run without auth.
"""

from __future__ import annotations

import re

from airbyte_provisioning.checks.readiness.placeholders import placeholder_reason, url_host
from airbyte_provisioning.checks.readiness.report import Context, Rule, require_real
from airbyte_provisioning.checks.readiness.shapes import credential

RULE: Rule = "airbyte_access"
HEADER = "AIRBYTE_API_AUTH_HEADER"
CLIENT_VARIABLES = ("AIRBYTE_CLIENT_ID", "AIRBYTE_CLIENT_SECRET")
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


def check_airbyte_access(ctx: Context) -> None:
    _base_url(ctx)
    if ctx.value(HEADER) is not None:
        _auth_header(ctx)
    else:
        _client_credentials(ctx)


def _base_url(ctx: Context) -> None:
    name = "AIRBYTE_BASE_URL"
    base = require_real(
        ctx, RULE, name, "set the Airbyte server root, e.g. https://airbyte.corp:8000"
    )
    if not base:
        return
    host = url_host(base)
    if host is None:
        if not ctx.stack_error(name):
            ctx.report.add(RULE, name, f"{base!r} is not an http(s) URL", "bad_shape")
    elif base.lower().startswith("http://") and host not in LOOPBACK_HOSTS:
        ctx.report.add(
            RULE,
            name,
            f"plain http to {host!r}: the bearer token and client secret cross the network "
            "unencrypted; use https (or a tunnel to localhost)",
            "insecure_url",
            severity="warning",
        )


def _auth_header(ctx: Context) -> None:
    header = require_real(ctx, RULE, HEADER, "set 'Bearer <token>' or 'Basic <base64>'")
    if header:
        value = re.sub(r"^authorization:\s*", "", header, flags=re.I)
        parts = value.split(None, 1)
        if len(parts) != 2 or parts[0].lower() not in {"bearer", "basic"}:
            ctx.report.add(
                RULE,
                HEADER,
                "must be a complete header value: 'Bearer <token>' or 'Basic <base64>'",
                "bad_shape",
            )
        elif len(parts[1]) < 16:
            ctx.report.add(
                RULE,
                HEADER,
                f"the credential after {parts[0]!r} is only {len(parts[1])} characters",
                "bad_shape",
            )
    for name in CLIENT_VARIABLES:
        ignored = ctx.value(name)
        if ignored is not None and placeholder_reason(ignored, ctx.example_for(name)):
            ctx.report.add(
                RULE,
                name,
                f"ignored because {HEADER} is set, but it still holds a placeholder; "
                "remove it or fill it in",
                "placeholder",
                severity="warning",
            )


def _client_credentials(ctx: Context) -> None:
    purpose = (
        "set both AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET (`abctl local credentials` prints "
        f"them) or {HEADER}; production Airbyte must not run with auth disabled"
    )
    client_id = require_real(ctx, RULE, "AIRBYTE_CLIENT_ID", purpose)
    if client_id and (re.search(r"\s", client_id) or len(client_id) < 8):
        ctx.report.add(
            RULE, "AIRBYTE_CLIENT_ID", "does not look like an application client id", "bad_shape"
        )
    secret = require_real(ctx, RULE, "AIRBYTE_CLIENT_SECRET", purpose)
    if secret:
        reason = credential(16, "Airbyte client secret")(secret)
        if reason:
            ctx.report.add(RULE, "AIRBYTE_CLIENT_SECRET", reason, "bad_shape")

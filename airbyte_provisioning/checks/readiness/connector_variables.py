"""Rule ``connector_variables``: which platforms are enabled, and their variables are real and
plausibly shaped.

Meta and Google Ads are always enabled (their templates are required); LinkedIn and TikTok when
their template connection id is set; GA4 and Search Console only when *in use*: one of their
required variables holds a real value or a tenant names its ``<PLATFORM>_SOURCE_ID``. Values left
unchanged from ``env.example`` therefore do not switch a platform on.
"""

from __future__ import annotations

import re
from pathlib import Path

from airbyte_provisioning.checks.readiness.report import Context, Rule, require_real
from airbyte_provisioning.checks.readiness.shapes import PLATFORM_TITLES, VARIABLE_SPECS, VarSpec
from airbyte_provisioning.core.paths import TEMPLATES_DIR
from airbyte_provisioning.core.problems import Severity
from airbyte_provisioning.model import variables as V

RULE: Rule = "connector_variables"


def enabled_platforms(ctx: Context) -> list[str]:
    """Enabled platforms, with the reason recorded in ``report.platforms``."""
    enabled: list[str] = []
    for platform in VARIABLE_SPECS:
        why, why_not = _enabled_because(ctx, platform)
        if why:
            enabled.append(platform)
        ctx.report.platforms[platform] = {
            "title": PLATFORM_TITLES[platform],
            "enabled": why is not None,
            "why": why or why_not,
        }
    return enabled


def _enabled_because(ctx: Context, platform: str) -> tuple[str | None, str]:
    """``(why it is enabled, "")`` or ``(None, why it is not)``."""
    owners = [k for k, d in V.TEMPLATES.items() if d.platform == platform]
    named = ", ".join(owners)
    if any(V.TEMPLATES[k].required for k in owners):
        return f"always: template {named} is required", ""
    if owners:
        if any(ctx.stack.templates[k].enabled for k in owners if k in ctx.stack.templates):
            return f"template {named} is enabled (its connection id is set)", ""
        return None, f"template {named} is disabled (no connection id)"
    not_used = "no real value in its variables (samples from env.example do not count)"
    return _in_use(ctx, platform), not_used


def _in_use(ctx: Context, platform: str) -> str | None:
    for tenant in ctx.stack.tenants:
        if platform in tenant.source_ids:
            return f"tenant {tenant.slug} sets {tenant.env_prefix}{platform}_SOURCE_ID"
    for name, spec in VARIABLE_SPECS[platform].items():
        if not spec.required:
            continue
        if ctx.real(V.PREFIX + name):
            return f"{V.PREFIX}{name} holds a real value"
        for tenant in ctx.stack.tenants:
            if ctx.real(tenant.env_prefix + name, V.PREFIX + name):
                return f"{tenant.env_prefix}{name} holds a real value"
    return None


def sources(ctx: Context, name: str) -> list[tuple[str, list[str]]]:
    """Which variables supply ``name`` (no prefix) and for which tenants.

    Without tenants the global variable is the only source. A global value that every tenant
    overrides is not needed and so not checked.
    """
    global_name = V.PREFIX + name
    if not ctx.stack.tenants:
        return [(global_name, [])]
    users: dict[str, list[str]] = {}
    for tenant in ctx.stack.tenants:
        source = tenant.env_prefix + name if name in tenant.connector_overrides else global_name
        users.setdefault(source, []).append(tenant.slug)
    return list(users.items())


def is_global(variable: str) -> bool:
    return variable.removeprefix(V.PREFIX) in V.ALL_CONNECTOR_VARIABLES


def owner(variable: str, tenants: list[str]) -> str | None:
    """The tenant a finding belongs to: the one tenant of a per-tenant override, else none."""
    return tenants[0] if len(tenants) == 1 and not is_global(variable) else None


def check_connector_variables(ctx: Context, platform: str) -> None:
    for name, spec in VARIABLE_SPECS[platform].items():
        for variable, tenants in sources(ctx, name):
            if spec.sent or ctx.value(variable) is not None:
                _check_variable(ctx, platform, name, spec, variable, tenants)


def _check_variable(
    ctx: Context, platform: str, name: str, spec: VarSpec, variable: str, tenants: list[str]
) -> None:
    title = PLATFORM_TITLES[platform]
    tenant = owner(variable, tenants)
    partial = tenants and is_global(variable) and len(tenants) < len(ctx.stack.tenants)
    users = f" (used by tenant {', '.join(tenants)})" if partial else ""
    severity: Severity = "error" if spec.sent else "warning"
    purpose = (
        f"{title} needs it{users}"
        if spec.sent
        else f"{title} does not send it, so remove it or fill it in"
    )
    value = require_real(
        ctx, RULE, variable, purpose, tenant, spec.required, V.PREFIX + name, severity
    )
    if value is None or spec.shape is None:
        return
    reason = spec.shape(value)
    if reason:
        ctx.report.add(RULE, variable, reason, "bad_shape", tenant, severity)


def template_defaults(templates_dir: Path = TEMPLATES_DIR) -> dict[str, str]:
    """``${NAME:-default ...}`` defaults of the source templates (what an unset variable means)."""
    found: dict[str, str] = {}
    for path in sorted(templates_dir.glob("*.json.example")):
        for match in re.finditer(r"\$\{\s*([A-Z0-9_]+)\s*:-([^|}]*)", path.read_text()):
            found.setdefault(match.group(1), match.group(2).strip())
    return found


def template_required_variables(templates_dir: Path = TEMPLATES_DIR) -> set[str]:
    """Variables the source templates need (``${NAME}`` with neither default nor ``optional``)."""
    found: set[str] = set()
    for path in sorted(templates_dir.glob("*.json.example")):
        for match in re.finditer(r"\$\{\s*([A-Z0-9_]+)\s*([^}]*)\}", path.read_text()):
            rest = match.group(2)
            if ":-" not in rest and "optional" not in rest and "default_file" not in rest:
                found.add(match.group(1))
    return found

"""Rules ``template_connections`` and ``tenant_resources``: the Airbyte ids provisioning needs.

Every enabled template needs its own golden connection id; every tenant needs its workspace and
destination ids, and any connection or source id it sets must be real.
"""

from __future__ import annotations

from airbyte_provisioning.checks.readiness.report import Context, Rule, require_real
from airbyte_provisioning.model import variables as V


def check_template_connections(ctx: Context) -> None:
    rule: Rule = "template_connections"
    seen: dict[str, str] = {}
    for key, template in ctx.stack.templates.items():
        name = f"AIRBYTE_TEMPLATE_{key}_CONNECTION_ID"
        if not (V.TEMPLATES[key].required or template.enabled):
            continue
        value = require_real(
            ctx,
            rule,
            name,
            f"set the id of the golden {key} connection (provision_meta_google_connectors.py "
            "prints the Meta/Google ones)",
        )
        if not value:
            continue
        other = seen.get(value.lower())
        if other:
            ctx.report.add(
                rule,
                name,
                f"same connection id as AIRBYTE_TEMPLATE_{other}_CONNECTION_ID: every "
                "template needs its own golden connection",
                "duplicate_id",
            )
        seen[value.lower()] = key
    _template_destination(ctx, rule)


def _template_destination(ctx: Context, rule: Rule) -> None:
    name = "AIRBYTE_TEMPLATE_DESTINATION_ID"
    if ctx.value(name) is not None:
        require_real(ctx, rule, name, "set the destination of the template connections")
        return
    ctx.report.saw(rule, name)
    ctx.report.add(
        rule,
        name,
        "not set: provision_meta_google_connectors.py needs it to (re)create the template "
        "connections",
        "missing",
        severity="warning",
    )


def check_tenant_resources(ctx: Context) -> None:
    rule: Rule = "tenant_resources"
    legacy = "AIRBYTE_WORKSPACE_ID"
    if ctx.value(legacy) is not None:
        require_real(ctx, rule, legacy, "the legacy primary workspace id (health check)")
    for tenant in ctx.stack.tenants:
        p, slug = tenant.env_prefix, tenant.slug
        require_real(ctx, rule, p + "WORKSPACE_ID", f"the workspace of tenant {slug}", slug)
        require_real(ctx, rule, p + "DESTINATION_ID", f"the destination of tenant {slug}", slug)
        for connection in tenant.connections:
            name = f"{p}{connection.template}_CONNECTION_ID"
            if ctx.value(name) is not None:
                purpose = f"the {connection.template} connection of {slug}"
                require_real(ctx, rule, name, purpose, slug)
        for platform in V.PLATFORMS:
            name = f"{p}{platform}_SOURCE_ID"
            if ctx.value(name) is not None:
                require_real(ctx, rule, name, f"the {platform} source of {slug}", slug)

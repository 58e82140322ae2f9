"""validate_tenant_config: check the whole tenant environment and print one JSON summary.

Offline it checks every variable (UUIDs, crons, time zones, statuses, templates, groups, typos,
SLA hints, spreads) and shows each schedule as Quartz with its next day of fire times, and per
schedule group the fleet's peak starts per minute with and without the spread. With
``AIRBYTE_BASE_URL`` set (and without ``--offline``) it also asks Airbyte whether every workspace,
destination and template connection exists. Exit codes: 0 valid, 1 problems, 2 usage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from airbyte_provisioning.commands.registry import parser_for
from airbyte_provisioning.commands.startup import CommandParser, Invocation, parse_now, run
from airbyte_provisioning.core import logs
from airbyte_provisioning.core.output import ExitCode
from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.model.schedule_load import schedule_load
from airbyte_provisioning.model.tenants import StackConfig, Tenant, TenantConnection, load_stack
from airbyte_provisioning.model.text import capped

# the fleet's busiest minute is looked for over a week, so weekday-only crons count any day
LOAD_HORIZON_DAYS = 7


def build_parser() -> CommandParser:
    parser = parser_for(__name__, __doc__)
    parser.add_argument(
        "--offline",
        action="store_true",
        help="skip the Airbyte checks even when AIRBYTE_BASE_URL is set",
    )
    parser.add_argument("--now", help="ISO timestamp to compute fire times from (default: now)")
    return parser


def summarize(stack: StackConfig, now: datetime) -> dict[str, Any]:
    tenants = []
    for tenant in stack.tenants:
        tenants.append(
            {
                "slug": tenant.slug,
                "env_prefix": tenant.env_prefix,
                "workspace_id": tenant.workspace_id,
                "destination_id": tenant.destination_id,
                "destination_namespace": tenant.namespace,
                "destination_bucket": tenant.bucket,
                "stream_prefix": tenant.stream_prefix,
                "timezone": tenant.timezone,
                "schedules": {g: s.summary(now) for g, s in tenant.schedules.items()},
                "connections": [
                    {
                        "template": c.template,
                        "name": c.name,
                        "status": c.status,
                        "prefix": c.prefix,
                        "schedule_group": c.schedule_group,
                        **_connection_cron(tenant, c),
                        "connection_id": c.connection_id,
                        "template_connection_id": c.template_connection_id,
                    }
                    for c in tenant.connections
                ],
                "source_ids": dict(tenant.source_ids),
                "connector_overrides": sorted(tenant.connector_overrides),
            }
        )
    return {
        "defaults": {
            "timezone": stack.default_timezone,
            "stream_prefix": stack.default_stream_prefix,
            "destination_namespace": stack.default_namespace,
            "destination_bucket": stack.default_bucket,
            "schedule_groups": list(stack.groups),
        },
        "templates": {
            key: {
                "connection_id": t.connection_id,
                "schedule_group": t.schedule_group,
                "enabled": t.enabled,
                "platform": t.platform,
            }
            for key, t in stack.templates.items()
        },
        "template_destination_id": stack.template_destination_id,
        "legacy_workspace_id": stack.legacy_workspace_id,
        # per group: the busiest UTC minute of the fleet, with and without the spread
        "schedule_load": {
            group: load.as_dict(LOAD_HORIZON_DAYS)
            for group, load in schedule_load(stack, now, LOAD_HORIZON_DAYS).items()
        },
        "tenants": tenants,
    }


def _connection_cron(tenant: Tenant, connection: TenantConnection) -> dict[str, Any]:
    """The Quartz a connection runs on, when its group's cron is spread for it."""
    if connection.spread_variable is None:
        return {}
    schedule = tenant.connection_schedule(connection)
    return {
        "quartz": schedule.quartz if schedule else None,
        "spread_offset_minutes": connection.spread_offset,
        "spread_by": connection.spread_variable,
    }


def _capped(value: Any) -> Any:
    """The report with every long string cut: a setting pasted with 200,000 characters is
    echoed by its start and its length, not in full (its problem already says it is wrong)."""
    if isinstance(value, str):
        return capped(value)
    if isinstance(value, dict):
        return {key: _capped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_capped(item) for item in value]
    return value


def online_problems(stack: StackConfig, env: Mapping[str, str]) -> list[Problem]:
    """Existence checks against Airbyte: every workspace, destination and template connection."""
    from airbyte_provisioning.checks.online import check_resources_exist

    problems: list[Problem] = check_resources_exist(stack, env)
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser(), argv, validate, verdict="valid")


def validate(invocation: Invocation) -> int:
    args, env = invocation.args, invocation.env
    now = parse_now(args.now)
    stack = load_stack(env, now=now)
    problems = list(stack.problems)
    mode = "offline"
    if stack.base_url and not args.offline:
        mode = "online"
        if stack.valid:
            problems.extend(online_problems(stack, env))
        else:
            problems.append(
                Problem(
                    variable="AIRBYTE_BASE_URL",
                    message="Airbyte checks skipped until the offline problems are fixed",
                    code="online_skipped",
                    severity="warning",
                )
            )
    errors = [p for p in problems if p.severity == "error"]
    invocation.document = {
        "valid": not errors,
        "mode": mode,
        "env_file": args.env_file,
        "generated_at": now.isoformat(),
        "summary": {
            "tenants": len(stack.tenants),
            "connections": sum(len(t.connections) for t in stack.tenants),
            "errors": len(errors),
            "warnings": len(problems) - len(errors),
        },
        **_capped(summarize(stack, now)),
        "problems": [p.as_dict() for p in problems],
    }
    logs.outcome(
        bool(errors),
        "tenant config validated",
        valid=not errors,
        errors=len(errors),
        tenants=len(stack.tenants),
    )
    return ExitCode.PROBLEMS if errors else ExitCode.OK

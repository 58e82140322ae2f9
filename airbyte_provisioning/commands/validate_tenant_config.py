"""validate_tenant_config: check the whole tenant environment and print one JSON summary.

Offline it checks every variable (UUIDs, crons, time zones, statuses, templates, groups, typos,
SLA hints) and shows each schedule as Quartz with its next day of fire times. With
``AIRBYTE_BASE_URL`` set (and without ``--offline``) it also asks Airbyte whether every workspace,
destination and template connection exists. Exit codes: 0 valid, 1 problems, 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from airbyte_provisioning.core import logs
from airbyte_provisioning.core.invocation import command_parser, parse_now, start
from airbyte_provisioning.core.output import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, emit_json
from airbyte_provisioning.model.tenants import Problem, StackConfig, load_stack


def build_parser() -> argparse.ArgumentParser:
    parser = command_parser("validate_tenant_config.py", __doc__)
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
        "tenants": tenants,
    }


def online_problems(stack: StackConfig, env: Mapping[str, str]) -> list[Problem]:
    """Existence checks against Airbyte (added with the API client)."""
    try:
        from airbyte_provisioning.checks.online import check_resources_exist
    except ModuleNotFoundError:
        return [
            Problem(
                "AIRBYTE_BASE_URL",
                "online checks are not available in this version; run with --offline",
                "online_unavailable",
                severity="warning",
            )
        ]
    problems: list[Problem] = check_resources_exist(stack, env)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    started = start(parser, argv)
    if isinstance(started, int):
        return started
    args, env, secrets = started.args, started.env, started.secrets
    try:
        now = parse_now(args.now)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE

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
                    "AIRBYTE_BASE_URL",
                    "Airbyte checks skipped until the offline problems are fixed",
                    "online_skipped",
                    severity="warning",
                )
            )
    errors = [p for p in problems if p.severity == "error"]
    document: dict[str, Any] = {
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
        **summarize(stack, now),
        "problems": [p.as_dict() for p in problems],
    }
    logs.log(
        20 if not errors else 30,
        "tenant config validated",
        valid=not errors,
        errors=len(errors),
        tenants=len(stack.tenants),
    )
    emit_json(document, secrets)
    return EXIT_OK if not errors else EXIT_PROBLEMS

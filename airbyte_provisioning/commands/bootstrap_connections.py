"""bootstrap_connections: plan and apply every tenant's connections from the template connections.

For every tenant and every enabled template (META_METRICS, GOOGLE_METRICS, DIMENSIONS_DAILY, and
LINKEDIN_METRICS / TIKTOK_METRICS when their template ids are set) one connection in the tenant's
workspace to the tenant's destination: the template's catalog and operations, the tenant's
namespace, prefix, status, name and schedule (the group's Quartz cron in the tenant's time zone, or
the basic interval). Identity, sources, secrets and state safety: see ``airbyte_provisioning.reconcile``.

Modes: plain invocation plans and applies; ``--plan`` prints the plan and exits 0 (2 with
``--detailed-exitcode`` when changes are pending); ``--plan-out FILE`` also saves it (no secrets in
it); ``--apply-plan FILE`` applies exactly that plan, refusing tenants whose state or environment
changed since. Exit codes: 0 every tenant succeeded, 1 a tenant failed, was blocked or stale,
2 usage (or pending changes with ``--detailed-exitcode``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from airbyte_provisioning.api import (
    AirbyteClient,
    AirbyteConfigError,
    AirbyteError,
    normalize_base_url,
)
from airbyte_provisioning.core import logs
from airbyte_provisioning.core.invocation import command_parser, start
from airbyte_provisioning.core.output import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, abort, emit_json
from airbyte_provisioning.model.tenants import load_stack
from airbyte_provisioning.reconcile.engine import (
    DEFAULT_CONCURRENCY,
    MAX_CONCURRENCY,
    RunOptions,
    UnitResult,
    run_units,
)
from airbyte_provisioning.reconcile.observe import read_templates
from airbyte_provisioning.reconcile.plan import Plan, UnitPlan
from airbyte_provisioning.reconcile.render import render_tenants

COMMAND = "bootstrap_connections"
ENV_CONCURRENCY = "AIRBYTE_BOOTSTRAP_CONCURRENCY"
EXIT_CHANGES = 2


class UsageError(ValueError):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = command_parser("bootstrap_connections.py", __doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--plan", action="store_true", help="print the plan, change nothing")
    mode.add_argument("--apply-plan", metavar="FILE", help="apply exactly the plan saved in FILE")
    parser.add_argument("--plan-out", metavar="FILE", help="save the plan to FILE (implies --plan)")
    parser.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="with --plan: exit 2 when changes are pending (like terraform plan)",
    )
    parser.add_argument(
        "--allow-state-reset",
        action="store_true",
        help="apply updates that make Airbyte delete stream state (sync mode/cursor/key changes)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        help=f"workspaces handled in parallel (default: {ENV_CONCURRENCY} or {DEFAULT_CONCURRENCY})",
    )
    parser.add_argument(
        "--tenant", action="append", metavar="SLUG", help="only this tenant (repeatable)"
    )
    return parser


def _concurrency(value: int | None, env: Mapping[str, str]) -> int:
    if value is None:
        text = (env.get(ENV_CONCURRENCY) or "").strip()
        if not text:
            return DEFAULT_CONCURRENCY
        if not text.isdigit():
            raise UsageError(f"{ENV_CONCURRENCY}={text!r} is not a whole number")
        value = int(text)
    if not 1 <= value <= MAX_CONCURRENCY:
        raise UsageError(f"concurrency must be between 1 and {MAX_CONCURRENCY}, got {value}")
    return value


def load_plan_file(path: str) -> Plan:
    try:
        data = json.loads(Path(path).read_text())
    except OSError as exc:
        raise UsageError(f"cannot read plan file {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise UsageError(f"plan file {path} is not JSON: {exc}") from None
    try:
        plan = Plan.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"plan file {path} is not a plan: {exc}") from None
    if plan.command != COMMAND:
        raise UsageError(f"plan file {path} was made by {plan.command}, not {COMMAND}")
    return plan


def make_client(env: Mapping[str, str], concurrency: int) -> AirbyteClient:
    """A client whose connection pool fits the thread pool. Proxy and CA settings are read from
    the process environment once: requests would otherwise scan the whole environment on every
    call, which costs milliseconds per call when thousands of tenant variables are exported."""
    api_url = normalize_base_url(env.get("AIRBYTE_BASE_URL"))
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_maxsize=concurrency + 2)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.trust_env = False
    session.proxies = requests.utils.get_environ_proxies(api_url)
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    return AirbyteClient.from_env(env, session=session)


def _failure(document: dict[str, Any], message: str, secrets: frozenset[str], variable: str) -> int:
    return abort(document, variable, message, secrets, "bootstrap.aborted")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    started = start(parser, argv)
    if isinstance(started, int):
        return started
    args, env, secrets = started.args, started.env, started.secrets
    now = datetime.now(UTC)
    mode = "apply-plan" if args.apply_plan else "plan" if (args.plan or args.plan_out) else "apply"
    document: dict[str, Any] = {"command": COMMAND, "mode": mode, "generated_at": now.isoformat()}
    try:
        concurrency = _concurrency(args.concurrency, env)
        saved = load_plan_file(args.apply_plan) if args.apply_plan else None
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE

    stack = load_stack(env, now=now)
    global_errors = [p for p in stack.errors if p.tenant is None]
    if global_errors:
        document.update(ok=False, problems=[p.as_dict() for p in global_errors])
        emit_json(document, secrets)
        return EXIT_PROBLEMS
    slugs = args.tenant
    unknown = sorted(set(slugs or ()) - {t.slug for t in stack.tenants})
    if unknown:
        print(
            f"error: --tenant {', '.join(unknown)}: not a valid tenant of AIRBYTE_TENANTS",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        client = make_client(env, concurrency)
    except AirbyteConfigError as exc:
        return _failure(document, str(exc), secrets, "AIRBYTE_BASE_URL")
    with logs.bind(task_id=COMMAND, correlation_id=client.correlation_id):
        try:
            snapshots = read_templates(client, stack)
        except AirbyteError as exc:
            return _failure(
                document,
                f"cannot read the template connections: {exc}",
                secrets,
                "AIRBYTE_BASE_URL",
            )
        units = render_tenants(stack, env, snapshots, slugs)
        options = RunOptions(
            apply=mode != "plan",
            allow_state_reset=args.allow_state_reset,
            concurrency=concurrency,
            saved={u.unit: u for u in saved.units} if saved else None,
        )
        results = run_units(client, units, options)
    plan = Plan(COMMAND, now.isoformat(), [r.plan for r in results])
    if saved is not None:
        rendered = {u.unit for u in units}
        for missing in (
            u for u in saved.units if u.unit not in rendered and (not slugs or u.unit in slugs)
        ):
            results.append(
                UnitResult(
                    missing.unit,
                    missing.workspace_id,
                    "failed",
                    UnitPlan(missing.unit, missing.workspace_id),
                    message="in the saved plan but no longer a tenant of the environment",
                )
            )
    if args.plan_out:
        Path(args.plan_out).write_text(json.dumps(plan.to_dict(), indent=2) + "\n")
        document["plan_file"] = args.plan_out
    document.update(_summary(results, plan, snapshots, mode, client))
    emit_json(document, secrets)
    if not document["ok"]:
        return EXIT_PROBLEMS
    if mode == "plan" and args.detailed_exitcode and plan.has_changes:
        return EXIT_CHANGES
    return EXIT_OK


def _summary(
    results: list[UnitResult],
    plan: Plan,
    snapshots: Mapping[str, Any],
    mode: str,
    client: AirbyteClient,
) -> dict[str, Any]:
    applied = mode != "plan"
    statuses = Counter(r.status for r in results)
    outcome_counts = Counter(o.result for r in results for o in r.outcomes)
    persist = sorted({line for r in results for line in r.persist})
    return {
        "ok": all(r.ok for r in results),
        "changes_pending": plan.has_changes if not applied else None,
        "summary": {
            "tenants": len(results),
            "statuses": dict(sorted(statuses.items())),
            "planned": plan.counts(),
            **({"results": dict(sorted(outcome_counts.items()))} if applied else {}),
            "api_calls": client.calls,
            "api_writes": client.writes,
        },
        "templates": {
            key: {
                "connection_id": s.connection_id,
                "platform": s.platform,
                "source_id": s.source_id,
                "workspace_id": s.workspace_id,
                **({"error": s.error} if s.error else {}),
            }
            for key, s in snapshots.items()
        },
        "tenants": [r.to_dict(applied) for r in results],
        "persist": persist,
    }

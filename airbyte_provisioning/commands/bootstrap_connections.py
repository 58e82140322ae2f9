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

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from airbyte_provisioning.api import AirbyteAuthError, AirbyteClient, AirbyteError
from airbyte_provisioning.commands.registry import parser_for
from airbyte_provisioning.commands.startup import (
    Abort,
    CommandParser,
    Invocation,
    UsageError,
    option_or_env,
    run,
)
from airbyte_provisioning.core import logs
from airbyte_provisioning.core.output import ExitCode
from airbyte_provisioning.model.tenants import StackConfig, load_stack
from airbyte_provisioning.reconcile.engine import (
    DEFAULT_CONCURRENCY,
    MAX_CONCURRENCY,
    RunOptions,
    UnitResult,
    recovered_count,
    run_units,
)
from airbyte_provisioning.reconcile.model import TemplateSnapshot
from airbyte_provisioning.reconcile.observe import read_templates
from airbyte_provisioning.reconcile.plan import PLAN_FORMAT, Plan, UnitPlan
from airbyte_provisioning.reconcile.render import render_tenants

COMMAND = "bootstrap_connections"
ENV_CONCURRENCY = "AIRBYTE_BOOTSTRAP_CONCURRENCY"
Mode = Literal["plan", "apply", "apply-plan"]


def build_parser() -> CommandParser:
    parser = parser_for(__name__, __doc__)
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


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser(), argv, bootstrap)


def load_plan_file(path: str) -> Plan:
    """The plan saved by ``--plan-out``; anything else is a usage error naming the file."""
    option = "--apply-plan"
    try:
        data = json.loads(Path(path).read_text())
    except OSError as exc:
        raise UsageError(f"cannot read plan file {path}: {exc.strerror}", option) from None
    except ValueError as exc:
        raise UsageError(f"plan file {path} is not JSON: {exc}", option) from None
    if not isinstance(data, dict) or data.get("command") != COMMAND:
        made_by = data.get("command") if isinstance(data, dict) else None
        origin = f"was made by {made_by}" if made_by else "is not a saved plan"
        raise UsageError(
            f"plan file {path} {origin}, not by {COMMAND} --plan-out; make one with "
            f"{COMMAND} --plan-out FILE",
            option,
        )
    broken = _plan_shape_problem(data) if data.get("format") == PLAN_FORMAT else None
    if broken:
        raise UsageError(
            f"plan file {path} is not a plan: {broken}; make a new one with {COMMAND} --plan-out "
            "FILE",
            option,
        )
    try:
        return Plan.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UsageError(f"plan file {path} is not a plan: {exc}", option) from None


def _plan_shape_problem(data: Mapping[str, Any]) -> str | None:
    """Where a saved plan of this format is not shaped like one (a hand edit, a cut file)."""
    units = data.get("units")
    if not isinstance(units, list):
        return "'units' is not a list"
    for number, unit in enumerate(units):
        where = f"units[{number}]"
        if not isinstance(unit, dict):
            return f"{where} is not an object"
        for key in ("unit", "workspace_id"):
            if not isinstance(unit.get(key), str):
                return f"{where}.{key} is missing or not text"
        actions = unit.get("actions") or []
        if not isinstance(actions, list):
            return f"{where}.actions is not a list"
        for index, action in enumerate(actions):
            if not isinstance(action, dict) or not all(
                isinstance(action.get(key), str) for key in ("kind", "key", "action")
            ):
                return f"{where}.actions[{index}] is not an action (kind, key and action)"
    return None


def check_plan_out(path: str | None) -> None:
    """``--plan-out`` must name a file in an existing folder: checked before any call is made."""
    if path is None:
        return
    target = Path(path)
    if target.is_dir():
        raise UsageError(
            f"--plan-out {path} is a folder; name a file (e.g. plan.json)", "--plan-out"
        )
    if not target.parent.is_dir():
        raise UsageError(
            f"--plan-out {path}: the folder {target.parent} does not exist; create it or name a "
            "file in an existing folder",
            "--plan-out",
        )


def _write_plan(path: str, plan: Plan) -> None:
    try:
        Path(path).write_text(json.dumps(plan.to_dict(), indent=2) + "\n")
    except OSError as exc:
        raise Abort(
            f"--plan-out {path}: cannot write the plan: {exc.strerror}", "--plan-out"
        ) from None


def _mode(args: Any) -> Mode:
    if args.apply_plan:
        return "apply-plan"
    return "plan" if (args.plan or args.plan_out) else "apply"


def _load_stack(env: Mapping[str, str], now: datetime, slugs: Sequence[str] | None) -> StackConfig:
    """The tenants, when nothing stops every one of them; unknown ``--tenant`` slugs are usage."""
    stack = load_stack(env, now=now)
    global_errors = [p for p in stack.errors if p.tenant is None]
    if global_errors:
        raise Abort(
            "the environment has errors that stop every tenant; fix the problems listed",
            problems=global_errors,
        )
    unknown = sorted(set(slugs or ()) - {t.slug for t in stack.tenants})
    if unknown:
        raise UsageError(
            f"--tenant {', '.join(unknown)}: not a valid tenant of AIRBYTE_TENANTS", "--tenant"
        )
    return stack


def _read_templates(client: AirbyteClient, stack: StackConfig) -> Mapping[str, TemplateSnapshot]:
    try:
        return read_templates(client, stack)
    except AirbyteAuthError:
        raise  # the command says which variables to fix
    except AirbyteError as exc:
        raise Abort(f"cannot read the template connections: {exc}", "AIRBYTE_BASE_URL") from None


def _vanished(saved: Plan, rendered: set[str], slugs: Sequence[str] | None) -> list[UnitResult]:
    """Tenants in the saved plan that the environment no longer has: failed, never applied."""
    return [
        UnitResult(
            missing.unit,
            missing.workspace_id,
            "failed",
            UnitPlan(missing.unit, missing.workspace_id),
            message="in the saved plan but no longer a tenant of the environment",
        )
        for missing in saved.units
        if missing.unit not in rendered and (not slugs or missing.unit in slugs)
    ]


def bootstrap(invocation: Invocation) -> int:
    args, env = invocation.args, invocation.env
    now = datetime.now(UTC)
    mode = _mode(args)
    invocation.document = {"command": COMMAND, "mode": mode, "generated_at": now.isoformat()}
    concurrency = option_or_env(
        args.concurrency,
        "--concurrency",
        env,
        ENV_CONCURRENCY,
        default=DEFAULT_CONCURRENCY,
        lowest=1,
        highest=MAX_CONCURRENCY,
    )
    check_plan_out(args.plan_out)
    saved = load_plan_file(args.apply_plan) if args.apply_plan else None
    stack = _load_stack(env, now, args.tenant)
    client = invocation.client(concurrency)
    with logs.bind(task_id=COMMAND, correlation_id=client.correlation_id):
        try:
            snapshots = _read_templates(client, stack)
        except AirbyteAuthError as exc:
            raise invocation.credentials_refused(exc) from None
        units = render_tenants(stack, env, snapshots, args.tenant)
        options = RunOptions(
            apply=mode != "plan",
            allow_state_reset=args.allow_state_reset,
            concurrency=concurrency,
            saved={u.unit: u for u in saved.units} if saved else None,
        )
        results = run_units(client, units, options)
    plan = Plan(COMMAND, now.isoformat(), [r.plan for r in results])
    if saved is not None:
        results += _vanished(saved, {u.unit for u in units}, args.tenant)
    if args.plan_out:
        _write_plan(args.plan_out, plan)
        invocation.document["plan_file"] = args.plan_out
    invocation.document.update(_summary(results, plan, snapshots, mode, client))
    if not invocation.document["ok"]:
        return ExitCode.PROBLEMS
    if mode == "plan" and args.detailed_exitcode and plan.has_changes:
        return ExitCode.CHANGES_PENDING
    return ExitCode.OK


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
            "api_retries": client.retries,
            "recovered": recovered_count(results),
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

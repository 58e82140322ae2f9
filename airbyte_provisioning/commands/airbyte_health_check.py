"""airbyte_health_check: classify every managed connection from its latest jobs, for alerting.

Managed connections are found the way provisioning creates them: the tenant's explicit
``AIRBYTE_<SLUG>_<TEMPLATE>_CONNECTION_ID`` first, else a connection in the tenant's workspace, to
the tenant's destination, tagged ``stack:<TEMPLATE>``. Legacy mode (``AIRBYTE_WORKSPACE_ID`` and no
``AIRBYTE_TENANTS``, or ``--workspace-id``) checks every connection of one workspace against its own
Airbyte schedule. Reads grow with workspaces, not connections: one ``connections/list`` per
workspace, then the sync jobs of up to 25 workspaces per paged ``jobs/list_for_workspaces``
listing, limited to the window the verdicts need; only a connection that listing cannot settle (no
success in the window, e.g. stale or never synced) gets its own ``jobs/list`` page. Workspaces are
read ``--concurrency`` at a time (``AIRBYTE_HEALTH_CONCURRENCY``, default 8). The document's
``api_calls`` counts every HTTP request, retries included, and ``job_listing`` how the histories
were read (see :mod:`airbyte_provisioning.checks.health_jobs`).

States: healthy, stale, sync_failed, empty, inactive, plus missing (a managed connection not
found) and unknown (its jobs could not be read); see :mod:`airbyte_provisioning.checks.health`.
Exit codes: 0 all healthy or inactive; 1 at least one connection unhealthy (or inactive in
Airbyte while the tenant config wants it active: auto-disabled); 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from datetime import UTC, timedelta
from typing import Any

from airbyte_provisioning.api import AirbyteAuthError, AirbyteClient
from airbyte_provisioning.checks.health import (
    DEFAULT_FAILURE_THRESHOLD,
    DEFAULT_GRACE_MINUTES,
    summarize,
)
from airbyte_provisioning.checks.health_connections import (
    DEFAULT_CONCURRENCY,
    MAX_CONCURRENCY,
    History,
    Lister,
    Settings,
    Target,
    fails,
    judge,
    legacy_targets,
    managed_targets,
)
from airbyte_provisioning.checks.health_jobs import read_histories
from airbyte_provisioning.checks.readiness import api_version_problems
from airbyte_provisioning.commands.registry import parser_for
from airbyte_provisioning.commands.startup import (
    CommandParser,
    Invocation,
    UsageError,
    in_range,
    option_or_env,
    parse_now,
    run,
)
from airbyte_provisioning.core import logs
from airbyte_provisioning.core.output import ExitCode
from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.tenants import UUID_RE, StackConfig, load_stack

ENV_GRACE = "AIRBYTE_HEALTH_SLA_GRACE_MINUTES"
ENV_EXPECT_ROWS = "AIRBYTE_HEALTH_EXPECT_ROWS"
ENV_CONCURRENCY = "AIRBYTE_HEALTH_CONCURRENCY"
DEFAULT_JOBS = 10
MAX_JOBS = 200


def default_expect_rows() -> frozenset[str]:
    """Metrics templates return rows on every run (their lookback re-reads recent days);
    dimension refreshes may legitimately find nothing new."""
    return frozenset(k for k in V.TEMPLATES if k.endswith("_METRICS"))


def build_parser() -> CommandParser:
    parser = parser_for(__name__, __doc__)
    parser.add_argument("--now", help="ISO timestamp to judge freshness against (default: now)")
    parser.add_argument(
        "--grace-minutes",
        type=int,
        help=f"SLA grace added to the expected interval (default: {ENV_GRACE} or "
        f"{DEFAULT_GRACE_MINUTES})",
    )
    parser.add_argument(
        "--failure-threshold",
        type=int,
        default=DEFAULT_FAILURE_THRESHOLD,
        help="consecutive failed syncs that make a connection sync_failed (default: 2)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=DEFAULT_JOBS,
        help=f"newest sync jobs read per connection (default: {DEFAULT_JOBS})",
    )
    parser.add_argument(
        "--expect-rows",
        help=f"templates whose successful syncs must commit rows: comma list, 'all' or 'none' "
        f"(default: {ENV_EXPECT_ROWS} or the *_METRICS templates)",
    )
    parser.add_argument(
        "--workspace-id",
        help="legacy mode: check every connection of this workspace (default with no tenants: "
        "AIRBYTE_WORKSPACE_ID)",
    )
    parser.add_argument(
        "--tenant", action="append", default=[], help="only these tenant slugs (repeatable)"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        help=f"workspaces read in parallel (default: {ENV_CONCURRENCY} or {DEFAULT_CONCURRENCY})",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser(), argv, check_health, verdict="healthy")


# ------------------------------------------------------------------------------------------------
# settings
# ------------------------------------------------------------------------------------------------
def _settings(args: argparse.Namespace, env: Mapping[str, str]) -> Settings:
    grace = option_or_env(
        args.grace_minutes,
        "--grace-minutes",
        env,
        ENV_GRACE,
        default=DEFAULT_GRACE_MINUTES,
        lowest=0,
    )
    from_option = args.expect_rows is not None
    return Settings(
        now=parse_now(args.now).astimezone(UTC),
        grace=timedelta(minutes=grace),
        failure_threshold=in_range(args.failure_threshold, "--failure-threshold", lowest=1),
        jobs=in_range(args.jobs, "--jobs", lowest=1, highest=MAX_JOBS),
        expect_rows=_expect_rows(
            args.expect_rows if from_option else env.get(ENV_EXPECT_ROWS),
            "--expect-rows" if from_option else ENV_EXPECT_ROWS,
        ),
        concurrency=option_or_env(
            args.concurrency,
            "--concurrency",
            env,
            ENV_CONCURRENCY,
            default=DEFAULT_CONCURRENCY,
            lowest=1,
            highest=MAX_CONCURRENCY,
        ),
    )


def _expect_rows(raw: str | None, source: str) -> frozenset[str] | None:
    text = (raw or "").strip()
    if not text:
        return default_expect_rows()
    if text.lower() == "all":
        return None
    if text.lower() == "none":
        return frozenset()
    names = {n.strip().upper() for n in text.split(",") if n.strip()}
    unknown = sorted(names - set(V.TEMPLATES))
    if unknown:
        raise UsageError(
            f"{source}: unknown template(s) {', '.join(unknown)}; known: {', '.join(V.TEMPLATES)}, "
            "or 'all' / 'none'",
            source,
        )
    return frozenset(names)


# ------------------------------------------------------------------------------------------------
# what to check: the tenants' managed connections, or one workspace (legacy mode)
# ------------------------------------------------------------------------------------------------
def _legacy_workspace(args: argparse.Namespace, env: Mapping[str, str]) -> str | None:
    """The workspace of legacy mode, or None when the tenants are checked."""
    tenants_set = bool((env.get("AIRBYTE_TENANTS") or "").strip())
    raw = args.workspace_id or (None if tenants_set else env.get("AIRBYTE_WORKSPACE_ID"))
    if not raw:
        if not tenants_set:
            raise UsageError(
                "nothing to check: set AIRBYTE_TENANTS (managed connections per tenant) or "
                "AIRBYTE_WORKSPACE_ID / --workspace-id (legacy single-workspace mode)",
                "AIRBYTE_TENANTS",
            )
        return None
    workspace = raw.strip().lower()
    if not UUID_RE.match(workspace):
        variable = "--workspace-id" if args.workspace_id else "AIRBYTE_WORKSPACE_ID"
        raise UsageError(f"{variable}={workspace!r} is not a workspace UUID", variable)
    return workspace


def _tenant_stack(env: Mapping[str, str], settings: Settings, wanted: Sequence[str]) -> StackConfig:
    stack = load_stack(env, now=settings.now)
    if stack.errors:
        raise UsageError(
            "the tenant configuration has errors; run validate_tenant_config.py",
            problems=stack.errors,
        )
    unknown = sorted(set(wanted) - {t.slug for t in stack.tenants})
    if unknown:
        raise UsageError(f"--tenant: unknown slug(s) {', '.join(unknown)}", "--tenant")
    return stack


def _targets(
    stack: StackConfig | None,
    workspace: str | None,
    slugs: Sequence[str],
    lister: Lister,
    settings: Settings,
    workspace_variable: str,
) -> list[Target]:
    if stack is None:
        assert workspace is not None
        return legacy_targets(workspace, lister, workspace_variable)
    tenants = [t for t in stack.tenants if not slugs or t.slug in slugs]
    lister.prefetch([t.workspace_id for t in tenants], settings.concurrency)
    return [target for tenant in tenants for target in managed_targets(tenant, lister)]


def _judge_all(
    targets: Sequence[Target],
    client: AirbyteClient,
    settings: Settings,
    histories: Mapping[str, History],
) -> list[dict[str, Any]]:
    entries = []
    for target in targets:
        with logs.bind(tenant_id=target.tenant, connection_id=target.connection_id):
            history = histories.get(target.connection_id or "")
            entry = judge(target, client, settings, history)
            logs.outcome(
                fails(entry),
                "connection health",
                state=entry["state"],
                template=target.template,
            )
        entries.append(entry)
    return entries


# ------------------------------------------------------------------------------------------------
# the command
# ------------------------------------------------------------------------------------------------
def check_health(invocation: Invocation) -> int:
    args, env = invocation.args, invocation.env
    settings = _settings(args, env)
    workspace = _legacy_workspace(args, env)
    stack = _tenant_stack(env, settings, args.tenant) if workspace is None else None
    client = invocation.client(settings.concurrency)
    try:
        source = "--workspace-id" if args.workspace_id else f"{V.PREFIX}WORKSPACE_ID"
        targets = _targets(stack, workspace, args.tenant, Lister(client), settings, source)
        histories, listing = read_histories(targets, client, settings)
        entries = _judge_all(targets, client, settings, histories)
    except AirbyteAuthError as exc:
        raise invocation.credentials_refused(exc) from None
    failing = [e for e in entries if fails(e)]
    invocation.document = {
        "healthy": not failing,
        "mode": "tenants" if stack is not None else "legacy",
        "workspace_id": workspace,
        "checked_at": settings.now.isoformat(),
        "grace_minutes": int(settings.grace.total_seconds() // 60),
        "failure_threshold": settings.failure_threshold,
        "jobs_per_connection": settings.jobs,
        "concurrency": settings.concurrency,
        "expect_rows": "all" if settings.expect_rows is None else sorted(settings.expect_rows),
        "summary": summarize([e["state"] for e in entries])
        | {"unexpectedly_inactive": sum(1 for e in entries if e.get("unexpectedly_inactive"))},
        "api_calls": client.calls,
        "job_listing": listing.as_dict(),
        # a connector whose pinned API version nears its sunset will start failing every sync;
        # shown beside the verdict, it does not change the exit code (`make versions` judges it)
        "api_versions": [p.as_dict() for p in api_version_problems(settings.now)],
        "connections": entries,
    }
    logs.outcome(
        bool(failing),
        "health check finished",
        healthy=not failing,
        failing=len(failing),
        connections=len(entries),
        api_calls=client.calls,
    )
    return ExitCode.PROBLEMS if failing else ExitCode.OK

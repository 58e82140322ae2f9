"""airbyte_health_check: classify every managed connection from its latest jobs, for alerting.

Managed connections are found the way provisioning creates them: the tenant's explicit
``AIRBYTE_<SLUG>_<TEMPLATE>_CONNECTION_ID`` first, else a connection in the tenant's workspace, to
the tenant's destination, tagged ``stack:<TEMPLATE>``. Legacy mode (``AIRBYTE_WORKSPACE_ID`` and no
``AIRBYTE_TENANTS``, or ``--workspace-id``) checks every connection of one workspace against its own
Airbyte schedule. Reads are bounded: one ``connections/list`` per workspace and one small
``jobs/list`` page (newest first) per connection.

States: healthy, stale, sync_failed, empty, inactive, plus missing (a managed connection not
found) and unknown (its jobs could not be read); see :mod:`airbyte_provisioning.checks.health`.
Exit codes: 0 all healthy or inactive; 1 at least one connection unhealthy (or inactive in
Airbyte while the tenant config wants it active: auto-disabled); 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from airbyte_provisioning.api import AirbyteAuthError, AirbyteClient, AirbyteConfigError
from airbyte_provisioning.api.errors import AirbyteError
from airbyte_provisioning.checks.health import (
    DEFAULT_FAILURE_THRESHOLD,
    DEFAULT_GRACE_MINUTES,
    UNHEALTHY,
    ExpectedSchedule,
    JobView,
    Verdict,
    classify,
    summarize,
)
from airbyte_provisioning.core import logs
from airbyte_provisioning.core.invocation import command_parser, parse_now, start
from airbyte_provisioning.core.output import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, emit_json
from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.tenants import (
    UUID_RE,
    Problem,
    Tenant,
    TenantConnection,
    load_stack,
)

ENV_GRACE = "AIRBYTE_HEALTH_SLA_GRACE_MINUTES"
ENV_EXPECT_ROWS = "AIRBYTE_HEALTH_EXPECT_ROWS"
TAG_PREFIX = "stack:"
DEFAULT_JOBS = 10


def default_expect_rows() -> frozenset[str]:
    """Metrics templates return rows on every run (their lookback re-reads recent days);
    dimension refreshes may legitimately find nothing new."""
    return frozenset(k for k in V.TEMPLATES if k.endswith("_METRICS"))


def build_parser() -> argparse.ArgumentParser:
    parser = command_parser("airbyte_health_check.py", __doc__)
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
    return parser


def make_client(env: Mapping[str, str]) -> AirbyteClient:
    """The API client (a seam: tests swap in one whose retries do not sleep)."""
    return AirbyteClient.from_env(env)


class UsageError(Exception):
    """Bad options or settings; the message names the option or variable."""


@dataclass
class Settings:
    now: datetime
    grace: timedelta
    failure_threshold: int
    jobs: int
    expect_rows: frozenset[str] | None  # None: every connection


@dataclass
class Target:
    """One connection to judge, and how it was found."""

    tenant: str | None
    template: str | None
    found_by: str
    connection: Mapping[str, Any] | None
    schedule: ExpectedSchedule | None
    desired_status: str | None = None
    connection_id: str | None = None
    notes: list[str] = field(default_factory=list)


def _settings(args: argparse.Namespace, env: Mapping[str, str]) -> Settings:
    try:
        now = parse_now(args.now).astimezone(UTC)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    grace = args.grace_minutes
    if grace is None:
        raw = (env.get(ENV_GRACE) or "").strip()
        if raw and not raw.isdigit():
            raise UsageError(f"{ENV_GRACE}={raw!r} is not a whole number of minutes")
        grace = int(raw) if raw else DEFAULT_GRACE_MINUTES
    if grace < 0:
        raise UsageError("--grace-minutes must not be negative")
    if args.failure_threshold < 1:
        raise UsageError("--failure-threshold must be at least 1")
    if not 1 <= args.jobs <= 200:
        raise UsageError("--jobs must be between 1 and 200")
    raw_rows = args.expect_rows if args.expect_rows is not None else env.get(ENV_EXPECT_ROWS)
    source = "--expect-rows" if args.expect_rows is not None else ENV_EXPECT_ROWS
    return Settings(
        now=now,
        grace=timedelta(minutes=grace),
        failure_threshold=args.failure_threshold,
        jobs=args.jobs,
        expect_rows=_expect_rows(raw_rows, source),
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
            "or 'all' / 'none'"
        )
    return frozenset(names)


def _tags(connection: Mapping[str, Any]) -> set[str]:
    """Tag names of a ``ConnectionRead`` (``Tag`` objects; plain strings tolerated)."""
    names: set[str] = set()
    for tag in connection.get("tags") or []:
        name = tag.get("name") if isinstance(tag, Mapping) else tag
        if isinstance(name, str):
            names.add(name.strip())
    return names


def _template_of(connection: Mapping[str, Any]) -> str | None:
    for name in sorted(_tags(connection)):
        if name.startswith(TAG_PREFIX) and name[len(TAG_PREFIX) :] in V.TEMPLATES:
            return name[len(TAG_PREFIX) :]
    return None


class Lister:
    """``connections/list`` once per workspace; a failure is remembered, not retried."""

    def __init__(self, client: AirbyteClient) -> None:
        self.client = client
        self.cache: dict[str, list[dict[str, Any]] | AirbyteError] = {}

    def connections(self, workspace_id: str) -> list[dict[str, Any]]:
        if workspace_id not in self.cache:
            try:
                self.cache[workspace_id] = self.client.list_connections(workspace_id)
            except AirbyteAuthError:
                raise
            except AirbyteError as exc:
                self.cache[workspace_id] = exc
        found = self.cache[workspace_id]
        if isinstance(found, AirbyteError):
            raise found
        return found


def managed_targets(tenant: Tenant, lister: Lister) -> list[Target]:
    """The tenant's managed connections: explicit id first, else tag + destination."""
    targets: list[Target] = []
    try:
        listed = lister.connections(tenant.workspace_id)
        error = None
    except AirbyteAuthError:
        raise
    except AirbyteError as exc:
        listed, error = [], exc
    for wanted in tenant.connections:
        schedule = tenant.schedules.get(wanted.schedule_group)
        expected = ExpectedSchedule.from_config(schedule) if schedule else None
        base = {
            "tenant": tenant.slug,
            "template": wanted.template,
            "schedule": expected,
            "desired_status": wanted.status,
        }
        if error is not None:
            targets.append(
                Target(
                    found_by="unknown",
                    connection=None,
                    connection_id=wanted.connection_id,
                    notes=[f"connections/list for workspace {tenant.workspace_id} failed: {error}"],
                    **base,  # type: ignore[arg-type]
                )
            )
            continue
        targets.extend(_match(tenant, wanted, listed, base))
    return targets


def _match(
    tenant: Tenant,
    wanted: TenantConnection,
    listed: Sequence[Mapping[str, Any]],
    base: dict[str, Any],
) -> list[Target]:
    variable = f"{tenant.env_prefix}{wanted.template}_CONNECTION_ID"
    if wanted.connection_id:
        hit = next(
            (c for c in listed if str(c.get("connectionId", "")).lower() == wanted.connection_id),
            None,
        )
        note = (
            []
            if hit
            else [
                f"{variable}={wanted.connection_id} is not a live connection of workspace "
                f"{tenant.workspace_id} (deleted, or in another workspace)"
            ]
        )
        return [
            Target(
                found_by=f"explicit id ({variable})",
                connection=hit,
                connection_id=wanted.connection_id,
                notes=note,
                **base,
            )
        ]
    tag = TAG_PREFIX + wanted.template
    hits = [
        c
        for c in listed
        if tag in _tags(c) and str(c.get("destinationId", "")).lower() == tenant.destination_id
    ]
    if not hits:
        return [
            Target(
                found_by=f"tag {tag}",
                connection=None,
                notes=[
                    f"no connection in workspace {tenant.workspace_id} to destination "
                    f"{tenant.destination_id} carries the tag {tag!r}, and {variable} is not set: "
                    "run bootstrap_connections.py, or set the id"
                ],
                **base,
            )
        ]
    duplicate = (
        [f"{len(hits)} connections carry the tag {tag!r} for this destination; each is judged"]
        if len(hits) > 1
        else []
    )
    return [
        Target(
            found_by=f"tag {tag}",
            connection=hit,
            connection_id=str(hit.get("connectionId")),
            notes=list(duplicate),
            **base,
        )
        for hit in hits
    ]


def legacy_targets(workspace_id: str, lister: Lister) -> list[Target]:
    try:
        listed = lister.connections(workspace_id)
    except AirbyteAuthError:
        raise
    except AirbyteError as exc:
        return [
            Target(
                tenant=None,
                template=None,
                found_by="workspace",
                connection=None,
                schedule=None,
                notes=[f"connections/list for workspace {workspace_id} failed: {exc}"],
            )
        ]
    return [
        Target(
            tenant=None,
            template=_template_of(c),
            found_by=f"workspace {workspace_id}",
            connection=c,
            schedule=ExpectedSchedule.from_airbyte(c),
            connection_id=str(c.get("connectionId")),
        )
        for c in listed
    ]


def judge(target: Target, client: AirbyteClient, settings: Settings) -> dict[str, Any]:
    """One connection's entry in the report."""
    connection = target.connection
    entry: dict[str, Any] = {
        "tenant": target.tenant,
        "template": target.template,
        "connection_id": target.connection_id,
        "name": connection.get("name") if connection else None,
        "found_by": target.found_by,
        "status": connection.get("status") if connection else None,
        "desired_status": target.desired_status,
    }
    if connection is None:
        missing_ok = target.desired_status == "inactive" and target.found_by != "unknown"
        state = (
            "inactive" if missing_ok else ("unknown" if target.found_by == "unknown" else "missing")
        )
        entry |= {"state": state, "conditions": [], "reason": "; ".join(target.notes)}
        return entry
    expects_rows = settings.expect_rows is None or (target.template in settings.expect_rows)
    actual = ExpectedSchedule.from_airbyte(connection)
    schedule = target.schedule or actual
    try:
        items = client.list_jobs(
            str(connection.get("connectionId")), ("sync",), limit=settings.jobs
        )
    except AirbyteAuthError:
        raise
    except AirbyteError as exc:
        entry |= {
            "state": "unknown",
            "conditions": [],
            "reason": f"jobs/list failed: {exc}",
        }
        return entry
    jobs = [JobView.parse(i) for i in items]
    verdict: Verdict = classify(
        status=str(connection.get("status") or "unknown"),
        jobs=jobs,
        schedule=schedule,
        now=settings.now,
        grace=settings.grace,
        expects_rows=expects_rows,
        failure_threshold=settings.failure_threshold,
        created_at=_epoch(connection.get("created_at")),
        history_complete=len(jobs) < settings.jobs,
    )
    notes = list(target.notes)
    if not schedule.same_as(actual):
        verdict.evidence["airbyte_schedule"] = actual.describe()
        notes.append(
            "the schedule in Airbyte differs from the tenant config (judged by the config); "
            "run bootstrap_connections.py to apply it"
        )
    unexpected = verdict.state == "inactive" and target.desired_status == "active"
    if unexpected:
        notes.append(
            "inactive in Airbyte although the tenant config wants it active: Airbyte disables a "
            "connection after repeated failures; fix the cause and re-enable it"
        )
    entry |= {
        "state": verdict.state,
        "conditions": verdict.conditions,
        "reason": verdict.reason,
        "unexpectedly_inactive": unexpected,
        "evidence": verdict.evidence,
    }
    if notes:
        entry["notes"] = notes
    return entry


def _epoch(value: Any) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC)
    return None


def _fails(entry: Mapping[str, Any]) -> bool:
    return entry["state"] in UNHEALTHY or bool(entry.get("unexpectedly_inactive"))


def _usage(message: str, secrets: frozenset[str], problems: Sequence[Problem] = ()) -> int:
    document = {
        "healthy": False,
        "error": message,
        "problems": [p.as_dict() for p in problems],
    }
    print(f"error: {message}", file=sys.stderr)
    emit_json(document, secrets)
    return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    started = start(parser, argv)
    if isinstance(started, int):
        return started
    args, env, secrets = started.args, started.env, started.secrets
    try:
        settings = _settings(args, env)
    except UsageError as exc:
        return _usage(str(exc), secrets)

    legacy_ws = args.workspace_id or (
        None if (env.get("AIRBYTE_TENANTS") or "").strip() else env.get("AIRBYTE_WORKSPACE_ID")
    )
    legacy_ws = legacy_ws.strip().lower() if legacy_ws else None
    stack = None
    if legacy_ws is None:
        if not (env.get("AIRBYTE_TENANTS") or "").strip():
            return _usage(
                "nothing to check: set AIRBYTE_TENANTS (managed connections per tenant) or "
                "AIRBYTE_WORKSPACE_ID / --workspace-id (legacy single-workspace mode)",
                secrets,
            )
        stack = load_stack(env, now=settings.now)
        if stack.errors:
            return _usage(
                "the tenant configuration has errors; run validate_tenant_config.py",
                secrets,
                stack.errors,
            )
        unknown = sorted(set(args.tenant) - {t.slug for t in stack.tenants})
        if unknown:
            return _usage(f"--tenant: unknown slug(s) {', '.join(unknown)}", secrets)
    elif not UUID_RE.match(legacy_ws):
        variable = "--workspace-id" if args.workspace_id else "AIRBYTE_WORKSPACE_ID"
        return _usage(f"{variable}={legacy_ws!r} is not a workspace UUID", secrets)

    try:
        client = make_client(env)
    except AirbyteConfigError as exc:
        return _usage(str(exc), secrets)
    lister = Lister(client)
    entries: list[dict[str, Any]] = []
    try:
        if stack is not None:
            mode = "tenants"
            targets = [
                target
                for tenant in stack.tenants
                if not args.tenant or tenant.slug in args.tenant
                for target in managed_targets(tenant, lister)
            ]
        else:
            mode = "legacy"
            assert legacy_ws is not None
            targets = legacy_targets(legacy_ws, lister)
        for target in targets:
            with logs.bind(tenant_id=target.tenant, connection_id=target.connection_id):
                entry = judge(target, client, settings)
                logs.log(
                    logging.WARNING if _fails(entry) else logging.INFO,
                    "connection health",
                    state=entry["state"],
                    template=target.template,
                )
            entries.append(entry)
    except AirbyteAuthError as exc:
        return _usage(
            f"Airbyte refused the credentials ({exc}); check AIRBYTE_CLIENT_ID/"
            "AIRBYTE_CLIENT_SECRET or AIRBYTE_API_AUTH_HEADER",
            secrets | frozenset(client.auth.secrets()),
        )

    failing = [e for e in entries if _fails(e)]
    document: dict[str, Any] = {
        "healthy": not failing,
        "mode": mode,
        "workspace_id": legacy_ws,
        "checked_at": settings.now.isoformat(),
        "grace_minutes": int(settings.grace.total_seconds() // 60),
        "failure_threshold": settings.failure_threshold,
        "jobs_per_connection": settings.jobs,
        "expect_rows": "all" if settings.expect_rows is None else sorted(settings.expect_rows),
        "summary": summarize([e["state"] for e in entries])
        | {"unexpectedly_inactive": sum(1 for e in entries if e.get("unexpectedly_inactive"))},
        "api_calls": client.calls,
        "connections": entries,
    }
    logs.log(
        logging.WARNING if failing else logging.INFO,
        "health check finished",
        healthy=not failing,
        failing=len(failing),
        connections=len(entries),
    )
    emit_json(document, secrets | frozenset(client.auth.secrets()))
    return EXIT_PROBLEMS if failing else EXIT_OK

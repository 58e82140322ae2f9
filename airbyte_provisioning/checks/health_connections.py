"""Which connections the health check judges, and the report entry of each.

Managed connections are found the way provisioning creates them: the tenant's explicit
``AIRBYTE_<SLUG>_<TEMPLATE>_CONNECTION_ID`` first, else a connection in the tenant's workspace, to
the tenant's destination, tagged ``stack:<TEMPLATE>``. Legacy mode judges every connection of one
workspace against its own Airbyte schedule. Reads are bounded: one ``connections/list`` per
workspace (:class:`Lister`, several workspaces at a time), job histories read per batch of
workspaces (:mod:`airbyte_provisioning.checks.health_jobs`) or, for the few connections those
cannot settle, one small ``jobs/list`` page per connection (:func:`read_connection_jobs`); the
classification itself is :func:`airbyte_provisioning.checks.health.classify`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from airbyte_provisioning.api import (
    AirbyteAuthError,
    AirbyteClient,
    AirbyteError,
    AirbyteNotFoundError,
)
from airbyte_provisioning.api.errors import AirbyteUnreachableError
from airbyte_provisioning.checks.health import UNHEALTHY, ExpectedSchedule, JobView, classify
from airbyte_provisioning.core.types import JsonDict
from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.tenants import Tenant, TenantConnection
from airbyte_provisioning.reconcile.model import TAG_PREFIX, tag_names

DEFAULT_CONCURRENCY = 8
# errors that stop the whole check instead of making one connection unknown: refused credentials,
# and Airbyte not there at all (the client's connection budget is spent; every later call would
# fail the same way at once)
STOPS = (AirbyteAuthError, AirbyteUnreachableError)
MAX_CONCURRENCY = 64
_In = TypeVar("_In")
_Out = TypeVar("_Out")


def parallel_map(work: Callable[[_In], _Out], items: Iterable[_In], workers: int) -> list[_Out]:
    """``work`` over ``items`` in at most ``workers`` threads, results in the items' order (an
    exception, such as refused credentials, reaches the caller)."""
    todo = list(items)
    if workers <= 1 or len(todo) <= 1:
        return [work(item) for item in todo]
    with ThreadPoolExecutor(
        max_workers=min(workers, len(todo)), thread_name_prefix="health"
    ) as pool:
        return list(pool.map(work, todo))


@dataclass
class Settings:
    """How connections are judged."""

    now: datetime
    grace: timedelta
    failure_threshold: int
    jobs: int
    expect_rows: frozenset[str] | None  # None: every connection
    concurrency: int = DEFAULT_CONCURRENCY


@dataclass(frozen=True)
class History:
    """A connection's newest sync jobs (``JobWithAttemptsRead``, newest first, at most
    ``Settings.jobs``), whether no older one exists, or why they could not be read."""

    items: list[JsonDict]
    complete: bool
    error: str | None = None


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
    workspace_id: str | None = None


def template_of(connection: Mapping[str, Any]) -> str | None:
    """The template a connection's ``stack:<TEMPLATE>`` tag names, if any."""
    for name in sorted(n.strip() for n in tag_names(connection)):
        if name.startswith(TAG_PREFIX) and name[len(TAG_PREFIX) :] in V.TEMPLATES:
            return name[len(TAG_PREFIX) :]
    return None


class Lister:
    """``connections/list`` once per workspace; a failure is remembered, not retried."""

    def __init__(self, client: AirbyteClient) -> None:
        self.client = client
        self.cache: dict[str, list[dict[str, Any]] | AirbyteError] = {}

    def prefetch(self, workspace_ids: Iterable[str], workers: int) -> None:
        """List these workspaces' connections ``workers`` at a time."""
        todo = [w for w in dict.fromkeys(workspace_ids) if w not in self.cache]
        for workspace_id, found in zip(todo, parallel_map(self._list, todo, workers), strict=True):
            self.cache[workspace_id] = found

    def _list(self, workspace_id: str) -> list[dict[str, Any]] | AirbyteError:
        try:
            return self.client.list_connections(workspace_id)
        except STOPS:
            raise
        except AirbyteError as exc:
            return exc

    def connections(self, workspace_id: str) -> list[dict[str, Any]]:
        if workspace_id not in self.cache:
            self.cache[workspace_id] = self._list(workspace_id)
        found = self.cache[workspace_id]
        if isinstance(found, AirbyteError):
            raise found
        return found


def managed_targets(tenant: Tenant, lister: Lister) -> list[Target]:
    """The tenant's managed connections: explicit id first, else tag + destination."""
    try:
        listed = lister.connections(tenant.workspace_id)
        error = None
    except STOPS:
        raise
    except AirbyteError as exc:
        listed, error = [], exc
    targets: list[Target] = []
    for wanted in tenant.connections:
        schedule = tenant.schedules.get(wanted.schedule_group)
        base = Target(
            tenant=tenant.slug,
            template=wanted.template,
            found_by="unknown",
            connection=None,
            schedule=ExpectedSchedule.from_config(schedule) if schedule else None,
            desired_status=wanted.status,
            workspace_id=tenant.workspace_id,
        )
        if error is not None:
            note = listing_failed(tenant.workspace_id, error, f"{tenant.env_prefix}WORKSPACE_ID")
            targets.append(replace(base, connection_id=wanted.connection_id, notes=[note]))
        elif wanted.connection_id:
            targets.append(_by_explicit_id(tenant, wanted, listed, base))
        else:
            targets.extend(_by_tag(tenant, wanted, listed, base))
    return targets


def listing_failed(workspace_id: str, error: AirbyteError, variable: str) -> str:
    """The note of a workspace whose connections could not be listed; a workspace Airbyte does
    not have names the variable (or option) that holds its id."""
    if isinstance(error, AirbyteNotFoundError):
        return (
            f"workspace {workspace_id} does not exist in Airbyte: set {variable} to the id of an "
            "existing workspace (the web app shows it in the address: /workspaces/<id>/...)"
        )
    return f"connections/list for workspace {workspace_id} failed: {error}"


def _id_variable(tenant: Tenant, wanted: TenantConnection) -> str:
    return f"{tenant.env_prefix}{wanted.template}_CONNECTION_ID"


def _by_explicit_id(
    tenant: Tenant, wanted: TenantConnection, listed: Sequence[Mapping[str, Any]], base: Target
) -> Target:
    variable = _id_variable(tenant, wanted)
    hit = next(
        (c for c in listed if str(c.get("connectionId", "")).lower() == wanted.connection_id),
        None,
    )
    notes = [
        f"{variable}={wanted.connection_id} is not a live connection of workspace "
        f"{tenant.workspace_id} (deleted, or in another workspace)"
    ]
    return replace(
        base,
        found_by=f"explicit id ({variable})",
        connection=hit,
        connection_id=wanted.connection_id,
        notes=[] if hit else notes,
    )


def _by_tag(
    tenant: Tenant, wanted: TenantConnection, listed: Sequence[Mapping[str, Any]], base: Target
) -> list[Target]:
    tag = TAG_PREFIX + wanted.template
    hits = [
        c
        for c in listed
        if tag in {n.strip() for n in tag_names(c)}
        and str(c.get("destinationId", "")).lower() == tenant.destination_id
    ]
    if not hits:
        note = (
            f"no connection in workspace {tenant.workspace_id} to destination "
            f"{tenant.destination_id} carries the tag {tag!r}, and "
            f"{_id_variable(tenant, wanted)} is not set: run bootstrap_connections.py, or set the id"
        )
        return [replace(base, found_by=f"tag {tag}", notes=[note])]
    duplicate = (
        [f"{len(hits)} connections carry the tag {tag!r} for this destination; each is judged"]
        if len(hits) > 1
        else []
    )
    return [
        replace(
            base,
            found_by=f"tag {tag}",
            connection=hit,
            connection_id=str(hit.get("connectionId")),
            notes=list(duplicate),
        )
        for hit in hits
    ]


def legacy_targets(
    workspace_id: str, lister: Lister, variable: str = f"{V.PREFIX}WORKSPACE_ID"
) -> list[Target]:
    """Every connection of one workspace, judged against its own Airbyte schedule; ``variable``
    is where the workspace id came from (the variable or ``--workspace-id``)."""
    try:
        listed = lister.connections(workspace_id)
    except STOPS:
        raise
    except AirbyteError as exc:
        return [
            Target(
                tenant=None,
                template=None,
                found_by="workspace",
                connection=None,
                schedule=None,
                notes=[listing_failed(workspace_id, exc, variable)],
            )
        ]
    return [
        Target(
            tenant=None,
            template=template_of(c),
            found_by=f"workspace {workspace_id}",
            connection=c,
            schedule=ExpectedSchedule.from_airbyte(c),
            connection_id=str(c.get("connectionId")),
            workspace_id=workspace_id,
        )
        for c in listed
    ]


def read_connection_jobs(connection_id: str, client: AirbyteClient, settings: Settings) -> History:
    """One ``jobs/list`` page: the connection's newest ``settings.jobs`` sync jobs."""
    try:
        items = client.list_jobs(connection_id, ("sync",), limit=settings.jobs)
    except STOPS:
        raise
    except AirbyteError as exc:
        return History([], False, f"jobs/list failed: {exc}")
    return History(items, complete=len(items) < settings.jobs)


def judge(
    target: Target, client: AirbyteClient, settings: Settings, history: History | None = None
) -> JsonDict:
    """One connection's entry in the report, from ``history`` (read here when not given)."""
    connection = target.connection
    entry: JsonDict = {
        "tenant": target.tenant,
        "template": target.template,
        "connection_id": target.connection_id,
        "name": connection.get("name") if connection else None,
        "found_by": target.found_by,
        "status": connection.get("status") if connection else None,
        "desired_status": target.desired_status,
    }
    if connection is None:
        return entry | _not_found(target)
    if history is None:
        history = read_connection_jobs(str(connection.get("connectionId")), client, settings)
    if history.error is not None:
        return entry | {"state": "unknown", "conditions": [], "reason": history.error}
    jobs = [JobView.parse(i) for i in history.items]
    return entry | _verdict(target, connection, jobs, settings, history.complete)


def _not_found(target: Target) -> JsonDict:
    """The entry of a connection that could not be found (or whose workspace was unreadable)."""
    unreadable = target.found_by == "unknown"
    if target.desired_status == "inactive" and not unreadable:
        state = "inactive"
    else:
        state = "unknown" if unreadable else "missing"
    return {"state": state, "conditions": [], "reason": "; ".join(target.notes)}


def _verdict(
    target: Target,
    connection: Mapping[str, Any],
    jobs: list[JobView],
    settings: Settings,
    complete: bool,
) -> JsonDict:
    """Classify the jobs, then note what the operator should know (schedule drift, auto-disable)."""
    actual = ExpectedSchedule.from_airbyte(connection)
    schedule = target.schedule or actual
    verdict = classify(
        status=str(connection.get("status") or "unknown"),
        jobs=jobs,
        schedule=schedule,
        now=settings.now,
        grace=settings.grace,
        expects_rows=settings.expect_rows is None or (target.template in settings.expect_rows),
        failure_threshold=settings.failure_threshold,
        created_at=created_at(connection),
        history_complete=complete,
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
    result: JsonDict = {
        "state": verdict.state,
        "conditions": verdict.conditions,
        "reason": verdict.reason,
        "unexpectedly_inactive": unexpected,
        "evidence": verdict.evidence,
    }
    if notes:
        result["notes"] = notes
    return result


def created_at(connection: Mapping[str, Any]) -> datetime | None:
    """When Airbyte created the connection (``ConnectionRead.created_at``, epoch seconds)."""
    return _epoch(connection.get("created_at"))


def _epoch(value: Any) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC)
    return None


def fails(entry: Mapping[str, Any]) -> bool:
    """True when an entry makes the health check fail (an alert)."""
    return entry["state"] in UNHEALTHY or bool(entry.get("unexpectedly_inactive"))

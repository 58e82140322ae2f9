"""Job histories for the health check, read per batch of workspaces instead of per connection.

``jobs/list_for_workspaces`` lists the sync jobs of every connection of up to
:data:`WORKSPACES_PER_LISTING` workspaces in one paged listing, newest first (``createdAt``
descending), filtered to the jobs updated since the start of a *window*: the failure threshold
times the largest expected interval among the judged connections, plus the SLA grace (a success
older than one interval plus the grace is stale anyway; the threshold's multiple leaves room for
the failures that make ``sync_failed``), capped at :data:`MAX_WINDOW`.

Why a connection's jobs in the listing are the newest of its history: Airbyte runs one job per
connection at a time, so a job updated inside the window is newer than every job that is not.
A connection is *settled* by the listing when its jobs there hold a success or ``--jobs`` of
them (the verdict then equals the verdict from its full history), when the whole window was read
and the connection was created inside it (so those are all its jobs), or when it is inactive
as the tenant config wants (its jobs are only shown then). Paging stops as soon as every connection of the batch is settled, or
has passed its own horizon (its interval times the threshold plus the grace; a connection
without an interval, e.g. a manual schedule, has none) unsettled. Those few, a stale or
never-synced connection, a manual schedule, one longer than the window, are read like before:
one ``jobs/list`` page each. A listing that fails after the client's retries
makes its unsettled connections ``unknown``; nothing else is retried here.

Reads: one listing per batch and page, plus one ``jobs/list`` per connection left over. Batches
and leftovers run ``concurrency`` at a time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from airbyte_provisioning.api import AirbyteClient, AirbyteError
from airbyte_provisioning.checks.health import ExpectedSchedule, ScheduleError, expected_interval
from airbyte_provisioning.checks.health_connections import (
    STOPS,
    History,
    Settings,
    Target,
    created_at,
    parallel_map,
    read_connection_jobs,
)
from airbyte_provisioning.core.types import JsonDict

LISTING = "jobs/list_for_workspaces"
WORKSPACES_PER_LISTING = 25
PAGE_SIZE = 200  # the server's own default page
MIN_WINDOW = timedelta(hours=1)
# a weekly or monthly schedule would otherwise drag every hourly job of its batch into the listing
MAX_WINDOW = timedelta(days=3)


@dataclass
class Wanted:
    """What one connection needs from the listing."""

    connection_id: str
    workspace_id: str
    horizon: datetime  # unsettled past this instant: read it on its own
    created_at: datetime | None
    evidence_only: bool  # inactive as the config wants: its jobs are only shown
    items: list[JsonDict] = field(default_factory=list)
    succeeded: bool = False

    def decided(self, jobs: int) -> bool:
        """Its newest jobs in the listing give the same verdict as its whole history."""
        return self.succeeded or len(self.items) >= jobs


@dataclass
class Batch:
    workspaces: list[str]
    wanted: dict[str, Wanted]
    seen: set[Any] = field(default_factory=set)
    pages: int = 0
    exhausted: bool = False
    error: str | None = None


@dataclass
class ListingReport:
    """How the histories were read (the health summary shows it)."""

    window: timedelta
    listings: int = 0
    pages: int = 0
    failed_listings: int = 0
    from_listing: int = 0
    one_by_one: int = 0

    def as_dict(self) -> JsonDict:
        return {
            "endpoint": LISTING,
            "window_hours": round(self.window.total_seconds() / 3600, 2),
            "workspaces_per_listing": WORKSPACES_PER_LISTING,
            "page_size": PAGE_SIZE,
            "listings": self.listings,
            "pages": self.pages,
            "failed_listings": self.failed_listings,
            "connections_from_listing": self.from_listing,
            "connections_read_one_by_one": self.one_by_one,
        }


def read_histories(
    targets: Sequence[Target], client: AirbyteClient, settings: Settings
) -> tuple[dict[str, History], ListingReport]:
    """The history of every found connection among ``targets``, by connection id."""
    needs = _needs(targets, settings)
    window = _window([n for n in needs.values() if n is not None], settings)
    start = settings.now - window
    wanted = {
        cid: _wanted(target, settings.now if need is None else settings.now - min(need, window))
        for cid, (target, need) in _found(targets, needs).items()
    }
    report = ListingReport(window)
    batches = _batches(wanted)
    listed = parallel_map(
        lambda b: _list(b, client, settings, start), batches, settings.concurrency
    )
    histories: dict[str, History] = {}
    leftovers: list[str] = []
    for batch in listed:
        report.listings += 1
        report.pages += batch.pages
        report.failed_listings += batch.error is not None
        for cid, one in batch.wanted.items():
            history = _settled(one, batch, settings, start)
            if history is None:
                leftovers.append(cid)
            else:
                histories[cid] = history
    report.from_listing = len(histories)
    report.one_by_one = len(leftovers)
    read = parallel_map(
        lambda cid: read_connection_jobs(cid, client, settings), leftovers, settings.concurrency
    )
    histories.update(zip(leftovers, read, strict=True))
    return histories, report


def _needs(targets: Sequence[Target], settings: Settings) -> dict[str, timedelta | None]:
    """How far back each found connection's verdict may need to look (None: no schedule)."""
    needs: dict[str, timedelta | None] = {}
    for target in targets:
        if target.connection is None or not target.connection_id or target.connection_id in needs:
            continue
        schedule = target.schedule or ExpectedSchedule.from_airbyte(target.connection)
        try:
            interval = expected_interval(schedule, settings.now)
        except ScheduleError:
            interval = None
        needs[target.connection_id] = (
            interval * settings.failure_threshold + settings.grace if interval else None
        )
    return needs


def _found(
    targets: Sequence[Target], needs: Mapping[str, timedelta | None]
) -> dict[str, tuple[Target, timedelta | None]]:
    found: dict[str, tuple[Target, timedelta | None]] = {}
    for target in targets:
        cid = target.connection_id
        if cid and cid in needs and cid not in found:
            found[cid] = (target, needs[cid])
    return found


def _window(needs: Sequence[timedelta], settings: Settings) -> timedelta:
    widest = max(needs, default=settings.grace)
    return max(MIN_WINDOW, min(widest, MAX_WINDOW))


def _wanted(target: Target, horizon: datetime) -> Wanted:
    connection = target.connection or {}
    inactive = connection.get("status") != "active"
    return Wanted(
        connection_id=str(target.connection_id),
        workspace_id=str(target.workspace_id or connection.get("workspaceId") or ""),
        horizon=horizon,
        created_at=created_at(connection),
        evidence_only=inactive and target.desired_status != "active",
    )


def _batches(wanted: Mapping[str, Wanted]) -> list[Batch]:
    by_workspace: dict[str, dict[str, Wanted]] = {}
    for cid, one in wanted.items():
        by_workspace.setdefault(one.workspace_id, {})[cid] = one
    workspaces = sorted(by_workspace)
    return [
        Batch(chunk, {cid: one for w in chunk for cid, one in by_workspace[w].items()})
        for chunk in (
            workspaces[i : i + WORKSPACES_PER_LISTING]
            for i in range(0, len(workspaces), WORKSPACES_PER_LISTING)
        )
    ]


def _list(batch: Batch, client: AirbyteClient, settings: Settings, start: datetime) -> Batch:
    """Page the batch's listing, newest first, until every connection is settled or passed."""
    body: JsonDict = {
        "configTypes": ["sync"],
        "workspaceIds": batch.workspaces,
        "updatedAtStart": start.isoformat(),
        "orderByField": "createdAt",
        "orderByMethod": "DESC",
    }
    offset = 0
    while True:
        try:
            page = client.post(
                LISTING, {**body, "pagination": {"pageSize": PAGE_SIZE, "rowOffset": offset}}
            )
        except STOPS:
            raise
        except AirbyteError as exc:
            count = len(batch.workspaces)
            batch.error = f"jobs/list failed ({LISTING} for {count} workspace(s)): {exc}"
            return batch
        batch.pages += 1
        items = [i for i in page.get("jobs") or [] if isinstance(i, Mapping)]
        oldest = _take(batch, items)
        offset += len(items)
        total = page.get("totalJobCount")
        if len(items) < PAGE_SIZE or (isinstance(total, int) and offset >= total):
            batch.exhausted = True
            return batch
        if all(
            one.decided(settings.jobs) or (oldest is not None and oldest < one.horizon)
            for one in batch.wanted.values()
        ):
            return batch


def _take(batch: Batch, items: Sequence[Mapping[str, Any]]) -> datetime | None:
    """File a page's jobs under their connections; the oldest creation time on the page."""
    oldest: float | None = None
    for item in items:
        job = item.get("job")
        if not isinstance(job, Mapping):
            continue
        created = job.get("createdAt")
        if isinstance(created, int | float) and not isinstance(created, bool):
            oldest = created if oldest is None else min(oldest, created)
        one = batch.wanted.get(str(job.get("configId")))
        if one is None or (job.get("id"), one.connection_id) in batch.seen:
            continue  # another connection's job, or seen on the previous page (offsets shift)
        batch.seen.add((job.get("id"), one.connection_id))
        one.items.append(dict(item))
        one.succeeded = one.succeeded or job.get("status") == "succeeded"
    return datetime.fromtimestamp(oldest, tz=UTC) if oldest is not None else None


def _settled(one: Wanted, batch: Batch, settings: Settings, start: datetime) -> History | None:
    """The connection's history from the listing, or None when it must be read on its own."""
    items = sorted(one.items, key=_newest_first)
    if one.decided(settings.jobs):
        return History(items[: settings.jobs], complete=len(items) < settings.jobs)
    if batch.error is not None:
        return History([], False, batch.error)
    if one.evidence_only:
        return History(items, complete=True)
    created = one.created_at
    if batch.exhausted and created is not None and created >= start:
        return History(items, complete=True)
    return None


def _newest_first(item: Mapping[str, Any]) -> tuple[float, float]:
    job = item.get("job") or {}
    created, ident = job.get("createdAt"), job.get("id")
    number = (int, float)
    return (
        -(created if isinstance(created, number) else 0),
        -(ident if isinstance(ident, number) else 0),
    )

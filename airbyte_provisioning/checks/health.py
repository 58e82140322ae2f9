"""Connection health: classify a connection from its latest jobs and its schedule (pure logic).

States, in the order the worst one wins:

* ``inactive``: the connection is switched off in Airbyte (not judged further);
* ``sync_failed``: the newest ``failure_threshold`` (default 2) or more finished syncs all failed
  (cancelled jobs are skipped: an operator cancelled them; running ones are not finished);
* ``stale``: no successful sync within the schedule's expected interval plus the SLA grace;
* ``empty``: the latest successful sync committed zero rows although rows are expected;
* ``healthy``: none of the above.

Every condition that holds is listed in ``conditions`` (a failing connection is usually stale
too); ``state`` is the worst. The expected interval of a cron schedule is the largest gap between
consecutive fire times over the last week in the schedule's own time zone (so an hourly
06:00-22:00 schedule allows its 8-hour overnight gap), widened to five weeks and then a year for
schedules that fire less than twice a week; a basic schedule's interval is its units; a manual
schedule is never stale. Timestamps from the Config API are epoch seconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from airbyte_provisioning.model.cron import CronError, QuartzCron, parse_quartz, validate_timezone
from airbyte_provisioning.model.schedules import Schedule

STATES = ("healthy", "stale", "sync_failed", "empty", "inactive", "missing", "unknown")
UNHEALTHY = frozenset({"stale", "sync_failed", "empty", "missing", "unknown"})
SEVERITY = ("sync_failed", "stale", "empty")
DEFAULT_FAILURE_THRESHOLD = 2
DEFAULT_GRACE_MINUTES = 60
# cron fire-time windows tried in turn until one holds at least two fires
CRON_WINDOWS_DAYS = (7, 35, 400)
BASIC_UNIT = {
    "minutes": timedelta(minutes=1),
    "hours": timedelta(hours=1),
    "days": timedelta(days=1),
    "weeks": timedelta(weeks=1),
    # Airbyte's monthly interval; the longest month keeps the check from firing early
    "months": timedelta(days=31),
}
FINISHED = frozenset({"succeeded", "failed", "cancelled"})
IN_PROGRESS = frozenset({"pending", "running", "incomplete"})
MESSAGE_LIMIT = 300


class ScheduleError(ValueError):
    """A schedule whose expected interval cannot be computed; the message says why."""


@dataclass(frozen=True)
class ExpectedSchedule:
    """What the health check expects: a cron in a zone, a basic interval, or manual."""

    kind: str  # "cron" | "basic" | "manual"
    source: str  # "config" (tenant model) | "airbyte" (the connection's own schedule)
    quartz: str | None = None
    timezone: str | None = None
    units: int | None = None
    time_unit: str | None = None

    @classmethod
    def from_config(cls, schedule: Schedule) -> ExpectedSchedule:
        if schedule.kind == "cron":
            return cls("cron", "config", quartz=schedule.quartz, timezone=schedule.timezone)
        return cls(
            "basic", "config", units=schedule.basic_units, time_unit=schedule.basic_time_unit
        )

    @classmethod
    def from_airbyte(cls, connection: Mapping[str, Any]) -> ExpectedSchedule:
        """The schedule a ``ConnectionRead`` carries (``scheduleType``/``scheduleData``, or the
        legacy ``schedule`` object of old connections)."""
        kind = connection.get("scheduleType")
        data = connection.get("scheduleData") or {}
        if kind == "cron":
            cron = data.get("cron") or {}
            return cls(
                "cron",
                "airbyte",
                quartz=str(cron.get("cronExpression") or ""),
                timezone=str(cron.get("cronTimeZone") or "UTC"),
            )
        basic = data.get("basicSchedule") or (connection.get("schedule") if not kind else None)
        if kind == "basic" or (kind is None and basic):
            basic = basic or {}
            units = basic.get("units")
            return cls(
                "basic",
                "airbyte",
                units=int(units)
                if isinstance(units, int | float | str) and str(units).isdigit()
                else None,
                time_unit=str(basic.get("timeUnit") or ""),
            )
        return cls("manual", "airbyte")

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.kind, "source": self.source}
        if self.kind == "cron":
            out |= {"quartz": self.quartz, "timezone": self.timezone}
        elif self.kind == "basic":
            out |= {"units": self.units, "time_unit": self.time_unit}
        return out

    def same_as(self, other: ExpectedSchedule) -> bool:
        """True when both describe the same runs (the source is ignored)."""
        if self.kind != other.kind:
            return False
        if self.kind == "cron":
            return (_squash(self.quartz), self.timezone) == (_squash(other.quartz), other.timezone)
        if self.kind == "basic":
            return (self.units, self.time_unit) == (other.units, other.time_unit)
        return True


def _squash(expression: str | None) -> str:
    return " ".join((expression or "").upper().split())


def expected_interval(schedule: ExpectedSchedule, now: datetime) -> timedelta | None:
    """The longest wait between two runs the schedule allows; ``None`` for manual schedules."""
    if schedule.kind == "manual":
        return None
    if schedule.kind == "basic":
        step = BASIC_UNIT.get((schedule.time_unit or "").lower())
        if step is None or not schedule.units or schedule.units < 1:
            raise ScheduleError(
                f"basic schedule {schedule.units!r} {schedule.time_unit!r} is not an interval"
            )
        return step * schedule.units
    return _cron_interval(schedule.quartz or "", schedule.timezone or "", now)


# a fleet shares a handful of schedules, and a week of fire times costs milliseconds to walk
@lru_cache(maxsize=256)
def _cron_interval(quartz: str, timezone: str, now: datetime) -> timedelta:
    try:
        zone = validate_timezone(timezone)
        cron = parse_quartz(quartz)
    except CronError as exc:
        raise ScheduleError(f"cron {quartz!r} in {timezone!r}: {exc}") from exc
    return _largest_gap(cron, zone, now)


def _largest_gap(cron: QuartzCron, zone: ZoneInfo, now: datetime) -> timedelta:
    end = now.astimezone(zone)
    for days in CRON_WINDOWS_DAYS:
        fires = cron.fire_times(end - timedelta(days=days), end)
        if len(fires) >= 2:
            return max(b - a for a, b in pairwise(fires))
    raise ScheduleError(
        f"cron {cron.expression!r} fires less than twice in {CRON_WINDOWS_DAYS[-1]} days, so no "
        "expected interval can be derived"
    )


@dataclass(frozen=True)
class JobView:
    """The facts of one ``JobWithAttemptsRead`` the classification needs."""

    job_id: int | None
    status: str
    created_at: datetime | None
    ended_at: datetime | None
    rows: int | None
    failure: str | None

    @classmethod
    def parse(cls, item: Mapping[str, Any]) -> JobView:
        job = item.get("job") if isinstance(item.get("job"), Mapping) else item
        assert isinstance(job, Mapping)
        attempts = [
            a.get("attempt", a) for a in item.get("attempts") or [] if isinstance(a, Mapping)
        ]
        return cls(
            job_id=job.get("id") if isinstance(job.get("id"), int) else None,
            status=str(job.get("status") or "unknown"),
            created_at=_epoch(job.get("createdAt")),
            ended_at=_epoch(job.get("updatedAt")) or _epoch(job.get("createdAt")),
            rows=_rows(job, attempts),
            failure=_failure(attempts),
        )

    def brief(self) -> dict[str, Any]:
        return {
            "id": self.job_id,
            "status": self.status,
            "created_at": _iso(self.created_at),
            "ended_at": _iso(self.ended_at) if self.status in FINISHED else None,
        }


def _epoch(value: Any) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC)
    return None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _rows(job: Mapping[str, Any], attempts: Sequence[Mapping[str, Any]]) -> int | None:
    """Rows committed by the job: ``aggregatedStats`` first, else its last attempt's stats."""
    stats = job.get("aggregatedStats") or {}
    for key in ("recordsCommitted", "recordsEmitted"):
        if (found := _int(stats.get(key))) is not None:
            return found
    if attempts:
        last = attempts[-1]
        totals = last.get("totalStats") or {}
        for value in (totals.get("recordsCommitted"), totals.get("recordsEmitted")):
            if (found := _int(value)) is not None:
                return found
        return _int(last.get("recordsSynced"))
    return None


def _failure(attempts: Sequence[Mapping[str, Any]]) -> str | None:
    for attempt in reversed(attempts):
        failures = (attempt.get("failureSummary") or {}).get("failures") or []
        for failure in failures:
            text = failure.get("externalMessage") or failure.get("internalMessage")
            if text:
                return str(text)[:MESSAGE_LIMIT]
    return None


@dataclass
class Verdict:
    state: str
    conditions: list[str]
    reason: str
    evidence: dict[str, Any] = field(default_factory=dict)


def classify(
    *,
    status: str,
    jobs: Sequence[JobView],
    schedule: ExpectedSchedule,
    now: datetime,
    grace: timedelta,
    expects_rows: bool,
    failure_threshold: int = DEFAULT_FAILURE_THRESHOLD,
    created_at: datetime | None = None,
    history_complete: bool = True,
) -> Verdict:
    """Classify one connection. ``jobs``: its sync jobs, newest first.

    ``history_complete`` is false when ``jobs`` is a full page, i.e. older jobs exist: a success
    not among them is then known only to be older than the oldest job shown.
    """
    evidence: dict[str, Any] = {
        "schedule": schedule.describe(),
        "grace_minutes": _minutes(grace),
        "failure_threshold": failure_threshold,
        "expects_rows": expects_rows,
        "jobs_examined": len(jobs),
        "last_job": jobs[0].brief() if jobs else None,
    }
    if status != "active":
        return Verdict("inactive", [], f"the connection is {status} in Airbyte", evidence)
    success = _history_evidence(jobs, evidence)
    findings: list[tuple[str, str]] = []
    if evidence["consecutive_failures"] >= failure_threshold:
        count = evidence["consecutive_failures"]
        findings.append(("sync_failed", f"the last {count} finished syncs failed"))
    stale = _staleness(
        _History(jobs, success, created_at, history_complete), schedule, now, grace, evidence
    )
    findings += [("stale", stale)] if stale else []
    if success is not None and expects_rows and success.rows == 0:
        findings.append(
            ("empty", f"the latest successful sync (job {success.job_id}) committed 0 rows")
        )
    return _verdict(findings, success, evidence)


@dataclass(frozen=True)
class _History:
    """What the freshness judgement reads of a connection's jobs."""

    jobs: Sequence[JobView]
    success: JobView | None
    created_at: datetime | None
    complete: bool


def _history_evidence(jobs: Sequence[JobView], evidence: dict[str, Any]) -> JobView | None:
    """Record running, consecutive failures and the last success; return the last success."""
    failures = 0
    last_failure: str | None = None
    for job in jobs:
        if job.status == "succeeded":
            break
        if job.status == "failed":
            failures += 1
            last_failure = last_failure or job.failure
    success = next((j for j in jobs if j.status == "succeeded"), None)
    evidence |= {
        "running": bool(jobs) and jobs[0].status in IN_PROGRESS,
        "consecutive_failures": failures,
        "last_failure_message": last_failure,
        "last_success_at": _iso(success.ended_at) if success else None,
        "last_success_job_id": success.job_id if success else None,
        "last_success_rows": success.rows if success else None,
    }
    return success


def _staleness(
    history: _History,
    schedule: ExpectedSchedule,
    now: datetime,
    grace: timedelta,
    evidence: dict[str, Any],
) -> str | None:
    """Why the connection is stale, or None: no success within the schedule's gap plus grace."""
    try:
        interval = expected_interval(schedule, now)
    except ScheduleError as exc:
        evidence["schedule_error"] = str(exc)
        interval = None
    evidence["expected_interval_minutes"] = _minutes(interval) if interval else None
    if interval is None:
        return None
    success, jobs = history.success, history.jobs
    reference, known = _freshness_reference(success, jobs, history.created_at, history.complete)
    deadline = reference + interval + grace if reference else None
    evidence["fresh_until"] = _iso(deadline)
    if reference is not None:
        key = "minutes_since_success" if success else "minutes_since_reference"
        evidence[key] = _minutes(now - reference)
    if reference is None or deadline is None or now <= deadline:
        return None
    if known:
        since = f"since {reference:%Y-%m-%d %H:%M} UTC"
    elif success is None and jobs:
        since = f"in the {len(jobs)} newest jobs (oldest {reference:%Y-%m-%d %H:%M} UTC)"
    else:
        since = f"since the connection was created ({reference:%Y-%m-%d %H:%M} UTC)"
    return (
        f"no successful sync {since}; expected every {_human(interval)} plus "
        f"{_human(grace)} grace"
    )


def _verdict(
    findings: list[tuple[str, str]], success: JobView | None, evidence: dict[str, Any]
) -> Verdict:
    """The most severe condition found names the state; the reasons say why."""
    conditions = [condition for condition, _ in findings]
    state = next((s for s in SEVERITY if s in conditions), "healthy")
    if state != "healthy":
        return Verdict(state, conditions, "; ".join(reason for _, reason in findings), evidence)
    reason = (
        f"last success at {success.ended_at:%Y-%m-%d %H:%M} UTC"
        if success and success.ended_at
        else "no sync due yet"
    )
    if evidence["running"]:
        reason += "; a sync is running"
    return Verdict(state, conditions, reason, evidence)


def _freshness_reference(
    success: JobView | None,
    jobs: Sequence[JobView],
    created_at: datetime | None,
    history_complete: bool,
) -> tuple[datetime | None, bool]:
    """The instant freshness is measured from, and whether it is the success itself."""
    if success is not None and success.ended_at is not None:
        return success.ended_at, True
    if not history_complete and jobs:
        # the last success (if any) is older than every job on the page
        oldest = min((j.created_at for j in jobs if j.created_at), default=None)
        return oldest, False
    return created_at, False


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _human(delta: timedelta) -> str:
    minutes = _minutes(delta)
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)} d"
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"


def summarize(states: Sequence[str]) -> dict[str, int]:
    counts = {state: 0 for state in STATES}
    for state in states:
        counts[state] = counts.get(state, 0) + 1
    counts["total"] = len(states)
    return counts

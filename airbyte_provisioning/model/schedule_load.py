"""How many of the fleet's connections start in the same minute, with and without the spread.

For each schedule group, :func:`schedule_load` counts the active tenant connections scheduled
by cron, places every fire time of the coming days on the UTC minute it falls in (each cron in
its own time zone, so Berlin's 07:00 and Jamaica's 01:00 are the same minute), and reports the
busiest minute: ``peak_starts_per_minute``, once with each connection's group cron as written
and once with the spread offsets applied. An operator sees what a spread will do before
applying it.

Cheap by construction: connections are first grouped by their (Quartz, time zone) pair, so the
fire times are computed once per distinct pair (a handful, or at most 60 per zone with a
spread), not once per connection; 500 tenants x 4 connections is a few milliseconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from airbyte_provisioning.model.cron import fire_times_between
from airbyte_provisioning.model.schedules import SLA_HORIZON_DAYS, Schedule
from airbyte_provisioning.model.stack import StackConfig

# (Quartz expression, time zone) -> how many connections run on it
CronCounts = Counter[tuple[str, str]]


@dataclass(frozen=True)
class Peak:
    """The busiest UTC minute of a set of crons and how many connections start in it."""

    starts: int
    minute: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "starts": self.starts,
            "minute_utc": self.minute.isoformat() if self.minute else None,
        }


def peak_starts(counts: Mapping[tuple[str, str], int], start: datetime, days: float) -> Peak:
    """The most starts in one UTC minute of ``[start, start + days)``; ties go to the earliest."""
    per_minute: Counter[int] = Counter()
    start_iso, end_iso = start.isoformat(), (start + timedelta(days=days)).isoformat()
    for (quartz, zone), connections in counts.items():
        for fire in fire_times_between(quartz, zone, start_iso, end_iso):
            per_minute[int(fire.timestamp()) // 60] += connections
    if not per_minute:
        return Peak(0, None)
    minute, starts = min(per_minute.items(), key=lambda item: (-item[1], item[0]))
    return Peak(starts, datetime.fromtimestamp(minute * 60, UTC))


@dataclass(frozen=True)
class GroupLoad:
    """One schedule group's active connections and its busiest minute with and without spread."""

    group: str
    cron_connections: int
    basic_connections: int
    spread_connections: int
    without_spread: Peak
    with_spread: Peak

    def as_dict(self, days: float) -> dict[str, Any]:
        return {
            "active_connections": {
                "cron": self.cron_connections,
                "basic_interval": self.basic_connections,
                "spread": self.spread_connections,
            },
            "peak_starts_per_minute": {
                "without_spread": self.without_spread.starts,
                "with_spread": self.with_spread.starts,
            },
            "busiest_minute_utc": {
                "without_spread": self.without_spread.as_dict()["minute_utc"],
                "with_spread": self.with_spread.as_dict()["minute_utc"],
            },
            "horizon_days": days,
        }


def schedule_load(
    stack: StackConfig, now: datetime, days: float = SLA_HORIZON_DAYS
) -> dict[str, GroupLoad]:
    """Per schedule group, the busiest minute of the next ``days`` (a week by default, so crons
    limited to some weekdays count whatever day ``now`` is). Inactive connections and groups
    without a usable schedule do not start anything and are not counted; basic intervals drift
    with each sync's end, so they are counted but have no fire times."""
    plain: dict[str, CronCounts] = {g: Counter() for g in stack.groups}
    spread: dict[str, CronCounts] = {g: Counter() for g in stack.groups}
    basic: Counter[str] = Counter()
    spread_count: Counter[str] = Counter()
    for tenant in stack.tenants:
        for connection in tenant.connections:
            group = connection.schedule_group
            base = tenant.schedules.get(group)
            if connection.status != "active" or base is None:
                continue
            if base.kind != "cron" or base.quartz is None:
                basic[group] += 1
                continue
            plain[group][base.quartz, base.timezone] += 1
            moved: Schedule | None = tenant.connection_schedule(connection)
            if moved is not None and moved.quartz is not None:
                spread[group][moved.quartz, moved.timezone] += 1
                spread_count[group] += moved.spread_offset is not None
    return {
        group: GroupLoad(
            group=group,
            cron_connections=sum(plain[group].values()),
            basic_connections=basic[group],
            spread_connections=spread_count[group],
            without_spread=peak_starts(plain[group], now, days),
            with_spread=peak_starts(spread[group], now, days),
        )
        for group in stack.groups
    }

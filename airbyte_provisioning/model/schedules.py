"""Schedule groups: resolve a tenant's cron or basic interval, check the SLA hints, list fire times.

A group (``METRICS``, ``DAILY`` or any group the environment names) is scheduled by, in order of
precedence: the tenant's ``<GROUP>_CRON``, the tenant's ``<GROUP>_BASIC_UNITS``/``_BASIC_TIME_UNIT``,
``AIRBYTE_DEFAULT_<GROUP>_CRON``, then the default basic interval. Cron is stored as Quartz in the
tenant's time zone, which is what Airbyte's ``scheduleData.cron`` takes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Any, Literal

from airbyte_provisioning.model.cron import (
    CronError,
    fire_times_between,
    next_fire_time,
    to_quartz,
)
from airbyte_provisioning.model.text import quoted
from airbyte_provisioning.model.variables import BasicTimeUnit

# a Quartz cron, or a basic interval (which drifts with each sync's end time)
ScheduleKind = Literal["cron", "basic"]

_CLOCK = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")
FIRE_TIMES_SHOWN = 48
SLA_HORIZON_DAYS = 7


def parse_clock(text: str) -> time:
    match = _CLOCK.match(text.strip())
    if not match:
        raise ValueError(f"{quoted(text)} is not a time of day HH:MM")
    return time(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class SlaHint:
    """``window``: every run starts inside [start, end] local time. ``finish_by``: every run,
    started at its fire time and lasting ``run_minutes``, ends by that local time."""

    window: tuple[time, time] | None = None
    finish_by: time | None = None
    run_minutes: int = 0
    set_by: tuple[str, ...] = ()

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.window:
            out["start_window"] = f"{self.window[0]:%H:%M}-{self.window[1]:%H:%M}"
        if self.finish_by:
            out["finish_by"] = f"{self.finish_by:%H:%M}"
            out["run_minutes"] = self.run_minutes
        return out

    def expectation(self) -> str:
        """What every run must do, for messages (``start between 06:00 and 22:00``)."""
        if self.window:
            return f"start between {self.window[0]:%H:%M} and {self.window[1]:%H:%M}"
        finish = f"{self.finish_by:%H:%M}" if self.finish_by else "?"
        return f"start after midnight and finish ({self.run_minutes} min budget) by {finish}"

    def violations(self, fires: tuple[datetime, ...]) -> list[datetime]:
        bad: list[datetime] = []
        for fire in fires:
            clock = fire.time().replace(tzinfo=None)
            if self.window and not self.window[0] <= clock <= self.window[1]:
                bad.append(fire)
            elif self.finish_by is not None:
                latest_start = (
                    datetime.combine(fire.date(), self.finish_by)
                    - timedelta(minutes=self.run_minutes)
                ).time()
                # the refresh belongs to the small hours: from midnight until the deadline allows
                if clock > latest_start or latest_start > self.finish_by:
                    bad.append(fire)
        return bad


@dataclass(frozen=True)
class Schedule:
    group: str
    timezone: str
    kind: ScheduleKind
    quartz: str | None = None
    written_as: str | None = None
    converted_from_unix: bool = False
    basic_units: int | None = None
    basic_time_unit: BasicTimeUnit | None = None
    set_by: tuple[str, ...] = ()
    sla: SlaHint = field(default_factory=SlaHint)
    # minutes added to the written cron's minute by a spread (None: not spread)
    spread_offset: int | None = None

    @property
    def minute(self) -> int | None:
        """The cron's minute when its minute field is one value (``0 15 2 * * ?`` → 15)."""
        if self.kind != "cron" or self.quartz is None:
            return None
        text = self.quartz.split()[1]
        return int(text) if text.isdigit() else None

    def shifted(self, offset: int, variable: str) -> Schedule:
        """This cron ``offset`` minutes later within the same hour, set by ``variable`` too.

        Only the minute field moves, so the caller keeps ``minute + offset <= 59``: past that,
        the hour field would have to move too (and the day, past 23:59), changing what the
        written cron means.
        """
        minute = self.minute
        if self.quartz is None or minute is None or not 0 <= minute + offset <= 59:
            raise ValueError(f"cannot shift {self.quartz!r} by {offset} minutes within its hour")
        fields = self.quartz.split()
        fields[1] = str(minute + offset)
        return replace(
            self,
            quartz=" ".join(fields),
            set_by=(*self.set_by, variable),
            spread_offset=offset,
        )

    def next_fire(self, start: datetime) -> datetime | None:
        """The first fire time at or after ``start``; None for a cron that never fires again
        (and for a basic interval, which has no fire times of its own)."""
        if self.kind != "cron" or self.quartz is None:
            return None
        return next_fire_time(self.quartz, self.timezone, start.isoformat())

    def to_airbyte(self) -> dict[str, Any]:
        """The ``scheduleType``/``scheduleData`` pair of a Config API connection."""
        if self.kind == "cron":
            return {
                "scheduleType": "cron",
                "scheduleData": {
                    "cron": {"cronExpression": self.quartz, "cronTimeZone": self.timezone}
                },
            }
        return {
            "scheduleType": "basic",
            "scheduleData": {
                "basicSchedule": {"timeUnit": self.basic_time_unit, "units": self.basic_units}
            },
        }

    def fire_times(self, start: datetime, days: float = 1) -> tuple[datetime, ...]:
        if self.kind != "cron" or self.quartz is None:
            return ()
        end = start + timedelta(days=days)
        return fire_times_between(self.quartz, self.timezone, start.isoformat(), end.isoformat())

    def summary(self, now: datetime) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": self.kind,
            "timezone": self.timezone,
            "set_by": list(self.set_by),
        }
        if self.kind == "cron":
            out["quartz"] = self.quartz
            out["written_as"] = self.written_as
            out["converted_from_unix"] = self.converted_from_unix
            if self.spread_offset is not None:
                out["spread_offset_minutes"] = self.spread_offset
            try:
                fires = self.fire_times(now)
            except CronError:
                fires = ()
            out["fires_in_next_day"] = len(fires)
            out["next_day_fire_times"] = [f.isoformat() for f in fires[:FIRE_TIMES_SHOWN]]
        else:
            out["basic"] = {"units": self.basic_units, "time_unit": self.basic_time_unit}
        sla = self.sla.describe()
        if sla:
            out["sla"] = sla
        out["airbyte"] = self.to_airbyte()
        return out


def cron_schedule(
    group: str, timezone: str, written: str, variable: str, sla: SlaHint | None = None
) -> Schedule:
    """The schedule of a cron written as Unix or Quartz in ``variable``; raises CronError."""
    quartz, form = to_quartz(written)
    return Schedule(
        group=group,
        timezone=timezone,
        kind="cron",
        quartz=quartz,
        written_as=written,
        converted_from_unix=form == "unix",
        set_by=(variable,),
        sla=sla or SlaHint(),
    )


def basic_schedule(
    group: str,
    timezone: str,
    units: int,
    time_unit: BasicTimeUnit,
    set_by: tuple[str, ...],
    sla: SlaHint | None = None,
) -> Schedule:
    """An interval schedule: every ``units`` ``time_unit`` after the previous sync ends."""
    return Schedule(
        group=group,
        timezone=timezone,
        kind="basic",
        basic_units=units,
        basic_time_unit=time_unit,
        set_by=set_by,
        sla=sla or SlaHint(),
    )

"""Schedule groups read from the environment: each tenant's cron or basic interval, and its SLA.

A group is scheduled by, first match wins: the tenant's ``<GROUP>_CRON`` or its
``<GROUP>_BASIC_UNITS``/``_BASIC_TIME_UNIT`` pair, then ``AIRBYTE_DEFAULT_<GROUP>_CRON`` or the
default pair. Unix cron is converted to Quartz. SLA hints (``<GROUP>_SLA_WINDOW``,
``_SLA_FINISH_BY``, ``_SLA_RUN_MINUTES``, or the built-in ones) are checked against a week of
fire times; every problem names its variable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.cron import NEVER_HORIZON_YEARS, CronError
from airbyte_provisioning.model.env_reader import EnvReader
from airbyte_provisioning.model.schedules import (
    SLA_HORIZON_DAYS,
    Schedule,
    SlaHint,
    basic_schedule,
    cron_schedule,
    parse_clock,
)
from airbyte_provisioning.model.spread import check_spread_values
from airbyte_provisioning.model.text import quoted, whole_number

# Airbyte's basicSchedule.units is an int64, but no interval needs more than 9 digits: a longer
# value is a runaway paste, refused rather than converted; a day's minutes bound a run budget
MAX_BASIC_UNITS = 999_999_999
MAX_RUN_MINUTES = 24 * 60


def discover_groups(env: Mapping[str, str]) -> tuple[str, ...]:
    """METRICS, DAILY, plus every group named by ``AIRBYTE_DEFAULT_<GROUP>_<SCHEDULE KEY>``."""
    groups = list(V.BUILTIN_GROUPS)
    pattern = re.compile(r"^AIRBYTE_DEFAULT_([A-Z0-9_]+?)_(" + "|".join(V.SCHEDULE_KEYS) + ")$")
    for name in sorted(env):
        match = pattern.match(name)
        if match and match.group(1) not in groups:
            groups.append(match.group(1))
    return tuple(groups)


def resolve_schedule(
    reader: EnvReader,
    group: str,
    timezone: str,
    tenant_prefix: str,
    tenant: str,
    now: datetime,
) -> Schedule | None:
    """The tenant's schedule for ``group`` (its own settings, else the defaults), or None with a
    problem when there is none or it is unusable (a cron that never fires again is unusable)."""
    default = f"{V.PREFIX}DEFAULT_{group}_"
    tenant_var = f"{tenant_prefix}{group}_"
    sla = _resolve_sla(reader, group, tenant_var, default, tenant)
    cron_var = tenant_var + "CRON"
    cron = reader.get(cron_var)
    units_var, units = reader.first(tenant_var + "BASIC_UNITS")
    unit_var, unit = reader.first(tenant_var + "BASIC_TIME_UNIT")
    if cron is not None and (units is not None or unit is not None):
        _cron_beats_interval(reader, cron_var, (units_var, unit_var), tenant)
    if cron is None and units is None and unit is None:
        cron_var = default + "CRON"
        cron = reader.get(cron_var)
        units_var, units = reader.first(default + "BASIC_UNITS")
        unit_var, unit = reader.first(default + "BASIC_TIME_UNIT")
    if cron is not None:
        return _cron(reader, group, timezone, cron, cron_var, sla, tenant, now)
    if units is None or unit is None:
        missing = tenant_var if (units or unit) else default
        reader.problem(
            f"{missing}CRON",
            f"schedule group {group} has no schedule: set {missing}CRON, or both "
            f"{missing}BASIC_UNITS and {missing}BASIC_TIME_UNIT",
            "missing",
            tenant,
        )
        return None
    ok = _basic_values_ok(reader, units_var or "", units, unit_var or "", unit, tenant)
    time_unit = V.basic_time_unit(unit)
    if not ok or time_unit is None:
        return None
    set_by = (units_var or "", unit_var or "")
    return basic_schedule(group, timezone, whole_number(units) or 1, time_unit, set_by, sla)


def _cron(
    reader: EnvReader,
    group: str,
    timezone: str,
    cron: str,
    cron_var: str,
    sla: SlaHint,
    tenant: str,
    now: datetime,
) -> Schedule | None:
    """The cron in ``cron_var`` as a schedule, or None with a problem: unusable, or never fires."""
    try:
        schedule = cron_schedule(group, timezone, cron, cron_var, sla)
    except CronError as exc:
        reader.problem(cron_var, f"cron {quoted(cron)} is not usable: {exc}", "bad_cron", tenant)
        return None
    if schedule.next_fire(now) is None:
        reader.problem(
            cron_var,
            f"{cron_var}={quoted(cron)} never fires: {_why_never(schedule, now)}; Airbyte would "
            "accept it and the connection would never sync",
            "never_fires",
            tenant,
        )
        return None
    return schedule


def _why_never(schedule: Schedule, now: datetime) -> str:
    fields = (schedule.quartz or "").split()
    year = now.astimezone(ZoneInfo(schedule.timezone)).year
    if len(fields) == 7 and fields[6] != "*":
        return f"its year field {quoted(fields[6])} has no year from {year} on"
    return (
        f"no date matches its day-of-month {quoted(fields[3])}, month {quoted(fields[4])} and "
        f"day-of-week {quoted(fields[5])} (Quartz {schedule.quartz!r}) in the next "
        f"{NEVER_HORIZON_YEARS} years"
    )


def _cron_beats_interval(
    reader: EnvReader,
    cron_var: str,
    interval_vars: tuple[str | None, str | None],
    tenant: str,
) -> None:
    """A tenant's cron and its basic interval for one group: the cron wins, the interval is
    dead configuration that someone will believe is in effect."""
    ignored = [v for v in interval_vars if v]
    reader.problem(
        cron_var,
        f"{cron_var} and the basic interval {' / '.join(ignored)} are both set: the cron wins "
        "and the interval is ignored; remove one of them",
        "schedule_conflict",
        tenant,
        severity="warning",
        variables=(cron_var, *ignored),
    )


def _basic_values_ok(
    reader: EnvReader,
    units_var: str,
    units: str | None,
    unit_var: str,
    unit: str | None,
    tenant: str | None,
) -> bool:
    ok = True
    number = whole_number(units) if units is not None else None
    if units is not None and (number is None or not 1 <= number <= MAX_BASIC_UNITS):
        reader.problem(
            units_var,
            f"{units_var}={quoted(units)} is not a whole number from 1 to {MAX_BASIC_UNITS}",
            "bad_interval",
            tenant,
        )
        ok = False
    if unit is not None and V.basic_time_unit(unit) is None:
        reader.problem(
            unit_var,
            f"{quoted(unit)} is not a time unit; use one of {', '.join(V.BASIC_TIME_UNITS)}",
            "bad_interval",
            tenant,
        )
        ok = False
    return ok


def check_group_values(
    reader: EnvReader, prefix: str, groups: tuple[str, ...], tenant: str | None
) -> None:
    """Interval and spread values are checked even while nothing uses them (a cron wins, an
    explicit cron is never spread), so a later fallback is not broken."""
    for group in groups:
        units_var, unit_var = f"{prefix}{group}_BASIC_UNITS", f"{prefix}{group}_BASIC_TIME_UNIT"
        _basic_values_ok(
            reader, units_var, reader.get(units_var), unit_var, reader.get(unit_var), tenant
        )
    check_spread_values(reader, prefix, groups, tenant)


def _resolve_sla(
    reader: EnvReader, group: str, tenant_var: str, default: str, tenant: str
) -> SlaHint:
    values: dict[str, tuple[str, str]] = {}
    for key in ("SLA_WINDOW", "SLA_FINISH_BY", "SLA_RUN_MINUTES"):
        var, value = reader.first(tenant_var + key, default + key)
        if value is not None and var is not None:
            values[key] = (var, value)
        elif key in V.BUILTIN_SLA.get(group, {}):
            values[key] = ("built-in", V.BUILTIN_SLA[group][key])
    window = finish_by = None
    run_minutes = 0
    if "SLA_WINDOW" in values:
        var, text = values["SLA_WINDOW"]
        try:
            start_text, end_text = text.split("-", 1)
            window = (parse_clock(start_text), parse_clock(end_text))
            if window[0] > window[1]:
                raise ValueError("the window must not cross midnight")
        except ValueError as exc:
            reader.problem(
                var, f"{quoted(text)} is not a window HH:MM-HH:MM ({exc})", "bad_sla", tenant
            )
            window = None
    if "SLA_FINISH_BY" in values:
        var, text = values["SLA_FINISH_BY"]
        try:
            finish_by = parse_clock(text)
        except ValueError as exc:
            reader.problem(var, str(exc), "bad_sla", tenant)
    if "SLA_RUN_MINUTES" in values:
        var, text = values["SLA_RUN_MINUTES"]
        minutes = whole_number(text)
        if minutes is not None and minutes <= MAX_RUN_MINUTES:
            run_minutes = minutes
        else:
            reader.problem(
                var,
                f"{var}={quoted(text)} is not a whole number of minutes from 0 to {MAX_RUN_MINUTES}",
                "bad_sla",
                tenant,
            )
    return SlaHint(window, finish_by, run_minutes, tuple(v for v, _ in values.values()))


def check_sla(reader: EnvReader, schedule: Schedule, tenant: str, now: datetime) -> None:
    """Check the schedule's SLA hint against its fire times over the next week."""
    hint = schedule.sla
    if hint.window is None and hint.finish_by is None:
        return
    variable = schedule.set_by[0] if schedule.set_by else schedule.group
    if schedule.kind != "cron":
        reader.problem(
            variable,
            f"{schedule.group} uses a basic interval, whose runs drift with each sync's end time, "
            "so its SLA cannot be guaranteed; set a cron",
            "sla_unverifiable",
            tenant,
            severity="warning",
        )
        return
    fires = schedule.fire_times(now, days=SLA_HORIZON_DAYS)
    if not fires:
        reader.problem(
            variable,
            f"{schedule.group} cron {schedule.quartz!r} does not fire in the next {SLA_HORIZON_DAYS} days",
            "sla_no_runs",
            tenant,
            severity="warning",
        )
        return
    bad = hint.violations(fires)
    if bad:
        shown = ", ".join(sorted({f"{f:%H:%M}" for f in bad})[:6])
        reader.problem(
            variable,
            f"{schedule.group} runs must {hint.expectation()} {schedule.timezone} time; "
            f"{schedule.quartz!r} also fires at {shown}",
            "sla_violation",
            tenant,
        )

"""Spreading a fleet's schedules: each tenant connection's cron moved a few minutes, stably.

Without a spread every tenant's hourly connections start in the same minute, asking Airbyte for
workers and the ad platforms for quota at once. ``AIRBYTE_DEFAULT_<GROUP>_SPREAD_MINUTES=N``
(or a tenant's own ``AIRBYTE_<SLUG>_<GROUP>_SPREAD_MINUTES``; 0 or unset: off, at most 59) adds
to the minute of each tenant connection's cron an offset in ``[0, N)`` taken from a SHA-256 of
(tenant slug, template): ``0 6-22 * * *`` becomes ``0 M 6-22 * * ?`` with M differing between
tenants and templates, and the same on every run, so a re-run plans nothing.

The rules, each chosen so a spread never changes what a cron means beyond "a few minutes later":

* Only the minute moves, and it stays inside its hour: the cron's minute must be one value m
  with ``m + N <= 60`` (offsets reach ``m + N - 1 <= 59``). Carrying into the hour would need
  the hour field shifted too, and past 23:59 the day, month and weekday fields: ``50 23 * * 0``
  moved by 20 minutes would have to become Monday 00:10. Refusing is simpler and always right;
  the error says the widest spread that fits.
* A minute field that is a list, range or step (``*/15``, ``0,30``) is refused: which of its
  minutes should move, and would the moved ones collide with the others?
* A cron the tenant writes itself (``AIRBYTE_<SLUG>_<GROUP>_CRON``) is never shifted: it says
  exactly when that tenant runs. A basic interval has no minute, so a spread does not apply.
* The SLA hints are checked against the latest possible shift (offset ``N - 1``): the minute
  only grows, so if the latest start meets the window or the finish-by deadline every offset
  does, and adding or renaming a tenant can never turn a valid configuration invalid.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import lru_cache

from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.env_reader import EnvReader
from airbyte_provisioning.model.schedules import SLA_HORIZON_DAYS, Schedule
from airbyte_provisioning.model.text import quoted, whole_number

SPREAD_KEY = "SPREAD_MINUTES"
MAX_SPREAD_MINUTES = 59


def spread_offset(slug: str, template: str, minutes: int) -> int:
    """The stable offset in ``[0, minutes)`` of one tenant connection (SHA-256, never ``hash()``,
    which changes between processes)."""
    if minutes <= 0:
        return 0
    digest = hashlib.sha256(f"{slug}/{template}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % minutes


def read_spread(reader: EnvReader, variable: str, tenant: str | None) -> int | None:
    """The spread in ``variable`` (None when unset or unusable, with a problem naming it)."""
    text = reader.get(variable)
    if text is None:
        return None
    minutes = whole_number(text)
    if minutes is None:
        reader.problem(
            variable,
            f"{variable}={quoted(text)} is not a whole number of minutes: use 0 (off) to "
            f"{MAX_SPREAD_MINUTES}",
            "bad_spread",
            tenant,
        )
        return None
    if minutes > MAX_SPREAD_MINUTES:
        reader.problem(
            variable,
            f"{variable}={quoted(text)} is outside 0..{MAX_SPREAD_MINUTES}: a spread moves runs "
            "within their hour; use 0 (off) to 59",
            "bad_spread",
            tenant,
        )
        return None
    return minutes


def check_spread_values(
    reader: EnvReader, prefix: str, groups: tuple[str, ...], tenant: str | None
) -> None:
    """Spread values are checked even where no cron uses them, so a later use is not broken."""
    for group in groups:
        read_spread(reader, f"{prefix}{group}_{SPREAD_KEY}", tenant)


def resolve_spread(
    reader: EnvReader, schedule: Schedule, tenant_prefix: str, tenant: str, now: datetime
) -> tuple[str, int] | None:
    """``(variable, N)`` when the tenant's connections of ``schedule``'s group are spread over N
    minutes; None when no spread applies (with a problem when one was asked for and cannot)."""
    group = schedule.group
    tenant_var = f"{tenant_prefix}{group}_{SPREAD_KEY}"
    variable, _ = reader.first(tenant_var, f"{V.PREFIX}DEFAULT_{group}_{SPREAD_KEY}")
    minutes = read_spread(reader, variable, tenant) if variable else None
    if variable is None or not minutes:
        return None
    own_schedule = any(v.startswith(tenant_prefix) for v in schedule.set_by)
    if own_schedule or schedule.kind != "cron":
        # the tenant's own schedule is never shifted, and neither is an interval: say so only
        # to whoever asked for this spread (a default spread quietly skips such tenants)
        if variable == tenant_var or not own_schedule:
            what = (
                f"{schedule.set_by[0]} is the tenant's own cron, which is never shifted"
                if schedule.kind == "cron"
                else f"{group} runs on a basic interval ({', '.join(schedule.set_by)}), "
                "which has no minute to shift"
            )
            reader.problem(
                variable,
                f"{variable}={minutes} has no effect: {what}",
                "spread_ignored",
                tenant,
                severity="warning",
                variables=(variable, *schedule.set_by),
            )
        return None
    if not _fits_in_the_hour(reader, schedule, variable, minutes, tenant):
        return None
    if not _latest_start_meets_sla(reader, schedule, variable, minutes, tenant, now):
        return None
    return variable, minutes


def _fits_in_the_hour(
    reader: EnvReader, schedule: Schedule, variable: str, minutes: int, tenant: str
) -> bool:
    cron_var = schedule.set_by[0]
    written = quoted(schedule.written_as or schedule.quartz or "")
    minute = schedule.minute
    if minute is None:
        field = (schedule.quartz or "").split()[1]
        reader.problem(
            variable,
            f"{variable}={minutes} cannot spread {cron_var}={written}: its minute field "
            f"{quoted(field)} is a list, range or step, and a spread shifts only a cron whose "
            f"minute is one value (e.g. '0 6-22 * * *'); write one minute or set {variable}=0",
            "spread_not_applicable",
            tenant,
            variables=(variable, cron_var),
        )
        return False
    if minute + minutes > 60:
        reader.problem(
            variable,
            f"{variable}={minutes} would move the minute of {cron_var}={written} from {minute} "
            f"up to {minute + minutes - 1}, past minute 59, and a spread never moves the hour; "
            f"use a spread of at most {60 - minute}, or an earlier minute",
            "spread_too_wide",
            tenant,
            variables=(variable, cron_var),
        )
        return False
    return True


def _latest_start_meets_sla(
    reader: EnvReader,
    schedule: Schedule,
    variable: str,
    minutes: int,
    tenant: str,
    now: datetime,
) -> bool:
    """The SLA hint checked on the latest shift (the unshifted cron's own violations are
    reported against the cron alone, by ``check_sla``, not again here)."""
    verdict = _late_starts(schedule, minutes, now)
    if verdict is None:
        return True
    shown, widest = verdict
    hint = schedule.sla
    cron_var = schedule.set_by[0]
    sla_vars = tuple(v for v in hint.set_by if v != "built-in")
    sla_source = ", ".join(sla_vars) or f"the built-in {schedule.group} SLA"
    remedy = (
        f"use {variable}={widest} or less, or an earlier cron"
        if widest > 1
        else f"no spread fits: end the cron's runs earlier, or relax the SLA ({sla_source})"
    )
    reader.problem(
        variable,
        f"{cron_var}={quoted(schedule.written_as or '')} spread by {variable}={minutes} starts "
        f"{schedule.group} runs as late as {shown} {schedule.timezone} time, but they must "
        f"{hint.expectation()} ({sla_source}); {remedy}",
        "sla_violation",
        tenant,
        variables=(variable, cron_var, *sla_vars),
    )
    return False


@lru_cache(maxsize=256)
def _late_starts(schedule: Schedule, minutes: int, now: datetime) -> tuple[str, int] | None:
    """None when every offset in ``[0, minutes)`` meets the SLA hint; else the late start times
    of the latest offset and the widest spread that would meet it. Cached: a fleet's tenants
    share a handful of (schedule, spread) pairs."""
    hint = schedule.sla
    if hint.window is None and hint.finish_by is None:
        return None
    fires = schedule.fire_times(now, days=SLA_HORIZON_DAYS)
    if not fires or hint.violations(fires):
        return None

    def late(offset: int) -> list[datetime]:
        shifted = schedule.shifted(offset, "")
        return hint.violations(shifted.fire_times(now, days=SLA_HORIZON_DAYS))

    bad = late(minutes - 1)
    if not bad:
        return None
    # offset 0 is the cron itself, which meets the hint, so a widest spread of 1 always exists
    widest = next(n for n in range(minutes - 1, 0, -1) if not late(n - 1))
    return ", ".join(sorted({f"{f:%H:%M}" for f in bad})[:6]), widest

"""Spreading a group's cron across the fleet: stable offsets, the hour kept, SLA on the latest
shift, and every bad spread named."""

from __future__ import annotations

import random
import string
from datetime import datetime

import pytest

from airbyte_provisioning.model.spread import spread_offset
from airbyte_provisioning.model.tenants import StackConfig, load_stack

SPREAD_VAR = "AIRBYTE_DEFAULT_METRICS_SPREAD_MINUTES"
DAILY_SPREAD_VAR = "AIRBYTE_DEFAULT_DAILY_SPREAD_MINUTES"
# the METRICS cron of env.example ends at 22:00, the end of its SLA window: one hour earlier
# leaves the room a spread needs
ROOMY_METRICS = {"AIRBYTE_DEFAULT_METRICS_CRON": "0 6-21 * * *"}


def codes(stack: StackConfig, variable: str) -> list[str]:
    return [p.code for p in stack.problems if p.variable == variable]


def connection_crons(stack: StackConfig, slug: str) -> dict[str, str | None]:
    tenant = stack.tenant(slug)
    crons: dict[str, str | None] = {}
    for connection in tenant.connections:
        schedule = tenant.connection_schedule(connection)
        crons[connection.template] = schedule.quartz if schedule else None
    return crons


def generated_slugs(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = string.ascii_lowercase + string.digits
    slugs: set[str] = set()
    while len(slugs) < count:
        head = rng.choice(string.ascii_lowercase)
        body = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        slugs.add(head + body + ("-eu" if rng.random() < 0.2 else ""))
    return sorted(slugs)


# ------------------------------------------------------------------------------------------------
# the offset
# ------------------------------------------------------------------------------------------------
def test_offset_is_a_stable_function_of_slug_and_template() -> None:
    first = spread_offset("acme", "META_METRICS", 30)
    assert all(spread_offset("acme", "META_METRICS", 30) == first for _ in range(5))
    # a golden value: Python's hash() changes between processes, SHA-256 does not; changing the
    # function would move every tenant's schedule on the next apply
    assert first == 23


@pytest.mark.parametrize("minutes", [1, 2, 7, 30, 59])
def test_every_offset_of_many_generated_tenants_falls_in_the_range(minutes: int) -> None:
    for slug in generated_slugs(500, seed=minutes):
        for template in ("META_METRICS", "GOOGLE_METRICS", "LINKEDIN_METRICS"):
            assert 0 <= spread_offset(slug, template, minutes) < minutes


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_five_hundred_tenants_over_thirty_minutes_use_most_of_the_minutes(seed: int) -> None:
    offsets = {spread_offset(slug, "META_METRICS", 30) for slug in generated_slugs(500, seed)}
    assert len(offsets) >= 25


def test_no_spread_means_no_offset() -> None:
    assert spread_offset("acme", "META_METRICS", 0) == 0


# ------------------------------------------------------------------------------------------------
# what is shifted
# ------------------------------------------------------------------------------------------------
def test_a_default_spread_moves_the_minute_of_each_tenant_connection(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env |= ROOMY_METRICS | {SPREAD_VAR: "30"}
    stack = load_stack(example_env, now=frozen_now)
    assert stack.problems == ()
    acme = stack.tenant("acme")
    for connection in acme.connections:
        if connection.schedule_group != "METRICS":
            assert connection.spread_offset is None
            continue
        offset = spread_offset("acme", connection.template, 30)
        assert (connection.spread_offset, connection.spread_variable) == (offset, SPREAD_VAR)
        schedule = acme.connection_schedule(connection)
        assert schedule is not None and schedule.quartz == f"0 {offset} 6-21 * * ?"
        assert schedule.set_by == ("AIRBYTE_DEFAULT_METRICS_CRON", SPREAD_VAR)
    # the group's own schedule is the cron as written
    assert acme.schedules["METRICS"].quartz == "0 0 6-21 * * ?"


def test_loading_twice_gives_the_same_schedules(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env |= ROOMY_METRICS | {SPREAD_VAR: "45", DAILY_SPREAD_VAR: "16"}
    first = connection_crons(load_stack(example_env, now=frozen_now), "acme")
    again = connection_crons(load_stack(dict(example_env), now=frozen_now), "acme")
    assert first == again
    assert (
        first["DIMENSIONS_DAILY"]
        == f"0 {15 + spread_offset('acme', 'DIMENSIONS_DAILY', 16)} 2 * * ?"
    )


def test_a_tenants_own_cron_is_never_shifted(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    # globex-eu writes its own METRICS cron in env.example
    example_env |= ROOMY_METRICS | {SPREAD_VAR: "30"}
    stack = load_stack(example_env, now=frozen_now)
    assert stack.problems == ()
    crons = connection_crons(stack, "globex-eu")
    assert crons["META_METRICS"] == crons["GOOGLE_METRICS"] == "0 0 7-21 ? * MON-FRI"


def test_a_tenant_spread_overrides_the_default_and_zero_turns_it_off(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env |= ROOMY_METRICS | {
        SPREAD_VAR: "30",
        "AIRBYTE_ACME_METRICS_SPREAD_MINUTES": "0",
        "AIRBYTE_ACME_DAILY_SPREAD_MINUTES": "10",
    }
    stack = load_stack(example_env, now=frozen_now)
    assert stack.problems == ()
    crons = connection_crons(stack, "acme")
    assert crons["META_METRICS"] == "0 0 6-21 * * ?"
    offset = spread_offset("acme", "DIMENSIONS_DAILY", 10)
    assert crons["DIMENSIONS_DAILY"] == f"0 {15 + offset} 2 * * ?"
    [daily] = [c for c in stack.tenant("acme").connections if c.template == "DIMENSIONS_DAILY"]
    assert daily.spread_variable == "AIRBYTE_ACME_DAILY_SPREAD_MINUTES"


def test_a_tenant_spread_on_its_own_cron_is_a_warning_naming_both(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env["AIRBYTE_GLOBEX_EU_METRICS_SPREAD_MINUTES"] = "10"
    stack = load_stack(example_env, now=frozen_now)
    assert stack.valid
    [problem] = stack.problems
    assert (problem.code, problem.severity, problem.tenant) == (
        "spread_ignored",
        "warning",
        "globex-eu",
    )
    assert "AIRBYTE_GLOBEX_EU_METRICS_CRON" in problem.message
    assert "AIRBYTE_GLOBEX_EU_METRICS_SPREAD_MINUTES" in problem.message


def test_a_spread_on_a_basic_interval_is_a_warning(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    del example_env["AIRBYTE_DEFAULT_METRICS_CRON"]
    example_env[SPREAD_VAR] = "10"
    stack = load_stack(example_env, now=frozen_now)
    assert stack.valid
    assert "spread_ignored" in codes(stack, SPREAD_VAR)
    assert all(c.spread_offset is None for c in stack.tenant("acme").connections)


# ------------------------------------------------------------------------------------------------
# SLA hints on the shifted crons
# ------------------------------------------------------------------------------------------------
def test_a_daily_spread_that_cannot_finish_by_three_is_an_error_naming_both_variables(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    # 02:15 + up to 29 minutes + a 30-minute run budget ends after 03:00
    example_env[DAILY_SPREAD_VAR] = "30"
    stack = load_stack(example_env, now=frozen_now)
    assert not stack.valid
    [problem] = [p for p in stack.problems if p.variable == DAILY_SPREAD_VAR]
    assert problem.code == "sla_violation" and problem.tenant is None
    assert {DAILY_SPREAD_VAR, "AIRBYTE_DEFAULT_DAILY_CRON"} <= set(problem.variables)
    assert DAILY_SPREAD_VAR in problem.message and "AIRBYTE_DEFAULT_DAILY_CRON" in problem.message
    assert "02:44" in problem.message and "03:00" in problem.message
    # offsets up to 15 start by 02:30 and end by 03:00: the message says so
    assert f"{DAILY_SPREAD_VAR}=16 or less" in problem.message


def test_the_widest_spread_the_sla_allows_is_accepted(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env[DAILY_SPREAD_VAR] = "16"
    assert load_stack(example_env, now=frozen_now).problems == ()


def test_a_metrics_run_at_the_end_of_its_window_leaves_no_room_to_spread(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env[SPREAD_VAR] = "2"
    stack = load_stack(example_env, now=frozen_now)
    [problem] = [p for p in stack.problems if p.variable == SPREAD_VAR]
    assert problem.code == "sla_violation"
    assert "22:01" in problem.message and "no spread fits" in problem.message
    assert "AIRBYTE_DEFAULT_METRICS_SLA_WINDOW" in problem.variables


def test_a_tenant_spread_breaking_the_sla_is_that_tenants_error(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env["AIRBYTE_ACME_DAILY_SPREAD_MINUTES"] = "40"
    stack = load_stack(example_env, now=frozen_now)
    [problem] = stack.errors
    assert (problem.variable, problem.tenant) == ("AIRBYTE_ACME_DAILY_SPREAD_MINUTES", "acme")
    assert "AIRBYTE_DEFAULT_DAILY_CRON" in problem.variables


# ------------------------------------------------------------------------------------------------
# bad spreads
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["abc", "-5", "1.5", "15m", "60", "100", "99999999999999", "²"])
@pytest.mark.parametrize("variable", [SPREAD_VAR, "AIRBYTE_ACME_DAILY_SPREAD_MINUTES"])
def test_a_spread_that_is_not_a_whole_number_from_0_to_59_is_named(
    example_env: dict[str, str], frozen_now: datetime, variable: str, value: str
) -> None:
    example_env[variable] = value
    stack = load_stack(example_env, now=frozen_now)
    [problem] = stack.problems
    assert (problem.code, problem.variable, problem.severity) == ("bad_spread", variable, "error")
    assert variable in problem.message and "59" in problem.message


def test_a_bad_default_spread_is_reported_even_when_no_tenant_uses_it(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env |= {DAILY_SPREAD_VAR: "90", "AIRBYTE_ACME_DAILY_SPREAD_MINUTES": "0"}
    example_env["AIRBYTE_GLOBEX_EU_DAILY_SPREAD_MINUTES"] = "0"
    assert codes(load_stack(example_env, now=frozen_now), DAILY_SPREAD_VAR) == ["bad_spread"]


@pytest.mark.parametrize(
    ("cron", "field"),
    [
        ("0,30 6-21 * * *", "'0,30'"),
        ("0-5 6-21 * * *", "'0-5'"),
        ("*/15 6-21 * * *", "'*/15'"),
        ("* 6-21 * * *", "'*'"),
        ("0 0/20 6-21 * * ?", "'0/20'"),
    ],
)
def test_a_spread_on_a_cron_whose_minute_is_not_one_value_is_named(
    example_env: dict[str, str], frozen_now: datetime, cron: str, field: str
) -> None:
    example_env |= {"AIRBYTE_DEFAULT_METRICS_CRON": cron, SPREAD_VAR: "10"}
    stack = load_stack(example_env, now=frozen_now)
    [problem] = [p for p in stack.problems if p.variable == SPREAD_VAR]
    assert problem.code == "spread_not_applicable" and problem.severity == "error"
    assert field in problem.message and "AIRBYTE_DEFAULT_METRICS_CRON" in problem.message
    assert problem.variables == (SPREAD_VAR, "AIRBYTE_DEFAULT_METRICS_CRON")


def test_a_spread_that_would_carry_into_the_next_hour_is_refused_with_the_widest_that_fits(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env |= {"AIRBYTE_DEFAULT_METRICS_CRON": "45 6-21 * * *", SPREAD_VAR: "30"}
    stack = load_stack(example_env, now=frozen_now)
    [problem] = [p for p in stack.problems if p.variable == SPREAD_VAR]
    assert problem.code == "spread_too_wide"
    assert "74" in problem.message and "at most 15" in problem.message


def test_a_spread_reaching_exactly_minute_59_is_accepted(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env |= {"AIRBYTE_DEFAULT_METRICS_CRON": "45 6-21 * * *", SPREAD_VAR: "15"}
    stack = load_stack(example_env, now=frozen_now)
    assert stack.problems == ()
    minutes = {
        int((s.quartz or "").split()[1])
        for c in stack.tenant("acme").connections
        if (s := stack.tenant("acme").connection_schedule(c)) and c.schedule_group == "METRICS"
    }
    assert minutes and all(45 <= m <= 59 for m in minutes)

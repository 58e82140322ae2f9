"""The fleet's busiest minute per schedule group, with and without the spread."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from airbyte_provisioning.model.schedule_load import peak_starts, schedule_load
from airbyte_provisioning.model.spread import spread_offset
from airbyte_provisioning.model.tenants import load_stack

DAY_START = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)  # Berlin is UTC+1 in November


def test_peak_counts_every_zone_on_the_utc_minute_it_falls_in() -> None:
    counts = {
        ("0 0 6 * * ?", "UTC"): 3,  # 06:00 UTC
        ("0 0 7 * * ?", "Europe/Berlin"): 2,  # 07:00 Berlin = 06:00 UTC
        ("0 5 6 * * ?", "UTC"): 4,  # 06:05 UTC
        ("0 0 1 * * ?", "America/Jamaica"): 4,  # 01:00 Jamaica = 06:00 UTC
    }
    peak = peak_starts(counts, DAY_START, days=1)
    assert (peak.starts, peak.minute) == (9, datetime(2026, 11, 26, 6, 0, tzinfo=UTC))


def test_peak_ties_go_to_the_earliest_minute_and_nothing_fires_gives_zero() -> None:
    counts = {("0 30 8 * * ?", "UTC"): 2, ("0 0 7 * * ?", "UTC"): 2}
    peak = peak_starts(counts, DAY_START, days=1)
    assert (peak.starts, peak.minute) == (2, datetime(2026, 11, 26, 7, 0, tzinfo=UTC))
    assert peak_starts({}, DAY_START, days=1).starts == 0


def test_weekday_crons_count_over_the_week_whatever_day_it_is() -> None:
    saturday = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)
    counts = {("0 0 9 ? * MON-FRI", "UTC"): 5, ("0 0 9 * * ?", "UTC"): 1}
    assert peak_starts(counts, saturday, days=1).starts == 1
    assert peak_starts(counts, saturday, days=7).starts == 6


def test_env_example_fleet_by_hand(example_env: dict[str, str], frozen_now: datetime) -> None:
    # METRICS: acme's META and GOOGLE hourly 06-22 Jamaica (11:00-03:00 UTC), globex-eu's META
    # 07-21 Berlin on weekdays (06:00-20:00 UTC; its GOOGLE is inactive): 3 at 12:00 UTC Thursday.
    # DAILY: acme 02:15 Jamaica (07:15 UTC), globex-eu 01:30 Berlin (00:30 UTC): never together.
    load = schedule_load(load_stack(example_env, now=frozen_now), frozen_now)
    metrics, daily = load["METRICS"], load["DAILY"]
    assert (metrics.cron_connections, metrics.without_spread.starts) == (3, 3)
    assert metrics.without_spread.minute == datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    assert metrics.with_spread == metrics.without_spread  # no spread configured
    assert (daily.cron_connections, daily.without_spread.starts) == (2, 1)
    assert daily.without_spread.minute == datetime(2026, 11, 27, 0, 30, tzinfo=UTC)


def test_spread_figures_follow_the_offsets(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env |= {
        "AIRBYTE_DEFAULT_METRICS_CRON": "0 6-21 * * *",
        "AIRBYTE_DEFAULT_METRICS_SPREAD_MINUTES": "30",
    }
    load = schedule_load(load_stack(example_env, now=frozen_now), frozen_now)["METRICS"]
    # globex-eu's own cron stays at minute 0; acme's two connections move by their offsets
    minutes = [0, spread_offset("acme", "META_METRICS", 30)]
    minutes.append(spread_offset("acme", "GOOGLE_METRICS", 30))
    assert load.without_spread.starts == 3
    assert load.with_spread.starts == Counter(minutes).most_common(1)[0][1]
    assert load.spread_connections == 2


def test_inactive_connections_and_basic_intervals_start_nothing(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env["AIRBYTE_ACME_META_METRICS_STATUS"] = "inactive"
    example_env |= {
        "AIRBYTE_ACME_DAILY_BASIC_UNITS": "24",
        "AIRBYTE_ACME_DAILY_BASIC_TIME_UNIT": "hours",
    }
    load = schedule_load(load_stack(example_env, now=frozen_now), frozen_now)
    assert (load["METRICS"].cron_connections, load["METRICS"].without_spread.starts) == (2, 2)
    assert (load["DAILY"].basic_connections, load["DAILY"].cron_connections) == (1, 1)


def test_a_large_fleet_is_spread_over_most_of_the_range(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    env = {
        k: v
        for k, v in example_env.items()
        if not k.startswith(("AIRBYTE_ACME_", "AIRBYTE_GLOBEX_EU_"))
    }
    slugs = [f"t{i:03d}" for i in range(300)]
    env["AIRBYTE_TENANTS"] = ",".join(slugs)
    for i, slug in enumerate(slugs):
        prefix = f"AIRBYTE_{slug.upper()}_"
        env[prefix + "WORKSPACE_ID"] = f"00000000-0000-4000-8000-{i:012d}"
        env[prefix + "DESTINATION_ID"] = f"00000000-0000-4000-9000-{i:012d}"
    env |= {"AIRBYTE_DEFAULT_METRICS_CRON": "0 6-21 * * *"}
    without = schedule_load(load_stack(env, now=frozen_now), frozen_now)["METRICS"]
    env["AIRBYTE_DEFAULT_METRICS_SPREAD_MINUTES"] = "30"
    spread = schedule_load(load_stack(env, now=frozen_now), frozen_now)["METRICS"]
    assert without.without_spread.starts == without.with_spread.starts == 600
    assert spread.without_spread.starts == 600
    # 600 connections over 30 minutes average 20 a minute; a fair hash stays well under double
    assert 20 <= spread.with_spread.starts < 40

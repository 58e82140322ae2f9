"""Report windows as a property: whatever the config, clock and time zone, every request is valid.

TikTok accepts at most 30 days (both ends included) per report request with ``stat_time_day`` and
dates of the advertiser's time zone, so for any start date, end date, lookback, report_step_days,
state and advertiser zone (UTC-12 to UTC+14, at any hour, including the hours when the advertiser
is already on tomorrow) every request must span 1..report_step_days days, end no later than the
advertiser's today, and the requests together must cover each day to read exactly once.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.entrypoint_wrapper import read
from freezegun import freeze_time

from ..helpers import (
    ADVERTISER,
    ConfigBuilder,
    catalog,
    daily_rows,
    mock_advertisers,
    mock_report,
    per_advertiser_state,
    report_requests,
)

SEED = 20261126
CASES = 40
# one zone per offset family, from UTC-12 to UTC+14, with half- and quarter-hour offsets
ZONES = [
    "Etc/GMT+12",
    "Pacific/Pago_Pago",
    "America/Los_Angeles",
    "America/St_Johns",
    "Europe/London",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Tokyo",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Pacific/Tongatapu",
    "Pacific/Kiritimati",
]


@dataclass(frozen=True)
class Scenario:
    now: datetime
    zone: str
    start_date: date
    end_date: date | None
    lookback_days: int
    report_step_days: int
    state_day: date | None

    @property
    def local_today(self) -> date:
        return self.now.astimezone(ZoneInfo(self.zone)).date()

    def first_day(self) -> date:
        if self.state_day is None:
            return self.start_date
        return max(self.start_date, self.state_day - timedelta(days=self.lookback_days))

    def last_day(self) -> date:
        return min(self.end_date or self.local_today, self.local_today)


def _random_scenario(rng: random.Random) -> Scenario:
    # seconds stay below 50 so no local midnight (always on a quarter hour) passes during the read
    now = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(
        days=rng.randrange(0, 3 * 365),
        hours=rng.randrange(24),
        minutes=rng.randrange(60),
        seconds=rng.randrange(50),
    )
    zone = rng.choice(ZONES)
    today = now.astimezone(ZoneInfo(zone)).date()
    step = rng.choice([1, 2, 7, 13, 29, 30, 30, 30, rng.randrange(1, 31)])
    # up to about eight windows: enough for every boundary case, few enough to read quickly
    start = today - timedelta(days=rng.randrange(0, 8 * step + 3))
    latest_today = (now + timedelta(hours=14)).date()
    if latest_today > today and rng.random() < 0.15:
        # a start_date that check accepts (not after today everywhere) but this advertiser has
        # not reached yet
        start = today + timedelta(days=rng.randrange(1, (latest_today - today).days + 1))
    end = None if rng.random() < 0.5 else start + timedelta(days=rng.randrange(0, 8 * step + 3))
    state = None
    if rng.random() < 0.5 and start <= today:
        state = start + timedelta(days=rng.randrange(0, (today - start).days + 1))
    return Scenario(
        now=now,
        zone=zone,
        start_date=start,
        end_date=end,
        lookback_days=rng.randrange(0, 29),
        report_step_days=step,
        state_day=state,
    )


# the case issue 13 reported: an advertiser in Tokyo synced at 20:00 UTC (05:00 tomorrow in
# Tokyo) with start_date 2026-08-29 got start_date=2026-10-28&end_date=2026-11-27, 31 days
TOKYO_AT_20_UTC = Scenario(
    now=datetime(2026, 11, 26, 20, 0, tzinfo=UTC),
    zone="Asia/Tokyo",
    start_date=date(2026, 8, 29),
    end_date=None,
    lookback_days=7,
    report_step_days=30,
    state_day=None,
)


def _scenarios() -> list[Scenario]:
    rng = random.Random(SEED)
    return [TOKYO_AT_20_UTC] + [_random_scenario(rng) for _ in range(CASES)]


def _read(api, get_source, scenario: Scenario) -> tuple[list[tuple[date, date]], object]:
    mock_advertisers(api, {ADVERTISER: ("USD", scenario.zone)})
    today = scenario.local_today
    # like TikTok, rows exist only up to the advertiser's today
    mock_report(
        api,
        lambda query: daily_rows(
            "11", query["start_date"], min(query["end_date"], today.isoformat())
        ),
    )
    config = (
        ConfigBuilder()
        .with_(
            start_date=scenario.start_date.isoformat(),
            lookback_days=scenario.lookback_days,
            report_step_days=scenario.report_step_days,
        )
        .without("end_date")
        .build()
    )
    if scenario.end_date is not None:
        config["end_date"] = scenario.end_date.isoformat()
    state = None
    if scenario.state_day is not None:
        state = per_advertiser_state(
            "ads_reports_daily", {ADVERTISER: scenario.state_day.isoformat()}
        )
    configured = catalog("ads_reports_daily", SyncMode.incremental)
    with freeze_time(scenario.now, tick=True):
        output = read(
            get_source(config, state=state, catalog=configured), config, configured, state
        )
    windows = sorted(
        (date.fromisoformat(query["start_date"]), date.fromisoformat(query["end_date"]))
        for query in report_requests(api)
    )
    return windows, output


def _saved_cursors(output) -> list[date]:
    return [
        date.fromisoformat(entry["cursor"]["stat_time_day"])
        for message in output.state_messages
        for entry in message.state.stream.stream_state.__dict__.get("states", [])
    ]


def _problems(scenario: Scenario, windows: list[tuple[date, date]], output) -> list[str]:
    future = [day for day in _saved_cursors(output) if day > scenario.local_today]
    problems = [f"saved cursor {day} is after the local today" for day in future]
    errors = [message.trace.error.message for message in output.errors]
    if scenario.start_date > scenario.local_today:
        refused = any(f"start_date ({scenario.start_date}) is after today" in e for e in errors)
        if not refused or windows:
            problems.append(f"a start_date after the local today was not refused: {errors}")
        return problems
    problems += errors
    for first, last in windows:
        span = (last - first).days + 1
        if not 1 <= span <= scenario.report_step_days:
            problems.append(f"window {first}..{last} spans {span} days")
        if last > scenario.local_today:
            problems.append(f"window {first}..{last} ends after the local today")
    days = [
        first + timedelta(days=n) for first, last in windows for n in range((last - first).days + 1)
    ]
    first_day, last_day = scenario.first_day(), scenario.last_day()
    wanted = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    if days != wanted:
        problems.append(f"requested days {days[:3]}..{days[-3:]} != {wanted[:3]}..{wanted[-3:]}")
    return problems


@pytest.mark.parametrize("scenario", _scenarios(), ids=lambda s: f"{s.zone}@{s.now:%Y-%m-%dT%H:%M}")
def test_every_report_request_is_a_valid_window_and_the_days_are_read_once(
    api, get_source, scenario
):
    windows, output = _read(api, get_source, scenario)

    assert _problems(scenario, windows, output) == [], scenario

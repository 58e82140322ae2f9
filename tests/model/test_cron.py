"""The Unix → Quartz converter and the Quartz validator, table-driven."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from airbyte_provisioning.model.cron import CronError, parse_quartz, to_quartz, validate_timezone

# (written, expected Quartz, form)
VALID = [
    # the seed's schedules
    ("0 6-22 * * *", "0 0 6-22 * * ?", "unix"),
    ("15 2 * * *", "0 15 2 * * ?", "unix"),
    # plain fields, ranges, steps, lists
    ("* * * * *", "0 * * * * ?", "unix"),
    ("*/15 * * * *", "0 */15 * * * ?", "unix"),
    ("0,30 * * * *", "0 0,30 * * * ?", "unix"),
    ("0 */2 * * *", "0 0 */2 * * ?", "unix"),
    ("5-55/10 8-18 * * *", "0 5-55/10 8-18 * * ?", "unix"),
    ("0 0 1 * *", "0 0 0 1 * ?", "unix"),
    ("0 0 1,15 * *", "0 0 0 1,15 * ?", "unix"),
    ("0 0 1-7 * *", "0 0 0 1-7 * ?", "unix"),
    ("0 0 */2 * *", "0 0 0 */2 * ?", "unix"),
    # months by number and by name
    ("0 0 1 1 *", "0 0 0 1 1 ?", "unix"),
    ("0 0 1 jan,jul *", "0 0 0 1 JAN,JUL ?", "unix"),
    ("0 0 1 JAN-MAR *", "0 0 0 1 JAN-MAR ?", "unix"),
    ("0 0 1 */3 *", "0 0 0 1 */3 ?", "unix"),
    # weekday renumbering: Unix 0/7 = Sunday, Quartz 1 = Sunday
    ("0 0 * * 0", "0 0 0 ? * SUN", "unix"),
    ("0 0 * * 7", "0 0 0 ? * SUN", "unix"),
    ("0 0 * * 1", "0 0 0 ? * MON", "unix"),
    ("0 0 * * 6", "0 0 0 ? * SAT", "unix"),
    ("0 0 * * 1-5", "0 0 0 ? * MON-FRI", "unix"),
    ("0 0 * * 0,6", "0 0 0 ? * SUN,SAT", "unix"),
    ("0 0 * * 5-7", "0 0 0 ? * SUN,FRI,SAT", "unix"),
    ("0 0 * * 0-6", "0 0 0 * * ?", "unix"),
    ("0 0 * * 1-7", "0 0 0 * * ?", "unix"),
    ("0 0 * * */2", "0 0 0 ? * SUN,TUE,THU,SAT", "unix"),
    ("0 0 * * 1-5/2", "0 0 0 ? * MON,WED,FRI", "unix"),
    ("0 0 * * mon-fri", "0 0 0 ? * MON-FRI", "unix"),
    ("0 0 * * SUN", "0 0 0 ? * SUN", "unix"),
    ("0 0 * * tue,thu", "0 0 0 ? * TUE,THU", "unix"),
    ("0 9 * * 1,2,3", "0 0 9 ? * MON-WED", "unix"),
    # Vixie day rules: a full field on either side leaves the other in charge
    ("0 0 1-31 * 1", "0 0 0 * * ?", "unix"),
    ("0 0 * * *", "0 0 0 * * ?", "unix"),
    ("0 0 */1 * 1", "0 0 0 ? * MON", "unix"),
    # macros
    ("@daily", "0 0 0 * * ?", "unix"),
    ("@midnight", "0 0 0 * * ?", "unix"),
    ("@hourly", "0 0 * * * ?", "unix"),
    ("@weekly", "0 0 0 ? * SUN", "unix"),
    ("@monthly", "0 0 0 1 * ?", "unix"),
    ("@yearly", "0 0 0 1 1 ?", "unix"),
    ("@annually", "0 0 0 1 1 ?", "unix"),
    # whitespace is folded
    ("  0   6-22 *  * * ", "0 0 6-22 * * ?", "unix"),
    # Quartz passes through (upper-cased) when valid
    ("0 0 6-22 * * ?", "0 0 6-22 * * ?", "quartz"),
    ("0 0 7-21 ? * MON-FRI", "0 0 7-21 ? * MON-FRI", "quartz"),
    ("0 15 2 * * ?", "0 15 2 * * ?", "quartz"),
    ("0 0/5 * * * ?", "0 0/5 * * * ?", "quartz"),
    ("30 */10 * * * ?", "30 */10 * * * ?", "quartz"),
    ("0 0 2 L * ?", "0 0 2 L * ?", "quartz"),
    ("0 0 2 L-3 * ?", "0 0 2 L-3 * ?", "quartz"),
    ("0 0 2 LW * ?", "0 0 2 LW * ?", "quartz"),
    ("0 0 2 15W * ?", "0 0 2 15W * ?", "quartz"),
    ("0 0 2 ? * 6L", "0 0 2 ? * 6L", "quartz"),
    ("0 0 2 ? * MON#2", "0 0 2 ? * MON#2", "quartz"),
    ("0 0 2 ? * L", "0 0 2 ? * L", "quartz"),
    ("0 0 12 1 1 ? 2027", "0 0 12 1 1 ? 2027", "quartz"),
    ("0 0 12 ? * sun 2026-2030", "0 0 12 ? * SUN 2026-2030", "quartz"),
    ("0 0 12 * jan-jun ?", "0 0 12 * JAN-JUN ?", "quartz"),
]

INVALID = [
    ("", "empty"),
    ("0 0 *", "5 fields (Unix"),
    ("0 0 * * * * * *", "got 8"),
    ("60 * * * *", "60 is outside 0-59"),
    ("0 24 * * *", "24 is outside 0-23"),
    ("0 0 0 * *", "0 is outside 1-31"),
    ("0 0 32 * *", "32 is outside 1-31"),
    ("0 0 1 13 *", "13 is outside 1-12"),
    ("0 0 * * 8", "8 is outside 0-7"),
    ("0 0 * * FUNDAY", "not a number or a known name"),
    ("*/0 * * * *", "step 0"),
    ("5/15 * * * *", "needs a range or '*'"),
    ("0 22-2 * * *", "runs backwards"),
    ("0 0 1 * 1", "EITHER matches"),
    ("0 0 1-15 * MON", "EITHER matches"),
    ("0 0 */2 * 1", "both restrict the day"),
    ("0 0 L * *", "Quartz syntax"),
    ("0 0 ? * *", "Quartz syntax"),
    ("@reboot", "no schedule equivalent"),
    ("@fortnightly", "unknown cron macro"),
    ("0 0 6-22 * * *", "exactly one of day-of-month and day-of-week"),
    ("0 0 6-22 ? * ?", "exactly one of day-of-month and day-of-week"),
    ("0 0 2 1 * MON", "exactly one of day-of-month and day-of-week"),
    ("60 0 2 * * ?", "60 is outside 0-59"),
    ("0 0 2 * 0 ?", "0 is outside 1-12"),
    ("0 0 2 ? * 0", "0 is outside 1-7"),
    ("0 0 2 ? * 8", "8 is outside 1-7"),
    ("0 0 2 ? * MON#6", "outside 1-5"),
    ("0 0 2 L-31 * ?", "0-30"),
    ("0 0 2 32W * ?", "1-31"),
    ("0 0 2 1,L * ?", "must stand alone"),
    ("0 0 2 ? * 1,L", "must stand alone"),
    ("? 0 2 * * ?", "only allowed in day-of-month or day-of-week"),
    ("0 0 2 * * ? 1969", "1969 is outside 1970-2099"),
    ("0 0/0 2 * * ?", "step 0"),
    ("0 0/61 * * * ?", "larger than the field"),
    ("0 0 2 * JANUARY ?", "not a number or a known name"),
    ("0 0 2-1 * * ?", "runs backwards"),
    ("0 0 2,, * * ?", "cannot parse"),
]


@pytest.mark.parametrize(("written", "quartz", "form"), VALID, ids=[c[0] or "empty" for c in VALID])
def test_accepted_expressions_convert_exactly(written: str, quartz: str, form: str) -> None:
    assert to_quartz(written) == (quartz, form)
    # the output is itself valid Quartz and converts to itself
    assert to_quartz(quartz) == (quartz, "quartz")


@pytest.mark.parametrize(("written", "reason"), INVALID, ids=[c[0] or "empty" for c in INVALID])
def test_refused_expressions_say_why(written: str, reason: str) -> None:
    with pytest.raises(CronError, match=None) as caught:
        to_quartz(written)
    assert reason in str(caught.value)


def test_table_has_at_least_sixty_cases() -> None:
    assert len(VALID) + len(INVALID) >= 60


JAMAICA = ZoneInfo("America/Jamaica")


def fires(expression: str, start: datetime, days: float = 1) -> list[str]:
    quartz = parse_quartz(to_quartz(expression)[0])
    return [
        f.strftime("%Y-%m-%d %a %H:%M:%S")
        for f in quartz.fire_times(start, start + timedelta(days=days))
    ]


def test_converted_unix_cron_fires_exactly_when_unix_would() -> None:
    start = datetime(2026, 11, 23, 0, 0, tzinfo=JAMAICA)  # a Monday
    got = fires("30 9 * * 1-5", start, days=7)
    assert got == [
        f"2026-11-{d} {w} 09:30:00"
        for d, w in zip(range(23, 28), ["Mon", "Tue", "Wed", "Thu", "Fri"], strict=True)
    ]


def test_seed_metrics_cron_fires_hourly_from_six_to_twenty_two() -> None:
    start = datetime(2026, 11, 26, 0, 0, tzinfo=JAMAICA)
    assert [s[-8:-3] for s in fires("0 6-22 * * *", start)] == [f"{h:02d}:00" for h in range(6, 23)]


@pytest.mark.parametrize(
    ("expression", "expected_days"),
    [
        ("0 0 2 L * ?", ["2026-02-28"]),
        ("0 0 2 L-2 * ?", ["2026-02-26"]),
        ("0 0 2 LW * ?", ["2026-02-27"]),  # the 28th is a Saturday
        ("0 0 2 1W * ?", ["2026-02-02"]),  # the 1st is a Sunday: the Monday after
        ("0 0 2 ? * MON#2", ["2026-02-09"]),
        ("0 0 2 ? * 6L", ["2026-02-27"]),  # last Friday
    ],
)
def test_quartz_special_days_in_february_2026(expression: str, expected_days: list[str]) -> None:
    quartz = parse_quartz(expression)
    start = datetime(2026, 2, 1, tzinfo=UTC)
    got = [f.date().isoformat() for f in quartz.fire_times(start, datetime(2026, 3, 1, tzinfo=UTC))]
    assert got == expected_days


def test_fire_times_skip_the_hour_lost_to_daylight_saving() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    quartz = parse_quartz("0 30 2 * * ?")
    start = datetime(2026, 3, 28, 12, tzinfo=berlin)
    got = [f.date().isoformat() for f in quartz.fire_times(start, start + timedelta(days=3))]
    assert got == ["2026-03-30", "2026-03-31"]  # 02:30 does not exist on 2026-03-29


@pytest.mark.parametrize("zone", ["America/Jamaica", "Europe/Berlin", "UTC", "Asia/Kolkata"])
def test_iana_zones_are_accepted(zone: str) -> None:
    assert validate_timezone(zone).key == zone


@pytest.mark.parametrize(
    ("zone", "reason"),
    [
        ("Etc/UTC", "starting with 'Etc'"),
        ("Etc/GMT+5", "starting with 'Etc'"),
        ("Mars/Olympus", "unknown"),
        ("EST5", "unknown"),
        ("", "empty"),
    ],
)
def test_zones_airbyte_refuses_are_rejected(zone: str, reason: str) -> None:
    with pytest.raises(CronError) as caught:
        validate_timezone(zone)
    assert reason in str(caught.value)


@pytest.mark.parametrize("written", ["0 6-22 * * * * *", "0 0 6-22 * * * 2027", "0 6-22 * * * *"])
def test_six_or_seven_fields_without_a_question_mark_name_both_cron_forms(written: str) -> None:
    with pytest.raises(CronError) as caught:
        to_quartz(written)
    message = str(caught.value)
    assert "expected 5 (Unix) or 6-7 (Quartz) fields" in message
    assert f"{len(written.split())} fields" in message


def test_a_refused_token_is_echoed_by_its_start_and_length_only() -> None:
    with pytest.raises(CronError) as caught:
        to_quartz("0 " + "9" * 100_000 + " * * *")
    assert len(str(caught.value)) < 300
    assert "100000 characters" in str(caught.value)


@pytest.mark.parametrize(
    ("quartz", "expected"),
    [
        ("0 0 6-22 * * ?", "2026-11-26T13:00:00+00:00"),
        ("0 0 2 29 2 ?", "2028-02-29T07:00:00+00:00"),  # the next leap day, in Jamaica
        ("0 0 2 1 1 ? 2030", "2030-01-01T07:00:00+00:00"),
        ("0 0 2 ? * 6#5", "2027-01-29T07:00:00+00:00"),  # the next month with five Fridays
        ("0 0 6 31 2 ?", None),  # 31 February
        ("0 0 2 * * ? 2020", None),  # a year in the past
        ("0 0 2 31 4,6,9,11 ? 2026-2099", None),  # only 30-day months
    ],
)
def test_next_fire_finds_the_next_instant_or_knows_there_is_none(
    quartz: str, expected: str | None
) -> None:
    start = datetime(2026, 11, 26, 12, 30, tzinfo=UTC)
    found = parse_quartz(quartz).next_fire(start.astimezone(JAMAICA))
    assert (found.astimezone(UTC).isoformat() if found else None) == expected

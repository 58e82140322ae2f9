"""Every health state on crafted job histories, with a frozen clock (no API involved)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from airbyte_provisioning.checks.health import (
    ExpectedSchedule,
    JobView,
    ScheduleError,
    Verdict,
    classify,
    expected_interval,
    summarize,
)

from .builders import NOW, at, history, job

# the METRICS default: hourly 06:00-22:00 Jamaica time
HOURLY = ExpectedSchedule("cron", "config", quartz="0 0 6-22 * * ?", timezone="America/Jamaica")
DAILY = ExpectedSchedule("cron", "config", quartz="0 15 2 * * ?", timezone="America/Jamaica")
GRACE = timedelta(minutes=60)


def judge(
    items: list[dict[str, Any]],
    *,
    schedule: ExpectedSchedule = HOURLY,
    now: datetime = NOW,
    status: str = "active",
    expects_rows: bool = True,
    created_at: datetime | None = None,
    page: int = 10,
    threshold: int = 2,
) -> Verdict:
    jobs = [JobView.parse(i) for i in items]
    return classify(
        status=status,
        jobs=jobs,
        schedule=schedule,
        now=now,
        grace=GRACE,
        expects_rows=expects_rows,
        failure_threshold=threshold,
        created_at=created_at or at("2026-01-01T00:00"),
        history_complete=len(jobs) < page,
    )


def test_recent_success_with_rows_is_healthy() -> None:
    verdict = judge(history(job(7, "succeeded", at("2026-11-26T11:05"), rows=340)))
    assert (verdict.state, verdict.conditions) == ("healthy", [])
    evidence = verdict.evidence
    assert evidence["last_success_at"] == "2026-11-26T11:05:00+00:00"
    assert evidence["last_success_rows"] == 340
    assert evidence["consecutive_failures"] == 0
    assert evidence["expected_interval_minutes"] == 8 * 60  # the overnight 22:00 -> 06:00 gap
    assert evidence["grace_minutes"] == 60
    assert evidence["fresh_until"] == "2026-11-26T20:05:00+00:00"


def test_no_success_within_interval_plus_grace_is_stale() -> None:
    # 21:59 Jamaica yesterday; 8 h interval + 1 h grace ran out at 06:59 local (11:59 UTC)
    verdict = judge(history(job(7, "succeeded", at("2026-11-26T02:59"))))
    assert (verdict.state, verdict.conditions) == ("stale", ["stale"])
    assert "expected every 8 h plus 1 h grace" in verdict.reason
    assert verdict.evidence["minutes_since_success"] == 9 * 60 + 1


def test_success_exactly_at_the_deadline_is_still_fresh() -> None:
    assert judge(history(job(7, "succeeded", at("2026-11-26T03:00")))).state == "healthy"


def test_overnight_gap_of_an_hourly_daytime_schedule_is_not_stale() -> None:
    # 05:30 Jamaica: the last run was at 22:00 local, 7.5 h ago, and the next is at 06:00
    verdict = judge(
        history(job(7, "succeeded", at("2026-11-26T03:05"))), now=at("2026-11-26T10:30")
    )
    assert verdict.state == "healthy"


def test_two_consecutive_failures_are_sync_failed_with_the_failure_message() -> None:
    verdict = judge(
        history(
            job(9, "failed", at("2026-11-26T11:05"), failure="401 Unauthorized: token expired"),
            job(8, "failed", at("2026-11-26T10:05")),
            job(7, "succeeded", at("2026-11-26T09:05")),
        )
    )
    assert (verdict.state, verdict.conditions) == ("sync_failed", ["sync_failed"])
    assert verdict.evidence["consecutive_failures"] == 2
    assert verdict.evidence["last_failure_message"] == "401 Unauthorized: token expired"
    assert verdict.evidence["last_success_at"] == "2026-11-26T09:05:00+00:00"


def test_a_single_failure_after_a_success_is_still_healthy() -> None:
    verdict = judge(
        history(
            job(8, "failed", at("2026-11-26T11:05")), job(7, "succeeded", at("2026-11-26T10:05"))
        )
    )
    assert verdict.state == "healthy" and verdict.evidence["consecutive_failures"] == 1


def test_cancelled_and_running_jobs_neither_break_nor_extend_a_failure_streak() -> None:
    verdict = judge(
        history(
            job(11, "running", at("2026-11-26T11:59"), rows=None),
            job(10, "failed", at("2026-11-26T11:05")),
            job(9, "cancelled", at("2026-11-26T10:30")),
            job(8, "failed", at("2026-11-26T10:05")),
            job(7, "succeeded", at("2026-11-26T09:05")),
        )
    )
    assert verdict.state == "sync_failed"
    assert verdict.evidence["consecutive_failures"] == 2
    assert verdict.evidence["running"] is True


def test_failure_threshold_is_configurable() -> None:
    items = history(
        job(8, "failed", at("2026-11-26T11:05")), job(7, "succeeded", at("2026-11-26T10:05"))
    )
    assert judge(items, threshold=1).state == "sync_failed"
    items = history(
        job(9, "failed", at("2026-11-26T11:05")),
        job(8, "failed", at("2026-11-26T10:05")),
        job(7, "succeeded", at("2026-11-26T09:05")),
    )
    assert judge(items, threshold=3).state == "healthy"


def test_failing_and_stale_lists_both_conditions_and_reports_the_failure_state() -> None:
    verdict = judge(
        history(
            job(9, "failed", at("2026-11-26T11:05")),
            job(8, "failed", at("2026-11-26T10:05")),
            job(7, "succeeded", at("2026-11-25T01:00")),
        )
    )
    assert verdict.state == "sync_failed"
    assert verdict.conditions == ["sync_failed", "stale"]


def test_success_with_zero_rows_is_empty_when_rows_are_expected() -> None:
    items = history(job(7, "succeeded", at("2026-11-26T11:05"), rows=0))
    verdict = judge(items)
    assert (verdict.state, verdict.conditions) == ("empty", ["empty"])
    assert "(job 7) committed 0 rows" in verdict.reason
    assert judge(items, expects_rows=False).state == "healthy"


def test_success_without_stats_is_not_called_empty() -> None:
    assert judge(history(job(7, "succeeded", at("2026-11-26T11:05"), rows=None))).state == "healthy"


def test_rows_fall_back_to_the_last_attempt_stats() -> None:
    item = job(7, "succeeded", at("2026-11-26T11:05"), rows=None)
    item["attempts"] = [
        {"attempt": {"id": 0, "status": "succeeded", "totalStats": {"recordsCommitted": 0}}}
    ]
    assert JobView.parse(item).rows == 0
    item["attempts"] = [{"id": 0, "status": "succeeded", "recordsSynced": 42}]
    assert JobView.parse(item).rows == 42


def test_stale_outranks_empty() -> None:
    verdict = judge(history(job(7, "succeeded", at("2026-11-25T01:00"), rows=0)))
    assert verdict.state == "stale" and verdict.conditions == ["stale", "empty"]


def test_inactive_connection_is_not_judged_further() -> None:
    verdict = judge(history(job(8, "failed", at("2026-11-20T11:05"))), status="inactive")
    assert (verdict.state, verdict.conditions) == ("inactive", [])
    assert verdict.reason == "the connection is inactive in Airbyte"


def test_new_connection_without_jobs_is_healthy_until_its_first_run_is_due() -> None:
    verdict = judge([], created_at=at("2026-11-26T08:00"))
    assert verdict.state == "healthy" and verdict.reason == "no sync due yet"
    verdict = judge([], created_at=at("2026-11-25T12:00"))
    assert verdict.state == "stale"
    assert "since the connection was created" in verdict.reason


def test_full_page_of_failures_measures_staleness_from_the_oldest_job_shown() -> None:
    items = history(
        *(job(20 - n, "failed", at("2026-11-26T11:00") - timedelta(hours=n)) for n in range(10))
    )
    verdict = judge(items, page=10)
    assert verdict.conditions == ["sync_failed", "stale"]
    assert verdict.evidence["consecutive_failures"] == 10
    assert verdict.evidence["last_success_at"] is None
    assert "in the 10 newest jobs" in verdict.reason


def test_daily_schedule_allows_a_day_plus_grace() -> None:
    fresh = judge(history(job(7, "succeeded", at("2026-11-25T12:30"))), schedule=DAILY)
    assert fresh.state == "healthy" and fresh.evidence["expected_interval_minutes"] == 24 * 60
    late = judge(history(job(7, "succeeded", at("2026-11-25T10:59"))), schedule=DAILY)
    assert late.state == "stale"


def test_basic_schedule_uses_its_interval() -> None:
    every_6h = ExpectedSchedule("basic", "airbyte", units=6, time_unit="hours")
    assert (
        judge(history(job(7, "succeeded", at("2026-11-26T05:01"))), schedule=every_6h).state
        == "healthy"
    )
    assert (
        judge(history(job(7, "succeeded", at("2026-11-26T04:59"))), schedule=every_6h).state
        == "stale"
    )


def test_manual_schedule_is_never_stale_but_can_fail() -> None:
    manual = ExpectedSchedule("manual", "airbyte")
    verdict = judge(history(job(7, "succeeded", at("2025-01-01T00:00"))), schedule=manual)
    assert verdict.state == "healthy" and verdict.evidence["expected_interval_minutes"] is None
    failing = history(
        job(8, "failed", at("2025-01-02T00:00")), job(7, "failed", at("2025-01-01T00:00"))
    )
    assert judge(failing, schedule=manual).state == "sync_failed"


def test_unusable_schedule_is_reported_and_staleness_skipped() -> None:
    broken = ExpectedSchedule("cron", "airbyte", quartz="0 0 25 * * ?", timezone="America/Jamaica")
    verdict = judge(history(job(7, "succeeded", at("2025-01-01T00:00"))), schedule=broken)
    assert verdict.state == "healthy"
    assert "hours" in verdict.evidence["schedule_error"]


@pytest.mark.parametrize(
    ("quartz", "zone", "hours"),
    [
        ("0 0 6-22 * * ?", "America/Jamaica", 8),
        ("0 15 2 * * ?", "America/Jamaica", 24),
        # weekdays 07-21 in Berlin: Friday 21:00 -> Monday 07:00
        ("0 0 7-21 ? * MON-FRI", "Europe/Berlin", 58),
        ("0 0 9 ? * MON", "UTC", 7 * 24),
        ("0 */30 * * * ?", "UTC", 0.5),
        # the 1st of each month: the window widens until it holds two fires (Oct 1 -> Nov 1)
        ("0 0 3 1 * ?", "UTC", 31 * 24),
    ],
)
def test_expected_interval_is_the_largest_gap_between_fire_times(
    quartz: str, zone: str, hours: float
) -> None:
    interval = expected_interval(
        ExpectedSchedule("cron", "config", quartz=quartz, timezone=zone), NOW
    )
    assert interval == timedelta(hours=hours)


def test_expected_interval_includes_a_daylight_saving_jump_in_the_window() -> None:
    # Berlin springs forward on 2026-03-29: 02:00 does not exist, so 01:00 -> 03:00 is 2 h
    hourly = ExpectedSchedule("cron", "config", quartz="0 0 * * * ?", timezone="Europe/Berlin")
    assert expected_interval(hourly, at("2026-03-30T12:00")) == timedelta(hours=2)
    assert expected_interval(hourly, NOW) == timedelta(hours=1)


def test_schedules_that_never_repeat_raise_a_schedule_error() -> None:
    once = ExpectedSchedule("cron", "config", quartz="0 0 0 1 1 ? 2020", timezone="UTC")
    with pytest.raises(ScheduleError, match="fires less than twice"):
        expected_interval(once, NOW)
    with pytest.raises(ScheduleError, match="not an interval"):
        expected_interval(ExpectedSchedule("basic", "airbyte", units=0, time_unit="hours"), NOW)


@pytest.mark.parametrize(
    ("connection", "expected"),
    [
        (
            {
                "scheduleType": "cron",
                "scheduleData": {
                    "cron": {"cronExpression": "0 0 6-22 * * ?", "cronTimeZone": "America/Jamaica"}
                },
            },
            {
                "type": "cron",
                "source": "airbyte",
                "quartz": "0 0 6-22 * * ?",
                "timezone": "America/Jamaica",
            },
        ),
        (
            {
                "scheduleType": "basic",
                "scheduleData": {"basicSchedule": {"timeUnit": "hours", "units": 24}},
            },
            {"type": "basic", "source": "airbyte", "units": 24, "time_unit": "hours"},
        ),
        (
            {"schedule": {"timeUnit": "days", "units": 1}},
            {"type": "basic", "source": "airbyte", "units": 1, "time_unit": "days"},
        ),
        ({"scheduleType": "manual"}, {"type": "manual", "source": "airbyte"}),
    ],
)
def test_schedule_is_read_from_a_connection(
    connection: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert ExpectedSchedule.from_airbyte(connection).describe() == expected


def test_schedules_compare_by_meaning_not_by_source_or_spacing() -> None:
    config = ExpectedSchedule("cron", "config", quartz="0 0 6-22 * * ?", timezone="America/Jamaica")
    airbyte = ExpectedSchedule(
        "cron", "airbyte", quartz="0  0 6-22 * * ?", timezone="America/Jamaica"
    )
    assert config.same_as(airbyte)
    assert not config.same_as(
        ExpectedSchedule("cron", "airbyte", quartz="0 0 6-22 * * ?", timezone="UTC")
    )


def test_summary_counts_every_state() -> None:
    counts = summarize(["healthy", "stale", "stale", "inactive"])
    assert counts == {
        "healthy": 1,
        "stale": 2,
        "sync_failed": 0,
        "empty": 0,
        "inactive": 1,
        "missing": 0,
        "unknown": 0,
        "total": 4,
    }

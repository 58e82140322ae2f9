"""Incremental analytics: first sync in large windows, then slice_days windows after a lookback."""

from datetime import date

import freezegun
import pytest
from airbyte_cdk.models import FailureType
from airbyte_cdk.test.state_builder import StateBuilder

from ..helpers import (
    ANALYTICS,
    ConfigBuilder,
    analytics_answer,
    analytics_requests,
    date_range,
    days,
    element,
    error_messages,
    per_account_state,
    raw_params,
    run_read,
)


def _one_row_a_day(request, start, end):
    account = raw_params(request)["accounts"].removeprefix("List(").removesuffix(")")
    return [element(account.replace("%3A", ":"), day, clicks=1) for day in days(start, end)]


@freezegun.freeze_time("2024-02-01T10:00:00Z", tick=True)
def test_first_sync_reads_each_account_in_one_window_up_to_today(get_source, api):
    config = (
        ConfigBuilder().with_(account_ids=[111, 222], start_date="2024-01-01").without("end_date")
    ).build()
    api.register_uri("GET", ANALYTICS, text=analytics_answer(_one_row_a_day))
    output = run_read(get_source, config, ["ad_analytics_by_account"])

    windows = sorted((raw_params(r)["accounts"], *date_range(r)) for r in analytics_requests(api))
    assert windows == [
        ("List(urn%3Ali%3AsponsoredAccount%3A111)", date(2024, 1, 1), date(2024, 2, 1)),
        ("List(urn%3Ali%3AsponsoredAccount%3A222)", date(2024, 1, 1), date(2024, 2, 1)),
    ]
    assert len(output.records) == 2 * 32
    assert {r.record.data["account_id"] for r in output.records} == {"111", "222"}


@freezegun.freeze_time("2024-02-01T10:00:00Z", tick=True)
def test_state_restarts_each_account_lookback_days_early_in_slice_days_windows(get_source, api):
    config = (
        ConfigBuilder()
        .with_(account_ids=[111, 222], start_date="2024-01-20", lookback_days=3, slice_days=7)
        .without("end_date")
        .build()
    )
    state = per_account_state("ad_analytics_by_account", {111: "2024-01-25", 222: "2024-01-31"})
    api.register_uri("GET", ANALYTICS, text=analytics_answer(_one_row_a_day))
    output = run_read(get_source, config, ["ad_analytics_by_account"], state=state)

    per_account: dict[str, list[tuple[date, date]]] = {}
    for request in analytics_requests(api):
        account = raw_params(request)["accounts"][-4:-1]
        per_account.setdefault(account, []).append(date_range(request))
    assert sorted(per_account["111"]) == [
        (date(2024, 1, 22), date(2024, 1, 28)),
        (date(2024, 1, 29), date(2024, 2, 1)),
    ]
    assert sorted(per_account["222"]) == [(date(2024, 1, 28), date(2024, 2, 1))]
    final = output.most_recent_state.stream_state.__dict__
    assert {s["partition"]["account_id"]: s["cursor"]["date"] for s in final["states"]} == {
        111: "2024-02-01",
        222: "2024-02-01",
    }


@freezegun.freeze_time("2024-02-01T23:30:00Z", tick=True)
def test_an_end_date_after_today_stops_today_so_the_state_never_runs_ahead(get_source, api):
    config = ConfigBuilder().with_(start_date="2024-01-20", end_date="2024-03-31").build()
    api.register_uri("GET", ANALYTICS, text=analytics_answer(_one_row_a_day))
    output = run_read(get_source, config, ["ad_analytics_by_account"])

    assert [date_range(r) for r in analytics_requests(api)] == [
        (date(2024, 1, 20), date(2024, 2, 1))
    ]
    final = output.most_recent_state.stream_state.__dict__
    cursors = [s["cursor"]["date"] for s in final["states"]] + [final["state"]["date"]]
    assert max(cursors) == "2024-02-01"


BROKEN_STATES = [
    ({"date": "2024-03-01"}, "the cursor 2024-03-01 is after today (2024-02-01 in UTC)"),
    ({"date": "yesterday"}, "the cursor 'yesterday' is not a date as YYYY-MM-DD"),
    ({"date": 1706745600}, "the cursor 1706745600 is not a date as YYYY-MM-DD"),
    ({"states": "111:2024-01-25"}, "'states' must be a list of {partition, cursor} objects"),
    (
        {"states": [{"partition": {"account_id": 111}, "cursor": {"updated": "2024-01-25"}}]},
        "the cursor None is not a date as YYYY-MM-DD",
    ),
    ({"cursor": "2024-01-25"}, "it holds neither 'states' nor a 'date' cursor"),
]


@freezegun.freeze_time("2024-02-01T10:00:00Z", tick=True)
@pytest.mark.parametrize(("saved", "problem"), BROKEN_STATES, ids=lambda v: str(v)[:30])
def test_a_state_the_connector_cannot_resume_names_the_stream_and_how_to_reset(
    get_source, api, saved, problem
):
    state = StateBuilder().with_stream_state("ad_analytics_by_creative", saved).build()
    api.register_uri("GET", ANALYTICS, text=analytics_answer(_one_row_a_day))
    output = run_read(get_source, ConfigBuilder().build(), ["ad_analytics_by_creative"], state)

    (message,) = set(error_messages(output))
    assert message.startswith(
        "The saved state of stream ad_analytics_by_creative cannot be resumed"
    )
    assert problem in message
    assert "Clear data" in message and "--state" in message
    assert {e.trace.error.failure_type for e in output.errors} == {FailureType.config_error}
    assert not api.request_history


@freezegun.freeze_time("2024-02-01T10:00:00Z", tick=True)
def test_an_older_global_state_still_resumes_every_account(get_source, api):
    state = StateBuilder().with_stream_state("ad_analytics_by_account", {"date": "2024-01-30"})
    config = ConfigBuilder().with_(lookback_days=0).without("end_date").build()
    api.register_uri("GET", ANALYTICS, text=analytics_answer(_one_row_a_day))
    output = run_read(get_source, config, ["ad_analytics_by_account"], state.build())

    assert not output.errors
    assert [date_range(r) for r in analytics_requests(api)] == [
        (date(2024, 1, 30), date(2024, 2, 1))
    ]

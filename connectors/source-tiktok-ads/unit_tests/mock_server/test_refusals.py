"""What read refuses or repairs before it asks TikTok anything: dates, saved states, streams."""

import pytest
from airbyte_cdk.models import AirbyteStreamStatus, FailureType, SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import read
from airbyte_cdk.test.state_builder import StateBuilder
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

LA = {ADVERTISER: ("USD", "America/Los_Angeles")}


def _read(get_source, config, state=None, stream="ads_reports_daily"):
    configured = catalog(stream, SyncMode.incremental)
    return read(get_source(config, state=state, catalog=configured), config, configured, state)


def _saved_cursors(output) -> list[str]:
    return [
        entry["cursor"]["stat_time_day"]
        for message in output.state_messages
        for entry in message.state.stream.stream_state.__dict__.get("states", [])
    ]


@freeze_time("2024-03-20 20:00:00", tick=True)
def test_a_start_date_after_the_advertiser_today_fails_naming_start_date_and_the_zone(
    api, get_source
):
    # 20:00 UTC: Kiribati is on 2024-03-21, so check accepts the date; Los Angeles is on 03-20
    mock_advertisers(api, LA)
    mock_report(api, lambda query: [])
    config = ConfigBuilder().with_(start_date="2024-03-21").without("end_date").build()

    output = _read(get_source, config)

    error = output.errors[0].trace.error
    assert error.failure_type == FailureType.config_error
    assert (
        f"start_date (2024-03-21) is after today (2024-03-20) in the time zone of advertiser "
        f"{ADVERTISER} (America/Los_Angeles)" in error.message
    )
    assert report_requests(api) == []
    assert all(cursor <= "2024-03-20" for cursor in _saved_cursors(output))


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_a_saved_cursor_in_the_future_is_read_again_from_the_earliest_today(api, get_source):
    # 12:00 UTC: the earliest date on Earth (UTC-12) and Los Angeles are both on 2024-03-20
    mock_advertisers(api, LA)
    mock_report(api, lambda query: daily_rows("11", query["start_date"], query["end_date"]))
    config = ConfigBuilder().without("end_date").with_(lookback_days=0).build()
    state = per_advertiser_state("ads_reports_daily", {ADVERTISER: "2099-01-01"})

    output = _read(get_source, config, state=state)

    assert [(query["start_date"], query["end_date"]) for query in report_requests(api)] == [
        ("2024-03-20", "2024-03-20")
    ]
    assert _saved_cursors(output) and set(_saved_cursors(output)) == {"2024-03-20"}


@pytest.mark.parametrize(
    ("stream_state", "problem"),
    [
        pytest.param({"states": "x"}, '"states" is not a list', id="states-not-a-list"),
        pytest.param(
            {
                "states": [
                    {"partition": {"advertiser_id": ADVERTISER}, "cursor": {"stat_time_day": "?"}}
                ]
            },
            "stat_time_day='?' is not a date",
            id="cursor-not-a-date",
        ),
    ],
)
@freeze_time("2024-03-20 12:00:00", tick=True)
def test_a_state_that_cannot_be_used_names_the_stream_and_how_to_reset_it(
    api, get_source, stream_state, problem
):
    mock_advertisers(api, LA)
    mock_report(api, lambda query: [])
    state = StateBuilder().with_stream_state("ads_reports_daily", stream_state).build()

    output = _read(get_source, ConfigBuilder().build(), state=state)

    (error,) = [message.trace.error for message in output.errors]
    assert error.failure_type == FailureType.config_error
    assert problem in error.message
    assert "stream ads_reports_daily" in error.message and "Clear data" in error.message
    assert report_requests(api) == []


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_a_catalog_naming_an_unknown_stream_marks_it_incomplete(api, get_source):
    # the CDK (7.39) reports such a stream as INCOMPLETE and reads the others; a manifest-only
    # connector never sees the catalog, so it cannot turn this into an error of its own
    mock_advertisers(api, LA)
    mock_report(api, lambda query: [])
    config = ConfigBuilder().build()
    configured = (
        CatalogBuilder()
        .with_stream("ads_reports_daily", SyncMode.incremental)
        .with_stream("campaigns_by_country", SyncMode.incremental)
        .build()
    )

    output = read(get_source(config, catalog=configured), config, configured)

    statuses = {
        (message.trace.stream_status.stream_descriptor.name, message.trace.stream_status.status)
        for message in output.trace_messages
        if message.trace.stream_status
    }
    assert ("campaigns_by_country", AirbyteStreamStatus.INCOMPLETE) in statuses
    assert ("ads_reports_daily", AirbyteStreamStatus.COMPLETE) in statuses

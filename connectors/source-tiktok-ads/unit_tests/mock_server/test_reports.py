"""report/integrated/get streams: windows, pagination, state, lookback, time zones, row shape."""

import json

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.entrypoint_wrapper import read
from freezegun import freeze_time

from ..helpers import (
    ADVERTISER,
    OTHER_ADVERTISER,
    ConfigBuilder,
    catalog,
    daily_rows,
    mock_advertisers,
    mock_report,
    per_advertiser_state,
    report_requests,
    report_row,
)

LA = {ADVERTISER: ("USD", "America/Los_Angeles")}


def _read(get_source, config, stream="ads_reports_daily", state=None, mode=SyncMode.incremental):
    configured = catalog(stream, mode)
    return read(get_source(config, state=state, catalog=configured), config, configured, state)


def _windows(api):
    # windows are read concurrently, so their order is not fixed
    return sorted(
        (query["advertiser_id"], query["start_date"], query["end_date"])
        for query in report_requests(api)
    )


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_backfill_uses_30_day_windows_with_both_ends_included(api, get_source):
    mock_advertisers(api, LA)
    mock_report(api, lambda query: daily_rows("11", query["start_date"], query["end_date"]))
    config = ConfigBuilder().with_(start_date="2024-01-01", end_date="2024-03-05").build()

    output = _read(get_source, config)

    assert _windows(api) == [
        (ADVERTISER, "2024-01-01", "2024-01-30"),
        (ADVERTISER, "2024-01-31", "2024-02-29"),
        (ADVERTISER, "2024-03-01", "2024-03-05"),
    ]
    assert len(output.records) == 65
    assert not output.errors


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_report_request_carries_the_report_definition_as_json_lists(api, get_source):
    mock_advertisers(api, LA)
    mock_report(api, lambda query: [])
    _read(get_source, ConfigBuilder().build(), stream="campaigns_reports_daily")

    (request,) = report_requests(api)
    assert request["service_type"] == "AUCTION"
    assert request["report_type"] == "BASIC"
    assert request["data_level"] == "AUCTION_CAMPAIGN"
    assert json.loads(request["dimensions"]) == ["campaign_id", "stat_time_day"]
    metrics = json.loads(request["metrics"])
    assert {"spend", "impressions", "conversion", "cost_per_conversion", "reach"} <= set(metrics)
    assert request["page_size"] == "1000"


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_rows_are_flat_typed_and_carry_advertiser_currency_and_timezone(api, get_source):
    mock_advertisers(api, {ADVERTISER: ("EUR", "Europe/Berlin")})
    row = report_row(
        "17",
        "2024-01-02",
        {"spend": "12.50", "impressions": "1000", "ctr": "-", "campaign_name": "Spring"},
    )
    mock_report(api, lambda query: [row] if query["start_date"] == "2024-01-01" else [])

    output = _read(get_source, ConfigBuilder().build())

    assert [record.record.data for record in output.records] == [
        {
            "ad_id": "17",
            "stat_time_day": "2024-01-02",
            "spend": 12.5,
            "impressions": 1000,
            "campaign_name": "Spring",
            "advertiser_id": ADVERTISER,
            "currency": "EUR",
            "timezone": "Europe/Berlin",
        }
    ]  # "-" arrives as null, which Airbyte omits from the record


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_empty_report_emits_no_records_and_no_error(api, get_source):
    mock_advertisers(api, LA)
    mock_report(api, lambda query: [])
    output = _read(get_source, ConfigBuilder().build())
    assert output.records == []
    assert not output.errors


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_many_pages_are_read_until_total_page(api, get_source):
    mock_advertisers(api, LA)
    rows = [report_row(str(i), "2024-01-01", {"spend": "1"}) for i in range(2500)]
    mock_report(api, lambda query: rows)

    output = _read(get_source, ConfigBuilder().with_(end_date="2024-01-01").build())

    assert [query.get("page", "1") for query in report_requests(api)] == ["1", "2", "3"]
    assert len(output.records) == 2500


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_a_page_exactly_full_costs_no_extra_empty_request(api, get_source):
    mock_advertisers(api, LA)
    rows = [report_row(str(i), "2024-01-01", {"spend": "1"}) for i in range(1000)]
    mock_report(api, lambda query: rows)

    output = _read(get_source, ConfigBuilder().with_(end_date="2024-01-01").build())

    assert len(report_requests(api)) == 1
    assert len(output.records) == 1000


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_incremental_state_is_the_last_day_read_per_advertiser(api, get_source):
    mock_advertisers(api, LA)
    mock_report(api, lambda query: daily_rows("11", query["start_date"], query["end_date"]))
    output = _read(get_source, ConfigBuilder().with_(end_date="2024-01-10").build())

    state = output.most_recent_state.stream_state.__dict__
    assert state["states"] == [
        {
            "partition": {
                "advertiser_id": ADVERTISER,
                "parent_slice": {"advertiser_id": ADVERTISER},
            },
            "cursor": {"stat_time_day": "2024-01-10"},
        }
    ]


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_incremental_sync_rereads_the_lookback_days_before_the_state(api, get_source):
    mock_advertisers(api, LA)
    mock_report(api, lambda query: daily_rows("11", query["start_date"], query["end_date"]))
    config = ConfigBuilder().without("end_date").with_(lookback_days=3).build()
    state = per_advertiser_state("ads_reports_daily", {ADVERTISER: "2024-03-15"})

    _read(get_source, config, state=state)

    # Los Angeles is at 05:00 on 2024-03-20: that is its today
    assert _windows(api) == [(ADVERTISER, "2024-03-12", "2024-03-20")]


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_lookback_zero_still_rereads_the_state_day(api, get_source):
    mock_advertisers(api, LA)
    mock_report(api, lambda query: [])
    config = ConfigBuilder().without("end_date").with_(lookback_days=0).build()
    _read(
        get_source,
        config,
        state=per_advertiser_state("ads_reports_daily", {ADVERTISER: "2024-03-19"}),
    )
    assert _windows(api) == [(ADVERTISER, "2024-03-19", "2024-03-20")]


@freeze_time("2024-03-20 20:30:00", tick=True)
def test_today_is_the_advertiser_local_day_ahead_and_behind_utc(api, get_source):
    # 20:30 UTC is already 2024-03-21 in Tokyo and still 2024-03-20 in Los Angeles
    mock_advertisers(
        api, {ADVERTISER: ("JPY", "Asia/Tokyo"), OTHER_ADVERTISER: ("USD", "America/Los_Angeles")}
    )
    mock_report(api, lambda query: [])
    config = (
        ConfigBuilder()
        .without("end_date")
        .with_(advertiser_ids=[ADVERTISER, OTHER_ADVERTISER], lookback_days=0)
        .build()
    )
    state = per_advertiser_state(
        "ads_reports_daily", {ADVERTISER: "2024-03-18", OTHER_ADVERTISER: "2024-03-18"}
    )

    _read(get_source, config, state=state)

    assert _windows(api) == [
        (ADVERTISER, "2024-03-18", "2024-03-21"),
        (OTHER_ADVERTISER, "2024-03-18", "2024-03-20"),
    ]


@freeze_time("2024-03-01 03:00:00", tick=True)
def test_a_window_starting_after_the_advertiser_today_is_not_requested(api, get_source):
    # 03:00 UTC: Kiribati (UTC+14) is on 2024-03-01, Los Angeles still on 2024-02-29; the cursor
    # ends at the latest date on Earth, so its last window [03-01, 03-01] is past LA's today
    mock_advertisers(api, LA)
    mock_report(api, lambda query: [])
    config = ConfigBuilder().without("end_date").with_(start_date="2024-01-31").build()

    _read(get_source, config)

    assert _windows(api) == [(ADVERTISER, "2024-01-31", "2024-02-29")]


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_several_advertisers_each_get_their_own_requests_state_and_context(api, get_source):
    mock_advertisers(
        api, {ADVERTISER: ("JPY", "Asia/Tokyo"), OTHER_ADVERTISER: ("GBP", "Europe/London")}
    )
    mock_report(
        api,
        lambda query: [report_row(query["advertiser_id"][-1], query["start_date"], {"spend": "2"})],
    )
    config = ConfigBuilder().with_(advertiser_ids=[ADVERTISER, OTHER_ADVERTISER]).build()

    output = _read(get_source, config)

    rows = sorted(
        (
            record.record.data["advertiser_id"],
            record.record.data["currency"],
            record.record.data["timezone"],
        )
        for record in output.records
    )
    assert rows == [(ADVERTISER, "JPY", "Asia/Tokyo"), (OTHER_ADVERTISER, "GBP", "Europe/London")]
    partitions = {
        s["partition"]["advertiser_id"]
        for s in output.most_recent_state.stream_state.__dict__["states"]
    }
    assert partitions == {ADVERTISER, OTHER_ADVERTISER}


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_report_step_days_sets_the_window_length(api, get_source):
    mock_advertisers(api, LA)
    mock_report(api, lambda query: [])
    _read(get_source, ConfigBuilder().with_(report_step_days=4, end_date="2024-01-10").build())
    assert _windows(api) == [
        (ADVERTISER, "2024-01-01", "2024-01-04"),
        (ADVERTISER, "2024-01-05", "2024-01-08"),
        (ADVERTISER, "2024-01-09", "2024-01-10"),
    ]


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_custom_report_adds_a_stream_with_its_own_dimensions_and_metrics(api, get_source):
    mock_advertisers(api, LA)
    mock_report(
        api,
        lambda query: [
            {
                "dimensions": {
                    "campaign_id": "5",
                    "stat_time_day": "2024-01-03 00:00:00",
                    "country_code": "US",
                },
                "metrics": {"clicks": "4"},
            }
        ],
    )
    report = {
        "name": "campaigns_by_country",
        "data_level": "AUCTION_CAMPAIGN",
        "dimensions": ["country_code"],
        "metrics": ["clicks"],
    }
    config = ConfigBuilder().with_(custom_reports=[report], end_date="2024-01-05").build()

    output = _read(get_source, config, stream="campaigns_by_country")

    (request,) = report_requests(api)
    assert request["data_level"] == "AUCTION_CAMPAIGN"
    assert json.loads(request["dimensions"]) == ["campaign_id", "stat_time_day", "country_code"]
    assert json.loads(request["metrics"]) == ["clicks"]
    assert [record.record.data for record in output.records] == [
        {
            "campaign_id": "5",
            "stat_time_day": "2024-01-03",
            "country_code": "US",
            "clicks": 4,
            "advertiser_id": ADVERTISER,
            "currency": "USD",
            "timezone": "America/Los_Angeles",
        }
    ]

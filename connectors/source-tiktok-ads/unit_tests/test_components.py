"""The custom components on their own, with TikTok-shaped inputs and a fake clock."""

import json
import random
from datetime import date

import pytest
import requests
from airbyte_cdk.sources.types import StreamSlice
from freezegun import freeze_time

from .helpers import FakeClock

PACE = {
    "requests_per_second": 8,
    "lowest_per_second": 1,
    "increase_per_second": 0.5,
    "decrease_factor": 0.5,
}
CONFIG = {"access_token": "changeme-test-token"}


def _response(body: dict | None, status: int = 200, text: str | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = (text if text is not None else json.dumps(body)).encode()
    return response


def _pace(components_module, clock: FakeClock, **settings):
    pace = components_module.TikTokPace(**{**PACE, **settings})
    pace.clock, pace.sleep = clock, clock.sleep
    return pace


def _strategy(components_module, clock: FakeClock):
    """A backoff strategy whose shared pace runs on ``clock``; jitter from a seeded generator."""
    strategy = components_module.TikTokBackoffStrategy(config=CONFIG, parameters={}, pace=PACE)
    pace = components_module.TikTokPace.for_app(CONFIG, PACE)
    pace.clock, pace.sleep = clock, clock.sleep
    strategy.rng = random.Random(7)
    return strategy, pace


def test_extractor_flattens_types_and_nulls_not_applicable_values(components_module):
    extractor = components_module.TikTokReportRecordExtractor(
        config={}, parameters={}, text_metrics=["campaign_name"]
    )
    body = {
        "code": 0,
        "data": {
            "list": [
                {
                    "dimensions": {
                        "ad_id": "1800000000000000001",
                        "stat_time_day": "2024-01-05 00:00:00",
                    },
                    "metrics": {
                        "spend": "3.50",
                        "clicks": "7",
                        "ctr": "-",
                        "campaign_name": "007",
                        "cpc": "-0.5",
                    },
                }
            ]
        },
    }
    assert list(extractor.extract_records(_response(body))) == [
        {
            "ad_id": "1800000000000000001",
            "stat_time_day": "2024-01-05",
            "spend": 3.5,
            "clicks": 7,
            "ctr": None,
            "campaign_name": "007",
            "cpc": -0.5,
        }
    ]


def test_extractor_handles_an_empty_data_block(components_module):
    extractor = components_module.TikTokReportRecordExtractor(config={}, parameters={})
    assert list(extractor.extract_records(_response({"code": 0, "data": {}}))) == []


def test_context_transformation_stamps_the_slice_advertiser(components_module):
    transformation = components_module.TikTokAdvertiserContextTransformation(
        config={}, parameters={}
    )
    record = {"ad_id": "1"}
    stream_slice = StreamSlice(
        partition={"advertiser_id": "9"},
        cursor_slice={},
        extra_fields={"currency": "BRL", "timezone": "America/Sao_Paulo"},
    )
    transformation.transform(record, stream_slice=stream_slice)
    assert record == {
        "ad_id": "1",
        "advertiser_id": "9",
        "currency": "BRL",
        "timezone": "America/Sao_Paulo",
    }


def test_pace_spaces_requests_evenly_at_its_rate(components_module):
    clock = FakeClock()
    pace = _pace(components_module, clock)

    for _ in range(5):
        pace.wait_turn()

    # the first request goes at once, then one every 1/8 s
    assert clock.slept == pytest.approx([0.125] * 4)


def test_pace_halves_once_per_congestion_and_recovers_by_additive_steps(components_module):
    clock = FakeClock()
    pace = _pace(components_module, clock)

    pace.throttled()
    pace.throttled()  # a second answer of the same burst: no second decrease
    assert pace.rate == 4
    clock.now += 1
    pace.throttled()
    assert pace.rate == 2
    for _ in range(4):
        pace.answered()
    # each answer adds 0.5 / rate (0.5 request/s per second of answers): 2 -> about 2.86
    assert 2.85 < pace.rate < 2.87


def test_pace_stays_between_its_lowest_and_highest_rate(components_module):
    clock = FakeClock()
    pace = _pace(components_module, clock)
    for _ in range(10):
        clock.now += 10
        pace.throttled()
    assert pace.rate == 1
    for _ in range(1000):
        pace.answered()
    assert pace.rate == 8


def test_after_a_throttle_nobody_starts_before_one_interval_of_the_new_pace(components_module):
    clock = FakeClock()
    pace = _pace(components_module, clock)

    pace.throttled()
    pace.wait_turn()

    assert clock.slept == [0.25]


def test_pace_is_shared_by_every_component_of_one_app_and_apart_between_apps(components_module):
    first = components_module.TikTokPace.for_app({"access_token": "changeme-a"}, PACE)
    again = components_module.TikTokPace.for_app({"access_token": "changeme-a"}, {})
    other = components_module.TikTokPace.for_app({"access_token": "changeme-b"}, PACE)
    assert first is again
    assert first is not other


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        pytest.param(_response({"code": 40100, "message": "App reaches the QPS limit."}), "qps"),
        pytest.param(_response({"code": 51021, "message": "Too many requests"}), "qps"),
        pytest.param(_response(None, 429, "slow down"), "qps", id="http-429-no-json"),
        pytest.param(
            _response(
                {
                    "code": 40100,
                    "message": "Due to too many requests, requests from App 123 are temporarily "
                    "restricted.",
                }
            ),
            "restricted",
        ),
        pytest.param(_response({"code": 50002, "message": "System busy"}), "transient"),
        pytest.param(_response(None, 502, "<html>bad gateway</html>"), "transient"),
        pytest.param(requests.ConnectionError("reset"), "transient", id="connection-reset"),
    ],
)
def test_the_wait_is_chosen_from_what_tiktok_answered(components_module, answer, kind):
    strategy, _ = _strategy(components_module, FakeClock())
    assert strategy.answer_kind(answer) == kind


def test_a_qps_answer_waits_about_a_second_with_jitter_and_slows_the_pace(components_module):
    strategy, pace = _strategy(components_module, FakeClock())
    throttled = _response({"code": 40100, "message": "App reaches the QPS limit."})

    waits = [strategy.backoff_time(throttled, attempt) for attempt in range(1, 6)]

    # the CDK sleeps the value plus 1 s: between 1 s and 1.5 s, whatever the attempt
    assert all(0 < wait <= 0.5 for wait in waits)
    assert len(set(waits)) > 1
    assert pace.rate == 4


def test_only_a_restricted_app_waits_minutes(components_module):
    strategy, _ = _strategy(components_module, FakeClock())
    restricted = _response(
        {"code": 40100, "message": "Requests from App 123 are temporarily restricted."}
    )
    assert [strategy.backoff_time(restricted, n) for n in (1, 2, 3, 4)] == [60, 120, 240, 300]


def test_transient_failures_wait_briefly_and_never_more_than_ten_seconds(components_module):
    strategy, _ = _strategy(components_module, FakeClock())
    broken = _response({"code": 50000, "message": "System error"})
    waits = [strategy.backoff_time(broken, n) for n in range(1, 9)]
    assert waits == [1, 2, 4, 8, 9, 9, 9, 9]
    assert max(waits) + strategy.CDK_EXTRA_SECONDS <= 10


def test_a_retry_takes_its_turn_in_the_pace(components_module):
    clock = FakeClock()
    strategy, pace = _strategy(components_module, clock)
    pace.rate = pace.lowest = pace.highest = 0.2  # one request every 5 s
    pace.wait_turn()

    wait = strategy.backoff_time(_response({"code": 50002}), 1)

    # the retry's slot is 5 s away; the CDK adds 1 s to what is returned
    assert wait == pytest.approx(4)


@freeze_time("2024-06-30 23:30:00")
def test_local_today_follows_the_advertiser_zone(components_module):
    assert components_module.local_today("Asia/Tokyo") == date(2024, 7, 1)
    assert components_module.local_today("America/New_York") == date(2024, 6, 30)
    assert components_module.local_today("Mars/Olympus") is None
    assert components_module.local_today(None) is None


@freeze_time("2024-06-30 23:30:00")
def test_a_future_cursor_moves_back_to_the_earliest_today_on_earth(components_module):
    migration = components_module.TikTokReportStateMigration(config={}, parameters={})
    state = {
        "states": [
            {"partition": {"advertiser_id": "1"}, "cursor": {"stat_time_day": "2099-01-01"}},
            {"partition": {"advertiser_id": "2"}, "cursor": {"stat_time_day": "2024-06-01"}},
        ],
        "state": {"stat_time_day": "2099-01-01"},
    }

    assert migration.should_migrate(state)
    migrated = migration.migrate(state)

    # at 23:30 UTC the earliest date on Earth (UTC-12) is 2024-06-30
    assert [s["cursor"]["stat_time_day"] for s in migrated["states"]] == [
        "2024-06-30",
        "2024-06-01",
    ]
    assert migrated["state"] == {"stat_time_day": "2024-06-30"}


@pytest.mark.parametrize(
    ("state", "problem"),
    [
        pytest.param({"states": "x"}, '"states" is not a list', id="states-not-a-list"),
        pytest.param(
            {
                "states": [
                    {"partition": {"advertiser_id": "1"}, "cursor": {"stat_time_day": "soon"}}
                ]
            },
            "stat_time_day='soon' is not a date",
            id="cursor-not-a-date",
        ),
        pytest.param({"states": [{"cursor": {}}]}, "no partition or cursor", id="no-partition"),
    ],
)
def test_a_state_of_the_wrong_shape_names_the_stream_and_how_to_reset_it(
    components_module, state, problem
):
    class Stream:
        name = "ads_reports_daily"

    migration = components_module.TikTokReportStateMigration(
        config={}, parameters={}, declarative_stream=Stream()
    )
    with pytest.raises(Exception) as raised:
        migration.should_migrate(state)
    assert problem in raised.value.message
    assert "stream ads_reports_daily" in raised.value.message
    assert "Clear data" in raised.value.message


def test_schema_loader_describes_exactly_the_requested_columns(components_module):
    loader = components_module.TikTokReportSchemaLoader(
        config={},
        parameters={"dimensions": ["ad_id", "stat_time_day"], "metrics": ["spend", "ad_name"]},
        text_metrics=["ad_name"],
    )
    properties = loader.get_json_schema()["properties"]
    assert set(properties) == {
        "advertiser_id",
        "currency",
        "timezone",
        "ad_id",
        "stat_time_day",
        "spend",
        "ad_name",
    }
    assert properties["spend"]["type"] == ["null", "number"]
    assert properties["ad_name"]["type"] == ["null", "string"]

"""The custom components on their own, with TikTok-shaped inputs."""

import json
from datetime import date

import requests
from airbyte_cdk.sources.types import StreamSlice
from freezegun import freeze_time


def _response(body: dict) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps(body).encode()
    return response


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


def test_backoff_waits_long_on_rate_limits_and_short_on_transient_errors(components_module):
    strategy = components_module.TikTokBackoffStrategy(
        config={}, parameters={}, rate_limit_seconds=15, transient_seconds=2, max_seconds=300
    )
    throttled = _response({"code": 40100})
    broken = _response({"code": 50000})
    assert [strategy.backoff_time(throttled, n) for n in (1, 2, 3)] == [15, 30, 60]
    assert [strategy.backoff_time(broken, n) for n in (1, 2, 3)] == [2, 4, 8]
    assert strategy.backoff_time(throttled, 10) == 300


def test_backoff_reads_gateway_errors_without_a_json_body(components_module):
    strategy = components_module.TikTokBackoffStrategy(config={}, parameters={})
    page = requests.Response()
    page.status_code = 502
    page._content = b"<html>bad gateway</html>"
    assert strategy.backoff_time(page, 1) == 2
    page.status_code = 429
    assert strategy.backoff_time(page, 1) == 15


@freeze_time("2024-06-30 23:30:00")
def test_local_today_follows_the_advertiser_zone(components_module):
    assert components_module.local_today("Asia/Tokyo") == date(2024, 7, 1)
    assert components_module.local_today("America/New_York") == date(2024, 6, 30)
    assert components_module.local_today("Mars/Olympus") is None
    assert components_module.local_today(None) is None


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

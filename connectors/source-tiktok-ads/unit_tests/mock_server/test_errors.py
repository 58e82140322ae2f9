"""TikTok's error answers: HTTP 200 with a code, gateway errors with or without JSON."""

import pytest
from airbyte_cdk.models import FailureType, SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import read
from freezegun import freeze_time

from ..helpers import (
    BASE,
    TOKEN,
    ConfigBuilder,
    advertiser_info,
    catalog,
    envelope,
    page,
    report_row,
)

REPORT = f"{BASE}/report/integrated/get/"
OK_PAGE = page([report_row("1", "2024-01-02", {"spend": "1"})])


def _read_report(get_source, config=None):
    config = config or ConfigBuilder().with_(end_date="2024-01-05").build()
    configured = catalog("ads_reports_daily")
    return read(get_source(config, catalog=configured), config, configured)


def _answers(*bodies):
    return [{"json": b} if isinstance(b, dict) else b for b in bodies]


@freeze_time("2024-03-20 12:00:00", tick=True)
@pytest.mark.parametrize(
    ("first_answer", "kind"),
    [
        pytest.param(
            {"json": envelope(code=40100, message="App reaches the QPS limit.")},
            "rate",
            id="40100-qps-limit",
        ),
        pytest.param(
            {"json": envelope(code=51021, message="Too many requests")}, "rate", id="51021-too-many"
        ),
        pytest.param(
            {"json": envelope(code=50000, message="System error")}, "transient", id="50000-internal"
        ),
        pytest.param(
            {"json": envelope(code=50002, message="System busy")}, "transient", id="50002-internal"
        ),
        pytest.param(
            {"json": envelope(code=60001, message="Service maintenance")},
            "transient",
            id="60001-maintenance",
        ),
        pytest.param(
            {"status_code": 500, "text": "<html>oops</html>"}, "transient", id="http-500-html"
        ),
        pytest.param(
            {"status_code": 503, "json": {"code": 50000}}, "transient", id="http-503-json"
        ),
        pytest.param({"status_code": 429, "text": "slow down"}, "rate", id="http-429-text"),
        pytest.param(
            {"status_code": 429, "json": envelope(code=40100)}, "rate", id="http-429-json"
        ),
    ],
)
def test_throttling_and_transient_failures_are_retried_until_the_data_arrives(
    api, get_source, no_sleep, first_answer, kind
):
    api.get(f"{BASE}/advertiser/info/", json=advertiser_info())
    api.get(REPORT, [first_answer, first_answer, {"json": OK_PAGE}])

    output = _read_report(get_source)

    assert len(output.records) == 1
    assert not output.errors
    # waits under 1 s are the pace spacing requests; the CDK adds 1 s to every backoff
    backoff_waits = [wait for wait in no_sleep if wait >= 1]
    if kind == "rate":
        # a QPS limit clears within a second: about 1 s with jitter, not minutes
        assert len(backoff_waits) == 2
        assert all(1.0 < wait <= 1.5 for wait in backoff_waits)
    else:
        assert backoff_waits == [2.0, 3.0]


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_only_an_app_tiktok_says_is_restricted_waits_minutes(api, get_source, no_sleep):
    restricted = envelope(
        code=40100,
        message="Due to too many requests, requests from App 123 are temporarily restricted.",
    )
    api.get(f"{BASE}/advertiser/info/", json=advertiser_info())
    api.get(REPORT, [{"json": restricted}, {"json": OK_PAGE}])

    output = _read_report(get_source)

    assert len(output.records) == 1
    assert [wait for wait in no_sleep if wait >= 1] == [61.0]


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_no_wait_exceeds_ten_seconds_while_tiktok_keeps_failing(api, get_source, no_sleep):
    busy = {"json": envelope(code=50002, message="System busy")}
    throttled = {"json": envelope(code=40100, message="App reaches the QPS limit.")}
    api.get(f"{BASE}/advertiser/info/", json=advertiser_info())
    api.get(REPORT, [busy, throttled] * 4 + [{"json": OK_PAGE}])

    output = _read_report(get_source)

    assert len(output.records) == 1
    assert max(no_sleep) <= 10


@freeze_time("2024-03-20 12:00:00", tick=True)
@pytest.mark.parametrize(
    ("code", "names"),
    [
        pytest.param(40105, "access_token", id="40105-token-revoked"),
        pytest.param(40001, "advertiser_ids", id="40001-advertiser-not-authorized"),
    ],
)
def test_auth_refusals_are_config_errors_that_name_the_field(api, get_source, code, names):
    api.get(f"{BASE}/advertiser/info/", json=envelope(code=code, message="denied"))
    api.get(REPORT, json=OK_PAGE)

    output = _read_report(get_source)

    error = output.errors[0].trace.error
    assert error.failure_type == FailureType.config_error
    assert names in error.message and str(code) in error.message
    assert output.records == []


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_wrong_app_credentials_during_discovery_name_app_id_and_secret(api, get_source):
    api.get(
        f"{BASE}/oauth2/advertiser/get/",
        json=envelope(code=40101, message="The app_id or secret is invalid."),
    )
    config = (
        ConfigBuilder()
        .with_(advertiser_ids=[], app_id="changeme-app", secret="changeme-secret")
        .build()
    )
    configured = catalog("campaigns", SyncMode.full_refresh)

    output = read(get_source(config, catalog=configured), config, configured)

    error = output.errors[0].trace.error
    assert error.failure_type == FailureType.config_error
    assert "app_id and secret" in error.message
    assert all(
        "changeme-secret" not in (m.trace.error.internal_message or "") + m.trace.error.message
        for m in output.errors
    )


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_invalid_parameter_fails_naming_the_endpoint_and_tiktok_reason(api, get_source):
    api.get(f"{BASE}/advertiser/info/", json=advertiser_info())
    api.get(
        REPORT, json=envelope(code=40002, message="max time span is 30 days when use stat_time_day")
    )

    output = _read_report(get_source)

    error = output.errors[0].trace.error
    assert error.failure_type == FailureType.system_error
    assert "report/integrated/get" in error.message
    assert "max time span is 30 days" in error.message
    assert "start_date=2024-01-01" in error.internal_message
    assert TOKEN not in error.internal_message


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_query_too_large_is_a_config_error_pointing_at_report_step_days(api, get_source):
    api.get(f"{BASE}/advertiser/info/", json=advertiser_info())
    api.get(REPORT, json=envelope(code=40067, message="query too large"))

    output = _read_report(get_source)

    error = output.errors[0].trace.error
    assert error.failure_type == FailureType.config_error
    assert "report_step_days" in error.message


@freeze_time("2024-03-20 12:00:00", tick=True)
def test_a_throttled_parent_answer_is_asked_again_and_only_its_success_is_reused(
    api, get_source, no_sleep
):
    # TikTok throttles with HTTP 200: a cache of parent answers would replay the 40100 to every
    # retry, and every report stream would fail after its retries
    api.get(
        f"{BASE}/advertiser/info/",
        [
            {"json": envelope(code=40100, message="App reaches the QPS limit.")},
            {"json": advertiser_info()},
        ],
    )
    api.get(REPORT, json=OK_PAGE)
    config = ConfigBuilder().with_(end_date="2024-01-05").build()
    configured = (
        CatalogBuilder()
        .with_stream("ads_reports_daily", SyncMode.incremental)
        .with_stream("campaigns_reports_daily", SyncMode.incremental)
        .build()
    )

    output = read(get_source(config, catalog=configured), config, configured)

    assert not output.errors
    assert len(output.records) == 2
    info_requests = [
        request for request in api.request_history if request.path.endswith("/advertiser/info/")
    ]
    assert len(info_requests) == 2

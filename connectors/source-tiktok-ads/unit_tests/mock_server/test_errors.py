"""TikTok's error answers: HTTP 200 with a code, gateway errors with or without JSON."""

import pytest
from airbyte_cdk.models import FailureType, SyncMode
from airbyte_cdk.test.entrypoint_wrapper import read
from freezegun import freeze_time

from ..tiktok_api import (
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


@freeze_time("2024-03-20 12:00:00")
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
    backoff_waits = [w for w in no_sleep if w >= 1]
    # rate limits wait long (15 s doubling), transient failures briefly (2 s doubling); the CDK
    # adds 1 s, and after an HTTP 429 the request budget may add its own short pause
    if kind == "rate":
        assert backoff_waits[0] == 16.0
        assert 31.0 in backoff_waits or first_answer.get("status_code") == 429
    else:
        assert backoff_waits[:2] == [3.0, 5.0]


@freeze_time("2024-03-20 12:00:00")
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


@freeze_time("2024-03-20 12:00:00")
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


@freeze_time("2024-03-20 12:00:00")
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


@freeze_time("2024-03-20 12:00:00")
def test_query_too_large_is_a_config_error_pointing_at_report_step_days(api, get_source):
    api.get(f"{BASE}/advertiser/info/", json=advertiser_info())
    api.get(REPORT, json=envelope(code=40067, message="query too large"))

    output = _read_report(get_source)

    error = output.errors[0].trace.error
    assert error.failure_type == FailureType.config_error
    assert "report_step_days" in error.message

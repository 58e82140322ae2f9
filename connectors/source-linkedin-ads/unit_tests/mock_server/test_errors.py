"""Each failure LinkedIn can answer with gets its own handling and an actionable message."""

import pytest
from airbyte_cdk.models import FailureType

from sandboxes.linkedin import BURST_MESSAGE, DAILY_QUOTA_MESSAGE, DATA_LIMIT_MESSAGE

from ..helpers import (
    ANALYTICS,
    REFRESH_TOKEN,
    TOKEN_URL,
    ConfigBuilder,
    analytics_requests,
    raw_params,
    run_read,
)

STREAM = "ad_analytics_by_campaign"
OK = {"json": {"elements": [], "paging": {}}}


def _error(status, message, **extra):
    return {"status_code": status, "json": {"status": status, "message": message, **extra}}


def _read(get_source, api, responses, config=None):
    api.register_uri("GET", ANALYTICS, responses)
    output = run_read(get_source, config or ConfigBuilder().build(), [STREAM])
    return output, analytics_requests(api)


def _failure(output):
    errors = [e.trace.error for e in output.errors if e.trace and e.trace.error]
    assert errors, "the sync should have failed"
    return errors[0]


def test_401_asks_to_re_authenticate(get_source, api):
    output, _ = _read(
        get_source, api, [_error(401, "Invalid access token", code="INVALID_ACCESS_TOKEN")]
    )
    error = _failure(output)
    assert error.failure_type == FailureType.config_error
    assert "Re-authenticate" in error.message and "INVALID_ACCESS_TOKEN" in error.message


def test_403_names_the_account_and_the_missing_scopes(get_source, api):
    output, _ = _read(
        get_source, api, [_error(403, "Not enough permissions to access: adAnalytics")]
    )
    error = _failure(output)
    assert error.failure_type == FailureType.config_error
    assert "ad account 111" in error.message
    assert "r_ads_reporting" in error.message and "role" in error.message


def test_426_says_which_version_is_sunset(get_source, api):
    response = _error(426, "Requested version 20250201 is not active", code="NONEXISTENT_VERSION")
    output, _ = _read(get_source, api, [response])
    error = _failure(output)
    assert error.failure_type == FailureType.config_error
    assert error.message.startswith("LinkedIn API version 202502 is sunset: upgrade the connector")


def test_data_throttle_429_waits_past_the_five_minute_window(get_source, api, no_sleep):
    output, requests = _read(get_source, api, [_error(429, DATA_LIMIT_MESSAGE), OK])
    assert not output.errors
    assert len(requests) == 2
    assert max(no_sleep) >= 330


def test_burst_429_and_5xx_back_off_briefly_with_jitter(get_source, api, no_sleep):
    responses = [_error(429, BURST_MESSAGE), _error(503, "Service Unavailable"), OK]
    output, requests = _read(get_source, api, responses)
    assert not output.errors
    assert len(requests) == 3
    assert all(wait < 10 for wait in no_sleep)
    assert any(wait > 0 for wait in no_sleep)


def test_six_burst_429s_in_a_row_never_stall_the_sync_for_more_than_ten_seconds(
    get_source, api, no_sleep
):
    output, requests = _read(get_source, api, [_error(429, BURST_MESSAGE)] * 6 + [OK])
    assert not output.errors
    assert len(requests) == 7
    assert no_sleep and max(no_sleep) <= 10


def test_daily_quota_429_fails_at_once_with_the_reset_time(get_source, api, no_sleep):
    output, requests = _read(get_source, api, [_error(429, DAILY_QUOTA_MESSAGE), OK])
    error = _failure(output)
    assert len(requests) == 1
    assert error.failure_type == FailureType.transient_error
    assert "quota resets at 00:00 UTC" in error.message


def test_long_queries_are_tunneled_as_post_with_method_override(get_source, api):
    api.register_uri("POST", ANALYTICS, json={"elements": [], "paging": {}})
    output = run_read(get_source, ConfigBuilder().with_(max_url_length=200).build(), [STREAM])

    assert not output.errors
    (request,) = analytics_requests(api)
    assert request.method == "POST"
    assert request.headers["X-HTTP-Method-Override"] == "GET"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "?" not in request.url
    assert raw_params(request)["accounts"] == "List(urn%3Ali%3AsponsoredAccount%3A111)"


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (
            400,
            {"error": "invalid_grant", "error_description": "revoked"},
            "expired or was revoked: re-authorize",
        ),
        (401, {"error": "invalid_client"}, "credentials.client_id and credentials.client_secret"),
    ],
)
def test_oauth_refresh_failures_are_config_errors(get_source, api, status, body, expected):
    api.post(TOKEN_URL, status_code=status, json=body)
    output = run_read(get_source, ConfigBuilder().with_oauth().build(), ["ad_accounts"])

    error = _failure(output)
    assert error.failure_type == FailureType.config_error
    assert expected in error.message
    assert REFRESH_TOKEN not in str(output.errors)

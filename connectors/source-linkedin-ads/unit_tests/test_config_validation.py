"""Config mistakes fail check and read before any request, naming the field and the rule."""

import freezegun
import pytest
from airbyte_cdk.models import FailureType, Status

from .helpers import ANALYTICS, BASE, ConfigBuilder, error_messages, page, run_check, run_read

TODAY = "2024-02-01"
MISTAKES = [
    (
        {"start_date": "2024-02-02"},
        "start_date 2024-02-02 is after today (2024-02-01 in UTC",
    ),
    (
        {"start_date": "2024-01-10", "end_date": "2024-01-09"},
        "end_date 2024-01-09 is before start_date 2024-01-10",
    ),
    ({"start_date": "2024/01/01"}, "start_date must be a date as YYYY-MM-DD"),
    ({"end_date": "10 Jan 2024"}, "end_date must be a date as YYYY-MM-DD"),
    ({"lookback_days": -1}, "lookback_days must be 0 or more; got -1."),
    ({"lookback_days": 91}, "lookback_days must be 90 or less; got 91."),
    ({"slice_days": 0}, "slice_days must be 1 or more; got 0."),
    ({"num_workers": 21}, "num_workers must be 20 or less; got 21."),
    ({"requests_per_second": 0}, "requests_per_second must be 1 or more; got 0."),
    ({"account_ids": []}, "account_ids must be a non-empty list of numeric ids"),
    ({"account_ids": [0]}, "account_ids must be a non-empty list of numeric ids"),
    ({"account_ids": [111, 111]}, "account_ids must list each id once; repeated: [111]."),
    (
        {"custom_reports": [{"name": "By Country", "pivots": ["CAMPAIGN"]}]},
        "custom_reports[0].name must be lower_snake_case",
    ),
    (
        {
            "custom_reports": [
                {"name": "by_country", "pivots": ["CAMPAIGN", "MEMBER_COUNTRY_V2"]},
                {"name": "by_country", "pivots": ["ACCOUNT"]},
            ]
        },
        "custom_reports[1].name 'by_country' is already used by custom_reports[0]",
    ),
    (
        {
            "custom_reports": [
                {"name": "wide", "pivots": ["ACCOUNT", "CAMPAIGN", "CREATIVE", "COMPANY"]}
            ]
        },
        "custom_reports[0].pivots must hold one to 3 different pivots",
    ),
]


@freezegun.freeze_time(f"{TODAY}T23:30:00Z", tick=True)
@pytest.mark.parametrize(("change", "message"), MISTAKES, ids=lambda v: str(v)[:40])
def test_check_refuses_the_config_naming_the_field_and_the_rule(get_source, api, change, message):
    status = run_check(get_source, ConfigBuilder().with_(**change).build())

    assert status.status == Status.FAILED
    assert message in (status.message or "")
    assert not api.request_history, "no request may be made with a refused config"


@freezegun.freeze_time(f"{TODAY}T23:30:00Z", tick=True)
@pytest.mark.parametrize(("change", "message"), MISTAKES, ids=lambda v: str(v)[:40])
def test_read_fails_with_a_config_error_before_any_request(get_source, api, change, message):
    output = run_read(
        get_source, ConfigBuilder().with_(**change).build(), ["ad_analytics_by_campaign"]
    )

    assert not output.records
    assert any(message in text for text in error_messages(output)), error_messages(output)
    assert {e.trace.error.failure_type for e in output.errors} == {FailureType.config_error}
    assert not api.request_history


@freezegun.freeze_time(f"{TODAY}T23:30:00Z", tick=True)
def test_check_accepts_today_as_start_date_and_an_end_date_after_today(get_source, api):
    api.get(f"{BASE}/adAccounts", json=page([{"id": 111}]))
    api.register_uri("GET", ANALYTICS, json={"elements": [], "paging": {}})
    config = ConfigBuilder().with_(start_date=TODAY, end_date="2024-12-31", lookback_days=0)

    status = run_check(get_source, config.build())

    assert status.status == Status.SUCCEEDED, status.message

"""Every readiness rule, one behaviour per test, on a production-like environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from airbyte_provisioning.checks.readiness import (
    VARIABLE_SPECS,
    placeholder_reason,
    template_required_variables,
)

from .helpers import EXAMPLE, LINKEDIN_ON, codes, run


def test_production_like_environment_passes_every_rule(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    report = run(production_env, tmp_path)
    assert report.findings == []
    statuses = {rule: entry["status"] for rule, entry in report.rules_summary().items()}
    assert statuses == {
        "tenant_config": "passed",
        "airbyte_access": "passed",
        "template_connections": "passed",
        "tenant_resources": "passed",
        "connector_variables": "passed",
        "start_dates": "passed",
        "linkedin_api_version": "skipped",
    }


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("changeme-meta-token", "changeme"),
        ("Bearer CHANGEME", "changeme"),
        ("xxxxxxxx", "'xxx'"),
        ("act_xxxxxxxxx", "'xxx'"),
        ("<your token>", "'<...>'"),
        ("Bearer <jwt>", "'<...>'"),
        ("REPLACE_ME", "REPLACE/TODO"),
        ("TODO", "REPLACE/TODO"),
        ("your-client-id", "your-"),
        ("00000000-0000-4000-8000-00000000a001", "zero-filled sample UUID"),
        ("00000000-0000-0000-0000-000000000000", "zero-filled sample UUID"),
        ("000-000-0000", "zero-filled sample number"),
        ("act_000000000000001", "zero-filled sample number"),
        ("https://www.example.com/", "reserved example host"),
        ("sc-domain:example.org", "reserved example host"),
        ("http://airbyte.test:8000", "reserved example host"),
    ],
)
def test_placeholder_markers_are_recognised(value: str, reason: str) -> None:
    found = placeholder_reason(value)
    assert found is not None and reason in found


@pytest.mark.parametrize(
    "value",
    [
        "act_238401957734512",
        "678-394-8572",
        "c4ca4238-a0b9-4382-8dcc-509a6f75849b",
        "https://airbyte.internal.agency.io",
        "sc-domain:shop.agency.io",
        "EAAGm0PX4ZCpsBAKq7Zr2Lw9Xb3",
        "2023-01-01",
    ],
)
def test_real_looking_values_are_not_placeholders(value: str) -> None:
    assert placeholder_reason(value) is None


def test_a_value_copied_unchanged_from_env_example_is_a_placeholder() -> None:
    # a plausible number on its own; only the comparison with env.example exposes it
    assert placeholder_reason("7000000000000000001") is None
    assert placeholder_reason("7000000000000000001", "7000000000000000001") == (
        "still holds the env.example sample value"
    )


def test_env_example_itself_fails_with_every_production_variable_listed(tmp_path: Path) -> None:
    report = run(dict(EXAMPLE), tmp_path)
    errors = codes(report, "error")
    assert ("AIRBYTE_BASE_URL", "missing") in errors
    expected_placeholders = {
        "AIRBYTE_CLIENT_ID",
        "AIRBYTE_CLIENT_SECRET",
        "AIRBYTE_WORKSPACE_ID",
        "AIRBYTE_TEMPLATE_DESTINATION_ID",
        "AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID",
        "AIRBYTE_TEMPLATE_GOOGLE_METRICS_CONNECTION_ID",
        "AIRBYTE_TEMPLATE_DIMENSIONS_DAILY_CONNECTION_ID",
        "AIRBYTE_ACME_WORKSPACE_ID",
        "AIRBYTE_ACME_DESTINATION_ID",
        "AIRBYTE_GLOBEX_EU_WORKSPACE_ID",
        "AIRBYTE_GLOBEX_EU_DESTINATION_ID",
        "AIRBYTE_META_ACCOUNT_ID",
        "AIRBYTE_META_ACCESS_TOKEN",
        "AIRBYTE_GOOGLE_ADS_DEVELOPER_TOKEN",
        "AIRBYTE_GOOGLE_ADS_CLIENT_ID",
        "AIRBYTE_GOOGLE_ADS_CLIENT_SECRET",
        "AIRBYTE_GOOGLE_ADS_REFRESH_TOKEN",
        "AIRBYTE_GOOGLE_ADS_CUSTOMER_ID",
        # per-tenant account overrides are checked like the globals they replace
        "AIRBYTE_GLOBEX_EU_META_ACCOUNT_ID",
        "AIRBYTE_GLOBEX_EU_GOOGLE_ADS_CUSTOMER_ID",
    }
    assert {v for v, c in errors if c == "placeholder"} == expected_placeholders
    # GA4/Search Console samples and disabled LinkedIn/TikTok are not production variables
    assert not any(
        v.startswith(("AIRBYTE_GA4", "AIRBYTE_SEARCH", "AIRBYTE_LINK")) for v, _ in errors
    )
    # never sent by the Meta/Google templates: a placeholder there only warns
    assert ("AIRBYTE_META_APP_SECRET", "placeholder") in codes(report, "warning")


def test_missing_base_url_is_an_error(production_env: dict[str, str], tmp_path: Path) -> None:
    del production_env["AIRBYTE_BASE_URL"]
    assert codes(run(production_env, tmp_path)) == {("AIRBYTE_BASE_URL", "missing")}


def test_plain_http_to_a_remote_host_warns_but_localhost_does_not(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    production_env["AIRBYTE_BASE_URL"] = "http://airbyte.internal.agency.io:8000"
    assert codes(run(production_env, tmp_path), "warning") == {("AIRBYTE_BASE_URL", "insecure_url")}
    production_env["AIRBYTE_BASE_URL"] = "http://localhost:8000"
    assert run(production_env, tmp_path).findings == []


def test_without_any_airbyte_credentials_both_client_variables_are_required(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    del production_env["AIRBYTE_CLIENT_ID"], production_env["AIRBYTE_CLIENT_SECRET"]
    report = run(production_env, tmp_path)
    assert codes(report) == {
        ("AIRBYTE_CLIENT_ID", "missing"),
        ("AIRBYTE_CLIENT_SECRET", "missing"),
    }
    assert "AIRBYTE_API_AUTH_HEADER" in report.findings[0][1].message


def test_auth_header_replaces_client_credentials_and_leftover_samples_only_warn(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    production_env["AIRBYTE_API_AUTH_HEADER"] = "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"
    production_env["AIRBYTE_CLIENT_ID"] = EXAMPLE["AIRBYTE_CLIENT_ID"]
    del production_env["AIRBYTE_CLIENT_SECRET"]
    report = run(production_env, tmp_path)
    assert codes(report, "error") == set()
    assert codes(report, "warning") == {("AIRBYTE_CLIENT_ID", "placeholder")}


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Bearer <token>", "placeholder"),
        ("eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl", "bad_shape"),
        ("Token eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl", "bad_shape"),
        ("Bearer abc123", "bad_shape"),
    ],
)
def test_auth_header_must_be_a_complete_bearer_or_basic_value(
    production_env: dict[str, str], tmp_path: Path, header: str, code: str
) -> None:
    production_env["AIRBYTE_API_AUTH_HEADER"] = header
    assert codes(run(production_env, tmp_path)) == {("AIRBYTE_API_AUTH_HEADER", code)}


def test_short_airbyte_client_secret_is_implausible(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    production_env["AIRBYTE_CLIENT_SECRET"] = "s3cr3t"
    assert codes(run(production_env, tmp_path)) == {("AIRBYTE_CLIENT_SECRET", "bad_shape")}


def test_required_template_connection_id_unset_is_reported_once(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    del production_env["AIRBYTE_TEMPLATE_GOOGLE_METRICS_CONNECTION_ID"]
    report = run(production_env, tmp_path)
    # the tenant model already reports it; readiness does not repeat it under its own rule
    assert [(r, p.variable, p.code) for r, p in report.findings] == [
        ("tenant_config", "AIRBYTE_TEMPLATE_GOOGLE_METRICS_CONNECTION_ID", "missing")
    ]


def test_two_templates_sharing_one_connection_id_is_an_error(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    production_env["AIRBYTE_TEMPLATE_DIMENSIONS_DAILY_CONNECTION_ID"] = production_env[
        "AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID"
    ]
    assert codes(run(production_env, tmp_path)) == {
        ("AIRBYTE_TEMPLATE_DIMENSIONS_DAILY_CONNECTION_ID", "duplicate_id")
    }


def test_unset_template_destination_only_warns(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    del production_env["AIRBYTE_TEMPLATE_DESTINATION_ID"]
    report = run(production_env, tmp_path)
    assert codes(report, "warning") == {("AIRBYTE_TEMPLATE_DESTINATION_ID", "missing")}
    assert codes(report, "error") == set()


def test_tenant_ids_and_optional_connection_ids_must_not_be_samples(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    production_env["AIRBYTE_GLOBEX_EU_DESTINATION_ID"] = "00000000-0000-4000-8000-00000000d102"
    production_env["AIRBYTE_ACME_META_METRICS_CONNECTION_ID"] = (
        "00000000-0000-4000-8000-0000000c0001"
    )
    report = run(production_env, tmp_path)
    assert {(p.variable, p.code, p.tenant) for _, p in report.findings} == {
        ("AIRBYTE_GLOBEX_EU_DESTINATION_ID", "placeholder", "globex-eu"),
        ("AIRBYTE_ACME_META_METRICS_CONNECTION_ID", "placeholder", "acme"),
    }


def test_tenant_config_errors_are_included(production_env: dict[str, str], tmp_path: Path) -> None:
    production_env["AIRBYTE_ACME_WORKSPACE_ID"] = "not-a-uuid"
    report = run(production_env, tmp_path)
    assert [(r, p.variable, p.code) for r, p in report.findings] == [
        ("tenant_config", "AIRBYTE_ACME_WORKSPACE_ID", "invalid_uuid")
    ]


@pytest.mark.parametrize(
    ("variable", "value", "hint"),
    [
        ("AIRBYTE_META_ACCOUNT_ID", "act_12ab", "Meta ad account id"),
        ("AIRBYTE_META_ACCOUNT_ID", "act_238401957734512, 9", "Meta ad account id"),
        ("AIRBYTE_META_ACCESS_TOKEN", "EAAGm0PX4ZCps", "at least 40"),
        (
            "AIRBYTE_META_ACCESS_TOKEN",
            "EAAGm0PX4ZCpsBAK q7Zr2Lw9Xb3q7Zr2Lw9Xb3q7Zr2Lw9X",
            "whitespace",
        ),
        ("AIRBYTE_GOOGLE_ADS_DEVELOPER_TOKEN", "Ab3dE-fGh1jKlM_nOpQr5", "at least 22"),
        ("AIRBYTE_GOOGLE_ADS_DEVELOPER_TOKEN", "Ab3dE-fGh1jKlM_nOpQr5t9", "shape"),
        ("AIRBYTE_GOOGLE_ADS_CLIENT_ID", "918273645012-k2j3h4", "googleusercontent"),
        ("AIRBYTE_GOOGLE_ADS_CLIENT_SECRET", "'GOCSPX-7hG2kL9mN4pQ1rS8tU3vW6x'", "quotes"),
        ("AIRBYTE_GOOGLE_ADS_REFRESH_TOKEN", "1//0gT7yKp3Xq9", "at least 30"),
        ("AIRBYTE_GOOGLE_ADS_CUSTOMER_ID", "678-394-857", "10-digit"),
        ("AIRBYTE_GOOGLE_ADS_CUSTOMER_ID", "6783948572;5839201945", "10-digit"),
    ],
)
def test_implausible_meta_and_google_values_are_rejected(
    production_env: dict[str, str], tmp_path: Path, variable: str, value: str, hint: str
) -> None:
    production_env[variable] = value
    report = run(production_env, tmp_path)
    assert codes(report) == {(variable, "bad_shape")}
    assert hint in report.findings[0][1].message


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("AIRBYTE_META_ACCOUNT_ID", "238401957734512,act_110293847561"),
        ("AIRBYTE_GOOGLE_ADS_CUSTOMER_ID", "6783948572,5839201945"),
    ],
)
def test_comma_separated_ids_with_or_without_prefixes_are_accepted(
    production_env: dict[str, str], tmp_path: Path, variable: str, value: str
) -> None:
    production_env[variable] = value
    assert run(production_env, tmp_path).findings == []


def test_optional_login_customer_id_with_bad_shape_only_warns(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    production_env["AIRBYTE_GOOGLE_ADS_LOGIN_CUSTOMER_ID"] = "12345"
    report = run(production_env, tmp_path)
    assert codes(report, "warning") == {("AIRBYTE_GOOGLE_ADS_LOGIN_CUSTOMER_ID", "bad_shape")}
    assert codes(report, "error") == set()


def test_linkedin_and_tiktok_variables_are_required_only_once_their_template_is_enabled(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    production_env["AIRBYTE_LINKEDIN_ACCESS_TOKEN"] = "changeme-linkedin-access-token"
    assert run(production_env, tmp_path).findings == []
    production_env["AIRBYTE_TEMPLATE_TIKTOK_METRICS_CONNECTION_ID"] = (
        "d3d94468-02a4-4c1b-8a2e-5f6a7b8c9d0e"
    )
    production_env["AIRBYTE_TEMPLATE_LINKEDIN_METRICS_CONNECTION_ID"] = (
        "45c48cce-2e2d-4fbd-9e0f-1a2b3c4d5e6f"
    )
    report = run(production_env, tmp_path)
    assert codes(report) == {
        ("AIRBYTE_LINKEDIN_ACCOUNT_ID", "missing"),
        ("AIRBYTE_LINKEDIN_ACCESS_TOKEN", "placeholder"),
        ("AIRBYTE_TIKTOK_ADVERTISER_ID", "missing"),
        ("AIRBYTE_TIKTOK_ACCESS_TOKEN", "missing"),
    }
    assert report.platforms["TIKTOK"]["enabled"] is True


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("AIRBYTE_LINKEDIN_ACCOUNT_ID", "urn:li:sponsoredAccount:508231994"),
        ("AIRBYTE_TIKTOK_ADVERTISER_ID", "advertiser-7012345678901234567"),
    ],
)
def test_linkedin_and_tiktok_ids_must_be_numeric(
    production_env: dict[str, str], tmp_path: Path, variable: str, value: str
) -> None:
    production_env |= LINKEDIN_ON | {
        "AIRBYTE_TEMPLATE_TIKTOK_METRICS_CONNECTION_ID": "d3d94468-02a4-4c1b-8a2e-5f6a7b8c9d0e",
        "AIRBYTE_TIKTOK_ADVERTISER_ID": "7012345678901234567",
        "AIRBYTE_TIKTOK_ACCESS_TOKEN": "b8f3e2a1c7d94f6e0a5b3c2d1e9f8a7b6c5d4e3f",
        variable: value,
    }
    assert codes(run(production_env, tmp_path)) == {(variable, "bad_shape")}


def test_ga4_and_search_console_samples_alone_do_not_switch_them_on(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    production_env |= {
        k: v for k, v in EXAMPLE.items() if k.startswith(("AIRBYTE_GA4", "AIRBYTE_SEARCH"))
    }
    report = run(production_env, tmp_path)
    assert report.findings == []
    assert report.platforms["GA4"]["enabled"] is False
    assert report.platforms["SEARCH_CONSOLE"]["enabled"] is False


def test_one_real_ga4_value_puts_ga4_in_use_and_requires_the_rest(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    production_env |= {k: v for k, v in EXAMPLE.items() if k.startswith("AIRBYTE_GA4")}
    production_env["AIRBYTE_GA4_PROPERTY_ID"] = "properties/312456789"
    report = run(production_env, tmp_path)
    assert report.platforms["GA4"] == {
        "title": "Google Analytics 4",
        "enabled": True,
        "why": "AIRBYTE_GA4_PROPERTY_ID holds a real value",
    }
    assert codes(report) == {
        ("AIRBYTE_GA4_CLIENT_ID", "placeholder"),
        ("AIRBYTE_GA4_CLIENT_SECRET", "placeholder"),
        ("AIRBYTE_GA4_REFRESH_TOKEN", "placeholder"),
    }


def test_a_tenant_search_console_source_puts_search_console_in_use(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    production_env["AIRBYTE_ACME_SEARCH_CONSOLE_SOURCE_ID"] = "9bf31c7f-f062-4a36-8b8a-1d2c3e4f5a6b"
    production_env["AIRBYTE_SEARCH_CONSOLE_SITE_URL"] = "www.shop.agency.io"
    report = run(production_env, tmp_path)
    assert "AIRBYTE_ACME_SEARCH_CONSOLE_SOURCE_ID" in report.platforms["SEARCH_CONSOLE"]["why"]
    errors = codes(report, "error")
    assert ("AIRBYTE_SEARCH_CONSOLE_SITE_URL", "bad_shape") in errors
    assert ("AIRBYTE_SEARCH_CONSOLE_CLIENT_ID", "missing") in errors


def test_tenant_override_is_checked_for_that_tenant_and_global_for_the_others(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    production_env["AIRBYTE_ACME_META_ACCOUNT_ID"] = "act_xxxxxxxxxxxx"
    production_env["AIRBYTE_META_ACCOUNT_ID"] = "act_12"
    report = run(production_env, tmp_path)
    assert {(p.variable, p.code, p.tenant) for _, p in report.findings} == {
        ("AIRBYTE_ACME_META_ACCOUNT_ID", "placeholder", "acme"),
        ("AIRBYTE_META_ACCOUNT_ID", "bad_shape", None),
    }


def test_global_value_is_not_needed_when_every_tenant_overrides_it(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    del production_env["AIRBYTE_META_ACCESS_TOKEN"]
    production_env["AIRBYTE_ACME_META_ACCESS_TOKEN"] = "EAAGm0PX4ZCpsBAK" + "a1" * 30
    assert codes(run(production_env, tmp_path)) == {("AIRBYTE_META_ACCESS_TOKEN", "missing")}
    production_env["AIRBYTE_GLOBEX_EU_META_ACCESS_TOKEN"] = "EAAGm0PX4ZCpsBAK" + "b2" * 30
    assert run(production_env, tmp_path).findings == []


def test_tenant_override_compared_with_the_global_sample_value(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    production_env["AIRBYTE_GLOBEX_EU_GOOGLE_ADS_CUSTOMER_ID"] = EXAMPLE[
        "AIRBYTE_GOOGLE_ADS_CUSTOMER_ID"
    ]
    report = run(production_env, tmp_path)
    assert [(p.variable, p.code, p.tenant) for _, p in report.findings] == [
        ("AIRBYTE_GLOBEX_EU_GOOGLE_ADS_CUSTOMER_ID", "placeholder", "globex-eu")
    ]


@pytest.mark.parametrize(
    ("variable", "value", "code", "severity"),
    [
        ("AIRBYTE_META_START_DATE", "2026-12-01T00:00:00Z", "future_start_date", "error"),
        ("AIRBYTE_GOOGLE_ADS_START_DATE", "01/02/2025", "bad_date", "error"),
        ("AIRBYTE_GOOGLE_ADS_START_DATE", "1970-01-01", "absurd_start_date", "error"),
        # 37 months before 2026-11-26 is 2023-10-26
        (
            "AIRBYTE_META_START_DATE",
            "2023-10-25T00:00:00Z",
            "start_date_beyond_retention",
            "warning",
        ),
        # source-google-ads clamps at today-1110 days = 2023-11-12
        ("AIRBYTE_GOOGLE_ADS_START_DATE", "2023-11-11", "start_date_beyond_retention", "warning"),
    ],
)
def test_start_dates_must_be_sane_and_within_retention(
    production_env: dict[str, str],
    tmp_path: Path,
    variable: str,
    value: str,
    code: str,
    severity: str,
) -> None:
    production_env[variable] = value
    report = run(production_env, tmp_path)
    assert codes(report, severity) == {(variable, code)}
    assert len(report.findings) == 1


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("AIRBYTE_META_START_DATE", "2023-10-26T00:00:00Z"),
        ("AIRBYTE_META_START_DATE", "2026-11-26"),
        ("AIRBYTE_GOOGLE_ADS_START_DATE", "2023-11-12"),
    ],
)
def test_start_dates_on_the_boundaries_pass(
    production_env: dict[str, str], tmp_path: Path, variable: str, value: str
) -> None:
    production_env[variable] = value
    assert run(production_env, tmp_path).findings == []


def test_unset_start_date_is_judged_by_the_template_default(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    del production_env["AIRBYTE_META_START_DATE"]
    report = run(production_env, tmp_path)
    assert codes(report, "warning") == {("AIRBYTE_META_START_DATE", "start_date_beyond_retention")}
    assert "template default" in report.findings[0][1].message


def test_tiktok_start_before_2012_is_an_error(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    production_env |= {
        "AIRBYTE_TEMPLATE_TIKTOK_METRICS_CONNECTION_ID": "d3d94468-02a4-4c1b-8a2e-5f6a7b8c9d0e",
        "AIRBYTE_TIKTOK_ADVERTISER_ID": "7012345678901234567",
        "AIRBYTE_TIKTOK_ACCESS_TOKEN": "b8f3e2a1c7d94f6e0a5b3c2d1e9f8a7b6c5d4e3f",
        "AIRBYTE_TIKTOK_START_DATE": "2011-06-30",
    }
    assert codes(run(production_env, tmp_path), "error") == {
        ("AIRBYTE_TIKTOK_START_DATE", "start_date_out_of_range")
    }


def test_tenant_start_date_override_is_checked_for_its_tenant(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    production_env["AIRBYTE_ACME_GOOGLE_ADS_START_DATE"] = "2027-01-01"
    report = run(production_env, tmp_path)
    assert [(p.variable, p.code, p.tenant) for _, p in report.findings] == [
        ("AIRBYTE_ACME_GOOGLE_ADS_START_DATE", "future_start_date", "acme")
    ]


def test_every_variable_a_source_template_requires_has_a_readiness_rule() -> None:
    specs = {
        f"AIRBYTE_{n}" for names in VARIABLE_SPECS.values() for n, s in names.items() if s.required
    }
    assert template_required_variables() <= specs


def test_credential_values_never_appear_in_any_message(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    canary = "CANARY-7f3a9c"
    production_env |= LINKEDIN_ON | {
        "AIRBYTE_META_ACCESS_TOKEN": f"{canary} with spaces inside the token value",
        "AIRBYTE_CLIENT_SECRET": canary,
        "AIRBYTE_GOOGLE_ADS_DEVELOPER_TOKEN": canary * 2,
        "AIRBYTE_ACME_GOOGLE_ADS_REFRESH_TOKEN": canary,
        "AIRBYTE_LINKEDIN_ACCESS_TOKEN": f"'{canary}{'q' * 40}'",
    }
    report = run(production_env, tmp_path)
    assert len(report.findings) == 5
    assert all(canary not in p.message for _, p in report.findings)

"""Every rule of the tenant model: slugs, fallbacks, schedules, templates, typos."""

from __future__ import annotations

from datetime import datetime

import pytest

from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.model.tenants import StackConfig, load_stack


def problems_by_variable(stack: StackConfig) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for p in stack.problems:
        found.setdefault(p.variable, []).append(p.code)
    return found


def test_env_example_is_valid_and_has_both_tenants(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    stack = load_stack(example_env, now=frozen_now)
    assert stack.problems == ()
    assert [t.slug for t in stack.tenants] == ["acme", "globex-eu"]


def test_dashes_in_slugs_become_underscores(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    tenant = load_stack(example_env, now=frozen_now).tenant("globex-eu")
    assert tenant.env_prefix == "AIRBYTE_GLOBEX_EU_"
    assert tenant.workspace_id == example_env["AIRBYTE_GLOBEX_EU_WORKSPACE_ID"]
    assert tenant.bucket == "globex-eu-landing"


def test_tenant_values_fall_back_to_defaults(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    stack = load_stack(example_env, now=frozen_now)
    globex = stack.tenant("globex-eu")
    assert globex.namespace == example_env["AIRBYTE_DEFAULT_DESTINATION_NAMESPACE"]
    assert globex.stream_prefix == example_env["AIRBYTE_DEFAULT_STREAM_PREFIX"]
    acme = stack.tenant("acme")
    assert acme.namespace == "acme_marketing"
    assert acme.stream_prefix == "acme_"
    assert acme.timezone == "America/Jamaica"
    assert acme.schedules["METRICS"].set_by == ("AIRBYTE_DEFAULT_METRICS_CRON",)


def test_template_overrides_win_over_tenant_and_default(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    globex = load_stack(example_env, now=frozen_now).tenant("globex-eu")
    by_template = {c.template: c for c in globex.connections}
    assert by_template["GOOGLE_METRICS"].prefix == "globex_gads_"
    assert by_template["GOOGLE_METRICS"].status == "inactive"
    assert by_template["META_METRICS"].prefix == "ads_"
    assert by_template["META_METRICS"].name == "globex-eu | meta metrics"


def test_default_timezone_is_jamaica_when_unset(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    del example_env["AIRBYTE_DEFAULT_TIMEZONE"]
    stack = load_stack(example_env, now=frozen_now)
    assert stack.default_timezone == "America/Jamaica"
    assert stack.tenant("acme").schedules["DAILY"].timezone == "America/Jamaica"


def test_tenant_timezone_applies_to_its_schedules(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    globex = load_stack(example_env, now=frozen_now).tenant("globex-eu")
    metrics = globex.schedules["METRICS"]
    assert metrics.to_airbyte() == {
        "scheduleType": "cron",
        "scheduleData": {
            "cron": {"cronExpression": "0 0 7-21 ? * MON-FRI", "cronTimeZone": "Europe/Berlin"}
        },
    }


def test_unix_cron_is_converted_and_remembered(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    daily = load_stack(example_env, now=frozen_now).tenant("acme").schedules["DAILY"]
    assert (daily.quartz, daily.written_as, daily.converted_from_unix) == (
        "0 15 2 * * ?",
        "15 2 * * *",
        True,
    )


def test_basic_interval_is_used_when_no_cron_is_set(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    del example_env["AIRBYTE_DEFAULT_METRICS_CRON"]
    stack = load_stack(example_env, now=frozen_now)
    metrics = stack.tenant("acme").schedules["METRICS"]
    assert metrics.to_airbyte() == {
        "scheduleType": "basic",
        "scheduleData": {"basicSchedule": {"timeUnit": "hours", "units": 1}},
    }
    # its SLA cannot be enforced: a warning, not an error
    assert [(p.code, p.severity) for p in stack.problems] == [("sla_unverifiable", "warning")]


def test_tenant_basic_interval_beats_default_cron(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env |= {
        "AIRBYTE_ACME_DAILY_BASIC_UNITS": "12",
        "AIRBYTE_ACME_DAILY_BASIC_TIME_UNIT": "hours",
    }
    daily = load_stack(example_env, now=frozen_now).tenant("acme").schedules["DAILY"]
    assert (daily.kind, daily.basic_units) == ("basic", 12)


def test_group_without_any_schedule_is_reported(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    for key in ("CRON", "BASIC_UNITS", "BASIC_TIME_UNIT"):
        del example_env[f"AIRBYTE_DEFAULT_DAILY_{key}"]
    stack = load_stack(example_env, now=frozen_now)
    problems = problems_by_variable(stack)
    assert problems["AIRBYTE_DEFAULT_DAILY_CRON"] == ["missing"]
    # globex-eu sets its own DAILY cron, so only acme lacks one
    assert "AIRBYTE_GLOBEX_EU_DAILY_CRON" not in problems


@pytest.mark.parametrize(
    ("variable", "value", "code"),
    [
        ("AIRBYTE_ACME_WORKSPACE_ID", "acme-workspace", "invalid_uuid"),
        ("AIRBYTE_TEMPLATE_DESTINATION_ID", "1234", "invalid_uuid"),
        (
            "AIRBYTE_ACME_META_METRICS_CONNECTION_ID",
            "zzzzzzzz-0000-4000-8000-000000000000",
            "invalid_uuid",
        ),
        ("AIRBYTE_ACME_METRICS_CRON", "0 5 * * * *", "bad_cron"),
        ("AIRBYTE_DEFAULT_DAILY_CRON", "0 0 1 * 1", "bad_cron"),
        ("AIRBYTE_ACME_TIMEZONE", "Jamaica/Kingston", "unknown_timezone"),
        ("AIRBYTE_DEFAULT_TIMEZONE", "Etc/UTC", "unknown_timezone"),
        ("AIRBYTE_ACME_META_METRICS_STATUS", "paused", "bad_status"),
        ("AIRBYTE_ACME_DIMENSIONS_DAILY_SCHEDULE_GROUP", "WEEKLY", "unknown_group"),
        ("AIRBYTE_TEMPLATE_META_METRICS_SCHEDULE_GROUP", "HOURLY", "unknown_group"),
        ("AIRBYTE_DEFAULT_METRICS_BASIC_UNITS", "x", "bad_interval"),
        ("AIRBYTE_ACME_DESTINATION_NAMESPACE", "acme-marketing", "bad_value"),
        ("AIRBYTE_GLOBEX_EU_DESTINATION_BUCKET", "Globex_EU", "bad_value"),
        ("AIRBYTE_ACME_STREAM_PREFIX", "acme prefix", "bad_value"),
        ("AIRBYTE_BASE_URL", "localhost:8000", "bad_url"),
        ("AIRBYTE_DEFAULT_METRICS_SLA_WINDOW", "22:00-06:00", "bad_sla"),
        ("AIRBYTE_DEFAULT_DAILY_SLA_FINISH_BY", "3am", "bad_sla"),
        ("AIRBYTE_ACME_METRICS_CRON", "0 5-23 * * *", "sla_violation"),
        ("AIRBYTE_GLOBEX_EU_DAILY_CRON", "45 2 * * *", "sla_violation"),
        (
            "AIRBYTE_TEMPLATE_FOO_CONNECTION_ID",
            "00000000-0000-4000-8000-00000000c009",
            "unknown_template",
        ),
    ],
)
def test_each_bad_value_is_reported_against_its_variable(
    example_env: dict[str, str], frozen_now: datetime, variable: str, value: str, code: str
) -> None:
    example_env[variable] = value
    stack = load_stack(example_env, now=frozen_now)
    assert not stack.valid
    assert code in problems_by_variable(stack).get(variable, []), stack.problems


@pytest.mark.parametrize(
    "variable",
    [
        "AIRBYTE_ACME_WORKSPACE_ID",
        "AIRBYTE_ACME_DESTINATION_ID",
        "AIRBYTE_TENANTS",
        "AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID",
        "AIRBYTE_TEMPLATE_GOOGLE_METRICS_CONNECTION_ID",
        "AIRBYTE_TEMPLATE_DIMENSIONS_DAILY_CONNECTION_ID",
    ],
)
def test_missing_required_variables_are_named(
    example_env: dict[str, str], frozen_now: datetime, variable: str
) -> None:
    del example_env[variable]
    stack = load_stack(example_env, now=frozen_now)
    assert problems_by_variable(stack)[variable] == ["missing"]


def test_typo_for_a_declared_tenant_is_reported_with_a_suggestion(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env["AIRBYTE_GLOBEX_EU_DESTINATON_NAMESPACE"] = "globex"
    stack = load_stack(example_env, now=frozen_now)
    [problem] = stack.problems
    assert (problem.code, problem.tenant) == ("probable_typo", "globex-eu")
    assert "AIRBYTE_GLOBEX_EU_DESTINATION_NAMESPACE" in problem.message


def test_variable_for_an_undeclared_slug_is_reported(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env["AIRBYTE_INITECH_WORKSPACE_ID"] = "00000000-0000-4000-8000-00000000a009"
    [problem] = load_stack(example_env, now=frozen_now).problems
    assert problem.code == "undeclared_tenant"
    assert "'initech'" in problem.message


def test_longest_slug_owns_its_variables(example_env: dict[str, str], frozen_now: datetime) -> None:
    example_env["AIRBYTE_TENANTS"] = "acme,acme-eu"
    example_env["AIRBYTE_ACME_EU_WORKSPACE_ID"] = "00000000-0000-4000-8000-00000000a005"
    example_env["AIRBYTE_ACME_EU_DESTINATION_ID"] = "00000000-0000-4000-8000-00000000d105"
    for name in [n for n in example_env if n.startswith("AIRBYTE_GLOBEX_EU_")]:
        del example_env[name]
    stack = load_stack(example_env, now=frozen_now)
    assert stack.problems == ()
    assert stack.tenant("acme-eu").workspace_id.endswith("a005")


@pytest.mark.parametrize(
    ("slugs", "code"),
    [
        ("acme,acme", "duplicate_slug"),
        ("acme,Globex", "invalid_slug"),
        ("acme,globex--eu", "invalid_slug"),
        ("acme,meta", "reserved_slug"),
        ("acme,google", "reserved_slug"),
        ("acme,default", "reserved_slug"),
        (" , ", "missing"),
    ],
)
def test_bad_tenant_lists(
    example_env: dict[str, str], frozen_now: datetime, slugs: str, code: str
) -> None:
    example_env["AIRBYTE_TENANTS"] = slugs
    assert code in problems_by_variable(load_stack(example_env, now=frozen_now))["AIRBYTE_TENANTS"]


def test_every_problem_is_reported_at_once(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env |= {
        "AIRBYTE_ACME_WORKSPACE_ID": "nope",
        "AIRBYTE_GLOBEX_EU_TIMEZONE": "Mars/Base",
        "AIRBYTE_ACME_META_METRICS_STATUS": "on",
        "AIRBYTE_ACME_METRICS_CRON": "bad cron",
    }
    codes = sorted(p.code for p in load_stack(example_env, now=frozen_now).problems)
    assert codes == ["bad_cron", "bad_status", "invalid_uuid", "unknown_timezone"]


def test_shared_default_problem_is_reported_once(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env["AIRBYTE_DEFAULT_DAILY_CRON"] = "0 0 1 * 1"
    del example_env["AIRBYTE_GLOBEX_EU_DAILY_CRON"]
    bad = [p for p in load_stack(example_env, now=frozen_now).problems if p.code == "bad_cron"]
    assert len(bad) == 1 and bad[0].tenant is None


def test_optional_templates_are_enabled_by_their_connection_id(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    stack = load_stack(example_env, now=frozen_now)
    assert not stack.templates["TIKTOK_METRICS"].enabled
    example_env["AIRBYTE_TEMPLATE_TIKTOK_METRICS_CONNECTION_ID"] = (
        "00000000-0000-4000-8000-00000000c005"
    )
    stack = load_stack(example_env, now=frozen_now)
    assert stack.templates["TIKTOK_METRICS"].enabled
    assert [c.template for c in stack.tenant("acme").connections][-1] == "TIKTOK_METRICS"


def test_setting_for_a_disabled_template_is_a_warning(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env["AIRBYTE_ACME_LINKEDIN_METRICS_STATUS"] = "active"
    stack = load_stack(example_env, now=frozen_now)
    assert stack.valid
    assert [(p.code, p.severity) for p in stack.problems] == [("template_disabled", "warning")]


def test_environment_can_name_a_new_schedule_group(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env |= {
        "AIRBYTE_DEFAULT_HOURLY_CRON": "0 0 * * * ?",
        "AIRBYTE_TEMPLATE_TIKTOK_METRICS_CONNECTION_ID": "00000000-0000-4000-8000-00000000c005",
        "AIRBYTE_TEMPLATE_TIKTOK_METRICS_SCHEDULE_GROUP": "HOURLY",
    }
    stack = load_stack(example_env, now=frozen_now)
    assert stack.problems == ()
    assert "HOURLY" in stack.groups
    tiktok = next(c for c in stack.tenant("acme").connections if c.template == "TIKTOK_METRICS")
    assert tiktok.schedule_group == "HOURLY"


def test_unused_group_close_to_a_known_one_is_a_probable_typo(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env["AIRBYTE_DEFAULT_METRIC_CRON"] = "0 0 * * * ?"
    [problem] = load_stack(example_env, now=frozen_now).problems
    assert problem.code == "unused_group"
    assert "METRICS" in problem.message


def test_connector_variables_can_be_overridden_per_tenant(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env["AIRBYTE_ACME_META_ACCOUNT_ID"] = "act_111"
    acme = load_stack(example_env, now=frozen_now).tenant("acme")
    env = acme.connector_env(example_env)
    assert env["AIRBYTE_META_ACCOUNT_ID"] == "act_111"
    assert env["AIRBYTE_GOOGLE_ADS_CUSTOMER_ID"] == example_env["AIRBYTE_GOOGLE_ADS_CUSTOMER_ID"]


def test_secret_values_are_never_quoted_in_problems(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env["AIRBYTE_ACME_LINKEDIN_ACCESS_TOKEN"] = "canary-token-value-123"
    example_env["AIRBYTE_ACME_WORKSPACE_ID"] = "canary-token-value-123"
    stack = load_stack(example_env, now=frozen_now)
    assert stack.problems
    # the model may quote ids it cannot parse; the command layer scrubs known secret values
    assert all("AIRBYTE_ACME_LINKEDIN_ACCESS_TOKEN" not in p.message for p in stack.problems)


def test_sla_window_is_checked_in_the_tenant_time_zone(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    # 06:00-22:00 in Berlin is 11:00-03:00 in UTC terms: a UTC-minded cron breaks it
    example_env["AIRBYTE_GLOBEX_EU_METRICS_CRON"] = "0 0 5 * * ?"
    [problem] = load_stack(example_env, now=frozen_now).problems
    assert (problem.code, problem.variable) == ("sla_violation", "AIRBYTE_GLOBEX_EU_METRICS_CRON")
    assert "Europe/Berlin" in problem.message and "05:00" in problem.message


def test_a_tenant_problem_is_the_shared_problem_type_in_the_shared_json_shape(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env["AIRBYTE_ACME_META_METRICS_STATUS"] = "paused"
    stack = load_stack(example_env, now=frozen_now)
    [problem] = stack.problems
    assert isinstance(problem, Problem)
    assert problem.as_dict() == {
        "severity": "error",
        "code": "bad_status",
        "variable": "AIRBYTE_ACME_META_METRICS_STATUS",
        "tenant": "acme",
        "message": "'paused' is not a status; use active or inactive",
    }
    # the connection is still modelled, with the status Airbyte gives new connections
    [meta] = [c for c in stack.tenant("acme").connections if c.template == "META_METRICS"]
    assert meta.status == "active"


def test_connection_status_is_read_in_any_case(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env["AIRBYTE_ACME_META_METRICS_STATUS"] = "INACTIVE"
    stack = load_stack(example_env, now=frozen_now)
    assert stack.problems == ()
    [meta] = [c for c in stack.tenant("acme").connections if c.template == "META_METRICS"]
    assert meta.status == "inactive"


# ------------------------------------------------------------------------------------------------
# issue 12: schedules that never fire, cron and interval both set, cascades, echoed values
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("variable", "cron", "reason"),
    [
        ("AIRBYTE_ACME_DAILY_CRON", "0 6 31 2 *", "no date matches"),
        ("AIRBYTE_ACME_METRICS_CRON", "0 0 6 30 2 ?", "no date matches"),
        ("AIRBYTE_DEFAULT_DAILY_CRON", "0 15 2 * * ? 2020", "'2020' has no year from 2026"),
        ("AIRBYTE_ACME_METRICS_CRON", "0 0 9 ? * MON 2021-2025", "no year from 2026"),
    ],
)
def test_a_cron_that_never_fires_is_an_error_naming_its_variable(
    example_env: dict[str, str], frozen_now: datetime, variable: str, cron: str, reason: str
) -> None:
    example_env[variable] = cron
    stack = load_stack(example_env, now=frozen_now)
    [problem] = [p for p in stack.problems if p.variable == variable]
    assert (problem.code, problem.severity) == ("never_fires", "error")
    assert reason in problem.message and variable in problem.message
    assert not stack.valid


def test_a_cron_that_fires_only_on_leap_days_is_usable(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env["AIRBYTE_ACME_DAILY_CRON"] = "15 2 29 2 *"
    stack = load_stack(example_env, now=frozen_now)
    assert "never_fires" not in problems_by_variable(stack).get("AIRBYTE_ACME_DAILY_CRON", [])


def test_a_tenant_setting_both_a_cron_and_an_interval_gets_a_warning_naming_both(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env |= {
        "AIRBYTE_ACME_DAILY_CRON": "0 2 * * *",
        "AIRBYTE_ACME_DAILY_BASIC_UNITS": "24",
        "AIRBYTE_ACME_DAILY_BASIC_TIME_UNIT": "hours",
    }
    stack = load_stack(example_env, now=frozen_now)
    assert stack.valid
    [problem] = stack.problems
    assert (problem.code, problem.severity, problem.tenant) == (
        "schedule_conflict",
        "warning",
        "acme",
    )
    assert problem.variables == (
        "AIRBYTE_ACME_DAILY_CRON",
        "AIRBYTE_ACME_DAILY_BASIC_UNITS",
        "AIRBYTE_ACME_DAILY_BASIC_TIME_UNIT",
    )
    assert all(name in problem.message for name in problem.variables)
    assert stack.tenant("acme").schedules["DAILY"].kind == "cron"


def test_defaults_with_both_a_cron_and_a_fallback_interval_are_not_a_conflict(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    # env.example documents the default interval as the fallback when no cron is set
    assert "AIRBYTE_DEFAULT_DAILY_BASIC_UNITS" in example_env
    assert load_stack(example_env, now=frozen_now).problems == ()


@pytest.mark.parametrize("value", ["", " , ", "Acme,Globex-EU"])
def test_no_declared_tenant_is_one_error_that_names_the_configured_slugs(
    example_env: dict[str, str], frozen_now: datetime, value: str
) -> None:
    example_env["AIRBYTE_TENANTS"] = value
    stack = load_stack(example_env, now=frozen_now)
    missing = [p for p in stack.problems if p.code == "missing"]
    assert len(missing) == 1 and missing[0].variable == "AIRBYTE_TENANTS"
    assert "acme, globex-eu" in missing[0].message
    assert not [p for p in stack.problems if p.code == "undeclared_tenant"]
    # invalid slugs are still named one by one; nothing else piles up
    assert len(stack.problems) == 1 + (2 if "," in value and value.strip(" ,") else 0)


def test_an_unset_tenant_list_suggests_the_value_to_set(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    del example_env["AIRBYTE_TENANTS"]
    [problem] = load_stack(example_env, now=frozen_now).problems
    assert "AIRBYTE_TENANTS=acme,globex-eu?" in problem.message


@pytest.mark.parametrize(
    "variable",
    [
        "AIRBYTE_ACME_DESTINATION_NAMESPACE",
        "AIRBYTE_DEFAULT_DESTINATION_NAMESPACE",
        "AIRBYTE_ACME_STREAM_PREFIX",
        "AIRBYTE_GLOBEX_EU_DESTINATION_BUCKET",
        "AIRBYTE_ACME_METRICS_CRON",
        "AIRBYTE_ACME_WORKSPACE_ID",
        "AIRBYTE_ACME_META_METRICS_STATUS",
        "AIRBYTE_ACME_TIMEZONE",
        "AIRBYTE_DEFAULT_METRICS_SLA_WINDOW",
        "AIRBYTE_DEFAULT_DAILY_SLA_RUN_MINUTES",
        "AIRBYTE_DEFAULT_METRICS_BASIC_UNITS",
        "AIRBYTE_TEMPLATE_META_METRICS_SCHEDULE_GROUP",
        "AIRBYTE_BASE_URL",
        "AIRBYTE_TENANTS",
    ],
)
def test_a_huge_value_is_echoed_by_its_start_and_length(
    example_env: dict[str, str], frozen_now: datetime, variable: str
) -> None:
    example_env[variable] = "9" * 200_000
    stack = load_stack(example_env, now=frozen_now)
    mine = [p for p in stack.problems if p.variable == variable]
    assert mine and all(len(p.message) < 600 for p in mine)
    assert sum(len(p.message) for p in stack.problems) < 5_000


@pytest.mark.parametrize(
    "variable",
    [
        "AIRBYTE_ACME_DESTINATION_NAMESPACE",
        "AIRBYTE_ACME_STREAM_PREFIX",
        "AIRBYTE_GLOBEX_EU_DESTINATION_BUCKET",
    ],
)
def test_an_identifier_over_63_characters_is_refused_saying_the_limit(
    example_env: dict[str, str], frozen_now: datetime, variable: str
) -> None:
    example_env[variable] = "a" * 63
    assert variable not in problems_by_variable(load_stack(example_env, now=frozen_now))
    example_env[variable] = "a" * 64
    [problem] = load_stack(example_env, now=frozen_now).problems
    assert problem.variable == variable
    assert "at most 63 characters" in problem.message and "64 characters" in problem.message


def test_a_slug_over_63_characters_is_refused_saying_the_limit(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env["AIRBYTE_TENANTS"] = "acme," + "g" * 64
    problems = load_stack(example_env, now=frozen_now).problems
    [problem] = [p for p in problems if p.variable == "AIRBYTE_TENANTS"]
    assert problem.code == "invalid_slug" and "at most 63 characters" in problem.message


def test_a_malformed_seven_field_cron_names_both_forms(
    example_env: dict[str, str], frozen_now: datetime
) -> None:
    example_env["AIRBYTE_ACME_METRICS_CRON"] = "0 6-22 * * * * *"
    [problem] = load_stack(example_env, now=frozen_now).problems
    assert problem.code == "bad_cron"
    assert "expected 5 (Unix) or 6-7 (Quartz) fields" in problem.message


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("AIRBYTE_DEFAULT_METRICS_BASIC_UNITS", "9" * 5000),
        ("AIRBYTE_DEFAULT_METRICS_BASIC_UNITS", "²"),
        ("AIRBYTE_DEFAULT_DAILY_SLA_RUN_MINUTES", "9" * 5000),
        ("AIRBYTE_DEFAULT_DAILY_SLA_RUN_MINUTES", "³"),
        ("AIRBYTE_ACME_METRICS_CRON", "0 */" + "9" * 5000 + " * * *"),
        ("AIRBYTE_ACME_METRICS_CRON", "0 0 2 L-" + "9" * 5000 + " * ?"),
    ],
    ids=[
        "units-5000-digits",
        "units-superscript",
        "run-minutes-5000-digits",
        "run-minutes-superscript",
        "cron-step-5000-digits",
        "cron-last-day-offset-5000-digits",
    ],
)
def test_numbers_no_int_can_hold_are_problems_not_tracebacks(
    example_env: dict[str, str], frozen_now: datetime, variable: str, value: str
) -> None:
    example_env[variable] = value
    stack = load_stack(example_env, now=frozen_now)
    assert variable in problems_by_variable(stack)
    assert not stack.valid

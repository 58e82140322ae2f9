"""The renderer: env.example renders every template, knobs map onto the real fields, and every
user mistake is reported with the variable that caused it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from airbyte_provisioning.core.envfile import read_env_file
from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.templates import source_templates as st

REPO = Path(__file__).resolve().parents[2]
ENV = read_env_file(REPO / "env.example")
OFFICIAL = ["ga4", "google_ads", "meta", "search_console"]
CUSTOM = ["linkedin_ads", "tiktok_ads"]


def render(name: str, **overrides: str) -> st.RenderedSource:
    return st.render_source(name, {**ENV, **overrides})


def problems_of(name: str, **overrides: str) -> list[Problem]:
    with pytest.raises(st.RenderError) as caught:
        render(name, **overrides)
    return caught.value.problems


def test_every_seed_template_exists() -> None:
    assert st.template_names() == sorted(OFFICIAL + CUSTOM)
    for example in ("meta_marketing", "google_ads", "ga4", "search_console"):
        assert (REPO / "templates" / f"{example}.json.example").is_file()


@pytest.mark.parametrize("name", OFFICIAL)
def test_official_template_renders_and_validates_against_its_snapshot(name: str) -> None:
    rendered = render(name)
    assert st.validate_config(name, rendered.config) == []
    assert rendered.definition.kind == "official"
    assert (
        rendered.definition.docker_image
        == f"airbyte/{rendered.definition.connector}:{rendered.definition.version}"
    )
    assert rendered.connections and all(c.streams for c in rendered.connections)


@pytest.mark.parametrize("name", CUSTOM)
def test_custom_template_validates_against_the_connector_manifest(name: str) -> None:
    rendered = render(name)
    manifest = REPO / "connectors" / rendered.definition.connector / "manifest.yaml"
    if not manifest.is_file():
        pytest.skip(f"{manifest} not written yet")
    assert st.validate_config(name, rendered.config) == []


def test_meta_ids_lose_the_act_prefix_and_dates_become_utc_timestamps() -> None:
    rendered = render(
        "meta", AIRBYTE_META_ACCOUNT_ID="act_111, act_222", AIRBYTE_META_START_DATE="2024-02-01"
    )
    assert rendered.config["account_ids"] == ["111", "222"]
    assert rendered.config["start_date"] == "2024-02-01T00:00:00Z"


def test_meta_lookback_takes_the_larger_of_the_two_seed_knobs() -> None:
    rendered = render(
        "meta", AIRBYTE_META_INSIGHTS_LOOKBACK_DAYS="3", AIRBYTE_META_HOURLY_WINDOW_DAYS="5"
    )
    assert rendered.config["insights_lookback_window"] == 5
    assert rendered.variables["insights_lookback_window"] == (
        "AIRBYTE_META_INSIGHTS_LOOKBACK_DAYS",
        "AIRBYTE_META_HOURLY_WINDOW_DAYS",
    )


def test_meta_lookback_over_28_days_names_the_variable() -> None:
    (problem,) = problems_of("meta", AIRBYTE_META_INSIGHTS_LOOKBACK_DAYS="30")
    assert problem.path == "insights_lookback_window"
    assert "AIRBYTE_META_INSIGHTS_LOOKBACK_DAYS" in problem.variables
    assert "at most 28" in problem.message


def test_meta_attribution_horizon_maps_to_an_attribution_column_and_is_not_sent() -> None:
    assert (
        render("meta", AIRBYTE_META_ATTRIBUTION_WINDOW_DAYS="30").derived["attribution_column"]
        == "28d_click"
    )
    assert (
        render("meta", AIRBYTE_META_ATTRIBUTION_WINDOW_DAYS="7").derived["attribution_column"]
        == "7d_click"
    )
    (problem,) = problems_of("meta", AIRBYTE_META_ATTRIBUTION_WINDOW_DAYS="14")
    assert problem.variables == ("AIRBYTE_META_ATTRIBUTION_WINDOW_DAYS",)
    assert "attribution" not in json.dumps(render("meta").config)


def test_google_ads_customer_ids_lose_dashes_and_conversion_window_is_mapped() -> None:
    rendered = render(
        "google_ads",
        AIRBYTE_GOOGLE_ADS_CUSTOMER_ID="123-456-7890, 098-765-4321",
        AIRBYTE_GOOGLE_ADS_CONVERSION_WINDOW_DAYS="30",
        AIRBYTE_GOOGLE_ADS_LOOKBACK_WINDOW_DAYS="3",
    )
    assert rendered.config["customer_id"] == "1234567890,0987654321"
    assert rendered.config["conversion_window_days"] == 30


def test_google_ads_bad_customer_id_names_the_variable() -> None:
    (problem,) = problems_of("google_ads", AIRBYTE_GOOGLE_ADS_CUSTOMER_ID="123-456")
    assert problem.variables == ("AIRBYTE_GOOGLE_ADS_CUSTOMER_ID",)
    assert problem.path == "customer_id"


def test_google_ads_login_customer_id_is_validated_but_never_sent() -> None:
    rendered = render("google_ads", AIRBYTE_GOOGLE_ADS_LOGIN_CUSTOMER_ID="111-222-3333")
    assert "login_customer_id" not in json.dumps(rendered.config)
    assert rendered.derived["login_customer_id"] == "1112223333"
    assert any("derives" in n or "root manager" in n for n in rendered.notes)
    (problem,) = problems_of("google_ads", AIRBYTE_GOOGLE_ADS_LOGIN_CUSTOMER_ID="12")
    assert problem.variables == ("AIRBYTE_GOOGLE_ADS_LOGIN_CUSTOMER_ID",)


def test_google_ads_packaged_query_selects_the_date_without_filtering_on_it() -> None:
    query = render("google_ads").config["custom_queries_array"][0]["query"]
    assert "segments.date" in query.split("FROM")[0]
    assert "WHERE" not in query.upper()


def test_google_ads_custom_query_overrides_the_packaged_one() -> None:
    custom = "SELECT segments.date, customer.id, metrics.clicks FROM customer"
    rendered = render("google_ads", AIRBYTE_GOOGLE_ADS_CUSTOM_QUERY=custom)
    assert rendered.config["custom_queries_array"][0]["query"] == custom


def test_runtime_date_templating_is_rejected_with_the_reason() -> None:
    query = (
        "SELECT campaign.id, segments.date FROM campaign "
        "WHERE segments.date BETWEEN '{{ runtime_from_date }}' AND '{{ runtime_to_date }}'"
    )
    (problem,) = problems_of("google_ads", AIRBYTE_GOOGLE_ADS_CUSTOM_QUERY=query)
    assert problem.variables == ("AIRBYTE_GOOGLE_ADS_CUSTOM_QUERY",)
    assert "sent to Google unchanged" in problem.message
    assert "full refresh" in problem.message


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("SELECT campaign.id", "no FROM"),
        ("SELECT * FROM campaign", "SELECT *"),
        ("SELECT campaign.id AS cid, segments.date FROM campaign", "aliases"),
        ("SELECT SUM(metrics.clicks), segments.date FROM campaign", "functions"),
        ("SELECT campaign.id, segments.date FROM campaign, ad_group", "several resources"),
        ("SELECT campaign.id FROM campaign", "does not select segments.date"),
    ],
)
def test_refused_gaql_override_is_reported(query: str, reason: str) -> None:
    (problem,) = problems_of("google_ads", AIRBYTE_GOOGLE_ADS_CUSTOM_QUERY=query)
    assert reason in problem.message


def test_ga4_and_search_console_fields() -> None:
    ga4 = render(
        "ga4", AIRBYTE_GA4_PROPERTY_ID="properties/123,456", AIRBYTE_GA4_LOOKBACK_WINDOW_DAYS="7"
    )
    assert ga4.config["property_ids"] == ["123", "456"]
    assert ga4.config["lookback_window"] == 7
    assert "window_in_days" in ga4.config
    (problem,) = problems_of("ga4", AIRBYTE_GA4_LOOKBACK_WINDOW_DAYS="1")
    assert problem.variables == ("AIRBYTE_GA4_LOOKBACK_WINDOW_DAYS",)
    gsc = render("search_console", AIRBYTE_SEARCH_CONSOLE_LOOKBACK_WINDOW_DAYS="5")
    assert "lookback" not in json.dumps(gsc.config)
    assert gsc.derived["lookback_window_days"] == 5
    assert any("no lookback setting" in n for n in gsc.notes)


def test_custom_connector_configs_follow_their_specs() -> None:
    linkedin = render("linkedin_ads", AIRBYTE_LINKEDIN_ACCOUNT_ID="501, 502")
    assert linkedin.config["account_ids"] == [501, 502]
    assert linkedin.config["credentials"]["auth_method"] == "access_token"
    tiktok = render(
        "tiktok_ads", AIRBYTE_TIKTOK_ADVERTISER_ID="7000000000000000001,7000000000000000002"
    )
    assert tiktok.config["advertiser_ids"] == ["7000000000000000001", "7000000000000000002"]
    with pytest.raises(st.RenderError, match="AIRBYTE_LINKEDIN_ACCOUNT_ID"):
        render("linkedin_ads", AIRBYTE_LINKEDIN_ACCOUNT_ID="abc")


def test_every_unset_variable_is_listed_at_once() -> None:
    env = {k: v for k, v in ENV.items() if not k.startswith("AIRBYTE_GOOGLE_ADS_")}
    with pytest.raises(st.RenderError) as caught:
        st.render_source("google_ads", env)
    named = {v for p in caught.value.problems for v in p.variables}
    assert {
        "AIRBYTE_GOOGLE_ADS_DEVELOPER_TOKEN",
        "AIRBYTE_GOOGLE_ADS_CLIENT_ID",
        "AIRBYTE_GOOGLE_ADS_CLIENT_SECRET",
        "AIRBYTE_GOOGLE_ADS_REFRESH_TOKEN",
        "AIRBYTE_GOOGLE_ADS_CUSTOMER_ID",
    } <= named
    assert all("is not set" in p.message for p in caught.value.problems)
    assert "${" not in str(caught.value)


def test_secrets_are_masked_and_never_in_errors() -> None:
    token = "EAAB" + "x7Yq" * 10
    rendered = render("meta", AIRBYTE_META_ACCESS_TOKEN=token)
    assert rendered.config["credentials"]["access_token"] == token
    assert ("credentials", "access_token") in rendered.secret_paths
    assert token not in json.dumps(rendered.to_dict())
    with pytest.raises(st.RenderError) as caught:
        render("meta", AIRBYTE_META_ACCESS_TOKEN=token, AIRBYTE_META_ACCOUNT_ID="x")
    assert token not in str(caught.value)


def test_rendering_is_a_pure_function_of_the_mapping() -> None:
    tenant = {**ENV, "AIRBYTE_META_ACCOUNT_ID": "act_999"}
    assert render("meta").config["account_ids"] == ["000000000000000"]
    assert st.render_source("meta", tenant).config["account_ids"] == ["999"]
    assert render("meta").config["account_ids"] == ["000000000000000"]


def test_a_typo_in_a_template_is_caught_as_an_unknown_key(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    example = templates / "search_console.json.example"
    example.write_text(example.read_text().replace('"data_state"', '"data_sate"'))
    with pytest.raises(st.RenderError) as caught:
        st.render_source("search_console", ENV, templates, REPO)
    (problem,) = caught.value.problems
    assert problem.path == "data_sate"
    assert "did you mean 'data_state'" in problem.message


def test_validate_config_reports_spec_violations_and_unknown_keys() -> None:
    config = {
        "account_ids": ["act_1"],
        "credentials": {"auth_type": "Service", "acess_token": "x"},
        "login_customer_id": "1",
    }
    found = {(p.path, p.message.split(":")[0]) for p in st.validate_config("meta", config)}
    assert ("account_ids[0]", "does not match ^[0-9]+$ (got 'act_1')") in found
    assert any(path == "credentials.access_token" for path, _ in found)
    assert any(path == "credentials.acess_token" for path, _ in found)
    assert any(path == "login_customer_id" for path, _ in found)


def test_unknown_template_and_broken_placeholder_are_template_errors(tmp_path: Path) -> None:
    with pytest.raises(st.TemplateError, match="known: ga4"):
        st.render_source("bing_ads", ENV)
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    example = templates / "tiktok_ads.json.example"
    example.write_text(example.read_text().replace("| int}", "| integer}"))
    with pytest.raises(st.TemplateError, match="unknown filter 'integer'"):
        st.render_source("tiktok_ads", ENV, templates, REPO)


def test_problems_say_whether_a_variable_is_unset_or_invalid() -> None:
    env = {k: v for k, v in ENV.items() if k != "AIRBYTE_META_ACCESS_TOKEN"}
    env["AIRBYTE_META_INSIGHTS_LOOKBACK_DAYS"] = "many"
    with pytest.raises(st.RenderError) as caught:
        st.render_source("meta", env)
    codes = {p.variables: p.code for p in caught.value.problems}
    assert codes[("AIRBYTE_META_ACCESS_TOKEN",)] == "missing"
    assert codes[("AIRBYTE_META_INSIGHTS_LOOKBACK_DAYS",)] == "bad_value"
    assert all(p.path and p.severity == "error" for p in caught.value.problems)


def test_spec_problems_carry_their_rule_as_code() -> None:
    config = {"account_ids": ["act_1"], "credentials": {"auth_type": "Service"}, "typo_key": 1}
    codes = {p.path: p.code for p in st.validate_config("meta", config)}
    assert codes["account_ids[0]"] == "spec_violation"
    assert codes["typo_key"] == "unknown_key"


def test_a_template_with_an_unknown_sync_mode_is_a_template_error(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    source = templates / "meta_source.yaml"
    source.write_text(
        source.read_text().replace("sync_mode: incremental", "sync_mode: incremntal", 1)
    )
    with pytest.raises(st.TemplateError, match="sync_mode 'incremntal' is not one of"):
        st.render_source("meta", ENV, templates, REPO)

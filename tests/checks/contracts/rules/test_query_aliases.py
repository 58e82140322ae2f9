"""Rule query-aliases: what each template makes its connector emit equals its contract."""

from __future__ import annotations

from pathlib import Path

from airbyte_provisioning.checks.contracts.checker import run_checks

from ..helpers import REPO, edit, problems_of


def test_gaql_column_missing_from_the_query(repo: Path) -> None:
    edit(
        repo / "templates/queries/google_ads_metrics.gaql",
        "  metrics.conversions_value\n",
        "  metrics.all_conversions\n",
    )
    messages = sorted(p.message for p in problems_of(repo, "query-aliases"))
    assert any("metrics.conversions_value is contracted but GAQL query" in m for m in messages)
    assert any(
        "produces metrics.all_conversions, which the contract does not list" in m for m in messages
    )


def test_insight_field_dropped_from_the_meta_template(repo: Path) -> None:
    edit(repo / "templates/meta_marketing.json.example", '"adset_name",\n', "")
    (problem,) = problems_of(repo, "query-aliases")
    assert (
        "column adset_name is contracted but custom insight AdsPerformanceDaily" in problem.message
    )
    assert problem.file == "contract_checks/contracts/meta_ads_performance.yaml"


def test_renamed_insight_changes_the_stream_name(repo: Path) -> None:
    edit(
        repo / "templates/meta_marketing.json.example",
        '"AdsPerformanceDaily"',
        '"ads_performance_daily"',
    )
    edit(
        repo / "contract_checks/contracts/meta_ads_performance.yaml",
        "insight: AdsPerformanceDaily",
        "insight: ads_performance_daily",
    )
    messages = [p.message for p in problems_of(repo, "query-aliases")]
    assert any("produces stream 'customads_performance_daily'" in m for m in messages)


def test_report_dimension_outside_the_contract(repo: Path) -> None:
    edit(
        repo / "templates/search_console.json.example",
        '["date", "page", "query"]',
        '["date", "page", "query", "device"]',
    )
    (problem,) = problems_of(repo, "query-aliases")
    assert "produces device" in problem.message


def test_connection_primary_key_must_match_the_contract(repo: Path) -> None:
    edit(
        repo / "templates/google_ads_source.yaml",
        "primary_key: [[segments.date], [customer.id], [ad_group_ad.ad.id]]",
        "primary_key: [[segments.date], [campaign.id]]",
    )
    (problem,) = problems_of(repo, "query-aliases")
    assert "primary key" in problem.message and problem.file == "templates/google_ads_source.yaml"


def test_contract_stream_not_selected_by_any_connection(repo: Path) -> None:
    edit(
        repo / "templates/ga4_source.yaml", "- name: web_traffic_daily", "- name: website_overview"
    )
    (problem,) = problems_of(repo, "query-aliases")
    assert "no template connection selects stream web_traffic_daily" in problem.message


def test_manifest_stream_with_an_inline_schema_is_compared(repo: Path) -> None:
    manifest = repo / "connectors/source-tiktok-ads/manifest.yaml"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(
        "streams:\n  - name: ads_reports_daily\n    schema_loader:\n      type: InlineSchemaLoader\n"
        "      schema: {properties: {advertiser_id: {type: string}, ad_id: {type: string},"
        " stat_time_day: {type: string}, spend: {type: string}}}\n"
        "spec: {connection_specification: {type: object, properties: {}}}\n"
    )
    messages = [p.message for p in problems_of(repo, "query-aliases")]
    assert any("column currency is contracted but" in m for m in messages)
    assert any(
        "column spend is ['string'] in" in m or "column spend is string in" in m for m in messages
    )


def test_a_manifest_stream_named_by_its_parameters_is_found(repo: Path) -> None:
    manifest = repo / "connectors/source-tiktok-ads/manifest.yaml"
    manifest.write_text(
        "definitions:\n  report:\n    type: DeclarativeStream\n    schema_loader:\n"
        "      type: InlineSchemaLoader\n      schema: {properties: {advertiser_id: {type: string}}}\n"
        "    $parameters: {pivot: AD}\n"
        "streams:\n  - $ref: '#/definitions/report'\n    $parameters: {name: ads_reports_daily}\n"
        "spec: {connection_specification: {type: object, properties: {}}}\n"
    )
    messages = [p.message for p in problems_of(repo, "query-aliases")]
    assert any("column currency is contracted but" in m and "stream schema" in m for m in messages)
    assert not any("the template defines no" in m for m in messages), messages


def test_a_schema_built_at_run_time_is_skipped_with_its_reason_without_discover() -> None:
    report = run_checks(REPO, ["query-aliases"])
    assert report.findings == []
    assert any(
        s.startswith("tiktok_ads_performance: connectors/source-tiktok-ads/manifest.yaml builds")
        and s.endswith("--discover checks it")
        for s in report.skipped
    ), report.skipped


# --- with --discover (schemas the custom connectors build at run time) ---------------------------


def test_discovered_schemas_of_the_custom_connectors_match_their_contracts() -> None:
    report = run_checks(REPO, ["query-aliases"], discover=True)
    assert report.findings == []
    assert not [s for s in report.skipped if "builds the schema at run time" in s]


def test_a_contracted_column_the_connector_does_not_emit_is_reported_by_discover(
    repo: Path,
) -> None:
    edit(
        repo / "contract_checks/contracts/tiktok_ads_performance.yaml",
        "  - {name: currency, type: string,",
        "  - {name: spend_in_usd, type: number, nullable: true, description: Not emitted.}\n"
        "  - {name: currency, type: string,",
    )
    [problem] = problems_of(repo, "query-aliases", discover=True)
    assert "spend_in_usd is contracted" in problem.message
    assert "discovered schema" in problem.message

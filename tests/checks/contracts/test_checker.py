"""The data-contract checker: the repository passes, and each rule reports a violation planted in
a temporary copy of the repository."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from airbyte_provisioning.checks.contracts.checker import run_checks
from airbyte_provisioning.checks.contracts.repo import Finding
from airbyte_provisioning.cli import main

REPO = Path(__file__).resolve().parents[3]
COPIED = [
    "templates",
    "contract_checks",
    "airbyte_provisioning",
    "scripts",
    "connectors",
    "env.example",
    "Makefile",
    "docker-compose.yml",
]
IGNORE = shutil.ignore_patterns("__pycache__", "secrets", ".venv", "*.pyc")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pristine")
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=IGNORE)
        elif source.is_file():
            shutil.copy2(source, root / name)
    return root


@pytest.fixture
def repo(pristine: Path, tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(pristine, root)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def findings(root: Path, rule: str, **options: Path | str) -> list[Finding]:
    report = run_checks(root, [rule], **options)  # type: ignore[arg-type]
    return [f for f in report.findings if f.rule == rule]


def test_this_repository_passes() -> None:
    report = run_checks(REPO)
    assert report.findings == [], json.dumps(report.to_dict()["findings"], indent=1)


def test_the_pristine_copy_passes(pristine: Path) -> None:
    assert run_checks(pristine).findings == []


# --- contract-schema ------------------------------------------------------------------------------


def test_mapping_to_a_column_the_platform_does_not_contract(repo: Path) -> None:
    edit(
        repo / "contract_checks/contracts/ads_performance.yaml",
        "spend: {from: spend}",
        "spend: {from: spend_usd}",
    )
    (finding,) = findings(repo, "contract-schema")
    assert "reads spend_usd" in finding.message
    assert finding.file.endswith("ads_performance.yaml") and finding.line > 1


def test_unknown_column_type(repo: Path) -> None:
    edit(
        repo / "contract_checks/contracts/search_console_performance.yaml",
        "type: number, nullable: true, description: Click",
        "type: float, nullable: true, description: Click",
    )
    (finding,) = findings(repo, "contract-schema")
    assert "ctr: type must be one of" in finding.message


# --- templates and gaql ---------------------------------------------------------------------------


def test_template_typo_is_reported(repo: Path) -> None:
    edit(repo / "templates/ga4.json.example", '"window_in_days"', '"window_in_day"')
    (finding,) = findings(repo, "templates")
    assert "unknown key 'window_in_day'" in finding.message
    assert finding.file == "templates/ga4_source.yaml"


def test_runtime_templating_in_the_packaged_query(repo: Path) -> None:
    query = repo / "templates/queries/google_ads_metrics.gaql"
    query.write_text(query.read_text() + "WHERE segments.date >= '{{ runtime_from_date }}'\n")
    found = findings(repo, "gaql")
    assert found and "runtime_from_date/runtime_to_date do not exist" in found[0].message
    assert found[0].file == "templates/queries/google_ads_metrics.gaql"


def test_refused_gaql_in_env_example(repo: Path) -> None:
    edit(
        repo / "env.example",
        "AIRBYTE_GOOGLE_ADS_CUSTOM_QUERY=",
        'AIRBYTE_GOOGLE_ADS_CUSTOM_QUERY="SELECT * FROM campaign"',
    )
    (finding,) = findings(repo, "gaql")
    assert finding.file == "env.example" and "SELECT *" in finding.message


# --- query aliases --------------------------------------------------------------------------------


def test_gaql_column_missing_from_the_query(repo: Path) -> None:
    edit(
        repo / "templates/queries/google_ads_metrics.gaql",
        "  metrics.conversions_value\n",
        "  metrics.all_conversions\n",
    )
    messages = sorted(f.message for f in findings(repo, "query-aliases"))
    assert any("metrics.conversions_value is contracted but GAQL query" in m for m in messages)
    assert any(
        "produces metrics.all_conversions, which the contract does not list" in m for m in messages
    )


def test_insight_field_dropped_from_the_meta_template(repo: Path) -> None:
    edit(repo / "templates/meta_marketing.json.example", '"adset_name",\n', "")
    (finding,) = findings(repo, "query-aliases")
    assert (
        "column adset_name is contracted but custom insight AdsPerformanceDaily" in finding.message
    )
    assert finding.file == "contract_checks/contracts/meta_ads_performance.yaml"


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
    messages = [f.message for f in findings(repo, "query-aliases")]
    assert any("produces stream 'customads_performance_daily'" in m for m in messages)


def test_report_dimension_outside_the_contract(repo: Path) -> None:
    edit(
        repo / "templates/search_console.json.example",
        '["date", "page", "query"]',
        '["date", "page", "query", "device"]',
    )
    (finding,) = findings(repo, "query-aliases")
    assert "produces device" in finding.message


def test_connection_primary_key_must_match_the_contract(repo: Path) -> None:
    edit(
        repo / "templates/google_ads_source.yaml",
        "primary_key: [[segments.date], [customer.id], [ad_group_ad.ad.id]]",
        "primary_key: [[segments.date], [campaign.id]]",
    )
    (finding,) = findings(repo, "query-aliases")
    assert "primary key" in finding.message and finding.file == "templates/google_ads_source.yaml"


def test_contract_stream_not_selected_by_any_connection(repo: Path) -> None:
    edit(
        repo / "templates/ga4_source.yaml", "- name: web_traffic_daily", "- name: website_overview"
    )
    (finding,) = findings(repo, "query-aliases")
    assert "no template connection selects stream web_traffic_daily" in finding.message


def test_manifest_stream_with_an_inline_schema_is_compared(repo: Path) -> None:
    manifest = repo / "connectors/source-tiktok-ads/manifest.yaml"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(
        "streams:\n  - name: ads_reports_daily\n    schema_loader:\n      type: InlineSchemaLoader\n"
        "      schema: {properties: {advertiser_id: {type: string}, ad_id: {type: string},"
        " stat_time_day: {type: string}, spend: {type: string}}}\n"
        "spec: {connection_specification: {type: object, properties: {}}}\n"
    )
    messages = [f.message for f in findings(repo, "query-aliases")]
    assert any("column currency is contracted but" in m for m in messages)
    assert any(
        "column spend is ['string'] in" in m or "column spend is string in" in m for m in messages
    )


# --- seeds and dbt --------------------------------------------------------------------------------


def test_seed_header_drift(repo: Path) -> None:
    edit(repo / "contract_checks/seeds/ads_platforms.csv", "dbt_enable_var", "enable_var")
    (finding,) = findings(repo, "seed-headers")
    assert finding.file == "contract_checks/seeds/ads_platforms.csv" and "header" in finding.message


def test_seed_rows_must_follow_the_mapping(repo: Path) -> None:
    edit(
        repo / "contract_checks/seeds/ads_performance_column_map.csv",
        "google_ads,spend,google_ads_performance,metrics.cost_micros",
        "google_ads,spend,google_ads_performance,metrics.cost",
    )
    (finding,) = findings(repo, "seed-headers")
    assert "rows differ" in finding.message


def make_dbt_project(root: Path) -> Path:
    project = root / "dbt"
    (project / "models" / "staging").mkdir(parents=True)
    (project / "seeds").mkdir()
    (project / "dbt_project.yml").write_text(
        "name: marketing\nversion: '1.0'\nvars:\n  enable_linkedin: false\n  enable_tiktok: false\n"
    )
    (project / "models" / "staging" / "sources.yml").write_text(
        "version: 2\nsources:\n  - name: airbyte\n    tables:\n"
        "      - name: ads_ad_group_ad_performance_daily\n        columns:\n"
        "          - name: segments.date\n          - name: metrics.cost_micros\n"
        "      - name: ads_ad_analytics_by_campaign\n        columns:\n          - name: costInLocalCurrency\n"
        "models:\n  - name: ads_performance\n    meta: {data_contract: ads_performance}\n    columns:\n"
        + "".join(
            f"      - name: {c}\n"
            for c in "date platform account_id campaign_id campaign_name ad_group_id ad_group_name ad_id ad_name impressions clicks spend currency conversions conversion_value".split()
        )
    )
    (project / "models" / "staging" / "stg_google_ads.sql").write_text(
        'select "segments.date" as date, "metrics.cost_micros" / 1e6 as spend\n'
        "from {{ source('airbyte', 'ads_ad_group_ad_performance_daily') }}\n"
    )
    (project / "models" / "staging" / "stg_linkedin.sql").write_text(
        "{{ config(enabled=var('enable_linkedin', false)) }}\n"
        "select date, costInLocalCurrency from {{ source('airbyte', 'ads_ad_analytics_by_campaign') }}\n"
    )
    shutil.copy(
        root / "contract_checks/seeds/ads_platforms.csv", project / "seeds" / "ads_platforms.csv"
    )
    return project


def test_a_consistent_dbt_project_passes(repo: Path) -> None:
    project = make_dbt_project(repo)
    assert findings(repo, "dbt", dbt_project=project) == []
    assert findings(repo, "seed-headers", dbt_project=project) == []


@pytest.mark.parametrize(
    ("plant", "expected"),
    [
        (
            lambda p: edit(p / "dbt_project.yml", "  enable_tiktok: false\n", ""),
            "vars.enable_tiktok",
        ),
        (
            lambda p: edit(
                p / "models/staging/sources.yml", "name: metrics.cost_micros", "name: metrics.cost"
            ),
            "documents column metrics.cost",
        ),
        (
            lambda p: edit(
                p / "models/staging/stg_google_ads.sql",
                '"metrics.cost_micros"',
                '"metrics.costmicros"',
            ),
            'reads column "metrics.costmicros"',
        ),
        (
            lambda p: edit(
                p / "models/staging/stg_linkedin.sql",
                "{{ config(enabled=var('enable_linkedin', false)) }}\n",
                "",
            ),
            "not gated by var('enable_linkedin')",
        ),
        (
            lambda p: edit(
                p / "models/staging/sources.yml", "      - name: conversion_value\n", ""
            ),
            "differ from contract ads_performance",
        ),
    ],
    ids=["missing-var", "source-column", "sql-column", "ungated-linkedin", "model-columns"],
)
def test_dbt_violations(repo: Path, plant: Callable[[Path], None], expected: str) -> None:
    project = make_dbt_project(repo)
    plant(project)
    found = findings(repo, "dbt", dbt_project=project)
    assert any(expected in f.message for f in found), found


def test_dbt_seed_header_drift(repo: Path) -> None:
    project = make_dbt_project(repo)
    edit(project / "seeds/ads_platforms.csv", "source_template", "template")
    (finding,) = findings(repo, "seed-headers", dbt_project=project)
    assert finding.file.endswith("dbt/seeds/ads_platforms.csv")


# --- env names ------------------------------------------------------------------------------------


def test_undocumented_variable_in_a_template(repo: Path) -> None:
    edit(
        repo / "templates/tiktok_ads.json.example",
        '"${AIRBYTE_TIKTOK_ACCESS_TOKEN}"',
        '"${AIRBYTE_TIKTOK_TOKEN}"',
    )
    messages = [(f.file, f.message) for f in findings(repo, "env-names")]
    assert (
        "templates/tiktok_ads.json.example",
        "AIRBYTE_TIKTOK_TOKEN is referenced here but not documented in env.example; add it with a comment and a placeholder",
    ) in messages


def test_undocumented_variable_in_compose_and_code(repo: Path) -> None:
    (repo / "docker-compose.yml").write_text(
        "services:\n  x:\n    environment:\n      A: ${AIRBYTE_COMPOSE_ONLY:-1}\n"
    )
    (repo / "scripts/extra.py").write_text('import os\n\nURL = os.environ["AIRBYTE_EXTRA_URL"]\n')
    found = {(f.file, f.line, f.message.split()[0]) for f in findings(repo, "env-names")}
    assert ("docker-compose.yml", 4, "AIRBYTE_COMPOSE_ONLY") in found
    assert ("scripts/extra.py", 3, "AIRBYTE_EXTRA_URL") in found


@pytest.mark.parametrize(
    "line",
    [
        "AIRBYTE_NEVER_READ_KNOB=1",
        "AIRBYTE_ACME_FAVOURITE_COLOUR=blue",
        "AIRBYTE_DEFAULT_METRICS_JITTER=5",
    ],
)
def test_documented_but_unused_variable(repo: Path, line: str) -> None:
    env = repo / "env.example"
    env.write_text(env.read_text() + f"# planted\n{line}\n")
    (finding,) = findings(repo, "env-names")
    assert finding.file == "env.example"
    assert finding.message.startswith(line.split("=")[0] + " is documented but nothing reads it")


def test_tenant_pattern_variables_count_as_used(repo: Path) -> None:
    env = repo / "env.example"
    env.write_text(
        env.read_text()
        + "AIRBYTE_ACME_TIKTOK_METRICS_STATUS=inactive\nAIRBYTE_GLOBEX_EU_META_ACCOUNT_ID=act_1\n"
    )
    assert findings(repo, "env-names") == []


# --- secrets --------------------------------------------------------------------------------------

# built at run time so that this file itself holds no secret-shaped literal
GOOGLE_CLIENT_SECRET = "GOCSPX" + "-" + "Zq3vT8kLm2Xw9Rb4Yc7Hn1Jd5Fe0"
META_TOKEN = "EA" + "AGm0PX4ZCpsBA" + "Kq9Zb7Ww2Lr5Tn8Yx3Vc6Hj1Mf4Sd0Qe"
RANDOM_TOKEN = "9f" + "Q2xLk7Rm4Tz8Wn3Yb6Vc1Hj5Gd0Sa"


@pytest.mark.parametrize(
    ("path", "content", "kind"),
    [
        (
            "templates/notes.json",
            f'{{"client_secret": "{GOOGLE_CLIENT_SECRET}"}}\n',
            "Google OAuth client secret",
        ),
        ("scripts/tool.py", f'TOKEN = "{META_TOKEN}"\n', "Meta access token"),
        (
            "connectors/source-tiktok-ads/integration_tests/config.json",
            f'{{\n  "access_token": "{RANDOM_TOKEN}"\n}}\n',
            "access_token is assigned",
        ),
        (
            "deploy.env.example",
            f"AIRBYTE_LINKEDIN_ACCESS_TOKEN={RANDOM_TOKEN}\n",
            "AIRBYTE_LINKEDIN_ACCESS_TOKEN is assigned",
        ),
    ],
)
def test_planted_secrets_are_found(repo: Path, path: str, content: str, kind: str) -> None:
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content)
    found = [f for f in findings(repo, "secrets") if f.file == path]
    assert found and any(kind in f.message for f in found), found
    assert all(
        GOOGLE_CLIENT_SECRET not in f.message and RANDOM_TOKEN not in f.message for f in found
    )


def test_allowlisted_fixture_and_pragma_lines_are_skipped(repo: Path) -> None:
    fixture = repo / "tests/fixtures.py"
    fixture.parent.mkdir(parents=True, exist_ok=True)
    fixture.write_text(
        f'A = "{GOOGLE_CLIENT_SECRET}"\nB = "{META_TOKEN}"  # pragma: allowlist secret\n'
    )
    (finding,) = findings(repo, "secrets")
    digest = finding.message.split("(")[1].split(")")[0]
    allowlist = repo / "contract_checks/secrets_allowlist.yaml"
    allowlist.write_text(
        allowlist.read_text()
        + f"  - {{file: tests/fixtures.py, fingerprint: '{digest}', reason: test}}\n"
    )
    assert findings(repo, "secrets") == []


def test_placeholders_are_not_secrets(repo: Path) -> None:
    (repo / "templates/placeholders.env.example").write_text(
        "AIRBYTE_X_CLIENT_SECRET=changeme-airbyte-x-client-secret-value\n"
        "AIRBYTE_X_ACCESS_TOKEN=${AIRBYTE_X_ACCESS_TOKEN}\n"
        'api_token: "**********"\n'
        "refresh_token=00000000-0000-4000-8000-000000000000\n"
    )
    assert findings(repo, "secrets") == []


# --- records --------------------------------------------------------------------------------------


def record(stream: str, data: dict) -> str:
    return json.dumps(
        {"type": "RECORD", "record": {"stream": stream, "data": data, "emitted_at": 0}}
    )


GOOD_ROW = {
    "site_url": "sc-domain:example.com",
    "search_type": "web",
    "date": "2024-01-02",
    "page": "/a",
    "query": "shoes",
    "clicks": 3,
    "impressions": 40,
    "ctr": 0.075,
    "position": 4.2,
}


def test_clean_records_pass(repo: Path, tmp_path: Path) -> None:
    lines = [
        json.dumps({"type": "STATE", "state": {}}),
        record("search_performance_by_page_query", GOOD_ROW),
        record("search_performance_by_page_query", {**GOOD_ROW, "query": "boots", "ctr": None}),
        record("ads_search_performance_by_page_query", {**GOOD_ROW, "query": "hats"}),
        record("some_other_stream", {"x": 1}),
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines) + "\n")
    report = run_checks(repo, ["records"], records=path)
    assert report.findings == []
    assert report.counts == {"search_console_performance": 3, "records_without_contract": 1}


def test_record_violations_are_reported_with_line_numbers(repo: Path, tmp_path: Path) -> None:
    lines = [
        record("search_performance_by_page_query", GOOD_ROW),
        record("search_performance_by_page_query", {**GOOD_ROW, "query": "q1", "clicks": "3"}),
        record("search_performance_by_page_query", {**GOOD_ROW, "query": "q2", "page": None}),
        record("search_performance_by_page_query", {**GOOD_ROW, "query": "q3", "date": "20240102"}),
        record("search_performance_by_page_query", GOOD_ROW),
        "not json",
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines) + "\n")
    found = [(f.line, f.message) for f in findings(repo, "records", records=path)]
    assert [line for line, _ in found] == [2, 3, 4, 5, 6]
    assert "clicks should be integer, got str '3'" in found[0][1]
    assert "page is null but not nullable" in found[1][1]
    assert "date should be date, got str '20240102'" in found[2][1]
    assert "primary key" in found[3][1] and "repeats line 1" in found[3][1]
    assert found[4][1].startswith("not JSON")


def test_plain_json_lines_use_the_stream_option(repo: Path, tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"segments.date": "2024-01-01", "customer.id": "12"}) + "\n")
    found = findings(repo, "records", records=path, stream="google_ads_performance")
    assert any("customer.id should be integer" in f.message for f in found)
    assert any("ad_group_ad.ad.id is missing but not nullable" in f.message for f in found)


# --- command --------------------------------------------------------------------------------------


def test_command_prints_json_and_exits_1_on_findings(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = repo / "env.example"
    env.write_text(env.read_text() + "AIRBYTE_NEVER_READ_KNOB=1\n")
    assert main(["contracts", "--root", str(repo)]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False
    assert out["findings"][0].keys() == {"file", "line", "rule", "message"}
    assert {"rule": "env-names", "findings": 1} in out["summary"]


def test_command_passes_on_this_repository(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contracts"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True


@pytest.mark.parametrize("args", [["--rules", "spelling"], ["--records", "/nonexistent.jsonl"]])
def test_command_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contracts", *args]) == 2
    assert json.loads(capsys.readouterr().out)["ok"] is False


# --- query-aliases with --discover (schemas the custom connectors build at run time) -------------


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
    [finding] = findings(repo, "query-aliases", discover=True)  # type: ignore[arg-type]
    assert "spend_in_usd is contracted" in finding.message
    assert "discovered schema" in finding.message

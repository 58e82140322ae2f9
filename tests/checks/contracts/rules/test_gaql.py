"""Rule gaql: packaged and configured GAQL is accepted by the official Google Ads connector."""

from __future__ import annotations

from pathlib import Path

from ..helpers import edit, problems_of


def test_runtime_templating_in_the_packaged_query(repo: Path) -> None:
    query = repo / "templates/queries/google_ads_metrics.gaql"
    query.write_text(query.read_text() + "WHERE segments.date >= '{{ runtime_from_date }}'\n")
    found = problems_of(repo, "gaql")
    assert found and "runtime_from_date/runtime_to_date do not exist" in found[0].message
    assert found[0].file == "templates/queries/google_ads_metrics.gaql"


def test_refused_gaql_in_env_example(repo: Path) -> None:
    edit(
        repo / "env.example",
        "AIRBYTE_GOOGLE_ADS_CUSTOM_QUERY=",
        'AIRBYTE_GOOGLE_ADS_CUSTOM_QUERY="SELECT * FROM campaign"',
    )
    (problem,) = problems_of(repo, "gaql")
    assert problem.file == "env.example" and "SELECT *" in problem.message


def test_a_config_example_that_is_not_json_says_its_queries_were_not_checked(repo: Path) -> None:
    edit(repo / "templates/google_ads.json.example", "{", "{,")
    (problem,) = problems_of(repo, "gaql")
    assert problem.file == "templates/google_ads.json.example" and problem.line == 1
    assert problem.message.endswith("its GAQL queries were not checked")

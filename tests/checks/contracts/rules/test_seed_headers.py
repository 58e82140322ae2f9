"""Rule seed-headers: the dbt seeds the contracts name have the contracted header and rows."""

from __future__ import annotations

from pathlib import Path

from ..helpers import edit, problems_of
from .dbt_project import make_dbt_project


def test_seed_header_drift(repo: Path) -> None:
    edit(repo / "contract_checks/seeds/ads_platforms.csv", "dbt_enable_var", "enable_var")
    (problem,) = problems_of(repo, "seed-headers")
    assert problem.file == "contract_checks/seeds/ads_platforms.csv"
    assert "header" in problem.message


def test_seed_rows_must_follow_the_mapping(repo: Path) -> None:
    edit(
        repo / "contract_checks/seeds/ads_performance_column_map.csv",
        "google_ads,spend,google_ads_performance,metrics.cost_micros",
        "google_ads,spend,google_ads_performance,metrics.cost",
    )
    (problem,) = problems_of(repo, "seed-headers")
    assert "rows differ" in problem.message


def test_a_missing_seed_is_reported_at_the_contract(repo: Path) -> None:
    (repo / "contract_checks/seeds/ads_platforms.csv").unlink()
    (problem,) = problems_of(repo, "seed-headers")
    assert problem.file == "contract_checks/contracts/ads_performance.yaml"
    assert problem.message.endswith("seed contract_checks/seeds/ads_platforms.csv does not exist")


def test_dbt_seed_header_drift(repo: Path) -> None:
    project = make_dbt_project(repo)
    edit(project / "seeds/ads_platforms.csv", "source_template", "template")
    (problem,) = problems_of(repo, "seed-headers", dbt_project=project)
    assert (problem.file or "").endswith("dbt/seeds/ads_platforms.csv")

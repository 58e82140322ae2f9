"""Rule dbt (with --dbt-project): the dbt project reads only contracted columns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ..helpers import edit, problems_of
from .dbt_project import make_dbt_project


def test_a_consistent_dbt_project_passes(repo: Path) -> None:
    project = make_dbt_project(repo)
    assert problems_of(repo, "dbt", dbt_project=project) == []
    assert problems_of(repo, "seed-headers", dbt_project=project) == []


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
        (
            lambda p: edit(
                p / "models/staging/sources.yml",
                "{data_contract: ads_performance}",
                "{data_contract: ads_perf}",
            ),
            "names unknown contract ads_perf",
        ),
    ],
    ids=[
        "missing-var",
        "source-column",
        "sql-column",
        "ungated-linkedin",
        "model-columns",
        "unknown-contract",
    ],
)
def test_dbt_violations(repo: Path, plant: Callable[[Path], None], expected: str) -> None:
    project = make_dbt_project(repo)
    plant(project)
    found = problems_of(repo, "dbt", dbt_project=project)
    assert any(expected in p.message for p in found), found


def test_a_folder_without_dbt_project_yml_is_named(repo: Path, tmp_path: Path) -> None:
    (problem,) = problems_of(repo, "dbt", dbt_project=tmp_path)
    assert problem.file == str(tmp_path / "dbt_project.yml")
    assert "pass the dbt project folder" in problem.message


def test_a_dbt_project_yml_that_does_not_parse_is_named_not_raised(repo: Path) -> None:
    project = make_dbt_project(repo)
    (project / "dbt_project.yml").write_text("name: [marketing\n")
    (problem,) = problems_of(repo, "dbt", dbt_project=project)
    assert problem.file == str(project / "dbt_project.yml")
    assert "is not valid YAML" in problem.message and "not checked" in problem.message


def test_a_models_yaml_that_does_not_parse_says_what_was_not_checked(repo: Path) -> None:
    project = make_dbt_project(repo)
    (project / "models/staging/broken.yml").write_text("models: [\n")
    (problem,) = problems_of(repo, "dbt", dbt_project=project)
    assert problem.file == str(project / "models/staging/broken.yml")
    assert problem.message.endswith("its sources and models were not checked")

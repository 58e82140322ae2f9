"""Rule templates: every source template renders with env.example and validates against its spec."""

from __future__ import annotations

from pathlib import Path

from ..helpers import edit, problems_of


def test_template_typo_is_reported(repo: Path) -> None:
    edit(repo / "templates/ga4.json.example", '"window_in_days"', '"window_in_day"')
    (problem,) = problems_of(repo, "templates")
    assert "unknown key 'window_in_day'" in problem.message
    assert problem.file == "templates/ga4_source.yaml"


def test_a_config_example_that_is_not_json_breaks_its_template(repo: Path) -> None:
    edit(repo / "templates/google_ads.json.example", "{", "{,")
    (problem,) = problems_of(repo, "templates")
    assert problem.file == "templates/google_ads_source.yaml"
    assert problem.message.startswith("template is broken: Expecting property name")

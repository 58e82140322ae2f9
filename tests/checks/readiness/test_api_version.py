"""The LinkedIn API version rule of readiness, and the same judgement offered to the health check
and the operator's make target (``api_version_problems``). Every date is judged against the frozen
clock, never today."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from airbyte_provisioning.checks.readiness import (
    SUNSET_WARNING_DAYS,
    api_version_problems,
    api_version_summaries,
)
from airbyte_provisioning.core.paths import CONNECTORS_DIR

from .helpers import LINKEDIN_ON, NOW, codes, make_linkedin_connector, run, sunset_table


def test_a_version_with_a_future_sunset_passes_and_is_reported(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    report = run(production_env | LINKEDIN_ON, tmp_path)
    assert report.findings == []
    assert report.linkedin is not None
    assert (report.linkedin["version"], report.linkedin["sunset"]) == ("202607", "2027-07-15")
    assert report.linkedin["days_left"] == 231


@pytest.mark.parametrize(
    ("version", "sunsets", "code", "severity"),
    [
        ("202511", {"202511": "2026-11-16", "202607": "2027-07-15"}, "version_sunset", "error"),
        ("202512", {"202512": "2026-12-15"}, "version_sunsetting", "warning"),
        ("202608", {"202607": "2027-07-15"}, "unknown_version", "error"),
    ],
)
def test_a_sunset_sunsetting_or_unlisted_version_is_reported(
    production_env: dict[str, str],
    tmp_path: Path,
    version: str,
    sunsets: dict[str, str],
    code: str,
    severity: str,
) -> None:
    make_linkedin_connector(tmp_path, version, sunset_table(sunsets))
    report = run(production_env | LINKEDIN_ON, tmp_path)
    assert codes(report, severity) == {("LinkedIn-Version", code)}
    assert len(report.findings) == 1
    if code == "version_sunset":
        assert "newest version in the table is 202607" in report.findings[0][1].message


def test_the_warning_starts_sixty_days_before_the_sunset(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    edge = (NOW + timedelta(days=SUNSET_WARNING_DAYS)).date().isoformat()
    make_linkedin_connector(tmp_path, "202512", sunset_table({"202512": edge}))
    assert codes(run(production_env | LINKEDIN_ON, tmp_path)) == {
        ("LinkedIn-Version", "version_sunsetting")
    }


def test_the_rule_is_skipped_with_a_warning_when_the_table_is_missing(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    make_linkedin_connector(tmp_path, "202607", None)
    report = run(production_env | LINKEDIN_ON, tmp_path)
    assert codes(report, "warning") == {("LinkedIn-Version", "rule_skipped")}
    assert report.rules_summary()["linkedin_api_version"]["status"] == "skipped"


def test_a_table_in_another_layout_is_an_error_naming_the_file(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    make_linkedin_connector(tmp_path, "202607", "202607: 2027-07-15\n")
    report = run(production_env | LINKEDIN_ON, tmp_path)
    assert codes(report) == {("LinkedIn-Version", "bad_table")}
    assert "api_versions.yaml has no `versions:` list" in report.findings[0][1].message


def test_the_rule_is_skipped_while_linkedin_is_not_enabled(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    make_linkedin_connector(tmp_path, "202511", sunset_table({"202511": "2026-11-16"}))
    report = run(production_env, tmp_path)
    assert report.findings == []
    assert report.rules_summary()["linkedin_api_version"]["status"] == "skipped"


def test_operators_see_every_connector_whose_version_is_near_its_sunset(tmp_path: Path) -> None:
    connectors = make_linkedin_connector(tmp_path, "202512", sunset_table({"202512": "2026-12-15"}))
    (connectors / "source-no-dated-version").mkdir()
    (connectors / "source-no-dated-version" / "manifest.yaml").write_text("streams: []\n")

    problems = api_version_problems(NOW, connectors)

    assert [(p.code, p.severity, p.variable) for p in problems] == [
        ("version_sunsetting", "warning", "LinkedIn-Version")
    ]
    assert problems[0].message.startswith("source-linkedin-ads pins 202512, sunset on 2026-12-15")
    assert problems[0].file == str(connectors / "source-linkedin-ads" / "api_versions.yaml")
    assert api_version_summaries(NOW, connectors) == [
        {
            "connector": "source-linkedin-ads",
            "version": "202512",
            "sunset": "2026-12-15",
            "days_left": 19,
            "manifest": str(connectors / "source-linkedin-ads" / "manifest.yaml"),
            "table": str(connectors / "source-linkedin-ads" / "api_versions.yaml"),
        }
    ]


def test_operators_get_an_error_once_the_version_is_sunset(tmp_path: Path) -> None:
    connectors = make_linkedin_connector(tmp_path, "202511", sunset_table({"202511": "2026-11-16"}))
    assert [(p.code, p.severity) for p in api_version_problems(NOW, connectors)] == [
        ("version_sunset", "error")
    ]


def test_operators_get_an_error_naming_an_unreadable_table(tmp_path: Path) -> None:
    connectors = make_linkedin_connector(tmp_path, "202607", "versions: [\n")
    problems = api_version_problems(NOW, connectors)
    assert [(p.code, p.severity) for p in problems] == [("bad_connector_file", "error")]
    assert problems[0].file == str(connectors / "source-linkedin-ads" / "api_versions.yaml")
    assert "is not valid YAML (line 2" in problems[0].message


def test_the_repositorys_linkedin_connector_is_judged_from_its_own_files() -> None:
    summaries = api_version_summaries(NOW, CONNECTORS_DIR)
    assert [s["connector"] for s in summaries] == ["source-linkedin-ads"]
    assert summaries[0]["sunset"] is not None, "the pinned version must be in api_versions.yaml"

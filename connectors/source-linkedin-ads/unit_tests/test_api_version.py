"""The pinned LinkedIn-Version: defined once, listed in the sunset table, supported when released.

Only what the repository controls is checked here, so the result never changes with the calendar:
the version the manifest pins, the sunset table next to it and the connector's release date in
metadata.yaml. Whether the version is close to its sunset *today* is an operator's question,
answered by the production-readiness check, not by the test suite.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml


def _pinned_version(manifest_text: str) -> str:
    versions = re.findall(
        r"LinkedIn-Version: \"\{\{ config.get\('api_version'\) or '(\d{6})' \}\}\"", manifest_text
    )
    assert len(versions) == 1, "LinkedIn-Version must be defined exactly once in manifest.yaml"
    return str(versions[0])


def _sunset_table(connector_dir: Path) -> dict[str, dict[str, Any]]:
    table = yaml.safe_load((connector_dir / "api_versions.yaml").read_text())
    return {str(row["version"]): row for row in table["versions"]}


def _release_date(connector_dir: Path) -> date:
    metadata = yaml.safe_load((connector_dir / "metadata.yaml").read_text())
    return date.fromisoformat(metadata["data"]["releaseDate"])


def support_problems(
    version: str, table: dict[str, dict[str, Any]], released_on: date
) -> list[str]:
    """Why ``version`` could not have been served on the connector's release date, if it could not."""
    row = table.get(version)
    if row is None:
        return [f"{version} is missing from api_versions.yaml: add its release and sunset dates"]
    problems = []
    if date.fromisoformat(row["released"]) > released_on:
        problems.append(f"{version} was released on {row['released']}, after {released_on}")
    if date.fromisoformat(row["sunset"]) <= released_on:
        problems.append(f"{version} was sunset on {row['sunset']}, before {released_on}")
    return problems


def test_the_version_string_appears_once_in_the_manifest(connector_dir: Path) -> None:
    text = (connector_dir / "manifest.yaml").read_text()
    version = _pinned_version(text)
    assert text.count(version) == 1
    assert len(re.findall(r"(?im)^\s*linkedin-version:", text)) == 1


def test_the_pinned_version_was_supported_on_the_connectors_release_date(
    connector_dir: Path,
) -> None:
    version = _pinned_version((connector_dir / "manifest.yaml").read_text())

    problems = support_problems(version, _sunset_table(connector_dir), _release_date(connector_dir))

    assert problems == []


def test_a_version_missing_from_the_table_is_reported() -> None:
    table = {"202601": {"released": "2026-01-01", "sunset": "2027-01-15"}}
    assert support_problems("202607", table, date(2026, 11, 26)) == [
        "202607 is missing from api_versions.yaml: add its release and sunset dates"
    ]


def test_a_version_sunset_before_the_release_is_reported() -> None:
    table = {"202510": {"released": "2025-10-01", "sunset": "2026-10-15"}}
    assert support_problems("202510", table, date(2026, 11, 26)) == [
        "202510 was sunset on 2026-10-15, before 2026-11-26"
    ]


def test_a_version_released_after_the_connector_is_reported() -> None:
    table = {"202612": {"released": "2026-12-01", "sunset": "2027-12-15"}}
    assert support_problems("202612", table, date(2026, 11, 26)) == [
        "202612 was released on 2026-12-01, after 2026-11-26"
    ]


def test_every_row_of_the_table_has_a_release_before_its_sunset(connector_dir: Path) -> None:
    for version, row in _sunset_table(connector_dir).items():
        assert re.fullmatch(r"20\d\d(0[1-9]|1[0-2])", version), version
        assert date.fromisoformat(row["released"]) < date.fromisoformat(row["sunset"]), version


def test_the_pinned_version_is_the_newest_in_the_table(connector_dir: Path) -> None:
    version = _pinned_version((connector_dir / "manifest.yaml").read_text())
    assert version == max(_sunset_table(connector_dir))

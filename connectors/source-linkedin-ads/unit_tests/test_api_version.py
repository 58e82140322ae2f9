"""The pinned LinkedIn-Version: defined once, known to the sunset table, and not about to die."""

import re
from datetime import UTC, date, datetime

import yaml

WARNING_DAYS = 60


def _pinned_version(manifest_text: str) -> str:
    versions = re.findall(
        r"LinkedIn-Version: \"\{\{ config.get\('api_version'\) or '(\d{6})' \}\}\"", manifest_text
    )
    assert len(versions) == 1, "LinkedIn-Version must be defined exactly once in manifest.yaml"
    return versions[0]


def test_the_version_string_appears_once_in_the_manifest(connector_dir):
    text = (connector_dir / "manifest.yaml").read_text()
    version = _pinned_version(text)
    assert text.count(version) == 1
    assert len(re.findall(r"(?im)^\s*linkedin-version:", text)) == 1


def test_the_pinned_version_is_not_within_60_days_of_its_sunset(connector_dir):
    version = _pinned_version((connector_dir / "manifest.yaml").read_text())
    table = yaml.safe_load((connector_dir / "api_versions.yaml").read_text())
    rows = {row["version"]: row for row in table["versions"]}
    assert version in rows, f"{version} is missing from api_versions.yaml"
    sunset = date.fromisoformat(rows[version]["sunset"])
    today = datetime.now(UTC).date()
    assert (
        (sunset - today).days > WARNING_DAYS
    ), f"LinkedIn-Version {version} is sunset on {sunset}: move manifest.yaml to a newer version"


def test_the_pinned_version_is_the_newest_in_the_table(connector_dir):
    version = _pinned_version((connector_dir / "manifest.yaml").read_text())
    table = yaml.safe_load((connector_dir / "api_versions.yaml").read_text())
    assert version == max(row["version"] for row in table["versions"])

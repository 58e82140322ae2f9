"""Helpers for the readiness tests: the frozen clock, a stand-in LinkedIn connector folder and a
runner of every rule."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from airbyte_provisioning.checks.readiness import ReadinessReport, check_readiness
from airbyte_provisioning.core.envfile import read_env_file
from airbyte_provisioning.core.paths import ENV_EXAMPLE
from airbyte_provisioning.model.tenants import load_stack

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
NOW_ISO = "2026-11-26T12:00:00Z"
EXAMPLE = read_env_file(ENV_EXAMPLE)
# what switches LinkedIn on: its template connection id and real-looking variables
LINKEDIN_ON = {
    "AIRBYTE_TEMPLATE_LINKEDIN_METRICS_CONNECTION_ID": "45c48cce-2e2d-4fbd-9e0f-1a2b3c4d5e6f",
    "AIRBYTE_LINKEDIN_ACCOUNT_ID": "508231994",
    "AIRBYTE_LINKEDIN_ACCESS_TOKEN": "AQV" + "x8Lm2Qp7Rt4Zw9" * 8,
    "AIRBYTE_LINKEDIN_START_DATE": "2025-06-01",
}

LINKEDIN_MANIFEST = """\
version: 7.0.0
type: DeclarativeSource
definitions:
  requester:
    request_headers:
      # the one place the LinkedIn API version lives
      LinkedIn-Version: "{{ config.get('api_version') or '%s' }}"
      X-Restli-Protocol-Version: 2.0.0
streams: []
"""


def sunset_table(sunsets: dict[str, str]) -> str:
    """An ``api_versions.yaml`` in the repository's layout: ``{version: sunset}`` -> YAML text.

    Each version is released on the first day of its month, as LinkedIn's are.
    """
    rows = "".join(
        f"  - {{version: '{version}', released: '{version[:4]}-{version[4:]}-01', "
        f"sunset: '{sunset}', basis: documented}}\n"
        for version, sunset in sunsets.items()
    )
    return f"versions:\n{rows}"


def make_linkedin_connector(root: Path, version: str, table: str | None) -> Path:
    """A stand-in connectors/ folder with the LinkedIn manifest and, optionally, its sunset table."""
    folder = root / "connectors" / "source-linkedin-ads"
    folder.mkdir(parents=True)
    (folder / "manifest.yaml").write_text(LINKEDIN_MANIFEST % version)
    if table is not None:
        (folder / "api_versions.yaml").write_text(table)
    return root / "connectors"


GOOD_TABLE = sunset_table({"202607": "2027-07-15"})


def run(
    env: dict[str, str], tmp_path: Path, example: dict[str, str] | None = EXAMPLE
) -> ReadinessReport:
    """Every rule over ``env`` at :data:`NOW`; a LinkedIn folder pinning 202607 unless planted."""
    connectors = tmp_path / "connectors"
    if not connectors.exists():
        connectors = make_linkedin_connector(tmp_path, "202607", GOOD_TABLE)
    return check_readiness(env, load_stack(env, now=NOW), NOW, example, connectors)


def codes(report: ReadinessReport, severity: str | None = None) -> set[tuple[str | None, str]]:
    return {
        (p.variable, p.code)
        for _, p in report.findings
        if severity is None or p.severity == severity
    }

"""Helpers for the readiness tests: the frozen clock and a stand-in LinkedIn connector folder."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
NOW_ISO = "2026-11-26T12:00:00Z"

LINKEDIN_MANIFEST = """\
version: 7.0.0
type: DeclarativeSource
definitions:
  requester:
    request_headers:
      # the one place the LinkedIn API version lives
      LinkedIn-Version: "{{ config.get('api_version') or '%s' }}"
      X-Restli-Protocol-Version: 2.0.0
"""


def write_env(path: Path, env: dict[str, str]) -> Path:
    path.write_text("".join(f"{k}='{v}'\n" for k, v in env.items()))
    return path


def make_linkedin_connector(root: Path, version: str, table: str | None) -> Path:
    """A stand-in connectors/ folder with the LinkedIn manifest and, optionally, its sunset table."""
    folder = root / "connectors" / "source-linkedin-ads"
    folder.mkdir(parents=True)
    (folder / "manifest.yaml").write_text(LINKEDIN_MANIFEST % version)
    if table is not None:
        (folder / "api_versions.yaml").write_text(table)
    return root / "connectors"

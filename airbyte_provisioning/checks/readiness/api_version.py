"""Rule ``linkedin_api_version``, and the same judgement for operators: is the dated API version a
connector pins close to (or past) its sunset?

LinkedIn serves each monthly ``LinkedIn-Version`` for about a year, then answers 426. The version
lives once in the connector's manifest and its dates in ``api_versions.yaml`` next to it (see
:class:`~airbyte_provisioning.connectors.folder.ConnectorFolder`). Whether *today* is close to the
sunset is an operator's question, asked by ``verify_production_readiness`` (this rule), by the
health check and by the operator's make target (:func:`api_version_problems`); the connector's
own tests check only what the repository controls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from airbyte_provisioning.checks.readiness.report import Context, Rule
from airbyte_provisioning.connectors.folder import (
    ApiVersion,
    ConnectorFolder,
    ConnectorFolderError,
    PinnedVersion,
    all_connectors,
)
from airbyte_provisioning.core.paths import CONNECTORS_DIR
from airbyte_provisioning.core.problems import Problem, Severity
from airbyte_provisioning.core.types import JsonDict

RULE: Rule = "linkedin_api_version"
LINKEDIN = "linkedin-ads"
# Warn this many days before the pinned version stops answering.
SUNSET_WARNING_DAYS = 60


@dataclass(frozen=True)
class VersionCheck:
    """A connector's pinned version judged against its sunset table on one day."""

    folder: ConnectorFolder
    pinned: PinnedVersion
    table: dict[str, ApiVersion]
    today: date

    @property
    def row(self) -> ApiVersion | None:
        return self.table.get(self.pinned.version)

    def summary(self) -> JsonDict:
        row = self.row
        return {
            "version": self.pinned.version,
            "sunset": row.sunset.isoformat() if row else None,
            "days_left": row.days_left(self.today) if row else None,
            "manifest": str(self.folder.manifest_path),
            "table": str(self.folder.api_versions_path),
        }

    def finding(
        self, subject: str = "the manifest", warning_days: int = SUNSET_WARNING_DAYS
    ) -> tuple[str, str, Severity] | None:
        """``(message, code, severity)`` when the version is unknown, sunset or sunsetting."""
        version, row = self.pinned.version, self.row
        newest = max(self.table, default=None)
        upgrade = (
            f"; the newest version in the table is {newest}" if newest and newest != version else ""
        )
        if row is None:
            return (
                f"{subject} pins {version}, which {self.folder.api_versions_path.name} does "
                f"not list, so its sunset date is unknown: add it{upgrade}",
                "unknown_version",
                "error",
            )
        days_left = row.days_left(self.today)
        if days_left <= 0:
            vendor = self.pinned.header.removesuffix("-Version")
            return (
                f"{subject} pins {version}, sunset on {row.sunset}: {vendor} answers 426 "
                f"NONEXISTENT_VERSION; upgrade the connector{upgrade}",
                "version_sunset",
                "error",
            )
        if days_left <= warning_days:
            return (
                f"{subject} pins {version}, sunset on {row.sunset} (in {days_left} days): plan "
                f"the upgrade{upgrade}",
                "version_sunsetting",
                "warning",
            )
        return None


def version_check(folder: ConnectorFolder, today: date) -> VersionCheck | None:
    """The folder's pinned version against its table; ``None`` when it pins no dated version.

    Raises :class:`ConnectorFolderError` (naming the file) when the manifest or the table cannot
    be read, or when a pinned version has no table.
    """
    pinned = folder.api_version
    if pinned is None:
        return None
    return VersionCheck(folder, pinned, folder.api_versions, today)


def check_linkedin_version(
    ctx: Context, enabled: bool, connectors_dir: Path, now: datetime
) -> None:
    """The readiness rule: only when LinkedIn is enabled."""
    if not enabled:
        ctx.report.skipped[RULE] = (
            "LinkedIn is not enabled (AIRBYTE_TEMPLATE_LINKEDIN_METRICS_CONNECTION_ID is not set)"
        )
        return
    folder = ConnectorFolder(connectors_dir / f"source-{LINKEDIN}")
    missing = _missing_files(folder)
    if missing:
        ctx.report.skipped[RULE] = "cannot find " + " and ".join(missing)
        ctx.report.add(
            RULE,
            "LinkedIn-Version",
            f"not checked: cannot find {' and '.join(missing)}",
            "rule_skipped",
            severity="warning",
        )
        return
    ctx.report.saw(RULE, "LinkedIn-Version")
    try:
        check = version_check(folder, now.astimezone(UTC).date())
    except ConnectorFolderError as exc:
        ctx.report.add(RULE, "LinkedIn-Version", str(exc), "bad_table")
        return
    assert check is not None  # _missing_files found the pinned version
    ctx.report.linkedin = check.summary()
    finding = check.finding()
    if finding is not None:
        message, code, severity = finding
        ctx.report.add(RULE, check.pinned.header, message, code, severity=severity)


def _missing_files(folder: ConnectorFolder) -> list[str]:
    """What the LinkedIn rule needs and cannot find: the pinned version, the sunset table."""
    try:
        pinned = folder.api_version
    except ConnectorFolderError:
        pinned = None
    missing = [] if pinned else [f"the LinkedIn-Version header in {folder.manifest_path}"]
    if not folder.api_versions_path.is_file():
        missing.append(f"a version/sunset table {folder.api_versions_path}")
    return missing


def api_version_problems(
    now: datetime,
    connectors_dir: Path = CONNECTORS_DIR,
    warning_days: int = SUNSET_WARNING_DAYS,
) -> list[Problem]:
    """Every connector's pinned API version judged on ``now``'s date, for operators.

    For the health check and the operator's make target: a version past its sunset (the
    connector's syncs fail) or missing from its table is an error, one within ``warning_days``
    of its sunset a warning. A folder whose files cannot be read is an error naming the file.
    """
    today = now.astimezone(UTC).date()
    problems: list[Problem] = []
    for folder in all_connectors(connectors_dir):
        try:
            check = version_check(folder, today)
        except ConnectorFolderError as exc:
            where = str(exc.file) if exc.file else None
            problems.append(Problem(str(exc), "bad_connector_file", file=where))
            continue
        finding = check.finding(folder.name, warning_days) if check else None
        if check is not None and finding is not None:
            message, code, severity = finding
            problems.append(
                Problem(
                    message,
                    code,
                    variable=check.pinned.header,
                    severity=severity,
                    file=str(folder.api_versions_path),
                )
            )
    return problems


def api_version_summaries(now: datetime, connectors_dir: Path = CONNECTORS_DIR) -> list[JsonDict]:
    """One entry per connector that pins a dated version: version, sunset, days left."""
    today = now.astimezone(UTC).date()
    entries: list[dict[str, Any]] = []
    for folder in all_connectors(connectors_dir):
        try:
            check = version_check(folder, today)
        except ConnectorFolderError:
            continue  # api_version_problems reports it
        if check is not None:
            entries.append({"connector": folder.name, **check.summary()})
    return entries

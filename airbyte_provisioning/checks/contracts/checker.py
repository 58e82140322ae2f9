"""Run the data-contract rules over a repository and collect one report.

``run_checks(root, rules=None, dbt_project=None, records=None, stream=None) -> Report`` is pure
apart from reading files (and ``git ls-files`` for the file list); the command
``airbyte-stack contracts`` / ``scripts/check_data_contracts.py`` prints ``Report.to_dict()``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from airbyte_provisioning.checks.contracts import hygiene, rules
from airbyte_provisioning.checks.contracts.repo import Finding, Repo

ALL_RULES = (
    "contract-schema",
    "templates",
    "gaql",
    "query-aliases",
    "seed-headers",
    "dbt",
    "env-names",
    "secrets",
    "records",
)
# rules that run only when their input is given
OPTIONAL_INPUT = {"dbt": "--dbt-project", "records": "--records"}


@dataclass
class Report:
    root: str
    rules: list[str]
    findings: list[Finding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "root": self.root,
            "rules": self.rules,
            "findings": [f.to_dict() for f in self.findings],
            # a list, not a mapping: a key named "secrets" would be masked by the JSON emitter
            "summary": [
                {"rule": r, "findings": sum(f.rule == r for f in self.findings)} for r in self.rules
            ],
            "skipped": self.skipped,
            "records": self.counts,
            "duration_ms": self.duration_ms,
        }


def run_checks(
    root: Path,
    selected: Iterable[str] | None = None,
    dbt_project: Path | None = None,
    records: Path | None = None,
    stream: str | None = None,
    discover: bool = False,
) -> Report:
    started = time.perf_counter()
    wanted = list(selected or ALL_RULES)
    active = [
        r
        for r in wanted
        if not (r == "dbt" and dbt_project is None) and not (r == "records" and records is None)
    ]
    repo = Repo(root.resolve())
    report = Report(root=str(repo.root), rules=active)
    report.skipped += [f"rule {r}: needs {OPTIONAL_INPUT[r]}" for r in wanted if r not in active]
    if "contract-schema" in active:
        report.findings += rules.check_contract_schema(repo)
    if {"templates", "query-aliases"} & set(active):
        rendered, problems = rules.render_all(repo)
        if "templates" in active:
            report.findings += problems
        if "query-aliases" in active:
            findings, skipped = rules.check_query_aliases(repo, rendered, discover)
            report.findings += findings
            report.skipped += skipped
    if "gaql" in active:
        report.findings += rules.check_gaql(repo)
    if "seed-headers" in active:
        report.findings += rules.check_seed_headers(repo, dbt_project)
    if "dbt" in active and dbt_project is not None:
        report.findings += rules.check_dbt(repo, dbt_project)
    if "env-names" in active:
        report.findings += hygiene.check_env_names(repo)
    if "secrets" in active:
        report.findings += hygiene.check_secrets(repo)
    if "records" in active and records is not None:
        findings, counts = rules.check_records(repo, records, stream)
        report.findings += findings
        report.counts = counts
    report.findings.sort(key=lambda f: (f.rule, f.file, f.line))
    report.duration_ms = round((time.perf_counter() - started) * 1000)
    return report

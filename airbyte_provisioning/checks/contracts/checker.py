"""Run the data-contract rules over a repository and collect one report.

``run_checks(root, selected=None, dbt_project=None, records=None, stream=None, discover=False)
-> Report`` is pure apart from reading files (and ``git ls-files`` for the file list); the command
``airbyte-stack contracts`` / ``scripts/check_data_contracts.py`` prints ``Report.to_dict()``.
Each problem's ``code`` is the name of the rule that found it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from airbyte_provisioning.checks.contracts.repo import Repo
from airbyte_provisioning.checks.contracts.rules import RULES, Inputs, RuleName
from airbyte_provisioning.core.problems import Problem, errors

ALL_RULES = tuple(name.value for name in RuleName)


@dataclass
class Report:
    root: str
    rules: list[str]
    findings: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return not errors(self.findings)

    def to_dict(self) -> dict[str, Any]:
        codes = self.rules + sorted({p.code for p in self.findings} - set(self.rules))
        return {
            "ok": self.ok,
            "root": self.root,
            "rules": self.rules,
            "findings": [problem.as_dict() for problem in self.findings],
            # a list, not a mapping: a key named "secrets" would be masked by the JSON emitter
            "summary": [
                {"rule": code, "findings": sum(p.code == code for p in self.findings)}
                for code in codes
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
    """Run the ``selected`` rules, or with None every rule (skipping those whose input is not
    given). A rule selected by name without its input is a problem: the run would check nothing.
    """
    started = time.perf_counter()
    wanted = [RuleName(name) for name in selected] if selected is not None else list(RuleName)
    inputs = Inputs(Repo(root.resolve()), dbt_project, records, stream, discover)
    active = [name for name in wanted if inputs.has(RULES[name].needs)]
    report = Report(root=str(inputs.repo.root), rules=[name.value for name in active])
    for name in wanted:
        needs = RULES[name].needs
        if name in active:
            continue
        if selected is None:
            report.skipped.append(f"rule {name}: needs {needs}")
        else:
            message = f"rule {name} needs {needs}: nothing was checked"
            report.findings.append(Problem(message, code=name.value))
    # a contract file that does not load is reported once, by any rule that reads contracts
    if any(RULES[name].reads_contracts for name in active):
        report.findings += inputs.repo.contract_problems
    for name in active:
        outcome = RULES[name].check(inputs)
        report.findings += outcome.problems
        report.skipped += outcome.skipped
        report.counts.update(outcome.counts)
    report.findings.sort(key=lambda p: (p.code, p.file or "", p.line or 0))
    report.duration_ms = round((time.perf_counter() - started) * 1000)
    return report

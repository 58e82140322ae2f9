"""Helpers of the contract-checker tests: plant a change, run one rule, build RECORD lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from airbyte_provisioning.checks.contracts.checker import run_checks
from airbyte_provisioning.core.problems import Problem

REPO = Path(__file__).resolve().parents[3]


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in ``path`` by ``new`` (``old`` must be there)."""
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def problems_of(root: Path, rule: str, **options: Any) -> list[Problem]:
    """The problems ``rule`` finds in the repository at ``root`` (run alone)."""
    report = run_checks(root, [rule], **options)
    return [p for p in report.findings if p.code == rule]


def record(stream: str, data: Any) -> str:
    """One Airbyte RECORD message as a JSON line."""
    return json.dumps(
        {"type": "RECORD", "record": {"stream": stream, "data": data, "emitted_at": 0}}
    )

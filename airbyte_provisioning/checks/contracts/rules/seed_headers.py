"""Rule ``seed-headers``: the dbt seeds the contracts name have the contracted header and rows.

A contract's ``seeds`` list the CSV files generated from it (``path``, ``columns`` and, for the
repository's copy, ``rows_from``: the part of the contract the rows must equal). With
``--dbt-project``, the project's copy under ``seeds/`` must have the same header.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from airbyte_provisioning.checks.contracts.names import RuleName
from airbyte_provisioning.checks.contracts.repo import Repo, line_of
from airbyte_provisioning.checks.contracts.rules.base import Outcome, found
from airbyte_provisioning.checks.contracts.rules.context import Inputs
from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.core.types import JsonDict

RULE = RuleName.SEED_HEADERS
PLATFORM_ROW = ("platform", "source_template", "source_contract", "dbt_enable_var")


@dataclass(frozen=True)
class _SeedCopy:
    shown: str  # the name in messages: relative in the repository, as given in the dbt project
    path: Path
    check_rows: bool  # the repository's copy is generated from the contract, rows included


def check(inputs: Inputs) -> Outcome:
    outcome = Outcome()
    for name, (rel, document) in sorted(inputs.repo.contracts.items()):
        for seed in document.get("seeds") or ():
            if not isinstance(seed, Mapping) or not seed.get("path"):
                message = f"{name}: every seed needs a path and its columns"
                outcome.problems.append(
                    found(RULE, rel, line_of(inputs.repo.text(rel) or "", "seeds:"), message)
                )
                continue
            for copy in _copies(inputs.repo, seed, inputs.dbt_project):
                outcome.problems += _check_copy(inputs.repo, name, rel, document, seed, copy)
    return outcome


def _copies(repo: Repo, seed: Mapping[str, Any], dbt_project: Path | None) -> list[_SeedCopy]:
    copies = [_SeedCopy(str(seed["path"]), repo.root / str(seed["path"]), True)]
    if dbt_project is not None:
        in_project = dbt_project / "seeds" / Path(str(seed["path"])).name
        if in_project.is_file():
            copies.append(_SeedCopy(str(in_project), in_project, False))
    return copies


def _check_copy(
    repo: Repo, name: str, rel: str, document: JsonDict, seed: Mapping[str, Any], copy: _SeedCopy
) -> Iterable[Problem]:
    if not copy.path.is_file():
        line = line_of(repo.text(rel) or "", str(seed["path"]))
        yield found(RULE, rel, line, f"{name}: seed {copy.shown} does not exist")
        return
    rows = [row for row in csv.reader(io.StringIO(copy.path.read_text(errors="replace"))) if row]
    header = rows[0] if rows else []
    columns = [str(c) for c in seed.get("columns") or ()]
    if header != columns:
        message = f"header {header} differs from the contract {name}: {columns}"
        yield found(RULE, copy.shown, 1, message)
    elif copy.check_rows and seed.get("rows_from"):
        expected = expected_seed_rows(document, str(seed["rows_from"]))
        if rows[1:] != expected:
            extra = [r for r in rows[1:] if r not in expected]
            lacking = [r for r in expected if r not in rows[1:]]
            message = (
                f"rows differ from contract {name} (in the seed only: {extra[:3]}; "
                f"missing: {lacking[:3]}); regenerate it from the contract"
            )
            yield found(RULE, copy.shown, 1, message)


def expected_seed_rows(document: Mapping[str, Any], rows_from: str) -> list[list[str]]:
    """The seed rows a contract implies: its ``mappings`` or one row per entry of a list."""
    if rows_from == "mappings":
        platforms = {p["platform"]: p for p in document.get("platforms") or ()}
        return [
            [
                platform,
                column,
                str(platforms.get(platform, {}).get("source_contract", "")),
                "" if (rule or {}).get("from") is None else str(rule["from"]),
                str((rule or {}).get("transform") or ""),
            ]
            for platform, mapping in (document.get("mappings") or {}).items()
            for column, rule in mapping.items()
        ]
    return [[str(p.get(k, "")) for k in PLATFORM_ROW] for p in document.get(rows_from) or ()]

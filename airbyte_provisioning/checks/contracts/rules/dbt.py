"""Rule ``dbt`` (with ``--dbt-project``): the dbt project reads only contracted columns.

Four steps over the project: ``dbt_project.yml`` declares the ``enable_linkedin`` /
``enable_tiktok`` variables; the sources' documented columns exist in the contract of the table;
a model that names a contract (``meta.data_contract``) lists exactly its columns; the SQL of the
models reads only contracted dotted columns and gates the optional connectors' sources.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from airbyte_provisioning.checks.contracts.names import RuleName
from airbyte_provisioning.checks.contracts.repo import Repo, line_of
from airbyte_provisioning.checks.contracts.rules.base import (
    Outcome,
    columns,
    found,
    stream_contracts,
)
from airbyte_provisioning.checks.contracts.rules.context import Inputs
from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.core.types import JsonDict

RULE = RuleName.DBT
OPTIONAL_PLATFORMS = ("linkedin", "tiktok")
_SOURCE_REF = re.compile(r"source\(\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]([^'\"]+)['\"]\s*\)")
_QUOTED_COLUMN = re.compile(r'"([A-Za-z_][A-Za-z0-9_.]*)"')


@dataclass
class _Project:
    """The dbt project and what the steps learn from it (source tables -> their contract)."""

    root: Path
    settings_text: str
    contracts: dict[str, JsonDict]
    tables: dict[tuple[str, str], str] = field(default_factory=dict)

    def gate(self, contract: str) -> str | None:
        """The variable that must enable models reading an optional connector's stream."""
        platform = self.contracts[contract].get("platform")
        return f"enable_{platform}" if platform in OPTIONAL_PLATFORMS else None


def check(inputs: Inputs) -> Outcome:
    assert inputs.dbt_project is not None  # the registry runs this rule only with --dbt-project
    project_file = inputs.dbt_project / "dbt_project.yml"
    settings, problems = _read_settings(project_file)
    if settings is None:
        return Outcome(problems=problems)
    contracts = {name: document for name, _, document in stream_contracts(inputs.repo)}
    project = _Project(inputs.dbt_project, project_file.read_text(errors="replace"), contracts)
    problems += _variable_problems(project_file, project.settings_text, settings)
    for path, document in _yaml_files(project.root, problems):
        text = path.read_text(errors="replace")
        problems += _source_problems(project, path, text, document)
        problems += _model_problems(inputs.repo, path, text, document)
    problems += _sql_problems(project)
    return Outcome(problems=problems)


def _read_settings(project_file: Path) -> tuple[Mapping[str, Any] | None, list[Problem]]:
    if not project_file.is_file():
        message = "no dbt_project.yml here: pass the dbt project folder"
        return None, [found(RULE, str(project_file), 1, message)]
    try:
        settings = yaml.safe_load(project_file.read_text(errors="replace")) or {}
    except yaml.YAMLError as exc:
        message = f"{project_file} is not valid YAML ({getattr(exc, 'problem', None) or exc}); the project was not checked"
        return None, [found(RULE, str(project_file), 1, message)]
    if not isinstance(settings, Mapping):
        message = f"{project_file} must be a mapping; the project was not checked"
        return None, [found(RULE, str(project_file), 1, message)]
    return settings, []


def _variable_problems(
    project_file: Path, text: str, settings: Mapping[str, Any]
) -> Iterable[Problem]:
    variables = settings.get("vars") or {}
    for platform in OPTIONAL_PLATFORMS:
        var = f"enable_{platform}"
        if not isinstance(variables, Mapping) or not isinstance(variables.get(var), bool):
            yield found(
                RULE,
                str(project_file),
                line_of(text, var),
                f"vars.{var} must be declared as true/false (the optional connectors are off by default)",
            )


def _yaml_files(project: Path, problems: list[Problem]) -> Iterator[tuple[Path, JsonDict]]:
    """Every YAML mapping of the project (not target/ or dbt_packages/); reports broken ones."""
    for path in sorted(project.rglob("*.yml")) + sorted(project.rglob("*.yaml")):
        if {"target", "dbt_packages"}.intersection(path.relative_to(project).parts):
            continue
        try:
            document = yaml.safe_load(path.read_text(errors="replace"))
        except yaml.YAMLError:
            message = f"{path} is not valid YAML: its sources and models were not checked"
            problems.append(found(RULE, str(path), 1, message))
            continue
        if isinstance(document, dict):
            yield path, document


def _match_contract(table: str, contracts: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The contract of a source table: its stream, possibly behind a connection prefix."""
    hits = [
        n
        for n, c in contracts.items()
        if table == c.get("stream") or table.endswith("_" + str(c.get("stream")))
    ]
    return max(hits, key=lambda n: len(str(contracts[n].get("stream"))), default=None)


def _source_problems(
    project: _Project, path: Path, text: str, document: JsonDict
) -> Iterable[Problem]:
    for source in document.get("sources") or ():
        for table in source.get("tables") or ():
            identifier = str(table.get("identifier") or table.get("name"))
            contract = _match_contract(identifier, project.contracts)
            if contract is None:
                continue
            project.tables[(str(source.get("name")), str(table.get("name")))] = contract
            allowed = set(columns(project.contracts[contract]))
            for column in table.get("columns") or ():
                if column.get("name") not in allowed:
                    yield found(
                        RULE,
                        str(path),
                        line_of(text, f"name: {column.get('name')}"),
                        f"source {source.get('name')}.{table.get('name')} documents column {column.get('name')}, which contract {contract} does not have",
                    )


def _model_problems(repo: Repo, path: Path, text: str, document: JsonDict) -> Iterable[Problem]:
    for model in document.get("models") or ():
        meta = {**(model.get("meta") or {}), **((model.get("config") or {}).get("meta") or {})}
        contract = meta.get("data_contract")
        if contract is None:
            continue
        if contract not in repo.contracts:
            message = f"model {model.get('name')} names unknown contract {contract}"
            yield found(RULE, str(path), line_of(text, str(contract)), message)
            continue
        expected = columns(repo.contracts[contract][1])
        got = [str(c.get("name")) for c in model.get("columns") or ()]
        if got != expected:
            yield found(
                RULE,
                str(path),
                line_of(text, f"name: {model.get('name')}"),
                f"model {model.get('name')} columns {got} differ from contract {contract}: {expected}",
            )


def _sql_problems(project: _Project) -> Iterable[Problem]:
    models = project.root / "models"
    for path in sorted(models.rglob("*.sql")) if models.is_dir() else ():
        sql = path.read_text(errors="replace")
        for match in _SOURCE_REF.finditer(sql):
            contract = project.tables.get((match.group(1), match.group(2)))
            if contract is not None:
                yield from _sql_reference_problems(project, path, sql, match, contract)


def _sql_reference_problems(
    project: _Project, path: Path, sql: str, match: re.Match[str], contract: str
) -> Iterable[Problem]:
    allowed = set(columns(project.contracts[contract]))
    for quoted in sorted(set(_QUOTED_COLUMN.findall(sql))):
        if "." in quoted and quoted not in allowed:
            message = f'reads column "{quoted}", which contract {contract} does not have'
            yield found(RULE, str(path), line_of(sql, f'"{quoted}"'), message)
    gate = project.gate(contract)
    # a gate may also be set for the whole folder in dbt_project.yml, above its vars: block
    gated_in_project = gate is not None and gate in project.settings_text.split("vars:")[0]
    if gate and not re.search(rf"var\(\s*['\"]{gate}['\"]", sql) and not gated_in_project:
        yield found(
            RULE,
            str(path),
            1,
            f"reads {match.group(1)}.{match.group(2)} but is not gated by var('{gate}'); enable it with config(enabled=var('{gate}', false))",
        )

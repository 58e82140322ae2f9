"""Rule ``query-aliases``: what each template makes its connector emit equals its contract.

For every stream contract: the stream name and columns that the GAQL query, insights field list,
custom report or connector stream schema produces (``produced_columns``, ``connector_schema``)
against the contract, and the template connection that selects the stream (primary key, cursor).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from airbyte_provisioning.checks.contracts.names import ProducerKind, RuleName
from airbyte_provisioning.checks.contracts.repo import Repo, line_of
from airbyte_provisioning.checks.contracts.rules.base import (
    Outcome,
    column_specs,
    found,
    producer_kind,
    stream_contracts,
)
from airbyte_provisioning.checks.contracts.rules.connector_schema import manifest_columns
from airbyte_provisioning.checks.contracts.rules.context import Inputs
from airbyte_provisioning.checks.contracts.rules.produced_columns import FIELD_LISTS, Produced
from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.core.types import JsonDict
from airbyte_provisioning.templates import source_templates

RULE = RuleName.QUERY_ALIASES


def check(inputs: Inputs) -> Outcome:
    outcome = Outcome()
    sources = inputs.rendering.sources
    for name, rel, contract in stream_contracts(inputs.repo):
        source = sources.get(str(contract.get("template")))
        if source is None:
            outcome.skipped.append(
                f"{name}: template {contract.get('template')} did not render (see rule templates)"
            )
            continue
        produced = produced_columns(contract, source, inputs.repo, inputs.discover)
        if produced.skipped:
            outcome.skipped.append(f"{name}: {produced.where}")
        elif produced.columns is None:
            template_rel = f"templates/{source.name}_source.yaml"
            message = f"{name}: the template defines no {produced.where}"
            outcome.problems.append(found(RULE, template_rel, 1, message))
        else:
            located = _Contract(name, rel, inputs.repo.text(rel) or "", contract)
            outcome.problems += _stream_name_problems(located, produced)
            outcome.problems += _missing_or_mistyped(located, produced, produced.columns)
            if produced.exact:
                producer = _producer_file(inputs.repo, source, contract)
                outcome.problems += _not_contracted(located, produced, producer)
        outcome.problems += _selection_problems(inputs.repo, name, contract, source)
    return outcome


def produced_columns(
    contract: Mapping[str, Any],
    rendered: source_templates.RenderedSource,
    repo: Repo,
    discover: bool = False,
) -> Produced:
    """What the rendered template makes the connector emit for ``contract``'s stream."""
    kind = producer_kind(contract)
    if kind is None:
        return Produced(
            "produced_by.kind is not a known kind (see rule contract-schema)", skipped=True
        )
    if kind is ProducerKind.MANIFEST_STREAM:
        return manifest_columns(contract, rendered, repo, discover)
    return FIELD_LISTS[kind](contract["produced_by"], rendered.config)


@dataclass(frozen=True)
class _Contract:
    """One stream contract with the file it is written in, to place problems on its lines."""

    name: str
    rel: str
    text: str
    document: JsonDict

    def at(self, needle: str, message: str) -> Problem:
        return found(RULE, self.rel, line_of(self.text, needle), f"{self.name}: {message}")


def _stream_name_problems(contract: _Contract, produced: Produced) -> Iterable[Problem]:
    wanted = contract.document.get("stream")
    if produced.stream != wanted:
        yield contract.at(
            "stream:",
            f"{produced.where} produces stream {produced.stream!r}, contract says {wanted!r}",
        )


def _type_ok(contract_type: str, json_type: Any) -> bool:
    if json_type is None:
        return True
    types = set(json_type if isinstance(json_type, list) else [json_type]) - {"null"}
    wanted = {"date": "string"}.get(contract_type, contract_type)
    return wanted in types or (wanted == "number" and "integer" in types)


def _missing_or_mistyped(
    contract: _Contract, produced: Produced, emitted: Mapping[str, Any]
) -> Iterable[Problem]:
    for spec in column_specs(contract.document):
        column = str(spec.get("name"))
        here = f"name: {column},"
        if column not in emitted:
            yield contract.at(
                here, f"column {column} is contracted but {produced.where} does not produce it"
            )
        elif not _type_ok(str(spec.get("type")), emitted[column]):
            yield contract.at(
                here,
                f"column {column} is {emitted[column]} in {produced.where}, "
                f"contract says {spec.get('type')}",
            )


def _not_contracted(contract: _Contract, produced: Produced, producer: str) -> Iterable[Problem]:
    contracted = {str(spec.get("name")) for spec in column_specs(contract.document)}
    for column in produced.columns or ():
        if column not in contracted:
            yield found(
                RULE,
                producer,
                1,
                f"{contract.name}: {produced.where} produces {column}, which the contract does not list",
            )


def _producer_file(
    repo: Repo, source: source_templates.RenderedSource, contract: Mapping[str, Any]
) -> str:
    """The file a field list is written in: the config template (or the connector manifest)."""
    if producer_kind(contract) is ProducerKind.MANIFEST_STREAM:
        return source.definition.manifest or ""
    template = source_templates.load_template(source.name, repo.root / "templates")
    return f"templates/{template['source']['config_template']}"


def _selection_problems(
    repo: Repo,
    name: str,
    contract: Mapping[str, Any],
    source: source_templates.RenderedSource,
) -> list[Problem]:
    """The template connection selects the stream, with the contract's primary key and cursor."""
    rel = f"templates/{source.name}_source.yaml"
    text = repo.text(rel) or ""
    wanted = contract.get("stream")
    selected = [s for c in source.connections for s in c.streams if s.name == wanted]
    if not selected:
        message = f"{name}: no template connection selects stream {wanted}"
        return [found(RULE, rel, line_of(text, "connections:"), message)]
    problems: list[Problem] = []
    key = [[k] for k in contract.get("primary_key") or ()]
    cursor = contract.get("cursor_field")
    for stream in selected:
        line = line_of(text, f"name: {stream.name}")
        chosen_key = [list(p) for p in stream.primary_key]
        if chosen_key != key:
            message = f"{name}: connection primary key {chosen_key} differs from the contract's {contract.get('primary_key')}"
            problems.append(found(RULE, rel, line, message))
        if cursor and list(stream.cursor_field) != [cursor]:
            message = f"{name}: connection cursor {list(stream.cursor_field)} differs from the contract's {cursor}"
            problems.append(found(RULE, rel, line, message))
    return problems

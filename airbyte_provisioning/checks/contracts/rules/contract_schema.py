"""Rule ``contract-schema``: contracts are well formed; the unified mapping names real columns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from airbyte_provisioning.checks.contracts.names import (
    ColumnType,
    ProducerKind,
    RuleName,
    parse_enum,
)
from airbyte_provisioning.checks.contracts.repo import Repo, line_of
from airbyte_provisioning.checks.contracts.rules.base import (
    Outcome,
    columns,
    found,
    producer_kind,
    stream_contracts,
)
from airbyte_provisioning.checks.contracts.rules.context import Inputs
from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.core.types import JsonDict

RULE = RuleName.CONTRACT_SCHEMA
COLUMN_TYPES = sorted(t.value for t in ColumnType)
PRODUCER_KINDS = sorted(k.value for k in ProducerKind)


@dataclass(frozen=True)
class Locate:
    """Problems placed in one contract file, at the first line that holds a needle."""

    rel: str
    text: str

    def __call__(self, needle: str, message: str, default: int = 1) -> Problem:
        return found(RULE, self.rel, line_of(self.text, needle, default), message)


def check(inputs: Inputs) -> Outcome:
    outcome = Outcome()
    for name, (rel, document) in sorted(inputs.repo.contracts.items()):
        at = Locate(rel, inputs.repo.text(rel) or "")
        outcome.problems += _column_problems(name, document, at)
        outcome.problems += _key_problems(name, document, at)
        if document.get("kind", "stream") == "stream":
            outcome.problems += _stream_problems(name, document, at)
        outcome.problems += _mapping_problems(inputs.repo, name, document, at)
    return outcome


def _column_problems(name: str, document: JsonDict, at: Locate) -> Iterable[Problem]:
    listed = document.get("columns")
    if not columns(document):
        yield at("columns", f"contract {name} lists no columns")
    for index, column in enumerate(listed if isinstance(listed, list) else ()):
        if not isinstance(column, Mapping):
            yield at("columns", f"column {index + 1} must be a mapping (name, type, nullable)")
            continue
        where = f"name: {column.get('name')}"
        if parse_enum(ColumnType, column.get("type")) is None:
            yield at(where, f"column {column.get('name')}: type must be one of {COLUMN_TYPES}")
        if not isinstance(column.get("nullable"), bool):
            yield at(where, f"column {column.get('name')}: nullable must be true or false")


def _key_problems(name: str, document: JsonDict, at: Locate) -> Iterable[Problem]:
    known = columns(document)
    keys = document.get("primary_key") or []
    if not isinstance(keys, list):
        yield at("primary_key", f"primary_key of {name} must be a list of column names")
        keys = []
    cursor = [document["cursor_field"]] if document.get("cursor_field") else []
    for key in [*keys, *cursor]:
        if key not in known:
            yield at(str(key), f"primary key / cursor column {key} is not a column of {name}")


def _stream_problems(name: str, document: JsonDict, at: Locate) -> Iterable[Problem]:
    if producer_kind(document) is None:
        yield at("produced_by", f"produced_by.kind must be one of {PRODUCER_KINDS}")
    for key in ("template", "stream", "platform"):
        if not document.get(key):
            yield at(key, f"contract {name} has no {key}")


def _mapping_problems(repo: Repo, name: str, document: JsonDict, at: Locate) -> list[Problem]:
    mappings = document.get("mappings") or {}
    if not isinstance(mappings, Mapping):
        return [at("mappings", f"mappings of {name} must map each platform to its columns")]
    problems: list[Problem] = []
    for platform, mapping in mappings.items():
        if not isinstance(mapping, Mapping):
            mapping = {}
        problems += _check_mapping(repo, name, columns(document), str(platform), mapping, at)
    return problems


def _platform_contract(repo: Repo, platform: str) -> tuple[str, JsonDict] | None:
    """The stream contract a platform's unified columns are read from (GA4 feeds none)."""
    for name, _, document in stream_contracts(repo):
        feeds = producer_kind(document) != ProducerKind.GA4_CUSTOM_REPORT
        if document.get("platform") == platform and feeds:
            return name, document
    return None


def _check_mapping(
    repo: Repo,
    name: str,
    unified: list[str],
    platform: str,
    mapping: Mapping[str, Any],
    at: Locate,
) -> list[Problem]:
    here = f"  {platform}:"
    platform_contract = _platform_contract(repo, platform)
    if platform_contract is None:
        return [at(here, f"{name}: no stream contract for platform {platform}")]
    source, source_document = platform_contract
    problems: list[Problem] = []
    missing = [c for c in unified if c not in mapping]
    extra = [c for c in mapping if c not in unified]
    if missing:
        problems.append(at(here, f"{name}.{platform} maps no value for {', '.join(missing)}"))
    if extra:
        problems.append(at(here, f"{name}.{platform} maps unknown columns {', '.join(extra)}"))
    available = set(columns(source_document))
    for column, rule in mapping.items():
        origin = rule.get("from") if isinstance(rule, Mapping) else None
        if origin is not None and origin not in available:
            problems.append(
                at(
                    f"from: {origin}",
                    f"{name}.{platform}.{column} reads {origin}, which {source} does not contract",
                    line_of(at.text, here),
                )
            )
    return problems

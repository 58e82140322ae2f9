"""What every contract rule shares: its outcome, how it reports a problem, how it reads contracts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from airbyte_provisioning.checks.contracts.names import ProducerKind, RuleName, parse_enum
from airbyte_provisioning.checks.contracts.repo import Repo
from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.core.types import JsonDict


@dataclass
class Outcome:
    """What one rule found: problems, checks it could not make (and why), record counts."""

    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def found(rule: RuleName, file: str, line: int | None, message: str) -> Problem:
    """A problem of ``rule`` at ``file:line`` (the rule name is the problem's code)."""
    return Problem(message, code=rule.value, file=file, line=line)


def column_specs(contract: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The contract's column entries that are mappings (rule contract-schema reports the rest)."""
    listed = contract.get("columns")
    return [c for c in listed if isinstance(c, Mapping)] if isinstance(listed, list) else []


def columns(contract: Mapping[str, Any]) -> list[str]:
    """The names of the contract's columns, in contract order."""
    return [str(c.get("name")) for c in column_specs(contract)]


def stream_contracts(repo: Repo) -> Iterator[tuple[str, str, JsonDict]]:
    """(name, file, document) of every contract of kind ``stream`` (the default), by name."""
    for name, (rel, document) in sorted(repo.contracts.items()):
        if document.get("kind", "stream") == "stream":
            yield name, rel, document


def producer_kind(contract: Mapping[str, Any]) -> ProducerKind | None:
    """The contract's ``produced_by.kind``, or None when it names no known kind."""
    producer = contract.get("produced_by")
    return parse_enum(ProducerKind, producer.get("kind")) if isinstance(producer, Mapping) else None

"""Rule ``records`` (with ``--records``): synced rows against their contract.

The file holds Airbyte messages (RECORD ones are checked, the others skipped) or plain JSON lines
(checked against the contract ``--stream`` names). Each row: column types, nullability, and
primary-key uniqueness. A run that checks no row is a problem, never a pass: an empty file, a file
without records, records of streams no contract covers, or a ``--stream`` that names no contract
each get a message saying what was not checked and why.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from airbyte_provisioning.checks.contracts.names import ColumnType, RuleName, parse_enum
from airbyte_provisioning.checks.contracts.repo import Repo
from airbyte_provisioning.checks.contracts.rules.base import (
    Outcome,
    column_specs,
    found,
    stream_contracts,
)
from airbyte_provisioning.checks.contracts.rules.context import Inputs
from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.core.types import JsonDict

RULE = RuleName.RECORDS
WITHOUT_CONTRACT = "records_without_contract"
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

VALUE_CHECKS: dict[ColumnType, Callable[[Any], bool]] = {
    ColumnType.STRING: lambda v: isinstance(v, str),
    ColumnType.DATE: lambda v: isinstance(v, str) and bool(_DATE.match(v)),
    ColumnType.INTEGER: lambda v: isinstance(v, int) and not isinstance(v, bool),
    ColumnType.NUMBER: lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    ColumnType.BOOLEAN: lambda v: isinstance(v, bool),
    ColumnType.ARRAY: lambda v: isinstance(v, list),
    ColumnType.OBJECT: lambda v: isinstance(v, dict),
}


@dataclass(frozen=True)
class _Contracts:
    """Stream contracts by name and by stream; ``forced`` is the one ``--stream`` names."""

    by_name: dict[str, JsonDict]
    by_stream: dict[str, str]  # stream -> contract name
    forced: str | None = None

    @classmethod
    def of(cls, repo: Repo) -> _Contracts:
        contracts = list(stream_contracts(repo))
        return cls(
            by_name={name: document for name, _, document in contracts},
            by_stream={str(document.get("stream")): name for name, _, document in contracts},
        )

    def named(self, option: str) -> str | None:
        """The contract ``--stream`` means: a contract name, or a contracted stream."""
        return option if option in self.by_name else self.by_stream.get(option)

    def for_stream(self, stream: str | None) -> str | None:
        """The contract of a stream, also behind a connection prefix (``ads_<stream>``)."""
        if self.forced is not None or stream is None:
            return self.forced
        if stream in self.by_stream:
            return self.by_stream[stream]
        return next((n for s, n in self.by_stream.items() if stream.endswith("_" + s)), None)


@dataclass
class _Tally:
    """What one pass over the file saw."""

    shown: str
    lines: int = 0
    unreadable: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    uncontracted: Counter[str] = field(default_factory=Counter)
    first_seen: dict[tuple[str, tuple[str, ...]], int] = field(default_factory=dict)

    @property
    def checked(self) -> int:
        return sum(n for name, n in self.counts.items() if name != WITHOUT_CONTRACT)


def check(inputs: Inputs) -> Outcome:
    assert inputs.records is not None  # the registry runs this rule only with --records
    contracts = _Contracts.of(inputs.repo)
    shown = str(inputs.records)
    if inputs.stream is not None:
        forced = contracts.named(inputs.stream)
        if forced is None:
            known = ", ".join(sorted(contracts.by_name)) or "none"
            message = f"--stream {inputs.stream} names no contract or contracted stream (known contracts: {known}); nothing in {shown} was checked"
            return Outcome(problems=[found(RULE, shown, None, message)])
        contracts = _Contracts(contracts.by_name, contracts.by_stream, forced)
    tally = _Tally(shown)
    problems = list(_check_file(inputs.records, contracts, tally))
    problems += _nothing_checked(tally, contracts)
    return Outcome(problems=problems, skipped=_partly_checked(tally), counts=tally.counts)


def _check_file(path: Path, contracts: _Contracts, tally: _Tally) -> Iterable[Problem]:
    try:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if raw.strip():
                    tally.lines += 1
                    yield from _check_line(raw, number, contracts, tally)
    except OSError as exc:
        tally.unreadable = True
        message = f"cannot read {tally.shown} ({exc.strerror or exc}); nothing was checked"
        yield found(RULE, tally.shown, None, message)


def _check_line(raw: bytes, number: int, contracts: _Contracts, tally: _Tally) -> Iterable[Problem]:
    try:
        message = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        yield found(RULE, tally.shown, number, "not UTF-8 text")
        return
    except json.JSONDecodeError as exc:
        yield found(RULE, tally.shown, number, f"not JSON: {exc.msg}")
        return
    row = _row_of(message)
    if row is None:
        return  # an Airbyte message other than RECORD (STATE, LOG, TRACE...)
    stream, data = row
    contract = contracts.for_stream(stream)
    if contract is None:
        tally.counts[WITHOUT_CONTRACT] = tally.counts.get(WITHOUT_CONTRACT, 0) + 1
        tally.uncontracted[stream or "(plain JSON lines)"] += 1
        return
    if not isinstance(data, dict):
        yield found(RULE, tally.shown, number, "record data is not an object")
        return
    tally.counts[contract] = tally.counts.get(contract, 0) + 1
    document = contracts.by_name[contract]
    yield from _column_problems(contract, document, data, number, tally.shown)
    yield from _key_problems(contract, document, data, number, tally)


def _row_of(message: Any) -> tuple[str | None, Any] | None:
    """(stream, data) of a RECORD message or a plain JSON line (no stream); None for the rest."""
    if not (isinstance(message, dict) and "type" in message):
        return None, message
    record = message.get("record")
    if message["type"] != "RECORD" or not isinstance(record, dict):
        return None
    return str(record.get("stream")), record.get("data")


def _value_ok(column: Mapping[str, Any], value: Any) -> bool:
    kind = parse_enum(ColumnType, column.get("type"))
    ok = VALUE_CHECKS[kind](value) if kind is not None else True
    pattern = column.get("pattern")
    return ok and not (pattern and isinstance(value, str) and not re.match(pattern, value))


def _column_problems(
    contract: str, document: JsonDict, data: dict[str, Any], number: int, shown: str
) -> Iterable[Problem]:
    for column in column_specs(document):
        name = str(column.get("name"))
        value = data.get(name)
        if value is None:
            if not column.get("nullable"):
                state = "missing" if name not in data else "null"
                yield found(RULE, shown, number, f"{contract}: {name} is {state} but not nullable")
        elif not _value_ok(column, value):
            yield found(
                RULE,
                shown,
                number,
                f"{contract}: {name} should be {column.get('type')}, got {type(value).__name__} {str(value)[:40]!r}",
            )


def _key_problems(
    contract: str, document: JsonDict, data: dict[str, Any], number: int, tally: _Tally
) -> Iterable[Problem]:
    names = [str(k) for k in document.get("primary_key") or ()]
    if not names:
        return
    key = tuple(json.dumps(data.get(k), sort_keys=True) for k in names)
    first = tally.first_seen.setdefault((contract, key), number)
    if first != number:
        shown_key = {k: data.get(k) for k in names}
        message = f"{contract}: primary key {shown_key} repeats line {first}"
        yield found(RULE, tally.shown, number, message)


def _streams(counter: Counter[str]) -> str:
    return ", ".join(f"{stream} ({n})" for stream, n in sorted(counter.items()))


def _nothing_checked(tally: _Tally, contracts: _Contracts) -> list[Problem]:
    """The problem that stops a run over no contracted row from passing."""
    if tally.checked or tally.unreadable:
        return []
    if tally.lines == 0:
        message = (
            f"{tally.shown} is empty: no record was checked; pass the records file a sync wrote"
        )
    elif tally.uncontracted:
        contracted = ", ".join(sorted(contracts.by_stream)) or "none"
        message = (
            f"no record in {tally.shown} belongs to a contracted stream (read: "
            f"{_streams(tally.uncontracted)}; contracted streams: {contracted}): nothing was "
            "checked; write a contract for the stream, or pass --stream CONTRACT"
        )
    else:
        message = (
            f"{tally.shown} holds no RECORD message nor JSON object to check: nothing was checked"
        )
    return [found(RULE, tally.shown, None, message)]


def _partly_checked(tally: _Tally) -> list[str]:
    """What a run that did check rows left out: records of streams without a contract."""
    if not (tally.checked and tally.uncontracted):
        return []
    return [f"records: not checked, no contract: {_streams(tally.uncontracted)}"]

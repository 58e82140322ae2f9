"""acceptance-test-config.yml of every connector, run as Airbyte's certified connectors run it.

At ``test_strictness_level: high`` the Connector Acceptance Tests compared a read with recorded
records and ran the ``incremental`` and ``full_refresh`` scenarios. The CDK 7.39 standard tests
(``integration_tests/test_standard_suite.py``) run spec, check, discover and a basic read from the
same file, but refuse ``expect_records`` as a key and do not collect ``incremental``. This module
runs the rest against each connector's deterministic sandbox:

- a full read of every ``basic_read`` config returns exactly
  ``integration_tests/expected_records.jsonl`` (CAT's file name and line format). After an
  intended change, regenerate it with
  ``UPDATE_EXPECTED_RECORDS=1 pytest tests/connectors/test_acceptance.py`` and review the diff;
- ``full_refresh``: a read of the configured catalog returns the recorded records again (CAT
  compared two reads);
- ``incremental``: a read from the previous read's state reads only the lookback window, state
  checkpoints never move back, and ``future_state_path`` (a state past every record) reads nothing.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from airbyte_cdk.models import (
    AirbyteRecordMessage,
    AirbyteStateMessage,
    AirbyteStateMessageSerializer,
    AirbyteStream,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteCatalogSerializer,
    ConfiguredAirbyteStream,
    DestinationSyncMode,
    SyncMode,
)
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read
from airbyte_cdk.test.models.scenario import SECTION_COMMANDS, entry_key_problems

from sandboxes import linkedin, tiktok
from sandboxes.base import SandboxApp, serve

# the clock the TikTok standard suite gives its sandbox: report days exist up to this instant
TIKTOK_CLOCK = datetime(2024, 2, 20, 12, tzinfo=UTC)
SANDBOXES: dict[str, Callable[[], SandboxApp]] = {
    "source-linkedin-ads": lambda: linkedin.create_app(),
    "source-tiktok-ads": lambda: tiktok.create_app(now=TIKTOK_CLOCK),
}
EXPECTED_RECORDS = "integration_tests/expected_records.jsonl"
UPDATE_VARIABLE = "UPDATE_EXPECTED_RECORDS"
Reader = Callable[..., EntrypointOutput]


def _acceptance(connector_dir: Path) -> dict[str, Any]:
    return dict(yaml.safe_load((connector_dir / "acceptance-test-config.yml").read_text()))


def _entries(connector_dir: Path, section: str) -> list[dict[str, Any]]:
    return list(_acceptance(connector_dir)["acceptance_tests"].get(section, {}).get("tests", []))


@pytest.fixture
def reader(
    connector_dir: Path, get_source: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Reader]:
    """``reader(config_path, catalog, state=None)``: a read against the connector's sandbox.

    Every config URL on 127.0.0.1 (where `python -m sandboxes.<api>` serves by hand) is pointed
    at a sandbox this fixture serves on a free port. Each test gets its own CDK request cache,
    so no cached parent-stream answer leaks from one read into another test's.
    """
    monkeypatch.setenv("REQUEST_CACHE_PATH", str(tmp_path / "request_cache"))
    factory = SANDBOXES.get(connector_dir.name)
    if factory is None:
        pytest.fail(f"add {connector_dir.name}'s sandbox to SANDBOXES in {Path(__file__).name}")
    with serve(factory()) as server:

        def run(
            config_path: str,
            catalog: ConfiguredAirbyteCatalog,
            state: list[AirbyteStateMessage] | None = None,
        ) -> EntrypointOutput:
            config = json.loads((connector_dir / config_path).read_text())
            config = {
                key: re.sub(r"^http://127\.0\.0\.1:\d+", server.url, value)
                if isinstance(value, str)
                else value
                for key, value in config.items()
            }
            source = get_source(config, state=state, catalog=catalog)
            output = read(source, config, catalog, state)
            assert not output.errors, [str(e.trace) for e in output.errors]
            return output

        yield run


def _catalog(
    connector_dir: Path, path: str, mode: SyncMode | None = None
) -> ConfiguredAirbyteCatalog:
    catalog = ConfiguredAirbyteCatalogSerializer.load(
        json.loads((connector_dir / path).read_text())
    )
    if mode is not None:
        for stream in catalog.streams:
            stream.sync_mode = mode
    return catalog


def _discovered_catalog(
    connector_dir: Path, get_source: Any, entry: dict[str, Any]
) -> ConfiguredAirbyteCatalog:
    """Every discovered stream but the entry's ``empty_streams``, full refresh (as the CDK reads)."""
    config = json.loads((connector_dir / entry["config_path"]).read_text())
    empty = {stream["name"] for stream in entry.get("empty_streams") or []}
    streams = get_source(config).discover(logging.getLogger("acceptance"), config).streams
    return ConfiguredAirbyteCatalog(
        streams=[
            ConfiguredAirbyteStream(
                stream=stream,
                sync_mode=SyncMode.full_refresh,
                destination_sync_mode=DestinationSyncMode.append_dedup,
            )
            for stream in streams
            if stream.name not in empty
        ]
    )


def records(output: EntrypointOutput, stream: str | None = None) -> list[AirbyteRecordMessage]:
    """The output's records, of one stream when ``stream`` is given."""
    found = [m.record for m in output.records if m.record is not None]
    return [r for r in found if stream is None or r.stream == stream]


def record_lines(output: EntrypointOutput) -> list[str]:
    """The records in CAT's expected-records format, sorted; ``emitted_at`` is fixed at 0."""
    lines = (
        json.dumps({"stream": r.stream, "data": r.data, "emitted_at": 0}, sort_keys=True)
        for r in records(output)
    )
    return sorted(lines)


def records_difference(expected: list[str], actual: list[str]) -> str:
    """An empty string when equal; otherwise counts per stream and one example each way."""
    missing, extra = Counter(expected) - Counter(actual), Counter(actual) - Counter(expected)
    if not missing and not extra:
        return ""

    def per_stream(lines: Counter[str]) -> dict[str, int]:
        return dict(Counter(json.loads(line)["stream"] for line in lines.elements()))

    return (
        f"missing {per_stream(missing)}, unexpected {per_stream(extra)}; "
        f"first missing: {next(iter(missing), None)}; first unexpected: {next(iter(extra), None)}"
    )


def test_the_config_is_at_high_strictness_with_records_and_incremental_tests(
    connector_dir: Path,
) -> None:
    acceptance = _acceptance(connector_dir)
    sections = acceptance["acceptance_tests"]

    assert acceptance["test_strictness_level"] == "high"
    for section in ("basic_read", "full_refresh", "incremental"):
        assert _entries(connector_dir, section), f"`{section}` has no tests"
        assert "bypass_reason" not in sections[section], f"`{section}` is bypassed"
    assert (connector_dir / EXPECTED_RECORDS).stat().st_size > 0
    for entry in _entries(connector_dir, "incremental"):
        assert (connector_dir / entry["future_state"]["future_state_path"]).is_file()
        catalog = _catalog(connector_dir, entry["configured_catalog_path"])
        assert any(s.sync_mode == SyncMode.incremental for s in catalog.streams)


def test_every_entry_the_standard_tests_collect_uses_only_keys_they_read(
    connector_dir: Path,
) -> None:
    # the CDK fails collection on a CAT key it no longer reads (`expect_records` above all)
    problems = [
        problem
        for section in SECTION_COMMANDS
        for entry in _entries(connector_dir, section)
        for problem in entry_key_problems(entry, (section,))
    ]
    assert problems == []


def test_a_cat_expect_records_key_would_fail_the_standard_tests() -> None:
    entry = {"config_path": "c.json", "expect_records": {"path": EXPECTED_RECORDS}}
    problems = entry_key_problems(entry, ("basic_read",))
    assert len(problems) == 1 and problems[0].startswith("`expect_records`")


def test_a_full_read_returns_the_expected_records(
    connector_dir: Path, get_source: Any, reader: Reader
) -> None:
    actual = []
    for entry in _entries(connector_dir, "basic_read"):
        catalog = _discovered_catalog(connector_dir, get_source, entry)
        actual += record_lines(reader(entry["config_path"], catalog))
    actual.sort()
    path = connector_dir / EXPECTED_RECORDS
    if os.environ.get(UPDATE_VARIABLE) == "1":
        path.write_text("".join(f"{line}\n" for line in actual))
        pytest.skip(f"wrote {len(actual)} records to {path}; review the diff")

    expected = sorted(path.read_text().splitlines())

    assert not records_difference(expected, actual), (
        f"{records_difference(expected, actual)}. If the change is intended, regenerate with "
        f"{UPDATE_VARIABLE}=1 pytest tests/connectors/test_acceptance.py and review the diff"
    )


def test_the_records_difference_names_what_is_missing_and_what_is_new() -> None:
    old = [json.dumps({"stream": "s", "data": {"id": i}, "emitted_at": 0}) for i in (1, 2)]
    new = [old[0], json.dumps({"stream": "t", "data": {"id": 3}, "emitted_at": 0})]

    assert records_difference(old, sorted(old)) == ""
    assert records_difference(old, new).startswith("missing {'s': 1}, unexpected {'t': 1}")


def test_a_full_refresh_of_the_catalog_returns_the_recorded_records(
    connector_dir: Path, reader: Reader
) -> None:
    # CAT read twice and compared; here the second read is compared with the recorded one
    expected = (connector_dir / EXPECTED_RECORDS).read_text().splitlines()
    for entry in _entries(connector_dir, "full_refresh"):
        catalog = _catalog(connector_dir, entry["configured_catalog_path"], SyncMode.full_refresh)
        names = {stream.stream.name for stream in catalog.streams}
        recorded = sorted(line for line in expected if json.loads(line)["stream"] in names)

        actual = record_lines(reader(entry["config_path"], catalog))

        assert recorded, f"{EXPECTED_RECORDS} holds no record of {sorted(names)}"
        assert not records_difference(recorded, actual), records_difference(recorded, actual)


def _incremental_cursors(catalog: ConfiguredAirbyteCatalog) -> dict[str, str]:
    """Stream name -> its (top-level) cursor field, for the catalog's incremental streams."""
    return {
        s.stream.name: (s.cursor_field or s.stream.default_cursor_field or [""])[0]
        for s in catalog.streams
        if s.sync_mode == SyncMode.incremental
    }


def partition_cursors(stream_state: dict[str, Any], cursor_field: str) -> dict[str, str]:
    """The cursor value of every partition in a stream state ("" keys a stream-wide cursor).

    Reads the CDK's per-partition form (``{"states": [{"partition", "cursor"}], ...}``) and the
    plain one (``{"<cursor_field>": value}``).
    """
    cursors = {}
    if cursor_field in stream_state:
        cursors[""] = str(stream_state[cursor_field])
    for item in stream_state.get("states") or []:
        value = (item.get("cursor") or {}).get(cursor_field)
        if value is not None:
            cursors[json.dumps(item["partition"], sort_keys=True)] = str(value)
    return cursors


def _stream_states(messages: list[AirbyteStateMessage], stream: str) -> list[dict[str, Any]]:
    dumped = (AirbyteStateMessageSerializer.dump(message) for message in messages)
    return [
        d["stream"]["stream_state"]
        for d in dumped
        if d["stream"]["stream_descriptor"]["name"] == stream
    ]


def _day(value: Any) -> date:
    return date.fromisoformat(str(value)[:10])


def earliest_allowed_day(
    record: dict[str, Any], cursors: dict[str, str], lookback: timedelta
) -> date:
    """The earliest day a resumed read may emit for ``record``'s partition: its cursor - lookback.

    A partition matches a record when every scalar value of the partition equals the record's
    field of that name; a record no partition matches is held to the earliest cursor.
    """

    def matches(partition: dict[str, Any]) -> bool:
        scalars = {k: v for k, v in partition.items() if not isinstance(v, dict | list)}
        return bool(scalars) and all(str(record.get(k)) == str(v) for k, v in scalars.items())

    own = [value for key, value in cursors.items() if key and matches(json.loads(key))]
    return min(_day(value) for value in own or cursors.values()) - lookback


def _final_states(output: EntrypointOutput) -> list[AirbyteStateMessage]:
    latest = {}
    for message in output.state_messages:
        assert message.state is not None and message.state.stream is not None
        latest[message.state.stream.stream_descriptor.name] = message.state
    return list(latest.values())


def _assert_checkpoints_move_forward(
    checkpoints: list[AirbyteStateMessage], stream: str, field: str
) -> None:
    seen: dict[str, str] = {}
    for state in _stream_states(checkpoints, stream):
        for partition, value in partition_cursors(state, field).items():
            previous = seen.get(partition, value)
            assert _day(value) >= _day(previous), f"{stream} {partition}: {previous} -> {value}"
            seen[partition] = value
    assert seen, f"{stream} emitted no state with a `{field}` cursor"


def test_incremental_reads_checkpoint_forward_and_resume_within_the_lookback(
    connector_dir: Path, reader: Reader
) -> None:
    for entry in _entries(connector_dir, "incremental"):
        catalog = _catalog(connector_dir, entry["configured_catalog_path"])
        config = json.loads((connector_dir / entry["config_path"]).read_text())
        lookback = timedelta(days=int(config.get("lookback_days") or 0))
        first = reader(entry["config_path"], catalog)
        states = _final_states(first)
        second = reader(entry["config_path"], catalog, states)

        for stream, field in _incremental_cursors(catalog).items():
            _assert_checkpoints_move_forward(
                [m.state for m in first.state_messages if m.state is not None], stream, field
            )
            cursors = partition_cursors(_stream_states(states, stream)[-1], field)
            again = [r.data for r in records(second, stream)]
            before = len(records(first, stream))
            early = [
                r for r in again if _day(r[field]) < earliest_allowed_day(r, cursors, lookback)
            ]
            assert not early, f"{stream} re-read records before its state: {early[:1]}"
            assert len(again) < before, f"{stream} read {len(again)} records again of {before}"


def test_a_state_past_every_record_reads_nothing(connector_dir: Path, reader: Reader) -> None:
    for entry in _entries(connector_dir, "incremental"):
        catalog = _catalog(connector_dir, entry["configured_catalog_path"])
        path = connector_dir / entry["future_state"]["future_state_path"]
        states = [AirbyteStateMessageSerializer.load(s) for s in json.loads(path.read_text())]
        covered = {s.stream.stream_descriptor.name for s in states if s.stream is not None}

        output = reader(entry["config_path"], catalog, states)

        assert set(_incremental_cursors(catalog)) <= covered, f"{path.name} misses streams"
        assert not [r for r in records(output) if r.stream in covered]
        if {s.stream.name for s in catalog.streams} - covered:
            # the read did run: the streams without a state still return records
            assert [r for r in records(output) if r.stream not in covered]


def test_a_resumed_record_is_held_to_its_own_partitions_cursor() -> None:
    cursors = partition_cursors(
        {
            "states": [
                {"partition": {"account_id": 1}, "cursor": {"date": "2024-01-10"}},
                {
                    "partition": {"account_id": 2, "parent": {"x": 1}},
                    "cursor": {"date": "2024-01-04"},
                },
            ],
            "state": {"date": "2024-01-04"},
        },
        "date",
    )
    lookback = timedelta(days=2)

    assert earliest_allowed_day({"account_id": "1"}, cursors, lookback) == date(2024, 1, 8)
    assert earliest_allowed_day({"account_id": 2}, cursors, lookback) == date(2024, 1, 2)
    assert earliest_allowed_day({"account_id": 3}, cursors, lookback) == date(2024, 1, 2)
    assert partition_cursors({"date": "2024-01-05"}, "date") == {"": "2024-01-05"}


def catalog_problems(
    configured: ConfiguredAirbyteCatalog, discovered: dict[str, AirbyteStream]
) -> list[str]:
    """How a configured catalog disagrees with what the connector discovers."""
    problems = []
    for entry in configured.streams:
        name, stream = entry.stream.name, discovered.get(entry.stream.name)
        if stream is None:
            problems.append(f"{name}: not discovered")
            continue
        if entry.sync_mode not in (stream.supported_sync_modes or []):
            problems.append(f"{name}: {entry.sync_mode.value} is not supported")
        if entry.sync_mode == SyncMode.incremental and entry.cursor_field != (
            stream.default_cursor_field
        ):
            problems.append(f"{name}: cursor {entry.cursor_field} != {stream.default_cursor_field}")
        dedup = entry.destination_sync_mode == DestinationSyncMode.append_dedup
        if dedup and entry.primary_key != stream.source_defined_primary_key:
            problems.append(
                f"{name}: primary key {entry.primary_key} != {stream.source_defined_primary_key}"
            )
    return problems


def test_the_configured_catalogs_match_what_the_connector_discovers(
    connector_dir: Path, get_source: Any
) -> None:
    paths = {
        (entry["config_path"], entry["configured_catalog_path"])
        for section in ("full_refresh", "incremental")
        for entry in _entries(connector_dir, section)
    }
    for config_path, catalog_path in sorted(paths):
        config = json.loads((connector_dir / config_path).read_text())
        streams = get_source(config).discover(logging.getLogger("acceptance"), config).streams

        problems = catalog_problems(
            _catalog(connector_dir, catalog_path), {s.name: s for s in streams}
        )

        assert problems == [], catalog_path


def test_a_stale_catalog_entry_is_reported() -> None:
    discovered = AirbyteStream(
        name="report",
        json_schema={},
        supported_sync_modes=[SyncMode.full_refresh, SyncMode.incremental],
        source_defined_primary_key=[["id"], ["day"]],
        default_cursor_field=["day"],
    )
    configured = ConfiguredAirbyteCatalogSerializer.load(
        {
            "streams": [
                {
                    "stream": {"name": "report", "json_schema": {}, "supported_sync_modes": []},
                    "sync_mode": "incremental",
                    "destination_sync_mode": "append_dedup",
                    "cursor_field": ["date"],
                    "primary_key": [["id"]],
                },
                {
                    "stream": {"name": "gone", "json_schema": {}, "supported_sync_modes": []},
                    "sync_mode": "full_refresh",
                    "destination_sync_mode": "overwrite",
                },
            ]
        }
    )

    assert catalog_problems(configured, {"report": discovered}) == [
        "report: cursor ['date'] != ['day']",
        "report: primary key [['id']] != [['id'], ['day']]",
        "gone: not discovered",
    ]

"""Run a connector of this repository locally into DuckDB, keeping incremental state between runs.

PyAirbyte runs a local manifest but drops its incremental state (every read is a full re-read),
so this module drives ``source-declarative-manifest`` itself:

1. ``discover`` the catalog, configure every stream (incremental where the stream supports it,
   with its source-defined cursor and primary key; full refresh otherwise);
2. ``read`` with the state saved by the previous run, streaming RECORD messages into one JSON-lines
   file per stream and remembering the last STATE message of each stream;
3. load each stream into DuckDB: incremental streams are upserted on their primary key
   (``INSERT OR REPLACE``), full-refresh streams replace their table;
4. save the new state only after the load succeeded, so a failed run is simply repeated.

Records also land in ``records.jsonl`` beside the state, the file the contract checker reads with
``--records``. A run that fails, is interrupted or is killed leaves the previous run's files as
they were: records and state are written to ``.partial`` files beside them and renamed over them
(atomically) only after the DuckDB load committed, and the DuckDB load is one transaction. The
inputs are checked before the connector starts (:mod:`.sync_inputs`).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from airbyte_provisioning.connectors.folder import ConnectorFolder, ConnectorFolderError
from airbyte_provisioning.connectors.sync_inputs import (
    LocalSyncError,
    check_config,
    check_duckdb,
    find_connector,
    prepare_state_dir,
    read_state,
)

# the input checks live in sync_inputs; callers import the error and the lookup from here
__all__ = [
    "LocalSyncError",
    "SyncFiles",
    "SyncResult",
    "configure_catalog",
    "discover",
    "find_connector",
    "iter_messages",
    "load_stream",
    "run_sync",
]


def iter_messages(command: list[str], stderr: TextIO | None = None) -> Iterator[dict[str, Any]]:
    """Airbyte messages from a connector process; a non-zero exit raises after the last one."""
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=stderr or subprocess.DEVNULL,
        text=True,
        env=ConnectorFolder.sdm_environment(),
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if line.startswith("{"):
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    continue
        process.wait()
    finally:
        # the reader stopped early (an error, Ctrl-C): the connector must not run on unread
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
    if process.returncode != 0:
        raise LocalSyncError(
            f"{Path(command[0]).name} {command[1]} exited with {process.returncode}"
        )


def _trace_error(message: Mapping[str, Any]) -> str | None:
    trace = message.get("trace") or {}
    if trace.get("type") == "ERROR":
        error = trace.get("error") or {}
        return str(error.get("message") or error.get("internal_message") or "connector error")
    return None


def discover(folder: ConnectorFolder, config: Path) -> list[dict[str, Any]]:
    errors: list[str] = []
    for message in _checked(iter_messages(folder.sdm_command("discover", config)), errors):
        if message.get("type") == "CATALOG":
            streams: list[dict[str, Any]] = message["catalog"]["streams"]
            return streams
    raise LocalSyncError(f"discover returned no catalog: {'; '.join(errors) or 'no error given'}")


def _checked(messages: Iterator[dict[str, Any]], errors: list[str]) -> Iterator[dict[str, Any]]:
    try:
        for message in messages:
            if (error := _trace_error(message)) is not None:
                errors.append(error)
            yield message
    except LocalSyncError as exc:
        detail = "; ".join(dict.fromkeys(errors))
        raise LocalSyncError(f"{exc}: {detail}" if detail else str(exc)) from None


def configure_catalog(
    streams: list[dict[str, Any]], only: set[str] | None = None
) -> dict[str, Any]:
    configured = []
    for stream in streams:
        if only and stream["name"] not in only:
            continue
        incremental = "incremental" in stream.get("supported_sync_modes", [])
        entry: dict[str, Any] = {
            "stream": stream,
            "sync_mode": "incremental" if incremental else "full_refresh",
            "destination_sync_mode": "append_dedup" if incremental else "overwrite",
        }
        if incremental:
            entry["cursor_field"] = stream.get("default_cursor_field") or []
        entry["primary_key"] = stream.get("source_defined_primary_key") or []
        configured.append(entry)
    if only and len(configured) != len(only):
        missing = sorted(only - {c["stream"]["name"] for c in configured})
        known = ", ".join(sorted(s["name"] for s in streams))
        raise LocalSyncError(
            f"--streams: not in the catalog: {', '.join(missing)}; known: {known}", "--streams"
        )
    return {"streams": configured}


@dataclass
class SyncResult:
    connector: str
    duckdb: str
    state_file: str
    records_file: str
    streams: dict[str, dict[str, Any]] = field(default_factory=dict)
    state_in: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "connector": self.connector,
            "duckdb": self.duckdb,
            "state_file": self.state_file,
            "records_file": self.records_file,
            "started_from_state": self.state_in,
            "streams": self.streams,
            "records": sum(s["records"] for s in self.streams.values()),
        }


_DUCK_TYPES = {"integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "string": "VARCHAR"}


def _column_type(schema: Mapping[str, Any]) -> str:
    types = schema.get("type", "string")
    kinds = [t for t in (types if isinstance(types, list) else [types]) if t != "null"]
    kind = kinds[0] if kinds else "string"
    if kind == "string" and schema.get("format") == "date":
        return "DATE"
    if kind == "string" and schema.get("format") == "date-time":
        return "TIMESTAMPTZ"
    return _DUCK_TYPES.get(kind, "JSON")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def load_stream(db: Any, table: str, configured: Mapping[str, Any], records_path: Path) -> None:
    stream = configured["stream"]
    properties: dict[str, Any] = stream.get("json_schema", {}).get("properties", {})
    columns = {name: _column_type(schema) for name, schema in properties.items()}
    columns["_airbyte_extracted_at"] = "TIMESTAMPTZ"
    keys = [path[0] for path in configured.get("primary_key") or [] if len(path) == 1]
    upsert = configured["sync_mode"] == "incremental" and keys and all(k in columns for k in keys)
    column_sql = ", ".join(f"{_quote(c)} {t}" for c, t in columns.items())
    if upsert:
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {_quote(table)} ({column_sql}, PRIMARY KEY ({', '.join(map(_quote, keys))}))"
        )
        existing = {row[0] for row in db.execute(f"DESCRIBE {_quote(table)}").fetchall()}
        for name, kind in columns.items():
            if name not in existing:
                db.execute(f"ALTER TABLE {_quote(table)} ADD COLUMN {_quote(name)} {kind}")
    else:
        db.execute(f"CREATE OR REPLACE TABLE {_quote(table)} ({column_sql})")
    if records_path.stat().st_size == 0:
        return
    struct = "{" + ", ".join(f"{json.dumps(c)}: '{t}'" for c, t in columns.items()) + "}"
    select = ", ".join(_quote(c) for c in columns)
    verb = "INSERT OR REPLACE INTO" if upsert else "INSERT INTO"
    db.execute(
        f"{verb} {_quote(table)} ({select}) SELECT {select} FROM read_json(?, format='newline_delimited', columns={struct})",
        [str(records_path)],
    )


@dataclass
class SyncFiles:
    """Where one (connector, config) pair keeps its state and its records between runs."""

    state: Path
    records: Path

    @classmethod
    def of(cls, folder: ConnectorFolder, config_path: Path, state_dir: Path) -> SyncFiles:
        """``<state_dir>/<source-name>.<config stem>.state.json`` and ``....records.jsonl``."""
        stem = f"{folder.name}.{config_path.stem}"
        return cls(state_dir / f"{stem}.state.json", state_dir / f"{stem}.records.jsonl")

    @staticmethod
    def partial(path: Path) -> Path:
        """Where the next version of ``path`` is written before it replaces ``path``."""
        return path.with_name(f"{path.name}.partial")

    def discard_partials(self) -> None:
        for path in (self.state, self.records):
            self.partial(path).unlink(missing_ok=True)


@dataclass
class _Read:
    """What a ``read`` produced: records per stream (in ``scratch``) and the last states."""

    scratch: Path
    counts: dict[str, int]
    states: dict[str, dict[str, Any]] = field(default_factory=dict)

    def stream_file(self, name: str) -> Path:
        return self.scratch / f"{name}.jsonl"


Say = Callable[[str], None]


def run_sync(
    connector_name: str,
    config_path: Path,
    duckdb_path: Path,
    state_dir: Path,
    streams: set[str] | None = None,
    progress: TextIO | None = None,
    reset_state: bool = False,
) -> SyncResult:
    """Check the inputs, discover, read from the saved state (none with ``reset_state``), load
    into DuckDB, then replace the saved state and records; a failure anywhere keeps them."""
    folder = find_connector(connector_name)
    check_config(config_path)
    check_duckdb(duckdb_path)
    prepare_state_dir(state_dir)
    files = SyncFiles.of(folder, config_path, state_dir)
    previous = [] if reset_state else read_state(files.state)
    result = SyncResult(folder.name, str(duckdb_path), str(files.state), str(files.records))
    result.state_in = bool(previous)
    say = _reporter(progress)
    try:
        catalog = configure_catalog(discover(folder, config_path), streams)
        say(f"{folder.name}: {len(catalog['streams'])} streams discovered")
        with tempfile.TemporaryDirectory(prefix="local-sync-") as scratch:
            read = _read(folder, config_path, catalog, files, previous, Path(scratch), say)
            result.streams = _load(duckdb_path, catalog, read)
        _save_state(files.state, previous, read.states, replace=reset_state)
        os.replace(SyncFiles.partial(files.records), files.records)
    except ConnectorFolderError as exc:
        raise LocalSyncError(str(exc)) from None
    finally:
        files.discard_partials()
    say(f"{folder.name}: {sum(read.counts.values())} records loaded into {duckdb_path}")
    return result


def _reporter(progress: TextIO | None) -> Say:
    def say(text: str) -> None:
        if progress is not None:
            progress.write(f"[sync] {text}\n")
            progress.flush()

    return say


def _read(
    folder: ConnectorFolder,
    config_path: Path,
    catalog: Mapping[str, Any],
    files: SyncFiles,
    previous: list[dict[str, Any]],
    scratch: Path,
    say: Say,
) -> _Read:
    """Run ``read`` from the saved state: one JSON-lines file per stream, plus the next
    ``records.jsonl`` (as its ``.partial`` file: the current one is replaced only on success)."""
    catalog_path = scratch / "catalog.json"
    catalog_path.write_text(json.dumps(catalog))
    extra = ["--catalog", str(catalog_path)]
    if previous:
        state_path = scratch / "state.json"
        state_path.write_text(json.dumps(previous))
        extra += ["--state", str(state_path)]
    read = _Read(scratch, {c["stream"]["name"]: 0 for c in catalog["streams"]})
    errors: list[str] = []
    handles: dict[str, TextIO] = {}
    try:
        with SyncFiles.partial(files.records).open("w") as all_records:
            for name in read.counts:
                handles[name] = read.stream_file(name).open("w")
            command = folder.sdm_command("read", config_path, extra)
            for message in _checked(iter_messages(command), errors):
                if message.get("type") == "RECORD":
                    _keep_record(message["record"], handles, all_records, read, say)
                elif message.get("type") == "STATE":
                    state = message["state"]
                    read.states[_state_stream(state)] = state
    finally:
        for handle in handles.values():
            handle.close()
    if errors:
        raise LocalSyncError("the connector reported errors: " + "; ".join(dict.fromkeys(errors)))
    return read


def _keep_record(
    record: Mapping[str, Any],
    handles: Mapping[str, TextIO],
    all_records: TextIO,
    read: _Read,
    say: Say,
) -> None:
    data = dict(record["data"])
    data["_airbyte_extracted_at"] = record.get("emitted_at")
    name = record["stream"]
    handles[name].write(json.dumps(data) + "\n")
    all_records.write(json.dumps({"type": "RECORD", "record": record}) + "\n")
    read.counts[name] += 1
    if read.counts[name] % 5000 == 0:
        say(f"{name}: {read.counts[name]} records")


def _state_stream(state: Mapping[str, Any]) -> str:
    return str((state.get("stream") or {}).get("stream_descriptor", {}).get("name", ""))


def _load(duckdb_path: Path, catalog: Mapping[str, Any], read: _Read) -> dict[str, dict[str, Any]]:
    """Every stream into DuckDB in one transaction; the per-stream summary."""
    import duckdb

    summary: dict[str, dict[str, Any]] = {}
    db = duckdb.connect(str(duckdb_path))
    name = ""
    try:
        db.execute("BEGIN TRANSACTION")
        for configured in catalog["streams"]:
            name = configured["stream"]["name"]
            # DuckDB reads epoch milliseconds as a number: convert on the way in
            load_stream(db, name, configured, _epoch_to_iso(read.stream_file(name)))
            summary[name] = {"records": read.counts[name], "sync_mode": configured["sync_mode"]}
        db.execute("COMMIT")
    except duckdb.Error as exc:
        db.execute("ROLLBACK")
        raise LocalSyncError(
            f"loading stream {name} into {duckdb_path} failed ({exc}); nothing was saved: "
            "the tables, records and state are as the previous run left them"
        ) from None
    finally:
        # closing without COMMIT (Ctrl-C mid-load) discards the transaction
        db.close()
    return summary


def _save_state(
    state_file: Path,
    previous: list[dict[str, Any]],
    states: Mapping[str, dict[str, Any]],
    *,
    replace: bool = False,
) -> None:
    """Merge this run's last state per stream over the previous ones (after a good load) and
    swap the file in whole: a run killed while writing leaves only a ``.partial`` file behind.
    ``replace`` starts from no previous state (``--reset-state``) and always writes."""
    if not states and not replace:
        return
    merged = {_state_stream(s): s for s in previous}
    merged.update(states)
    partial = SyncFiles.partial(state_file)
    partial.write_text(json.dumps(list(merged.values()), indent=2))
    os.replace(partial, state_file)


def _epoch_to_iso(path: Path) -> Path:
    converted = path.with_suffix(".loaded.jsonl")
    with path.open() as source, converted.open("w") as target:
        for line in source:
            row = json.loads(line)
            stamp = row.get("_airbyte_extracted_at")
            if isinstance(stamp, int | float):
                row["_airbyte_extracted_at"] = datetime.fromtimestamp(stamp / 1000, UTC).isoformat()
            target.write(json.dumps(row) + "\n")
    return converted

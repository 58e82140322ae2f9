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
``--records``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from airbyte_provisioning.core.paths import REPO_ROOT

CONNECTORS_DIR = REPO_ROOT / "connectors"


class LocalSyncError(RuntimeError):
    """A run that cannot proceed; the message says which file or stream and what to do."""


def connector_dir(name: str) -> Path:
    """``linkedin-ads``, ``source-linkedin-ads`` or a path → the connector folder."""
    candidates = [Path(name), CONNECTORS_DIR / name, CONNECTORS_DIR / f"source-{name}"]
    for candidate in candidates:
        if (candidate / "manifest.yaml").is_file():
            return candidate.resolve()
    known = sorted(
        p.name for p in CONNECTORS_DIR.glob("source-*") if (p / "manifest.yaml").is_file()
    )
    raise LocalSyncError(f"unknown connector {name!r}; known: {', '.join(known)}")


def sdm_executable() -> str:
    """The ``source-declarative-manifest`` script of the running interpreter's environment."""
    candidate = Path(sys.executable).parent / "source-declarative-manifest"
    if candidate.exists():
        return str(candidate)
    raise LocalSyncError("source-declarative-manifest is not installed: run `make install` first")


def sdm_command(connector: Path, verb: str, config: Path, extra: list[str]) -> list[str]:
    """``source-declarative-manifest <verb>`` for a connector folder of this repository."""
    command = [
        sdm_executable(),
        verb,
        "--config",
        str(config),
        "--manifest-path",
        str(connector / "manifest.yaml"),
    ]
    if (connector / "components.py").is_file():
        command += ["--components-path", str(connector / "components.py")]
    return command + extra


def sdm_environment() -> dict[str, str]:
    env = dict(os.environ)
    # the bundled components.py is this repository's own code
    env["AIRBYTE_ENABLE_UNSAFE_CODE"] = "true"
    return env


def iter_messages(command: list[str], stderr: TextIO | None = None) -> Iterator[dict[str, Any]]:
    """Airbyte messages from a connector process; a non-zero exit raises after the last one."""
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=stderr or subprocess.DEVNULL,
        text=True,
        env=sdm_environment(),
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("{"):
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue
    if process.wait() != 0:
        raise LocalSyncError(
            f"{Path(command[0]).name} {command[1]} exited with {process.returncode}"
        )


def _trace_error(message: Mapping[str, Any]) -> str | None:
    trace = message.get("trace") or {}
    if trace.get("type") == "ERROR":
        error = trace.get("error") or {}
        return str(error.get("message") or error.get("internal_message") or "connector error")
    return None


def discover(connector: Path, config: Path) -> list[dict[str, Any]]:
    errors: list[str] = []
    for message in _checked(iter_messages(sdm_command(connector, "discover", config, [])), errors):
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
        raise LocalSyncError(f"streams not in the catalog: {', '.join(missing)}")
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


def run_sync(
    connector_name: str,
    config_path: Path,
    duckdb_path: Path,
    state_dir: Path,
    streams: set[str] | None = None,
    progress: TextIO | None = None,
) -> SyncResult:
    import duckdb

    connector = connector_dir(connector_name)
    if not config_path.is_file():
        raise LocalSyncError(f"config file {config_path} does not exist")
    state_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{connector.name}.{config_path.stem}"
    state_file = state_dir / f"{stem}.state.json"
    records_file = state_dir / f"{stem}.records.jsonl"
    result = SyncResult(connector.name, str(duckdb_path), str(state_file), str(records_file))

    def say(text: str) -> None:
        if progress is not None:
            progress.write(f"[sync] {text}\n")
            progress.flush()

    catalog = configure_catalog(discover(connector, config_path), streams)
    say(f"{connector.name}: {len(catalog['streams'])} streams discovered")
    with tempfile.TemporaryDirectory(prefix="local-sync-") as scratch:
        scratch_dir = Path(scratch)
        catalog_path = scratch_dir / "catalog.json"
        catalog_path.write_text(json.dumps(catalog))
        extra = ["--catalog", str(catalog_path)]
        if state_file.is_file():
            extra += ["--state", str(state_file)]
            result.state_in = True
        files: dict[str, TextIO] = {}
        counts: dict[str, int] = {c["stream"]["name"]: 0 for c in catalog["streams"]}
        states: dict[str, dict[str, Any]] = {}
        errors: list[str] = []
        try:
            with records_file.open("w") as all_records:
                for name in counts:
                    files[name] = (scratch_dir / f"{name}.jsonl").open("w")
                for message in _checked(
                    iter_messages(sdm_command(connector, "read", config_path, extra)), errors
                ):
                    kind = message.get("type")
                    if kind == "RECORD":
                        record = message["record"]
                        data = dict(record["data"])
                        data["_airbyte_extracted_at"] = record.get("emitted_at")
                        name = record["stream"]
                        files[name].write(json.dumps(data) + "\n")
                        all_records.write(json.dumps({"type": "RECORD", "record": record}) + "\n")
                        counts[name] += 1
                        if counts[name] % 5000 == 0:
                            say(f"{name}: {counts[name]} records")
                    elif kind == "STATE":
                        state = message["state"]
                        descriptor = (state.get("stream") or {}).get("stream_descriptor", {})
                        states[descriptor.get("name", "")] = state
        finally:
            for handle in files.values():
                handle.close()
        if errors:
            raise LocalSyncError(
                "the connector reported errors: " + "; ".join(dict.fromkeys(errors))
            )
        db = duckdb.connect(str(duckdb_path))
        try:
            db.execute("BEGIN TRANSACTION")
            for configured in catalog["streams"]:
                name = configured["stream"]["name"]
                # DuckDB reads epoch milliseconds as a number: convert on the way in
                load_stream(db, name, configured, _epoch_to_iso(scratch_dir / f"{name}.jsonl"))
                result.streams[name] = {
                    "records": counts[name],
                    "sync_mode": configured["sync_mode"],
                }
            db.execute("COMMIT")
        except Exception:
            db.execute("ROLLBACK")
            raise
        finally:
            db.close()
    if states:
        previous = json.loads(state_file.read_text()) if state_file.is_file() else []
        merged = {
            (s.get("stream") or {}).get("stream_descriptor", {}).get("name", ""): s
            for s in previous
        }
        merged.update(states)
        state_file.write_text(json.dumps(list(merged.values()), indent=2))
    say(f"{connector.name}: {sum(counts.values())} records loaded into {duckdb_path}")
    return result


def _epoch_to_iso(path: Path) -> Path:
    from datetime import UTC, datetime

    converted = path.with_suffix(".loaded.jsonl")
    with path.open() as source, converted.open("w") as target:
        for line in source:
            row = json.loads(line)
            stamp = row.get("_airbyte_extracted_at")
            if isinstance(stamp, int | float):
                row["_airbyte_extracted_at"] = datetime.fromtimestamp(stamp / 1000, UTC).isoformat()
            target.write(json.dumps(row) + "\n")
    return converted

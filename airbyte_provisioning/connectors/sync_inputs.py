"""What ``make sync`` checks before it starts a connector, so a bad input is named at once and
nothing is touched: the connector folder, the config (a JSON object; no byte of it is quoted, it
holds secrets), the DuckDB file (in an existing folder; an existing file must be a DuckDB
database), the state folder, and the state a previous run saved (a list of state messages; a
truncated one is named with the way to start over).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from airbyte_provisioning.connectors.folder import ConnectorFolder, ConnectorFolderError, connector
from airbyte_provisioning.core.paths import make_folder


class LocalSyncError(RuntimeError):
    """A run that cannot proceed; the message says which file or stream and what to do.

    ``option`` names the command-line option whose value is unusable (``--config``,
    ``--state-dir``...): nothing was run then. Without it the connector or the load failed.
    """

    def __init__(self, message: str, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option


def find_connector(name: str) -> ConnectorFolder:
    """``linkedin-ads``, ``source-linkedin-ads`` or a path -> the connector folder."""
    try:
        folder = connector(name)
    except ConnectorFolderError as exc:
        raise LocalSyncError(str(exc), "--connector") from None
    if not folder.manifest_path.is_file():
        raise LocalSyncError(
            f"{folder.manifest_path} does not exist: {name!r} is no connector", "--connector"
        )
    return folder


def check_config(path: Path) -> None:
    """The config must be a JSON object; the messages quote no byte of it (it holds secrets)."""
    option = f"--config {path}"
    if not path.is_file():
        what = "is a folder" if path.is_dir() else "does not exist"
        raise LocalSyncError(f"{option} {what}: give the connector's config JSON file", "--config")
    try:
        document = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise LocalSyncError(
            f"{option} is not UTF-8 (byte {exc.start}): save it as UTF-8 JSON", "--config"
        ) from None
    except json.JSONDecodeError as exc:
        raise LocalSyncError(
            f"{option} is not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})",
            "--config",
        ) from None
    except OSError as exc:
        raise LocalSyncError(f"{option} cannot be read: {exc.strerror}", "--config") from None
    if not isinstance(document, dict):
        raise LocalSyncError(
            f"{option} must hold a JSON object (the connector's config), not a "
            f"{type(document).__name__}",
            "--config",
        )


def check_duckdb(path: Path) -> None:
    """The DuckDB file's folder must exist; an existing file must be a DuckDB database."""
    import duckdb

    option = f"--duckdb {path}"
    if not path.parent.is_dir():
        raise LocalSyncError(
            f"{option}: the folder {path.parent} does not exist; create it or name another file",
            "--duckdb",
        )
    if path.is_dir():
        raise LocalSyncError(f"{option} is a folder; name a file", "--duckdb")
    if path.exists():
        try:
            duckdb.connect(str(path), read_only=True).close()
        except duckdb.Error as exc:
            # not a database, or another process holds its lock: DuckDB's first line says which
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise LocalSyncError(
                f"{option} cannot be opened as a DuckDB database ({reason}); name a new file, "
                "a database made by an earlier sync, or close the program that holds it",
                "--duckdb",
            ) from None


def prepare_state_dir(path: Path) -> None:
    problem = make_folder(path, "--state-dir")
    if problem is not None:
        raise LocalSyncError(problem, "--state-dir")


def read_state(path: Path) -> list[dict[str, Any]]:
    """The state a previous run saved (none: ``[]``); a corrupt file is named with the way out."""
    if not path.is_file():
        return []
    states: Any = None
    try:
        states = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        why = "not UTF-8"
    except json.JSONDecodeError as exc:
        why = f"not JSON, probably cut off: {exc.msg} at char {exc.pos}"
    else:
        why = "" if isinstance(states, list) else "not a list of state messages"
        if not why and not all(isinstance(s, dict) for s in states):
            why = "an entry is not a state message"
    if why:
        raise LocalSyncError(
            f"state file {path} is corrupt ({why}); to start over from the config's start_date, "
            "delete it or run again with --reset-state (the rows already in DuckDB are kept)",
            "--state-dir",
        )
    return list(states)

"""sync_connector: run a connector of this repository into a local DuckDB file, keeping state.

``make sync CONNECTOR=linkedin-ads CONFIG=secrets/linkedin.json`` runs discover + read through
``source-declarative-manifest``, upserts the records into DuckDB and saves the connector's state,
so the next run is incremental. Prints one JSON summary; exit 0 on success, 1 when the connector
or the load failed, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from airbyte_provisioning.connectors.local_sync import LocalSyncError, run_sync
from airbyte_provisioning.core.output import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, emit_json


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sync_connector.py", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument(
        "--connector", required=True, help="linkedin-ads, tiktok-ads or a connector folder"
    )
    parser.add_argument(
        "--config", required=True, type=Path, help="connector config JSON (keep it under secrets/)"
    )
    parser.add_argument(
        "--duckdb",
        type=Path,
        default=Path("local.duckdb"),
        help="DuckDB file (default: local.duckdb)",
    )
    parser.add_argument(
        "--state-dir", type=Path, default=Path(".state"), help="where state and records are kept"
    )
    parser.add_argument("--streams", help="comma-separated subset of streams")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code not in (0, None) else EXIT_OK
    streams = {s.strip() for s in args.streams.split(",") if s.strip()} if args.streams else None
    try:
        result = run_sync(
            args.connector, args.config, args.duckdb, args.state_dir, streams, progress=sys.stderr
        )
    except LocalSyncError as exc:
        emit_json({"ok": False, "connector": args.connector, "error": str(exc)})
        return EXIT_PROBLEMS
    emit_json({"ok": True, **result.as_dict()})
    return EXIT_OK

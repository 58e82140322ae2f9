"""sync_connector: run a connector of this repository into a local DuckDB file, keeping state.

``make sync CONNECTOR=linkedin-ads CONFIG=secrets/linkedin.json`` runs discover + read through
``source-declarative-manifest``, upserts the records into DuckDB and saves the connector's state,
so the next run is incremental. Prints one JSON summary; exit 0 on success, 1 when the connector
or the load failed, 2 on usage errors.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from airbyte_provisioning.commands.registry import parser_for
from airbyte_provisioning.connectors.local_sync import LocalSyncError, run_sync
from airbyte_provisioning.core.output import ExitCode
from airbyte_provisioning.core.startup import Abort, CommandParser, Invocation, run


def build_parser() -> CommandParser:
    parser = parser_for(__name__, __doc__)
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


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser(), argv, sync)


def sync(invocation: Invocation) -> int:
    args = invocation.args
    streams = {s.strip() for s in args.streams.split(",") if s.strip()} if args.streams else None
    invocation.document = {"connector": args.connector}
    try:
        result = run_sync(
            args.connector, args.config, args.duckdb, args.state_dir, streams, progress=sys.stderr
        )
    except LocalSyncError as exc:
        raise Abort(str(exc)) from None
    invocation.document = {"ok": True, **result.as_dict()}
    return ExitCode.OK

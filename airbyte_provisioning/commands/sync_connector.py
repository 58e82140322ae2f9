"""sync_connector: run a connector of this repository into a local DuckDB file, keeping state.

``make sync CONNECTOR=linkedin-ads CONFIG=secrets/linkedin.json`` runs discover + read through
``source-declarative-manifest``, upserts the records into DuckDB and saves the connector's state,
so the next run is incremental. A run that fails or is interrupted keeps the previous records,
state and tables; ``--reset-state`` starts over from the config's ``start_date`` (the way out of a
corrupt state file, which is named when found). Prints one JSON summary; exit 0 on success, 1 when
the connector or the load failed or the run was interrupted, 2 on usage errors (a missing or
broken config, state file, DuckDB file or state folder, an unknown connector or stream).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from airbyte_provisioning.commands.registry import parser_for
from airbyte_provisioning.commands.startup import Abort, CommandParser, Invocation, UsageError, run
from airbyte_provisioning.connectors.local_sync import LocalSyncError, run_sync
from airbyte_provisioning.core.output import ExitCode


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
    parser.add_argument(
        "--reset-state",
        action="store_true",
        help="ignore the saved state (even a corrupt one): read from the config's start_date; "
        "the new state replaces the old on success",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser(), argv, sync)


def sync(invocation: Invocation) -> int:
    args = invocation.args
    streams = {s.strip() for s in args.streams.split(",") if s.strip()} if args.streams else None
    invocation.document = {"connector": args.connector}
    try:
        result = run_sync(
            args.connector,
            args.config,
            args.duckdb,
            args.state_dir,
            streams,
            progress=sys.stderr,
            reset_state=args.reset_state,
        )
    except LocalSyncError as exc:
        if exc.option:
            raise UsageError(str(exc), exc.option) from None
        raise Abort(str(exc)) from None
    except KeyboardInterrupt:
        raise Abort(
            "interrupted: nothing was saved; the records, state and DuckDB tables are as the "
            "previous run left them"
        ) from None
    invocation.document = {"ok": True, **result.as_dict()}
    return ExitCode.OK

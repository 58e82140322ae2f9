"""check_api_versions: is any connector's pinned API version near or past its sunset?

Offline. Judges every connector that pins a dated API version (LinkedIn's ``LinkedIn-Version``)
against its sunset table on ``--now``'s date: past the sunset or missing from the table is an error
(the connector's syncs fail with HTTP 426), within ``--warning-days`` of it a warning. Run it from a
scheduler or before a release; tests never judge by today's date. Exit codes: 0 fine, 1 problems
(warnings too with ``--strict``), 2 usage.
"""

from __future__ import annotations

from collections.abc import Sequence

from airbyte_provisioning.checks.readiness import api_version_problems, api_version_summaries
from airbyte_provisioning.checks.readiness.api_version import SUNSET_WARNING_DAYS
from airbyte_provisioning.commands.registry import parser_for
from airbyte_provisioning.commands.startup import (
    CommandParser,
    Invocation,
    UsageError,
    existing_folder,
    parse_now,
    run,
)
from airbyte_provisioning.core import logs
from airbyte_provisioning.core.output import ExitCode
from airbyte_provisioning.core.paths import CONNECTORS_DIR


def build_parser() -> CommandParser:
    parser = parser_for(__name__, __doc__)
    parser.add_argument(
        "--connectors-dir", default=str(CONNECTORS_DIR), help="folder of the source-* connectors"
    )
    parser.add_argument("--now", help="ISO timestamp to judge dates against (default: now)")
    parser.add_argument(
        "--warning-days",
        type=int,
        default=SUNSET_WARNING_DAYS,
        help=f"warn this many days before a sunset (default: {SUNSET_WARNING_DAYS})",
    )
    parser.add_argument("--strict", action="store_true", help="warnings also make it exit 1")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser(), argv, check_versions, verdict="ok")


def check_versions(invocation: Invocation) -> int:
    args = invocation.args
    if args.warning_days < 0:
        raise UsageError("--warning-days must be 0 or more", "--warning-days")
    connectors_dir = existing_folder(args.connectors_dir, "--connectors-dir")
    now = parse_now(args.now)
    problems = api_version_problems(now, connectors_dir, args.warning_days)
    errors = [p for p in problems if p.is_error]
    failed = bool(errors) or (args.strict and bool(problems))
    invocation.document = {
        "ok": not failed,
        "checked_at": now.isoformat(),
        "connectors": api_version_summaries(now, connectors_dir),
        "problems": [p.as_dict() for p in problems],
    }
    logs.outcome(
        bool(problems),
        "connector API versions checked",
        errors=len(errors),
        warnings=len(problems) - len(errors),
    )
    return ExitCode.PROBLEMS if failed else ExitCode.OK

"""``airbyte-stack contracts``: check query aliases, seed headers, env names, secrets and records.

Prints one JSON document (``ok``, ``findings`` with severity, code (the rule), file, line and
message, a per-rule ``summary``, ``skipped`` checks and their reason, ``duration_ms``). Exit
codes: 0 clean, 1 findings (a run that could check nothing is one), 2 usage (unknown rule,
missing file).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from airbyte_provisioning.checks.contracts.checker import ALL_RULES, run_checks
from airbyte_provisioning.commands.registry import parser_for
from airbyte_provisioning.commands.startup import CommandParser, Invocation, UsageError, run
from airbyte_provisioning.core.output import ExitCode
from airbyte_provisioning.core.paths import REPO_ROOT
from airbyte_provisioning.core.problems import Problem


def build_parser() -> CommandParser:
    parser = parser_for(__name__, __doc__)
    parser.add_argument(
        "--root", type=Path, default=REPO_ROOT, help="repository to check (default: this one)"
    )
    parser.add_argument("--rules", help=f"comma-separated subset of: {', '.join(ALL_RULES)}")
    parser.add_argument(
        "--dbt-project", type=Path, help="dbt project to check against the contracts"
    )
    parser.add_argument(
        "--records", type=Path, help="Airbyte RECORD messages or JSON lines to check"
    )
    parser.add_argument(
        "--stream",
        help="contract (name or stream) to check every line of --records against; needed for "
        "plain JSON lines",
    )
    parser.add_argument(
        "--discover",
        action="store_true",
        help="also check streams whose schema the connector builds at run time (runs its "
        "discover offline; about a second per connector)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser(), argv, check)


def _selected_rules(text: str | None) -> list[str]:
    return [r.strip() for r in text.split(",") if r.strip()] if text else list(ALL_RULES)


def _usage_problems(selected: Sequence[str], paths: dict[str, Path | None]) -> list[Problem]:
    problems = [
        Problem(f"unknown rule {r!r} (known: {', '.join(ALL_RULES)})", "usage", variable="--rules")
        for r in selected
        if r not in ALL_RULES
    ]
    problems += [
        Problem(f"{option} {path}: no such file or directory", "usage", variable=option)
        for option, path in paths.items()
        if path is not None and not path.exists()
    ]
    records = paths.get("--records")
    if records is not None and records.is_dir():
        problems.append(
            Problem(
                f"--records {records} is a folder; give the records file (Airbyte RECORD "
                "messages or JSON lines, e.g. .state/<connector>.<config>.records.jsonl)",
                "usage",
                variable="--records",
            )
        )
    return problems


def check(invocation: Invocation) -> int:
    args = invocation.args
    selected = _selected_rules(args.rules)
    paths = {"--root": args.root, "--dbt-project": args.dbt_project, "--records": args.records}
    problems = _usage_problems(selected, paths)
    if problems:
        raise UsageError("; ".join(p.message for p in problems), problems=problems)
    # without --rules every rule runs whose input is given; a rule named without it fails
    report = run_checks(
        args.root,
        selected if args.rules else None,
        args.dbt_project,
        args.records,
        args.stream,
        args.discover,
    )
    invocation.document = report.to_dict()
    return ExitCode.OK if report.ok else ExitCode.PROBLEMS

"""``airbyte-stack contracts``: check query aliases, seed headers, env names, secrets and records.

Prints one JSON document (``ok``, ``findings`` with file, line, rule and message, a per-rule
``summary``, ``skipped`` checks and their reason, ``duration_ms``). Exit codes: 0 clean,
1 findings, 2 usage (unknown rule, missing file).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from airbyte_provisioning.checks.contracts.checker import ALL_RULES, run_checks
from airbyte_provisioning.core.output import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, emit_json
from airbyte_provisioning.core.paths import REPO_ROOT


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="airbyte-stack contracts", description=__doc__.splitlines()[0]
    )
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
        "--stream", help="contract name or stream for plain JSON lines in --records"
    )
    parser.add_argument(
        "--discover",
        action="store_true",
        help="also check streams whose schema the connector builds at run time (runs its "
        "discover offline; about a second per connector)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    selected = (
        [r.strip() for r in args.rules.split(",") if r.strip()] if args.rules else list(ALL_RULES)
    )
    problems = [
        f"unknown rule {r!r} (known: {', '.join(ALL_RULES)})"
        for r in selected
        if r not in ALL_RULES
    ]
    for option, path in (
        ("--root", args.root),
        ("--dbt-project", args.dbt_project),
        ("--records", args.records),
    ):
        if path is not None and not path.exists():
            problems.append(f"{option} {path}: no such file or directory")
    if problems:
        emit_json({"ok": False, "errors": problems})
        return EXIT_USAGE
    report = run_checks(
        args.root, selected, args.dbt_project, args.records, args.stream, args.discover
    )
    emit_json(report.to_dict())
    return EXIT_OK if report.ok else EXIT_PROBLEMS

"""verify_production_readiness: check production-only variables hold real, plausible values.

Offline (no API call). Checks that the Airbyte access variables, the template connection ids,
every tenant's resource ids and the connector variables of every enabled platform are present and
not placeholders (empty, ``changeme*``, ``xxx*``, ``<...>``, ``REPLACE*``/``TODO``, zero-filled
UUIDs/numbers, example hosts, or exactly what ``env.example`` holds); that ids and tokens have a
plausible shape; that start dates are sane and within each API's retention; and that the LinkedIn
API version the connector pins is not past its sunset date. Prints one JSON document listing every
problem. Exit codes: 0 ready, 1 problems (warnings too with ``--strict``), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from airbyte_provisioning.checks.readiness import REPO_ROOT, check_readiness
from airbyte_provisioning.core import logs
from airbyte_provisioning.core.envfile import EnvFileError, read_env_file
from airbyte_provisioning.core.invocation import command_parser, parse_now, start
from airbyte_provisioning.core.output import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, emit_json
from airbyte_provisioning.model.tenants import load_stack


def build_parser() -> argparse.ArgumentParser:
    parser = command_parser("verify_production_readiness.py", __doc__)
    parser.add_argument(
        "--example-file",
        default=str(REPO_ROOT / "env.example"),
        help="the sample env file whose values count as placeholders (default: env.example)",
    )
    parser.add_argument(
        "--connectors-dir",
        default=str(REPO_ROOT / "connectors"),
        help="folder holding source-linkedin-ads/ (for the LinkedIn-Version sunset check)",
    )
    parser.add_argument("--now", help="ISO timestamp to judge dates against (default: now)")
    parser.add_argument("--strict", action="store_true", help="warnings also make it exit 1")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    started = start(parser, argv)
    if isinstance(started, int):
        return started
    args, env, secrets = started.args, started.env, started.secrets
    try:
        now = parse_now(args.now)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE

    example: dict[str, str] | None = None
    example_path = Path(args.example_file)
    if example_path.is_file():
        try:
            example = read_env_file(example_path)
        except EnvFileError as exc:
            print(f"error: --example-file: {exc}", file=sys.stderr)
            return EXIT_USAGE

    stack = load_stack(env, now=now)
    report = check_readiness(env, stack, now, example, Path(args.connectors_dir))
    errors, warnings = report.errors, report.warnings
    failed = bool(errors) or (args.strict and bool(warnings))
    document: dict[str, Any] = {
        "ready": not failed,
        "strict": args.strict,
        "env_file": args.env_file,
        "example_file": str(example_path) if example is not None else None,
        "checked_at": now.isoformat(),
        "summary": {
            "errors": len(errors),
            "warnings": len(warnings),
            "variables_checked": len(set().union(*report.checked.values()))
            if report.checked
            else 0,
            "tenants": len(stack.tenants),
        },
        "platforms": report.platforms,
        "rules": report.rules_summary(),
        "linkedin_api_version": report.linkedin,
        "problems": report.problems(),
    }
    logs.log(
        30 if failed else 20,
        "production readiness checked",
        ready=not failed,
        errors=len(errors),
        warnings=len(warnings),
    )
    emit_json(document, secrets)
    return EXIT_PROBLEMS if failed else EXIT_OK

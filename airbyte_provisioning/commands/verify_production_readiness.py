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

from collections.abc import Sequence
from pathlib import Path

from airbyte_provisioning.checks.readiness import check_readiness
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
from airbyte_provisioning.core.envfile import EnvFileError, read_env_file
from airbyte_provisioning.core.output import ExitCode
from airbyte_provisioning.core.paths import CONNECTORS_DIR, REPO_ROOT
from airbyte_provisioning.model.tenants import load_stack


def build_parser() -> CommandParser:
    parser = parser_for(__name__, __doc__)
    parser.add_argument(
        "--example-file",
        default=str(REPO_ROOT / "env.example"),
        help="the sample env file whose values count as placeholders (default: env.example; "
        "when absent, a warning says copies of it cannot be recognised)",
    )
    parser.add_argument(
        "--connectors-dir",
        help="folder holding source-linkedin-ads/ (for the LinkedIn-Version sunset check; "
        "default: this repository's connectors/)",
    )
    parser.add_argument("--now", help="ISO timestamp to judge dates against (default: now)")
    parser.add_argument("--strict", action="store_true", help="warnings also make it exit 1")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser(), argv, verify, verdict="ready")


def _example(path: Path) -> dict[str, str] | None:
    """The placeholder values of ``--example-file``; none when the file is absent."""
    if not path.is_file():
        return None
    try:
        return read_env_file(path)
    except EnvFileError as exc:
        raise UsageError(f"--example-file: {exc}", "--example-file") from None


def verify(invocation: Invocation) -> int:
    args, env = invocation.args, invocation.env
    now = parse_now(args.now)
    example_path = Path(args.example_file)
    # the default is not checked: a copy installed outside a checkout has no connectors/, and the
    # sunset rule says so itself
    connectors_dir = (
        CONNECTORS_DIR
        if args.connectors_dir is None
        else existing_folder(args.connectors_dir, "--connectors-dir")
    )
    example = _example(example_path)
    stack = load_stack(env, now=now)
    report = check_readiness(env, stack, now, example, connectors_dir)
    errors, warnings = report.errors, report.warnings
    failed = bool(errors) or (args.strict and bool(warnings))
    checked = set().union(*report.checked.values()) if report.checked else set()
    invocation.document = {
        "ready": not failed,
        "strict": args.strict,
        "env_file": args.env_file,
        "example_file": str(example_path) if example is not None else None,
        "checked_at": now.isoformat(),
        "summary": {
            "errors": len(errors),
            "warnings": len(warnings),
            "variables_checked": len(checked),
            "tenants": len(stack.tenants),
        },
        "platforms": report.platforms,
        "rules": report.rules_summary(),
        "linkedin_api_version": report.linkedin,
        "problems": report.problems(),
    }
    logs.outcome(
        failed,
        "production readiness checked",
        ready=not failed,
        errors=len(errors),
        warnings=len(warnings),
    )
    return ExitCode.PROBLEMS if failed else ExitCode.OK

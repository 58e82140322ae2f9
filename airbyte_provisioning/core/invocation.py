"""What every command does before its own work: parse arguments, read the environment (with an
optional ``--env-file`` over it), and route logs to stderr with the environment's secrets scrubbed.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import UTC, datetime

from airbyte_provisioning.core import logs
from airbyte_provisioning.core.envfile import EnvFileError, load_environment
from airbyte_provisioning.core.output import EXIT_OK, EXIT_USAGE
from airbyte_provisioning.core.redact import secret_values


@dataclass(frozen=True)
class Invocation:
    args: argparse.Namespace
    env: dict[str, str]
    secrets: frozenset[str]


def command_parser(prog: str, doc: str | None) -> argparse.ArgumentParser:
    """A command's parser with the option every command shares, ``--env-file``."""
    parser = argparse.ArgumentParser(prog=prog, description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--env-file", help="read variables from this file (over the environment)")
    return parser


def start(parser: argparse.ArgumentParser, argv: list[str] | None) -> Invocation | int:
    """The parsed invocation, or the exit code to return at once (``--help``: 0, usage error: 2).

    The parser must define ``--env-file``.
    """
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code not in (0, None) else EXIT_OK
    try:
        env = load_environment(args.env_file)
    except EnvFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    secrets = secret_values(env)
    logs.configure(secrets)
    return Invocation(args, env, secrets)


def parse_now(text: str | None) -> datetime:
    """``--now`` as an aware datetime (UTC when no offset is given); now when absent.

    Raises ValueError with a message naming the option.
    """
    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"--now {text!r} is not an ISO timestamp") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

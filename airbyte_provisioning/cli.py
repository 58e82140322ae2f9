"""``airbyte-stack <command>``: runs any command of the registry
(:mod:`airbyte_provisioning.commands.registry`), the same code as ``scripts/<name>.py`` and the
Makefile targets.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from airbyte_provisioning.commands.registry import BY_NAME, usage
from airbyte_provisioning.core.output import ExitCode, emit_json
from airbyte_provisioning.core.problems import Problem


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in {"-h", "--help", "help"}:
        print(usage())
        return ExitCode.OK
    if not args:
        return _usage_error("no command given")
    command = BY_NAME.get(args[0])
    if command is None:
        return _usage_error(f"unknown command {args[0]!r}; known: {', '.join(BY_NAME)}")
    return command.load()(args[1:])


def _usage_error(message: str) -> int:
    """Like a command's usage error: one JSON answer on stdout, the command list on stderr."""
    print(usage(), file=sys.stderr)
    problem = Problem(message, code="usage", variable="<command>")
    emit_json({"ok": False, "error": message, "problems": [problem.as_dict()]})
    return ExitCode.USAGE


if __name__ == "__main__":
    raise SystemExit(main())

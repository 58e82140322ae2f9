"""The command registry: every command of the stack, listed once.

``airbyte-stack <name>`` dispatches from :data:`COMMANDS`; each ``scripts/<script>.py`` is generated
from its entry by :func:`script_source` (``python -m airbyte_provisioning.commands.registry``
rewrites them); a Makefile target that runs a command calls ``airbyte-stack <name>``. The tests
in ``tests/commands/test_registry.py`` fail when a script, an entry or a Makefile target is
missing or extra. Each command is a module of this package with ``main(argv) -> int`` whose
parser comes from :func:`parser_for`.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from airbyte_provisioning.commands.startup import PROG, CommandParser, command_parser
from airbyte_provisioning.core.paths import REPO_ROOT

PACKAGE = "airbyte_provisioning.commands"
SCRIPTS_DIR = REPO_ROOT / "scripts"

Main = Callable[[Sequence[str] | None], int]


@dataclass(frozen=True)
class Command:
    """One command: ``airbyte-stack <name>``, implemented by ``<PACKAGE>.<module>``."""

    name: str
    module: str
    help: str
    script: str | None = None  # scripts/<script>.py runs it with any python3
    make_target: str | None = None  # the Makefile target that runs it
    reads_env: bool = True  # takes --env-file

    @property
    def module_path(self) -> str:
        return f"{PACKAGE}.{self.module}"

    def load(self) -> Main:
        main: Main = importlib.import_module(self.module_path).main
        return main


COMMANDS: tuple[Command, ...] = (
    Command(
        "validate",
        "validate_tenant_config",
        "Validate tenants, schedules and templates (offline, then Airbyte)",
        script="validate_tenant_config",
    ),
    Command(
        "provision",
        "provision_meta_google_connectors",
        "Create/update the Meta + Google template sources and connections",
        script="provision_meta_google_connectors",
    ),
    Command(
        "bootstrap",
        "bootstrap_connections",
        "Plan and apply every tenant's connections",
        script="bootstrap_connections",
    ),
    Command(
        "verify",
        "verify_production_readiness",
        "Check production-only variables are real, not placeholders",
        script="verify_production_readiness",
    ),
    Command(
        "health",
        "airbyte_health_check",
        "Classify every managed connection's latest jobs",
        script="airbyte_health_check",
    ),
    Command(
        "contracts",
        "check_data_contracts",
        "Check query aliases, seed headers, env names, secrets, records",
        script="check_data_contracts",
        reads_env=False,
    ),
    Command(
        "versions",
        "check_api_versions",
        "Warn when a connector's pinned API version is near or past its sunset",
        make_target="versions",
        reads_env=False,
    ),
    Command("render", "render_source_config", "Render a source template with the environment"),
    Command(
        "publish",
        "publish_custom_connectors",
        "Publish the LinkedIn/TikTok manifests into a workspace",
        script="publish_custom_connectors",
        make_target="publish",
    ),
    Command(
        "sync",
        "sync_connector",
        "Run a connector of this repository into DuckDB, keeping its state",
        make_target="sync",
        reads_env=False,
    ),
    Command(
        "refresh-specs",
        "refresh_specs",
        "Regenerate the pinned spec snapshots of the official connectors (needs PyPI)",
        script="refresh_specs",
        make_target="refresh-specs",
        reads_env=False,
    ),
)
BY_NAME = {command.name: command for command in COMMANDS}
BY_MODULE = {command.module_path: command for command in COMMANDS}


def parser_for(module: str, doc: str | None) -> CommandParser:
    """The parser of the command implemented by ``module`` (pass ``__name__`` and ``__doc__``):
    its prog is ``airbyte-stack <name>``, with ``--env-file`` when the command reads variables."""
    command = BY_MODULE[module]
    return command_parser(command.name, doc, env_file=command.reads_env)


def usage() -> str:
    """``airbyte-stack --help``: every registered command with its one-line help."""
    width = max(len(c.name) for c in COMMANDS)
    lines = [f"usage: {PROG} <command> [options]", "", "commands:"]
    lines += [f"  {c.name:<{width}}  {c.help}" for c in COMMANDS]
    lines += ["", f"Run `{PROG} <command> --help` for a command's options."]
    return "\n".join(lines)


def script_source(command: Command) -> str:
    """The text of ``scripts/<command.script>.py``: a wrapper that finds the project's runtime
    (``scripts/_bootstrap.py``) and calls the command's ``main``."""
    return f'''#!/usr/bin/env python3
"""`{PROG} {command.name}` for any python3: {command.help[0].lower()}{command.help[1:]}.

Generated from airbyte_provisioning/commands/registry.py (edit the registry, not this file);
`--help` lists the options.
"""

import _bootstrap

_bootstrap.ensure_runtime()

from {command.module_path} import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
'''


def write_scripts(directory: Path = SCRIPTS_DIR) -> list[Path]:
    """(Re)write every registered script; scripts no entry names are left for the test to flag."""
    written = []
    for command in COMMANDS:
        if command.script:
            path = directory / f"{command.script}.py"
            path.write_text(script_source(command))
            path.chmod(0o755)
            written.append(path)
    return written


if __name__ == "__main__":
    for path in write_scripts():
        print(path.relative_to(REPO_ROOT), file=sys.stderr)

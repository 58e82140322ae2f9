"""``airbyte-stack <command>``: one entry point for every script under ``scripts/``.

Each command is a module in :mod:`airbyte_provisioning.commands` exposing
``main(argv: list[str] | None) -> int``; ``scripts/<name>.py`` calls the same function, so the two
ways of running a command can never drift apart.
"""

from __future__ import annotations

import importlib
import sys

# subcommand -> (module under airbyte_provisioning.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": (
        "validate_tenant_config",
        "Validate tenants, schedules and templates (offline, then Airbyte)",
    ),
    "provision": (
        "provision_meta_google_connectors",
        "Create/update the Meta + Google template sources and connections",
    ),
    "bootstrap": ("bootstrap_connections", "Plan and apply every tenant's connections"),
    "verify": (
        "verify_production_readiness",
        "Check production-only variables are real, not placeholders",
    ),
    "health": ("airbyte_health_check", "Classify every managed connection's latest jobs"),
    "contracts": (
        "check_data_contracts",
        "Check query aliases, seed headers, env names, secrets, records",
    ),
    "render": ("render_source_config", "Render a source template with the environment"),
    "publish": (
        "publish_custom_connectors",
        "Publish the LinkedIn/TikTok manifests into a workspace",
    ),
}


def _usage() -> str:
    lines = ["usage: airbyte-stack <command> [options]", "", "commands:"]
    lines += [f"  {name:<10} {text}" for name, (_, text) in COMMANDS.items()]
    lines += ["", "Run `airbyte-stack <command> --help` for a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module_name = COMMANDS[name][0]
    try:
        module = importlib.import_module(f"airbyte_provisioning.commands.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"airbyte_provisioning.commands.{module_name}":
            raise
        print(f"command {name!r} is not available in this version", file=sys.stderr)
        return 2
    result: int = module.main(rest)
    return result


if __name__ == "__main__":
    raise SystemExit(main())

"""``airbyte-stack render``: render source templates with the environment.

Prints one JSON document: per template the definition, the config with secrets masked, the secret
paths, which variables fed each field, derived values, notes and the template connections.
``--output DIR`` also writes each full config (secrets included) to ``DIR/<name>.json`` with mode
0600, for importing by hand; keep DIR out of git (``secrets/`` is ignored).
Exit codes: 0 rendered, 1 a template cannot be rendered (every problem listed), 2 usage.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from airbyte_provisioning.core.envfile import EnvFileError, load_environment
from airbyte_provisioning.core.output import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, emit_json
from airbyte_provisioning.core.redact import secret_values
from airbyte_provisioning.templates import source_templates


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="airbyte-stack render", description=__doc__.splitlines()[0]
    )
    parser.add_argument("templates", nargs="*", help="template names (default: all)")
    parser.add_argument(
        "--env-file", type=Path, help="env file overlaid on the process environment"
    )
    parser.add_argument("--output", type=Path, help="write full configs to DIR/<name>.json (0600)")
    parser.add_argument("--templates-dir", type=Path, default=source_templates.TEMPLATES_DIR)
    return parser


def _write_private(path: Path, document: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle, indent=2)
        handle.write("\n")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        env = load_environment(args.env_file)
    except EnvFileError as exc:
        emit_json({"ok": False, "error": str(exc)})
        return EXIT_USAGE
    secrets = secret_values(env)
    known = source_templates.template_names(args.templates_dir)
    names = args.templates or known
    unknown = [n for n in names if n not in known]
    if unknown:
        emit_json(
            {
                "ok": False,
                "error": f"unknown template(s) {', '.join(unknown)}; known: {', '.join(known)}",
            }
        )
        return EXIT_USAGE
    rendered: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for name in names:
        try:
            source = source_templates.render_source(name, env, args.templates_dir)
        except source_templates.RenderError as exc:
            failed.append({"name": name, "problems": [p.to_dict() for p in exc.problems]})
            continue
        except source_templates.TemplateError as exc:
            failed.append({"name": name, "problems": [{"path": "(template)", "message": str(exc)}]})
            continue
        document = source.to_dict()
        if args.output is not None:
            target = args.output / f"{name}.json"
            _write_private(target, source.config)
            document["written_to"] = str(target)
        rendered.append(document)
    emit_json({"ok": not failed, "rendered": rendered, "failed": failed}, secrets)
    return EXIT_PROBLEMS if failed else EXIT_OK

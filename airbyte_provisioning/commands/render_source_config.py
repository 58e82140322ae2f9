"""``airbyte-stack render``: render source templates with the environment.

Prints one JSON document: per template the definition, the config with secrets masked, the secret
paths, which variables fed each field, derived values, notes and the template connections.
``--output DIR`` also writes each full config (secrets included) to ``DIR/<name>.json`` with mode
0600, for importing by hand; keep DIR out of git (``secrets/`` is ignored). DIR is created when
missing; a file already there is never replaced unless ``--overwrite`` is given (it may be a config
edited by hand), and nothing is written when any would be.
Exit codes: 0 rendered, 1 a template cannot be rendered (every problem listed), 2 usage.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from airbyte_provisioning.commands.registry import parser_for
from airbyte_provisioning.commands.startup import CommandParser, Invocation, UsageError, run
from airbyte_provisioning.core.output import ExitCode
from airbyte_provisioning.core.paths import make_folder
from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.templates import source_templates


def build_parser() -> CommandParser:
    parser = parser_for(__name__, __doc__)
    parser.add_argument("templates", nargs="*", help="template names (default: all)")
    parser.add_argument(
        "--output", type=Path, metavar="DIR", help="write full configs to DIR/<name>.json (0600)"
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="with --output: replace DIR/<name>.json files that already exist",
    )
    parser.add_argument("--templates-dir", type=Path, default=source_templates.TEMPLATES_DIR)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser(), argv, render)


def _write_private(path: Path, document: Any, overwrite: bool) -> None:
    """``document`` as JSON in ``path`` (mode 0600), never through a symlink; an existing file
    only with ``overwrite``."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW
    flags |= os.O_TRUNC if overwrite else os.O_EXCL
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        raise UsageError(f"--output: cannot write {path}: {exc.strerror}", "--output") from None
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle, indent=2)
        handle.write("\n")


def _output_dir(directory: Path, names: Sequence[str], overwrite: bool) -> None:
    """Create ``directory`` if needed; refuse files it already holds unless ``overwrite``."""
    problem = make_folder(directory, "--output")
    if problem is not None:
        raise UsageError(problem, "--output")
    taken = [str(directory / f"{n}.json") for n in names if (directory / f"{n}.json").exists()]
    if taken and not overwrite:
        raise UsageError(
            f"--output: {', '.join(taken)} already exist(s); nothing was written. Pass "
            "--overwrite to replace them, or name another folder",
            "--output",
        )


def _names(wanted: Sequence[str], templates_dir: Path) -> list[str]:
    known = source_templates.template_names(templates_dir)
    if not known:
        raise UsageError(
            f"--templates-dir {templates_dir} holds no *_source.yaml template: nothing to render",
            "--templates-dir",
        )
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise UsageError(
            f"unknown template(s) {', '.join(unknown)}; known: {', '.join(known)}", "templates"
        )
    return list(wanted or known)


def render(invocation: Invocation) -> int:
    args, env = invocation.args, invocation.env
    rendered: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    names = _names(args.templates, args.templates_dir)
    if args.output is not None:
        _output_dir(args.output, names, args.overwrite)
    for name in names:
        try:
            source = source_templates.render_source(name, env, args.templates_dir)
        except source_templates.RenderError as exc:
            failed.append({"name": name, "problems": [p.as_dict() for p in exc.problems]})
            continue
        except source_templates.TemplateError as exc:
            broken = Problem(str(exc), code="broken_template")
            failed.append({"name": name, "problems": [broken.as_dict()]})
            continue
        document = source.to_dict()
        if args.output is not None:
            target = args.output / f"{name}.json"
            _write_private(target, source.config, args.overwrite)
            document["written_to"] = str(target)
        rendered.append(document)
    invocation.document = {"ok": not failed, "rendered": rendered, "failed": failed}
    return ExitCode.PROBLEMS if failed else ExitCode.OK

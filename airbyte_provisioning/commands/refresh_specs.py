"""refresh_specs: regenerate the pinned spec snapshots under templates/specs/ (needs PyPI).

Each official connector pinned in ``templates/*_source.yaml`` is installed into its own throwaway
virtualenv and its ``spec`` command is run (``make refresh-specs``). Prints one JSON summary;
exit 1 when any connector could not be snapshotted (the others are still written, the failed
ones keep their old file), 2 on usage errors.
"""

from __future__ import annotations

import math
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from airbyte_provisioning.commands.registry import parser_for
from airbyte_provisioning.commands.startup import (
    CommandParser,
    Invocation,
    UsageError,
    existing_folder,
    in_range,
    run,
)
from airbyte_provisioning.core.output import ExitCode
from airbyte_provisioning.core.paths import TEMPLATES_DIR
from airbyte_provisioning.templates import spec_snapshots
from airbyte_provisioning.templates.spec_snapshots import ConnectorPin


def build_parser() -> CommandParser:
    parser = parser_for(__name__, __doc__)
    parser.add_argument("--only", action="append", default=[], help="connector name (repeatable)")
    parser.add_argument("--jobs", type=int, default=2, help="installs run in parallel (default 2)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per pip install")
    parser.add_argument(
        "--templates-dir",
        type=Path,
        default=TEMPLATES_DIR,
        help="folder of the *_source.yaml templates (default: this repository's templates/)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser(), argv, refresh)


def _pins(templates_dir: Path, only: Sequence[str]) -> list[ConnectorPin]:
    existing_folder(templates_dir, "--templates-dir")
    try:
        pins = spec_snapshots.load_pins(templates_dir)
    except spec_snapshots.SnapshotError as exc:
        raise UsageError(f"--templates-dir {templates_dir}: {exc}", "--templates-dir") from None
    if not pins:
        raise UsageError(
            f"--templates-dir {templates_dir} has no *_source.yaml pinning an official connector: "
            "nothing to refresh",
            "--templates-dir",
        )
    unknown = sorted(set(only) - {p.connector for p in pins})
    if unknown:
        known = ", ".join(p.connector for p in pins)
        raise UsageError(f"--only {', '.join(unknown)}: not pinned (pinned: {known})", "--only")
    return [p for p in pins if not only or p.connector in only]


def _refresh(pin: ConnectorPin, templates_dir: Path, timeout: float) -> dict[str, Any]:
    path = spec_snapshots.snapshot_path(pin, templates_dir)
    result: dict[str, Any] = {"connector": pin.connector, "version": pin.version, "ok": False}
    try:
        document = spec_snapshots.generate_snapshot(pin, timeout=timeout)
    except (spec_snapshots.SnapshotError, OSError) as exc:
        return {**result, "error": str(exc)}
    except (TimeoutError, subprocess.TimeoutExpired) as exc:
        return {**result, "error": f"timed out (--timeout {timeout:g} s): {exc}"}
    spec_snapshots.write_snapshot(document, path)
    return {
        **result,
        "ok": True,
        "file": str(path.relative_to(templates_dir.parent)),
        "airbyte_cdk": document["generator"]["airbyte_cdk"],
    }


def refresh(invocation: Invocation) -> int:
    args = invocation.args
    jobs = in_range(args.jobs, "--jobs", lowest=1)
    if not (math.isfinite(args.timeout) and args.timeout > 0):
        raise UsageError(
            f"--timeout must be a number of seconds above 0, got {args.timeout:g}", "--timeout"
        )
    pins = _pins(args.templates_dir, args.only)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda p: _refresh(p, args.templates_dir, args.timeout), pins))
    ok = all(r["ok"] for r in results)
    invocation.document = {"ok": ok, "snapshots": results}
    return ExitCode.OK if ok else ExitCode.PROBLEMS

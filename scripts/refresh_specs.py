#!/usr/bin/env python3
"""Regenerate the pinned spec snapshots under templates/specs/ (needs PyPI; `make refresh-specs`).

Each official connector pinned in templates/*_source.yaml is installed into its own throwaway
virtualenv and its `spec` command is run. Prints one JSON summary; exits 1 when any connector
could not be snapshotted (the others are still written, the failed ones keep their old file).
"""

import _bootstrap

_bootstrap.ensure_runtime()

import argparse  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from airbyte_provisioning.core.output import (  # noqa: E402
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    emit_json,
)
from airbyte_provisioning.templates import spec_snapshots  # noqa: E402


def _refresh(
    pin: spec_snapshots.ConnectorPin, templates_dir: Path, timeout: float
) -> dict[str, Any]:
    path = spec_snapshots.snapshot_path(pin, templates_dir)
    try:
        document = spec_snapshots.generate_snapshot(pin, timeout=timeout)
    except (spec_snapshots.SnapshotError, OSError) as exc:
        return {"connector": pin.connector, "version": pin.version, "ok": False, "error": str(exc)}
    except TimeoutError as exc:
        return {
            "connector": pin.connector,
            "version": pin.version,
            "ok": False,
            "error": f"timed out: {exc}",
        }
    spec_snapshots.write_snapshot(document, path)
    return {
        "connector": pin.connector,
        "version": pin.version,
        "ok": True,
        "file": str(path.relative_to(templates_dir.parent)),
        "airbyte_cdk": document["generator"]["airbyte_cdk"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], help="connector name (repeatable)")
    parser.add_argument("--jobs", type=int, default=2, help="installs run in parallel (default 2)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per pip install")
    parser.add_argument("--templates-dir", type=Path, default=spec_snapshots.TEMPLATES_DIR)
    args = parser.parse_args(argv)
    try:
        pins = spec_snapshots.load_pins(args.templates_dir)
    except spec_snapshots.SnapshotError as exc:
        emit_json({"ok": False, "error": str(exc)})
        return EXIT_USAGE
    if args.only:
        unknown = sorted(set(args.only) - {p.connector for p in pins})
        if unknown:
            known = ", ".join(p.connector for p in pins)
            emit_json(
                {"ok": False, "error": f"--only {', '.join(unknown)}: not pinned (pinned: {known})"}
            )
            return EXIT_USAGE
        pins = [p for p in pins if p.connector in args.only]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda p: _refresh(p, args.templates_dir, args.timeout), pins))
    ok = all(r["ok"] for r in results)
    emit_json({"ok": ok, "snapshots": results})
    return EXIT_OK if ok else EXIT_PROBLEMS


if __name__ == "__main__":
    raise SystemExit(main())

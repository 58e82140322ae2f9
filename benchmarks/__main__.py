"""Run every ``benchmarks/bench_*.py`` module (or the ones named) and print their figures as JSON.

Each module exposes ``run() -> dict``; the dict holds the measured figures and the conditions
(latency, sizes) they were measured under. ``python -m benchmarks tiktok`` runs one. Options
after the names (``python -m benchmarks throughput --profile``) go to modules whose ``run`` takes
``options``. A benchmark that raises :class:`benchmarks.BenchmarkError` is reported as
``{"ok": false, "error": ...}`` and the exit status is 1 (2 for :class:`BenchmarkUsageError`).
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import json
import pkgutil
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import BenchmarkError, BenchmarkUsageError


def main(argv: list[str]) -> int:
    names = sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    first_option = next((i for i, arg in enumerate(argv) if arg.startswith("-")), len(argv))
    wanted, options = argv[:first_option] or names, argv[first_option:]
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        print(f"unknown benchmark(s) {unknown}; available: {names}", file=sys.stderr)
        return 2
    modules = {name: importlib.import_module(f"benchmarks.bench_{name}") for name in wanted}
    refusing = [
        n for n, m in modules.items() if "options" not in inspect.signature(m.run).parameters
    ]
    if options and refusing:
        print(f"benchmark(s) {refusing} take no options (got {options})", file=sys.stderr)
        return 2
    results: dict[str, Any] = {}
    status = 0
    for name, module in modules.items():
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        # connectors read in-process print their Airbyte messages; stdout carries only the figures
        with contextlib.redirect_stdout(sys.stderr):
            try:
                results[name] = module.run(options) if options else module.run()
            except BenchmarkError as exc:
                results[name] = {"ok": False, "error": str(exc)}
                status = max(status, 2 if isinstance(exc, BenchmarkUsageError) else 1)
        print(f"[bench] {name} done in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    print(json.dumps(results, indent=2))
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Run every ``benchmarks/bench_*.py`` module (or the ones named) and print their figures as JSON.

Each module exposes ``run() -> dict``; the dict holds the measured figures and the conditions
(latency, sizes) they were measured under. ``python -m benchmarks tiktok`` runs one.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    names = sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    wanted = argv or names
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        print(f"unknown benchmark(s) {unknown}; available: {names}", file=sys.stderr)
        return 2
    results = {}
    for name in wanted:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"benchmarks.bench_{name}")
        # connectors read in-process print their Airbyte messages; stdout carries only the figures
        with contextlib.redirect_stdout(sys.stderr):
            results[name] = module.run()
        print(f"[bench] {name} done in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

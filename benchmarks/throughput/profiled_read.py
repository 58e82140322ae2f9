"""A ``source-declarative-manifest`` read in this process, with every thread profiled.

``python -m benchmarks.throughput.profiled_read {profile|measure} OUT.json read --config ...``

The CDK's concurrent source reads partitions in a thread pool and serializes records on the main
thread, so a ``cProfile`` of the main thread alone misses the extraction and transformation.
Here each thread gets its own ``cProfile.Profile`` (``Thread.run`` is wrapped before the read
starts the pool), timed by the thread's own CPU clock, so waiting on sockets, queues, locks and
rate limits counts nothing. The source and its streams are built first, outside the profile:
start-up is measured on its own.

cProfile charges its own cost to every call it records (a few hundred ns, more than a small
function's body), so the document also carries that cost, measured in this process right after
the read (:func:`calibrate`), for :mod:`profile_table` to take back out.

``measure`` reads without a profiler and writes ``{"read_cpu_seconds"}``: the process's CPU
(every thread) over the same part of the run the profile covers, what the correction is fitted to.

``profile`` writes ``OUT.json``: ``{"functions": [[file, line, name, calls, own_s, cumulative_s]], "edges":
[[caller, callee, calls, cumulative_s]]`` (indexes into ``functions``), ``"threads": [{"name",
"cpu_seconds"}], "unprofiled_threads": [names], "overhead": {...}}``; Airbyte messages go to
stdout as in a normal read.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# a pool thread still running this long after the read returned is left unprofiled
JOIN_SECONDS = 60.0
CALIBRATION_CALLS = 200_000
CALIBRATION_ROUNDS = 5

# pstats' key of a function: (file, first line, name); built-ins have the file "~"
FunctionKey = tuple[str, int, str]


def _profiler() -> cProfile.Profile:
    return cProfile.Profile(time.thread_time)


class ThreadProfiles:
    """One profiler per thread started while :meth:`installed` is active, plus the calling
    thread's own."""

    def __init__(self) -> None:
        self.finished: list[tuple[str, cProfile.Profile]] = []
        self.unprofiled: list[str] = []
        self._lock = threading.Lock()

    def _wrap(self, run: Callable[[threading.Thread], None]) -> Callable[[threading.Thread], None]:
        def profiled_run(thread: threading.Thread) -> None:
            profile = _profiler()
            profile.enable()
            try:
                run(thread)
            finally:
                profile.disable()
                with self._lock:
                    self.finished.append((thread.name, profile))

        return profiled_run

    @contextmanager
    def installed(self) -> Iterator[None]:
        original = threading.Thread.run
        before = set(threading.enumerate())
        threading.Thread.run = self._wrap(original)  # type: ignore[method-assign,assignment]
        main = _profiler()
        main.enable()
        try:
            yield
        finally:
            main.disable()
            threading.Thread.run = original  # type: ignore[method-assign]
            self.finished.append((threading.current_thread().name, main))
            started = [t for t in threading.enumerate() if t not in before]
            for thread in started:
                thread.join(JOIN_SECONDS)
            self.unprofiled = [thread.name for thread in started if thread.is_alive()]

    def document(self) -> dict[str, Any]:
        merged: pstats.Stats | None = None
        threads: list[dict[str, Any]] = []
        for name, profile in self.finished:
            stats = pstats.Stats(profile)
            threads.append({"name": name, "cpu_seconds": stats.total_tt})  # type: ignore[attr-defined]
            if merged is None:
                merged = stats
            else:
                merged.add(stats)
        table = merged.stats if merged is not None else {}  # type: ignore[attr-defined]
        return {**stats_document(table), "threads": threads, "unprofiled_threads": self.unprofiled}


def stats_document(table: dict[FunctionKey, tuple[Any, ...]]) -> dict[str, Any]:
    """pstats' table as JSON lists: functions, and the call edges between them."""
    index = {key: n for n, key in enumerate(table)}
    functions = []
    edges = []
    for key, (_, calls, own, cumulative, callers) in table.items():
        functions.append([*key, calls, own, cumulative])
        for caller, (edge_calls, _, _, edge_cumulative) in callers.items():
            if caller in index:
                edges.append([index[caller], index[key], edge_calls, edge_cumulative])
    return {"functions": functions, "edges": edges}


def _empty() -> None:
    return None


def _call_python(n: int) -> None:
    for _ in range(n):
        _empty()


def _call_builtin(n: int, value: tuple[()] = ()) -> None:
    for _ in range(n):
        len(value)


def _own_per_call(table: dict[FunctionKey, tuple[Any, ...]], name: str, calls: int) -> float:
    own = sum(row[2] for key, row in table.items() if key[2] == name)
    return float(own) / calls


def calibrate() -> dict[str, float]:
    """What cProfile adds per call, in seconds, split as it books it: on the called function
    (``*_callee``) and on its caller (``*_caller``), for Python functions and for built-ins.

    Loops of ``CALIBRATION_CALLS`` calls to an empty function and to ``len`` are timed without
    and with the profiler; the least of ``CALIBRATION_ROUNDS`` rounds is kept (noise only adds).
    The empty function's body is taken as free, so its whole own time is the callee's share.
    """
    n = CALIBRATION_CALLS
    found: dict[str, list[float]] = {}
    for _ in range(CALIBRATION_ROUNDS):
        for kind, driver, callee in (
            ("python", _call_python, "_empty"),
            ("builtin", _call_builtin, "<built-in method builtins.len>"),
        ):
            started = time.thread_time()
            driver(n)
            plain = (time.thread_time() - started) / n
            profile = _profiler()
            profile.enable()
            driver(n)
            profile.disable()
            table = pstats.Stats(profile).stats  # type: ignore[attr-defined]
            callee_share = _own_per_call(table, callee, n)
            caller_share = _own_per_call(table, driver.__name__, n) - plain
            found.setdefault(f"{kind}_callee", []).append(max(callee_share, 0.0))
            found.setdefault(f"{kind}_caller", []).append(max(caller_share, 0.0))
    return {name: min(values) for name, values in found.items()}


def _build_streams_first(source: Any, sdm_args: list[str]) -> None:
    """Build the source's streams now and hand the same ones to the read.

    A read builds every stream of the manifest before reading one (a read with an empty
    catalog too, which is how the benchmark measures start-up); a connector with many streams
    spends a good part of a second on it. Done here, it stays out of the measured and profiled
    part, which is then the reading alone: what the records cost.
    """
    config = source.read_config(sdm_args[sdm_args.index("--config") + 1])
    streams = source.streams(config=config)
    source.streams = lambda config: streams


def _process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[0] not in ("profile", "measure"):
        print(
            "usage: python -m benchmarks.throughput.profiled_read {profile|measure} OUT.json "
            "read --config ... --manifest-path ... [--components-path ...] --catalog ...",
            file=sys.stderr,
        )
        return 2
    mode, out, sdm_args = argv[0], Path(argv[1]), argv[2:]
    # the same two steps `source-declarative-manifest` takes for a manifest given by path
    from airbyte_cdk.cli.source_declarative_manifest._run import create_declarative_source
    from airbyte_cdk.entrypoint import launch

    source = create_declarative_source(sdm_args)
    _build_streams_first(source, sdm_args)
    if mode == "measure":
        started = _process_cpu()
        launch(source, sdm_args)
        out.write_text(json.dumps({"read_cpu_seconds": _process_cpu() - started}))
        return 0
    profiles = ThreadProfiles()
    with profiles.installed():
        launch(source, sdm_args)
    document = {**profiles.document(), "overhead": calibrate()}
    out.write_text(json.dumps(document))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The profiled read sees the worker threads, and its correction adds up to the measured CPU."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from benchmarks.throughput.profile_table import corrected
from benchmarks.throughput.profiled_read import ThreadProfiles, stats_document


def _busy_in_a_worker(n: int) -> int:
    return sum(i * i for i in range(n))


def test_a_function_run_in_a_worker_thread_is_in_the_profile():
    profiles = ThreadProfiles()
    original_run = threading.Thread.run

    with profiles.installed():
        worker = threading.Thread(target=_busy_in_a_worker, args=(50_000,), name="worker")
        worker.start()
        worker.join()
    document = profiles.document()

    names = {row[2]: row for row in document["functions"]}
    assert names["_busy_in_a_worker"][3] == 1
    assert {"worker", threading.current_thread().name} <= {t["name"] for t in document["threads"]}
    # the wrapper is removed again: a thread started afterwards is not profiled
    assert threading.Thread.run is original_run


def _document() -> dict[str, Any]:
    """``caller`` calls ``leaf`` 1,000 times: raw own times carry the profiler's cost."""
    table: dict[tuple[str, int, str], tuple[Any, ...]] = {
        ("app.py", 1, "caller"): (1, 1, 0.6, 1.5, {}),
        ("app.py", 9, "leaf"): (
            1000,
            1000,
            0.9,
            0.9,
            {("app.py", 1, "caller"): (1000, 1000, 0.9, 0.9)},
        ),
    }
    overhead = {
        "python_callee": 0.0004,
        "python_caller": 0.0003,
        "builtin_callee": 0.0,
        "builtin_caller": 0.0,
    }
    return {**stats_document(table), "overhead": overhead}


def test_the_corrected_profile_adds_up_to_the_measured_cpu_and_keeps_the_calls():
    figures, scale = corrected(_document(), measured_seconds=0.3)

    caller, leaf = figures[("app.py", 1, "caller")], figures[("app.py", 9, "leaf")]
    assert caller.own + leaf.own == pytest.approx(0.3)
    assert leaf.calls == 1000
    assert caller.cumulative == pytest.approx(caller.own + leaf.own)
    assert scale > 0


def test_without_a_measurement_the_calibrated_cost_is_taken_out_as_it_is():
    figures, scale = corrected(_document())

    assert scale == 1.0
    assert figures[("app.py", 9, "leaf")].own == pytest.approx(0.9 - 1000 * 0.0004)
    # called once itself, and calling leaf 1,000 times
    assert figures[("app.py", 1, "caller")].own == pytest.approx(0.6 - 0.0004 - 1000 * 0.0003)

"""The throughput figures compared: each connector against the two floors, and a what-if
against the same scenarios without it.

A connector's report stream pays three things per record: the CDK reading it (the plain floor:
extraction, records, serialization), the CDK's incremental cursor (what the incremental floor
adds to the plain one) and the connector's own components (what the connector adds to the
incremental floor). ``vs_floor`` gives the multiples and, for the connector whose pages the floors
read (TikTok), that split in microseconds (1.0 = as cheap as the floor); ``vs_without`` gives a what-if's figures as multiples of the same scenario's
without it (below 1.0: the change saves CPU).
"""

from __future__ import annotations

import statistics
from typing import Any

from benchmarks.throughput.scenarios import ScenarioName

SOURCES: tuple[ScenarioName, ...] = ("tiktok", "linkedin")
# the floors read TikTok's recorded pages: only TikTok's records are the same rows, so only its
# microseconds can be split into the CDK's and its own (LinkedIn's rows are smaller: a split would
# give the connector a negative share)
SAME_PAGES_AS_FLOORS: frozenset[ScenarioName] = frozenset({"tiktok"})


def _multiple(figures: dict[str, Any], base: dict[str, Any]) -> float:
    """``figures``' CPU per record as a multiple of ``base``'s."""
    ours, theirs = float(figures["records_per_cpu_second"]), float(base["records_per_cpu_second"])
    return round(theirs / ours, 2)


def vs_floor(figures: dict[str, Any]) -> dict[str, Any]:
    """CPU per record as multiples of each floor's (1.0 = as cheap as the CDK), its
    microseconds split into the CDK's read, the CDK's cursor and the connector's own, and
    start-up as a multiple of the plain floor's."""
    floor, incremental = figures["floor"], figures["floor_incremental"]
    compared: dict[str, Any] = {
        "floor_incremental": {
            "cpu_per_record": _multiple(incremental, floor),
            "startup": round(incremental["startup_cpu_seconds"] / floor["startup_cpu_seconds"], 2),
        }
    }
    for name in SOURCES:
        f = figures[name]
        compared[name] = {
            "cpu_per_record": _multiple(f, floor),
            "cpu_per_record_vs_incremental_floor": _multiple(f, incremental),
            "same_pages_as_floors": name in SAME_PAGES_AS_FLOORS,
            "startup": round(f["startup_cpu_seconds"] / floor["startup_cpu_seconds"], 2),
        }
        if name in SAME_PAGES_AS_FLOORS:
            compared[name]["us_per_record_parts"] = {
                "cdk_read": floor["us_per_record"],
                "cdk_cursor": round(incremental["us_per_record"] - floor["us_per_record"], 1),
                "connector": round(f["us_per_record"] - incremental["us_per_record"], 1),
            }
    return compared


def vs_without(without: dict[str, Any], with_change: dict[str, Any]) -> dict[str, Any]:
    """Per scenario: CPU per record with the change as a multiple of without it, the
    microseconds per record it saved, and the same for start-up; when both sides have in-process
    read runs (``read_cpu_seconds_in_process_runs``), the same from those under ``in_process``
    (the read's CPU alone, no start-up subtracted, so less noisy)."""
    compared: dict[str, Any] = {}
    for name, f in with_change.items():
        base = without[name]
        compared[name] = {
            "cpu_per_record": _multiple(f, base),
            "us_per_record_saved": round(base["us_per_record"] - f["us_per_record"], 1),
            "startup": round(f["startup_cpu_seconds"] / base["startup_cpu_seconds"], 2),
        }
        runs = f.get("read_cpu_seconds_in_process_runs")
        runs_without = base.get("read_cpu_seconds_in_process_runs")
        if runs and runs_without:
            compared[name]["in_process"] = _in_process(f["records"], runs_without, runs)
    return compared


def _in_process(records: int, without: list[float], with_change: list[float]) -> dict[str, Any]:
    before = statistics.median(without) * 1e6 / records
    after = statistics.median(with_change) * 1e6 / records
    return {
        "us_per_record_without": round(before, 1),
        "us_per_record_with": round(after, 1),
        "us_per_record_saved": round(before - after, 1),
        "cpu_per_record": round(after / before, 2),
    }

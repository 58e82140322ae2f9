"""A scenario measured in several variants: each variant's processes get its own environment."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.throughput.measure import SdmRunner
from benchmarks.throughput.recording import RecordedResponse, Recording
from benchmarks.throughput.runs import Planned, measure
from benchmarks.throughput.scenarios import (
    SCENARIOS,
    TIKTOK_ADVERTISERS,
    TIKTOK_REPORT_PATH,
    floor_incremental_recording,
)
from benchmarks.throughput.what_if import WHAT_IFS


def _tiktok_recording() -> Recording:
    """One page of two rows per advertiser, as the connector records them."""
    responses = {}
    for advertiser in TIKTOK_ADVERTISERS:
        rows = [
            {"dimensions": {"ad_id": ad, "stat_time_day": "2025-01-01 00:00:00"}, "metrics": {}}
            for ad in ("1", "2")
        ]
        body = json.dumps({"code": 0, "data": {"list": rows}}).encode()
        key = (
            f"GET {TIKTOK_REPORT_PATH}?advertiser_id={advertiser.advertiser_id}"
            "&end_date=2025-01-30&start_date=2025-01-01"
        )
        responses[key] = RecordedResponse(200, "application/json", body)
    return Recording(responses)


def test_a_what_if_variant_runs_in_processes_that_made_the_change_and_reads_every_record(
    tmp_path: Path,
):
    scenario = SCENARIOS["floor_incremental"]
    catalog = SdmRunner(
        scenario.folder, scenario.config("http://127.0.0.1:9"), tmp_path
    ).configured_catalog(scenario.stream)
    planned = Planned(
        scenario,
        floor_incremental_recording(_tiktok_recording()),
        catalog,
        2 * len(TIKTOK_ADVERTISERS),
    )
    what_if, log = WHAT_IFS["cdk-iso-dates"], tmp_path / "what-if.log"

    without, with_change = measure(planned, 1, tmp_path, ({}, what_if.environment(log)))

    # spec, start-up and read of the what-if variant; none of the variant without it
    assert what_if.patched_processes(log) == 3
    for figures in (without, with_change):
        assert figures["records"] == 8
        assert len(figures["cpu_seconds_runs"]) == len(figures["startup_cpu_seconds_runs"]) == 1

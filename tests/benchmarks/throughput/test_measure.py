"""A scenario's stream is looked up in the connector's own discover, by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.throughput.measure import MeasureError, SdmRunner
from benchmarks.throughput.scenarios import SCENARIOS


def test_a_stream_the_connector_does_not_have_is_refused_naming_the_streams_it_has(
    tmp_path: Path,
):
    floor = SCENARIOS["floor"]
    runner = SdmRunner(floor.folder, floor.config("http://127.0.0.1:9"), tmp_path)

    with pytest.raises(MeasureError) as refused:
        runner.configured_catalog("ads_reports_hourly")

    assert "has no stream 'ads_reports_hourly'" in str(refused.value)
    assert "report_rows" in str(refused.value)

"""A scenario's stream is looked up in the connector's own discover, by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from airbyte_provisioning.core.paths import REPO_ROOT
from benchmarks.throughput.measure import BYTECODE_CACHE, MeasureError, SdmRunner
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


def test_connector_processes_start_from_compiled_bytecode_kept_outside_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # a shell that forbids bytecode would make every measured start compile the CDK again
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    floor = SCENARIOS["floor"]
    runner = SdmRunner(floor.folder, floor.config("http://127.0.0.1:9"), tmp_path)

    assert "PYTHONDONTWRITEBYTECODE" not in runner.env
    assert runner.env["PYTHONPYCACHEPREFIX"] == str(BYTECODE_CACHE)
    assert REPO_ROOT not in BYTECODE_CACHE.parents

"""The floor scenario: the component-free manifest reads the TikTok pages a recording holds."""

from __future__ import annotations

import json
from typing import Any

import pytest
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import read

from benchmarks.throughput.recording import RecordedResponse, Recording, RecordingError, StaticApp
from benchmarks.throughput.scenarios import (
    FLOOR_PATH,
    SCENARIOS,
    TIKTOK_REPORT_PATH,
    floor_recording,
)
from sandboxes.base import serve


def _row(ad_id: str, day: str) -> dict[str, Any]:
    return {
        "dimensions": {"ad_id": ad_id, "stat_time_day": f"{day} 00:00:00"},
        "metrics": {"spend": "1.50", "ctr": "-"},
    }


def _answer(payload: dict[str, Any]) -> RecordedResponse:
    return RecordedResponse(200, "application/json", json.dumps(payload).encode())


def _tiktok_recording(pages: list[list[dict[str, Any]]]) -> Recording:
    responses = {
        f"GET {TIKTOK_REPORT_PATH}?advertiser_id=1&page={n}": _answer(
            {"code": 0, "data": {"list": rows, "page_info": {"page": n}}}
        )
        for n, rows in enumerate(pages, start=1)
    }
    # an answer that is not a report page: the floor leaves it out
    responses["GET /open_api/v1.3/advertiser/info/?advertiser_ids=1"] = _answer(
        {"code": 0, "data": {"list": [{"advertiser_id": "1", "currency": "USD"}]}}
    )
    return Recording(responses)


def test_the_floor_manifest_reads_every_row_of_the_recorded_report_pages():
    pages = [[_row("11", "2025-01-01"), _row("12", "2025-01-01")], [_row("11", "2025-01-02")]]
    app = StaticApp(floor_recording(_tiktok_recording(pages)))
    scenario = SCENARIOS["floor"]
    catalog = CatalogBuilder().with_stream(scenario.stream, SyncMode.full_refresh).build()

    with serve(app) as server:
        config = scenario.config(server.url)
        output = read(scenario.folder.declarative_source(config, catalog=catalog), config, catalog)

    assert not output.errors
    assert [r.record.data for r in output.records] == [row for page in pages for row in page]
    assert app.unknown == []
    assert [r.raw_query for r in app.requests] == ["page=1", "page=2", "page=3"]
    assert all(r.path == FLOOR_PATH for r in app.requests)


def test_a_tiktok_recording_without_report_rows_gives_the_floor_nothing_to_read():
    with pytest.raises(RecordingError, match="no report page with rows"):
        floor_recording(_tiktok_recording([[]]))

"""The floor scenarios: component-free manifests read the TikTok pages a recording holds, the
plain floor page after page, the incremental floor by advertiser with TikTok's date cursor."""

from __future__ import annotations

import json
from typing import Any

import pytest
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, discover, read

from benchmarks.throughput.recording import RecordedResponse, Recording, RecordingError, StaticApp
from benchmarks.throughput.scenarios import (
    FLOOR_INCREMENTAL_PATH,
    FLOOR_PATH,
    SCENARIOS,
    TIKTOK_ADVERTISERS,
    TIKTOK_REPORT_PATH,
    ScenarioName,
    floor_incremental_recording,
    floor_recording,
)
from sandboxes.base import serve

ADVERTISERS = [a.advertiser_id for a in TIKTOK_ADVERTISERS]


def _row(ad_id: str, day: str) -> dict[str, Any]:
    return {
        "dimensions": {"ad_id": ad_id, "stat_time_day": f"{day} 00:00:00"},
        "metrics": {"spend": "1.50", "ctr": "-"},
    }


def _answer(payload: dict[str, Any]) -> RecordedResponse:
    return RecordedResponse(200, "application/json", json.dumps(payload).encode())


def _page(rows: list[dict[str, Any]], n: int) -> RecordedResponse:
    return _answer({"code": 0, "data": {"list": rows, "page_info": {"page": n}}})


def _tiktok_recording(pages: list[list[dict[str, Any]]]) -> Recording:
    responses = {
        f"GET {TIKTOK_REPORT_PATH}?advertiser_id=1&page={n}": _page(rows, n)
        for n, rows in enumerate(pages, start=1)
    }
    # an answer that is not a report page: the floor leaves it out
    responses["GET /open_api/v1.3/advertiser/info/?advertiser_ids=1"] = _answer(
        {"code": 0, "data": {"list": [{"advertiser_id": "1", "currency": "USD"}]}}
    )
    return Recording(responses)


def _report_key(advertiser: str, start: str, end: str, page: int | None) -> str:
    # as the connector asks: the first page of a window without a page number
    page_part = f"&page={page}" if page is not None else ""
    return (
        f"GET {TIKTOK_REPORT_PATH}?advertiser_id={advertiser}&end_date={end}{page_part}"
        f"&page_size=2&start_date={start}"
    )


def _windowed_recording() -> tuple[Recording, dict[str, list[dict[str, Any]]]]:
    """Each advertiser: a January window of two pages and a February window of one, recorded
    in an order (by key) that is not the order of the days."""
    responses: dict[str, RecordedResponse] = {}
    rows: dict[str, list[dict[str, Any]]] = {}
    for i, advertiser in enumerate(ADVERTISERS):
        january = [[_row(f"{i}1", "2025-01-01"), _row(f"{i}2", "2025-01-01")]]
        january.append([_row(f"{i}1", "2025-01-02")])
        february = [_row(f"{i}1", f"2025-02-0{i + 1}")]
        responses[_report_key(advertiser, "2025-01-31", "2025-03-01", None)] = _page(february, 1)
        responses[_report_key(advertiser, "2025-01-01", "2025-01-30", 2)] = _page(january[1], 2)
        responses[_report_key(advertiser, "2025-01-01", "2025-01-30", None)] = _page(january[0], 1)
        rows[advertiser] = [*january[0], *january[1], *february]
    return Recording(responses), rows


def _read_floor(app: StaticApp, name: ScenarioName, mode: SyncMode) -> EntrypointOutput:
    """The CDK's own read of floor scenario ``name``'s stream against ``app``, in memory."""
    scenario = SCENARIOS[name]
    catalog = CatalogBuilder().with_stream(scenario.stream, mode).build()
    with serve(app) as server:
        config = scenario.config(server.url)
        return read(scenario.folder.declarative_source(config, catalog=catalog), config, catalog)


def _with_day(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "stat_time_day": row["dimensions"]["stat_time_day"][:10]}


def test_the_floor_manifest_reads_every_row_of_the_recorded_report_pages():
    pages = [[_row("11", "2025-01-01"), _row("12", "2025-01-01")], [_row("11", "2025-01-02")]]
    app = StaticApp(floor_recording(_tiktok_recording(pages)))
    output = _read_floor(app, "floor", SyncMode.full_refresh)

    assert not output.errors
    assert [r.record.data for r in output.records] == [row for page in pages for row in page]
    assert app.unknown == []
    assert [r.raw_query for r in app.requests] == ["page=1", "page=2", "page=3"]
    assert all(r.path == FLOOR_PATH for r in app.requests)


def test_a_tiktok_recording_without_report_rows_gives_the_floor_nothing_to_read():
    with pytest.raises(RecordingError, match="no report page with rows"):
        floor_recording(_tiktok_recording([[]]))


def test_the_incremental_floor_serves_each_advertisers_rows_in_day_order_with_a_top_level_day():
    recording, rows = _windowed_recording()

    derived = floor_incremental_recording(recording)

    expected_keys = [
        f"GET {FLOOR_INCREMENTAL_PATH}?advertiser_id={advertiser}&page={n}"
        for advertiser in ADVERTISERS
        for n in (1, 2, 3, 4)
    ]
    assert list(derived.responses) == expected_keys
    for advertiser in ADVERTISERS:
        served = [
            json.loads(derived.responses[key].body)["data"]["list"]
            for key in expected_keys
            if f"advertiser_id={advertiser}&" in key
        ]
        # three recorded pages in day order, then the empty page that ends the partition
        assert [len(page) for page in served] == [2, 1, 1, 0]
        assert [row for page in served for row in page] == [_with_day(r) for r in rows[advertiser]]


def test_a_report_row_without_a_day_is_refused_naming_its_page():
    row = {"dimensions": {"ad_id": "1"}, "metrics": {}}
    key = _report_key(ADVERTISERS[0], "2025-01-01", "2025-01-30", None)

    with pytest.raises(RecordingError, match="no dimensions.stat_time_day") as refused:
        floor_incremental_recording(Recording({key: _page([row], 1)}))

    assert f"advertiser_id={ADVERTISERS[0]}" in str(refused.value)


def test_a_report_request_without_a_window_start_is_refused():
    key = f"GET {TIKTOK_REPORT_PATH}?advertiser_id=1&page=1"

    with pytest.raises(RecordingError, match="no advertiser_id or start_date"):
        floor_incremental_recording(Recording({key: _page([_row("1", "2025-01-01")], 1)}))


def test_the_incremental_floor_manifest_discovers_an_incremental_stream_on_the_day():
    scenario = SCENARIOS["floor_incremental"]
    config = scenario.config("http://127.0.0.1:9")

    output = discover(scenario.folder.declarative_source(config), config)

    assert not output.errors
    (stream,) = output.catalog.catalog.streams
    assert stream.name == scenario.stream
    assert SyncMode.incremental in stream.supported_sync_modes
    assert stream.default_cursor_field == ["stat_time_day"]


def test_the_incremental_floor_reads_each_advertiser_as_its_own_partition_and_saves_its_day():
    recording, rows = _windowed_recording()
    app = StaticApp(floor_incremental_recording(recording))
    output = _read_floor(app, "floor_incremental", SyncMode.incremental)

    assert not output.errors
    assert app.unknown == []
    got = sorted(json.dumps(r.record.data, sort_keys=True) for r in output.records)
    want = [_with_day(row) for advertiser in ADVERTISERS for row in rows[advertiser]]
    assert got == sorted(json.dumps(row, sort_keys=True) for row in want)
    state = output.most_recent_state.stream_state.__dict__
    saved = {s["partition"]["advertiser_id"]: s["cursor"]["stat_time_day"] for s in state["states"]}
    assert saved == {advertiser: f"2025-02-0{i + 1}" for i, advertiser in enumerate(ADVERTISERS)}

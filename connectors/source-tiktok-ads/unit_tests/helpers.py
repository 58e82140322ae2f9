"""Config, request and response builders for the mock-server tests (TikTok's wire format)."""

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests_mock
from airbyte_cdk.models import ConfiguredAirbyteCatalog, SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.state_builder import StateBuilder

BASE = "https://business-api.tiktok.com/open_api/v1.3"
TOKEN = "changeme-test-token"
ADVERTISER = "7100000000000000001"
OTHER_ADVERTISER = "7100000000000000002"


class FakeClock:
    """A monotonic clock that moves only when something sleeps on it (or a test moves it)."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class ConfigBuilder:
    def __init__(self) -> None:
        self._config: dict[str, Any] = {
            "access_token": TOKEN,
            "advertiser_ids": [ADVERTISER],
            "start_date": "2024-01-01",
            "end_date": "2024-01-10",
            "lookback_days": 7,
            # the budget counts wall-clock seconds, which stand still under freezegun
            "requests_per_second": 50,
        }

    def with_(self, **values: Any) -> "ConfigBuilder":
        self._config.update(values)
        return self

    def without(self, *keys: str) -> "ConfigBuilder":
        for key in keys:
            self._config.pop(key, None)
        return self

    def build(self) -> dict[str, Any]:
        return dict(self._config)


def envelope(data: Any = None, code: int = 0, message: str = "OK") -> dict[str, Any]:
    return {"code": code, "message": message, "request_id": "test", "data": data or {}}


def page(
    rows: Sequence[Mapping[str, Any]],
    page_no: int = 1,
    page_size: int = 1000,
    total: int | None = None,
) -> dict[str, Any]:
    total = len(rows) if total is None else total
    return envelope(
        {
            "list": list(rows),
            "page_info": {
                "page": page_no,
                "page_size": page_size,
                "total_number": total,
                "total_page": -(-total // page_size),
            },
        }
    )


def report_row(
    level_id: str, day: str, metrics: Mapping[str, str], id_field: str = "ad_id"
) -> dict[str, Any]:
    return {
        "dimensions": {id_field: level_id, "stat_time_day": f"{day} 00:00:00"},
        "metrics": dict(metrics),
    }


def advertiser_info(
    advertiser_id: str = ADVERTISER, currency: str = "USD", timezone: str = "America/Los_Angeles"
) -> dict[str, Any]:
    return envelope(
        {
            "list": [
                {
                    "advertiser_id": advertiser_id,
                    "name": f"Advertiser {advertiser_id}",
                    "currency": currency,
                    "timezone": timezone,
                }
            ]
        }
    )


def query(request: Any) -> dict[str, str]:
    return {
        k: v[0] for k, v in parse_qs(urlsplit(request.url).query, keep_blank_values=True).items()
    }


def mock_advertisers(api: requests_mock.Mocker, zones: Mapping[str, tuple[str, str]]) -> None:
    """advertiser/info answering for each id in ``zones`` (id -> (currency, time zone))."""

    def answer(request: Any, context: Any) -> dict[str, Any]:
        (advertiser_id,) = json.loads(query(request)["advertiser_ids"])
        currency, timezone = zones[advertiser_id]
        return advertiser_info(advertiser_id, currency, timezone)

    api.get(f"{BASE}/advertiser/info/", json=answer)


def daily_rows(
    level_id: str, start: str, end: str, metrics: Callable[[str], Mapping[str, str]] | None = None
) -> list[dict[str, Any]]:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    days = [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
    return [
        report_row(level_id, d, metrics(d) if metrics else {"spend": "1.00", "impressions": "10"})
        for d in days
    ]


def mock_report(
    api: requests_mock.Mocker,
    rows_for: Callable[[dict[str, str]], list[dict[str, Any]]],
    page_size: int = 1000,
) -> None:
    """report/integrated/get answering with rows_for(query), paginated like TikTok."""

    def answer(request: Any, context: Any) -> dict[str, Any]:
        params = query(request)
        rows = rows_for(params)
        page_no = int(params.get("page", "1"))
        size = int(params.get("page_size", page_size))
        return page(rows[(page_no - 1) * size : page_no * size], page_no, size, total=len(rows))

    api.get(f"{BASE}/report/integrated/get/", json=answer)


def report_requests(api: requests_mock.Mocker) -> list[dict[str, str]]:
    return [
        query(request)
        for request in api.request_history
        if request.path.endswith("/report/integrated/get/")
    ]


def catalog(stream: str, mode: SyncMode = SyncMode.incremental) -> ConfiguredAirbyteCatalog:
    return CatalogBuilder().with_stream(stream, mode).build()


def per_advertiser_state(stream: str, cursors: Mapping[str, str]) -> list[Any]:
    states = [
        {
            "partition": {"advertiser_id": a, "parent_slice": {"advertiser_id": a}},
            "cursor": {"stat_time_day": c},
        }
        for a, c in cursors.items()
    ]
    return (
        StateBuilder()
        .with_stream_state(stream, {"states": states, "use_global_cursor": False})
        .build()
    )

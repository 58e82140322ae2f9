"""The Connector Builder's test_read shows each page's request and response, for every stream.

Run the way Airbyte's Builder runs a custom connector: the CDK's ``connector_builder`` entry point
with the manifest and ``components.py`` injected into the config (with the checksum the CDK
checks) and ``__command: test_read``, against the local TikTok sandbox.
"""

import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from airbyte_cdk.connector_builder.main import handle_request
from freezegun import freeze_time

from sandboxes.base import serve
from sandboxes.tiktok import create_app, default_advertisers

NOW = datetime(2024, 2, 20, 12, tzinfo=UTC)
TOKEN = "changeme-sandbox-access-token"
CUSTOM_REPORT = {
    "name": "campaigns_by_country",
    "data_level": "AUCTION_CAMPAIGN",
    "dimensions": ["country_code"],
    "metrics": ["spend", "clicks"],
}
STREAMS = [
    "advertisers",
    "campaigns",
    "ad_groups",
    "ads",
    "advertisers_reports_daily",
    "campaigns_reports_daily",
    "ad_groups_reports_daily",
    "ads_reports_daily",
    CUSTOM_REPORT["name"],
]


@pytest.fixture
def builder_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # the Builder runs injected components only where the platform allows custom code
    monkeypatch.setenv("AIRBYTE_ENABLE_UNSAFE_CODE", "true")
    # it registers its own components module under the names manifests use: put them back after
    for name in ("components", "source_declarative_manifest.components"):
        if name in sys.modules:
            monkeypatch.setitem(sys.modules, name, sys.modules[name])


def _test_read(tmp_path: Path, connector_folder, config: dict, stream: str) -> dict[str, Any]:
    components = connector_folder.components_text
    builder_config = {
        **config,
        "__injected_declarative_manifest": connector_folder.manifest,
        "__injected_components_py": components,
        "__injected_components_py_checksums": {"md5": hashlib.md5(components.encode()).hexdigest()},
        "__command": "test_read",
    }
    catalog = {
        "streams": [
            {
                "stream": {
                    "name": stream,
                    "json_schema": {},
                    "supported_sync_modes": ["full_refresh", "incremental"],
                },
                "sync_mode": "full_refresh",
                "destination_sync_mode": "overwrite",
            }
        ]
    }
    (tmp_path / "config.json").write_text(json.dumps(builder_config))
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    answer = json.loads(
        handle_request(
            [
                "read",
                "--config",
                str(tmp_path / "config.json"),
                "--catalog",
                str(tmp_path / "catalog.json"),
            ]
        )
    )
    assert answer["type"] == "RECORD", answer
    return answer["record"]["data"]


def _pages(stream_read: dict[str, Any]) -> list[dict[str, Any]]:
    return [page for part in stream_read["slices"] for page in part["pages"]]


def _blank_exchanges(exchanges: list[dict[str, Any]], base_url: str) -> list[dict[str, Any]]:
    """The requests or pages whose request URL or response body is missing."""
    return [
        exchange
        for exchange in exchanges
        if not str((exchange.get("request") or {}).get("url", "")).startswith(base_url)
        or not (exchange.get("response") or {}).get("body")
    ]


@pytest.mark.parametrize("stream", STREAMS)
def test_every_page_of_every_stream_shows_its_request_and_response(
    tmp_path, connector_folder, builder_environment, stream
):
    with serve(create_app(now=NOW)) as server, freeze_time(NOW, tick=True):
        config = {
            "access_token": TOKEN,
            "advertiser_ids": [default_advertisers()[0].advertiser_id],
            "start_date": "2024-01-01",
            "end_date": "2024-02-10",
            "custom_reports": [CUSTOM_REPORT],
            "api_base_url": server.url,
        }
        stream_read = _test_read(tmp_path, connector_folder, config, stream)

    pages = _pages(stream_read)
    assert pages and any(page["records"] for page in pages), stream_read["logs"]
    assert _blank_exchanges(pages, server.url) == []
    assert _blank_exchanges(stream_read["auxiliary_requests"], server.url) == []


def test_the_advertiser_discovery_behind_a_stream_shows_its_requests(
    tmp_path, connector_folder, builder_environment
):
    with serve(create_app(now=NOW)) as server, freeze_time(NOW, tick=True):
        config = {
            "access_token": TOKEN,
            "advertiser_ids": [],
            "app_id": "changeme-sandbox-app-id",
            "secret": "changeme-sandbox-app-secret",
            "start_date": "2024-01-01",
            "end_date": "2024-01-10",
            "api_base_url": server.url,
        }
        stream_read = _test_read(tmp_path, connector_folder, config, "ads_reports_daily")

    urls = [request["request"]["url"] for request in stream_read["auxiliary_requests"]]
    assert any("/oauth2/advertiser/get/" in url for url in urls), urls
    assert any("/advertiser/info/" in url for url in urls), urls
    assert _blank_exchanges(stream_read["auxiliary_requests"], server.url) == []
    assert _blank_exchanges(_pages(stream_read), server.url) == []

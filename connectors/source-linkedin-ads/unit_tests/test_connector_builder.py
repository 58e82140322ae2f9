"""The Connector Builder's test_read shows every page's request and response, for every stream.

The connector is run the way the Builder UI runs it: the CDK's connector builder entry point gets
a config carrying the manifest, components.py and its checksum (``__injected_*``) and
``__command: test_read``, and a one-stream catalog.
"""

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import requests_mock
import yaml
from airbyte_cdk.connector_builder.main import handle_request
from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer, SyncMode

from .helpers import (
    ACCESS_TOKEN,
    ANALYTICS,
    ANALYTICS_STREAMS,
    BASE,
    ENTITY_STREAMS,
    ConfigBuilder,
    analytics_answer,
    catalog,
    days,
    element,
    page,
)

CUSTOM_REPORT = {"name": "campaign_by_country", "pivots": ["CAMPAIGN", "MEMBER_COUNTRY_V2"]}
# 19 metrics: two requests per analytics window (at most 18 metrics a request)
METRICS = [
    "impressions", "clicks", "costInUsd", "likes", "comments", "shares", "follows", "reactions",
    "videoViews", "videoStarts", "videoCompletions", "actionClicks", "adUnitClicks", "cardClicks",
    "cardImpressions", "commentLikes", "companyPageClicks", "downloadClicks", "opens",
]  # fmt: skip


def builder_config(connector_dir: Path, **overrides: Any) -> dict[str, Any]:
    components = (connector_dir / "components.py").read_text()
    config = (
        ConfigBuilder()
        .with_(account_ids=[111], metrics=METRICS, custom_reports=[CUSTOM_REPORT], **overrides)
        .build()
    )
    return {
        **config,
        "__injected_declarative_manifest": yaml.safe_load(
            (connector_dir / "manifest.yaml").read_text()
        ),
        "__injected_components_py": components,
        "__injected_components_py_checksums": {"md5": hashlib.md5(components.encode()).hexdigest()},
        "__command": "test_read",
    }


def answer_every_endpoint(api: requests_mock.Mocker) -> None:
    """Two pages for each entity finder, one row a day for each analytics pivot."""
    paged = [{"json": page([{"id": 1}], next_token="dG9rZW4=")}, {"json": page([{"id": 2}])}]
    api.get(f"{BASE}/adAccounts", paged)
    for resource in ("adCampaignGroups", "adCampaigns"):
        api.get(f"{BASE}/adAccounts/111/{resource}", paged)
    creatives = [{"id": "urn:li:sponsoredCreative:1"}, {"id": "urn:li:sponsoredCreative:2"}]
    api.get(
        f"{BASE}/adAccounts/111/creatives",
        [{"json": page(creatives[:1], next_token="dG9rZW4=")}, {"json": page(creatives[1:])}],
    )

    def rows(request, start, end):
        return [element("urn:li:sponsoredCampaign:7", day, clicks=1) for day in days(start, end)]

    api.register_uri("GET", ANALYTICS, text=analytics_answer(rows))
    api.register_uri("POST", ANALYTICS, text=analytics_answer(rows))


def builder_test_read(tmp_path: Path, config: dict[str, Any], stream: str) -> dict[str, Any]:
    """What the Builder shows for ``stream``: slices of pages, each with request and response."""
    config_path, catalog_path = tmp_path / "config.json", tmp_path / "catalog.json"
    config_path.write_text(json.dumps(config))
    one_stream = catalog([stream], SyncMode.full_refresh)
    catalog_path.write_text(json.dumps(ConfiguredAirbyteCatalogSerializer.dump(one_stream)))
    output = handle_request(["read", "--config", str(config_path), "--catalog", str(catalog_path)])
    assert ACCESS_TOKEN not in output, "the Builder shows request headers: the token must be masked"
    message = json.loads(output)
    assert message["type"] == "RECORD", message
    return message["record"]["data"]


@pytest.fixture
def builder_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # the Builder server runs with custom code allowed; the injected module replaces the
    # components modules in sys.modules, which the other tests' sources must get back
    monkeypatch.setenv("AIRBYTE_ENABLE_UNSAFE_CODE", "true")
    for name in ("components", "source_declarative_manifest.components"):
        if name in sys.modules:
            monkeypatch.setitem(sys.modules, name, sys.modules[name])
        else:
            monkeypatch.delitem(sys.modules, name, raising=False)


@pytest.mark.parametrize(
    "stream", [*ENTITY_STREAMS, *ANALYTICS_STREAMS, f"custom_{CUSTOM_REPORT['name']}"]
)
def test_every_page_of_every_stream_carries_its_request_and_response(
    connector_dir, builder_environment, api, tmp_path, stream
):
    answer_every_endpoint(api)
    result = builder_test_read(tmp_path, builder_config(connector_dir), stream)

    slices = result["slices"]
    assert slices, f"{stream}: test_read returned no slice"
    # entity streams: one page per entity page; analytics: one per metric chunk of each window
    assert all(len(piece["pages"]) == 2 for piece in slices), [len(p["pages"]) for p in slices]
    pages = [page for piece in slices for page in piece["pages"]]
    assert sum(len(page["records"]) for page in pages) > 0
    for number, shown in enumerate(pages, start=1):
        request, response = shown["request"], shown["response"]
        assert request and request["url"].startswith(BASE), f"{stream} page {number}: {request}"
        assert (
            response and response["status"] == 200 and response["body"]
        ), f"{stream} page {number}: {response}"


def test_a_tunneled_request_is_shown_as_the_post_it_was(
    connector_dir, builder_environment, api, tmp_path
):
    answer_every_endpoint(api)
    config = builder_config(connector_dir, max_url_length=200)
    result = builder_test_read(tmp_path, config, "ad_analytics_by_campaign")

    requests = [page["request"] for piece in result["slices"] for page in piece["pages"]]
    assert requests and {request["http_method"] for request in requests} == {"POST"}
    assert all("accounts=List(urn%3Ali%3AsponsoredAccount%3A111)" in r["body"] for r in requests)

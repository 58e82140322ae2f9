"""sources/list and destinations/list: cursor paging, search."""

from __future__ import annotations

from sandboxes.airbyte import (
    AirbyteSandboxApp,
)
from sandboxes.airbyte.catalogs import (
    GOOGLE_ADS_ID,
)

from .helpers import GOOGLE_ADS_CONFIG, WS, call, make_source


def test_sources_list_pages_by_cursor_in_name_order(app: AirbyteSandboxApp) -> None:
    ids = {
        make_source(app, GOOGLE_ADS_ID, GOOGLE_ADS_CONFIG, f"s{n:02d}")["sourceId"]
        for n in range(25)
    }
    status, first = call(app, "sources/list", {"workspaceId": WS})
    assert status == 200 and first["page_size"] == 20 and len(first["sources"]) == 20
    assert [s["name"] for s in first["sources"]] == [f"s{n:02d}" for n in range(20)]
    _, rest = call(
        app, "sources/list", {"workspaceId": WS, "cursor": first["sources"][-1]["sourceId"]}
    )
    assert [s["name"] for s in rest["sources"]] == [f"s{n:02d}" for n in range(20, 25)]
    assert {s["sourceId"] for s in first["sources"] + rest["sources"]} == ids


def test_sources_list_filters_by_search_term(app: AirbyteSandboxApp) -> None:
    make_source(app, GOOGLE_ADS_ID, GOOGLE_ADS_CONFIG, "acme | Google Ads")
    make_source(app, GOOGLE_ADS_ID, GOOGLE_ADS_CONFIG, "globex | Google Ads")
    _, body = call(app, "sources/list", {"workspaceId": WS, "filters": {"searchTerm": "ACME"}})
    assert [s["name"] for s in body["sources"]] == ["acme | Google Ads"]

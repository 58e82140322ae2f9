"""GA4 and Search Console discover."""

from __future__ import annotations

from sandboxes.airbyte import (
    AirbyteSandboxApp,
)
from sandboxes.airbyte.catalogs import (
    GA4_ID,
    SEARCH_CONSOLE_ID,
)

from ..helpers import discovered, make_source


def test_ga4_reports_are_named_per_property_and_keyed_on_dimensions(app: AirbyteSandboxApp) -> None:
    config = {
        "property_ids": ["111", "222"],
        "credentials": {
            "auth_type": "Client",
            "client_id": "c",
            "client_secret": "s",
            "refresh_token": "r",
        },
        "custom_reports_array": [
            {
                "name": "by_month",
                "dimensions": ["yearMonth", "country"],
                "metrics": ["sessions", "bounceRate"],
            }
        ],
    }
    streams = discovered(app, make_source(app, GA4_ID, config)["sourceId"])
    assert "website_overview" in streams and "website_overviewProperty222" in streams
    by_month = streams["by_month"]["stream"]
    assert by_month["defaultCursorField"] == ["yearMonth"]
    assert by_month["sourceDefinedPrimaryKey"] == [
        ["property_id"],
        ["yearMonth"],
        ["country"],
        ["startDate"],
        ["endDate"],
    ]
    assert by_month["jsonSchema"]["properties"]["sessions"]["type"] == ["null", "integer"]


def test_search_console_custom_reports_force_the_date_dimension(app: AirbyteSandboxApp) -> None:
    config = {
        "site_urls": ["https://example.com/"],
        "authorization": {
            "auth_type": "Client",
            "client_id": "c",
            "client_secret": "s",
            "refresh_token": "r",
        },
        "custom_reports_array": [{"name": "query_page", "dimensions": ["query", "page"]}],
    }
    streams = discovered(app, make_source(app, SEARCH_CONSOLE_ID, config)["sourceId"])
    assert streams["query_page"]["stream"]["sourceDefinedPrimaryKey"] == [
        ["query"],
        ["page"],
        ["date"],
        ["site_url"],
        ["search_type"],
    ]
    assert streams["search_analytics_by_date"]["stream"]["defaultCursorField"] == ["date"]

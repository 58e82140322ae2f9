"""Google Ads discover: custom GAQL queries become streams."""

from __future__ import annotations

from sandboxes.airbyte import (
    AirbyteSandboxApp,
)
from sandboxes.airbyte.catalogs import (
    GOOGLE_ADS_ID,
)

from ..helpers import GOOGLE_ADS_CONFIG, call, discovered, make_source


def test_google_ads_custom_queries_become_streams_with_dotted_columns(
    app: AirbyteSandboxApp,
) -> None:
    queries = [
        {
            "table_name": "campaign_daily",
            "query": "SELECT campaign.id, metrics.cost_micros, metrics.conversions, segments.date FROM campaign ORDER BY segments.date",
        },
        {
            "table_name": "last_30",
            "query": "SELECT campaign.id, segments.date FROM campaign WHERE segments.date DURING LAST_30_DAYS",
        },
        {"table_name": "no_date", "query": "select ad_group.id, metrics.clicks from ad_group"},
    ]
    streams = discovered(
        app,
        make_source(app, GOOGLE_ADS_ID, {**GOOGLE_ADS_CONFIG, "custom_queries_array": queries})[
            "sourceId"
        ],
    )
    daily = streams["campaign_daily"]["stream"]
    assert (
        daily["defaultCursorField"] == ["segments.date"] and daily["sourceDefinedPrimaryKey"] == []
    )
    assert daily["jsonSchema"]["properties"]["metrics.cost_micros"]["type"] == ["null", "integer"]
    assert daily["jsonSchema"]["properties"]["metrics.conversions"]["type"] == ["null", "number"]
    assert daily["jsonSchema"]["properties"]["segments.date"]["format"] == "date"
    assert streams["last_30"]["stream"]["supportedSyncModes"] == ["full_refresh"]
    assert streams["no_date"]["stream"]["supportedSyncModes"] == ["full_refresh"]
    assert (
        streams["campaign_daily"]["config"]["syncMode"] == "full_refresh"
    )  # cursor but no PK: Airbyte proposes overwrite
    campaign = streams["campaign"]["config"]
    assert (campaign["syncMode"], campaign["destinationSyncMode"], campaign["selected"]) == (
        "incremental",
        "append_dedup",
        False,
    )


def test_invalid_gaql_fails_discover_not_the_request(app: AirbyteSandboxApp) -> None:
    source = make_source(
        app,
        GOOGLE_ADS_ID,
        {
            **GOOGLE_ADS_CONFIG,
            "custom_queries_array": [
                {"table_name": "t", "query": "SELECT campaign.id AS x FROM campaign"}
            ],
        },
    )
    status, body = call(app, "sources/discover_schema", {"sourceId": source["sourceId"]})
    assert status == 200 and "catalog" not in body
    assert "custom query for stream 't'" in body["jobInfo"]["failureReason"]["externalMessage"]

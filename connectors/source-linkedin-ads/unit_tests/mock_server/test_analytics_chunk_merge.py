"""Metric chunking (at most 20 fields a request) and the outer merge of the chunks."""

from datetime import date

from ..helpers import (
    ANALYTICS,
    ConfigBuilder,
    analytics_answer,
    analytics_requests,
    element,
    raw_params,
    requested_fields,
    run_read,
)

CAMPAIGN = "urn:li:sponsoredCampaign:7"
SECOND = "urn:li:sponsoredCampaign:8"
TWENTY_METRICS = [
    "impressions", "clicks", "costInUsd", "likes", "comments", "shares", "follows", "reactions",
    "videoViews", "videoStarts", "videoCompletions", "actionClicks", "adUnitClicks", "cardClicks",
    "cardImpressions", "commentLikes", "companyPageClicks", "downloadClicks", "opens",
    "externalWebsiteConversions",
]  # fmt: skip


def test_default_metrics_fit_one_request_per_window(get_source, api):
    api.register_uri("GET", ANALYTICS, text=analytics_answer(lambda request, start, end: []))
    run_read(get_source, ConfigBuilder().build(), ["ad_analytics_by_campaign"])

    (request,) = analytics_requests(api)
    requested = requested_fields(request)
    assert len(requested) == 20
    assert requested[:2] == ["dateRange", "pivotValues"]
    params = raw_params(request)
    assert params["q"] == "analytics"
    assert params["pivot"] == "CAMPAIGN"
    assert params["timeGranularity"] == "DAILY"
    assert params["accounts"] == "List(urn%3Ali%3AsponsoredAccount%3A111)"
    assert params["dateRange"] == "(start:(year:2024,month:1,day:1),end:(year:2024,month:1,day:10))"


def test_chunks_are_outer_merged_on_pivot_and_date_when_linkedin_omits_rows(get_source, api):
    def rows(request, start, end):
        chunk = requested_fields(request)[2:]
        if "impressions" in chunk:
            # campaign 8 had no impressions-chunk activity on the 2nd: LinkedIn leaves the row out
            return [
                element(CAMPAIGN, date(2024, 1, 2), impressions=100, costInUsd="1.25"),
                element(CAMPAIGN, date(2024, 1, 3), impressions=5, costInUsd="0.10"),
            ]
        return [
            element(CAMPAIGN, date(2024, 1, 2), externalWebsiteConversions=3),
            element(SECOND, date(2024, 1, 2), externalWebsiteConversions=9),
        ]

    api.register_uri("GET", ANALYTICS, text=analytics_answer(rows))
    config = ConfigBuilder().with_(metrics=TWENTY_METRICS).build()
    output = run_read(get_source, config, ["ad_analytics_by_campaign"])

    chunks = [requested_fields(r) for r in analytics_requests(api)]
    assert [len(c) for c in chunks] == [20, 4]
    assert all(c[:2] == ["dateRange", "pivotValues"] for c in chunks)
    assert sorted(set(chunks[0][2:] + chunks[1][2:])) == sorted(TWENTY_METRICS)
    records = {
        (r.record.data["campaign_id"], r.record.data["date"]): r.record.data for r in output.records
    }
    assert set(records) == {("7", "2024-01-02"), ("7", "2024-01-03"), ("8", "2024-01-02")}
    merged = records[("7", "2024-01-02")]
    assert merged["impressions"] == 100
    assert merged["costInUsd"] == 1.25
    assert merged["externalWebsiteConversions"] == 3
    assert merged["account_id"] == "111"
    assert records[("8", "2024-01-02")]["externalWebsiteConversions"] == 9
    assert "impressions" not in records[("8", "2024-01-02")]


def test_analytics_records_are_flat_with_string_ids_and_numeric_metrics(get_source, api):
    creative = "urn:li:sponsoredCreative:42"
    api.register_uri(
        "GET",
        ANALYTICS,
        text=analytics_answer(
            lambda request, start, end: [
                element(creative, start, clicks=4, costInLocalCurrency="12.50")
            ]
        ),
    )
    output = run_read(get_source, ConfigBuilder().build(), ["ad_analytics_by_creative"])

    assert output.records[0].record.data == {
        "date": "2024-01-01",
        "account_id": "111",
        "creative_id": "42",
        "clicks": 4,
        "costInLocalCurrency": 12.5,
    }

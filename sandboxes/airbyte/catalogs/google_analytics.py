"""Google Analytics 4 (Data API) 2.8.2 and Google Search Console 1.9.4 discover.

GA4: default reports per property (``<report>Property<id>`` for the 2nd property on) plus
``custom_reports_array``; PK ``property_id`` + dimensions, cursor ``date`` when present.
Search Console: the ``search_analytics_*`` streams and ``custom_reports_array`` (``date`` always
a dimension), plus ``sites`` and ``sitemaps``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from airbyte_provisioning.core.types import JsonDict
from sandboxes.airbyte.catalogs.model import (
    DATE,
    DATETIME,
    INTEGER,
    NUMBER,
    STRING,
    DiscoverError,
    StreamDef,
)

GA4_COMMON_METRICS = [
    "totalUsers",
    "newUsers",
    "sessions",
    "sessionsPerUser",
    "averageSessionDuration",
    "screenPageViews",
    "screenPageViewsPerSession",
    "bounceRate",
]
GA4_REPORTS: dict[str, tuple[list[str], list[str]]] = {
    "daily_active_users": (["date"], ["active1DayUsers"]),
    "weekly_active_users": (["date"], ["active7DayUsers"]),
    "four_weekly_active_users": (["date"], ["active28DayUsers"]),
    "devices": (["date", "deviceCategory", "operatingSystem", "browser"], GA4_COMMON_METRICS),
    "locations": (["region", "country", "city", "date"], GA4_COMMON_METRICS),
    "pages": (["date", "hostName", "pagePathPlusQueryString"], ["screenPageViews", "bounceRate"]),
    "traffic_sources": (["date", "sessionSource", "sessionMedium"], GA4_COMMON_METRICS),
    "website_overview": (["date"], GA4_COMMON_METRICS),
}
_GA4_INTEGER = re.compile(
    r"(Users|sessions|Sessions|Views|Count|conversions|transactions|purchases)$"
)
_GA4_CURSORS = ("date", "yearWeek", "yearMonth", "year")


def _ga4_report(
    name: str, property_id: str, dimensions: list[str], metrics: list[str]
) -> StreamDef:
    columns: dict[str, JsonDict] = {"property_id": STRING} | {d: STRING for d in dimensions}
    columns |= {m: INTEGER if _GA4_INTEGER.search(m) else NUMBER for m in metrics}
    key: list[str] = ["property_id", *dimensions]
    if "date" not in dimensions:
        columns |= {"startDate": STRING, "endDate": STRING}
        key += ["startDate", "endDate"]
    cursor = next((d for d in _GA4_CURSORS if d in dimensions), None)
    return StreamDef(name, columns, tuple((k,) for k in key), (cursor,) if cursor else ())


def ga4_streams(config: Mapping[str, Any]) -> list[StreamDef]:
    property_ids = [str(p) for p in config.get("property_ids") or []]
    if not property_ids:
        raise DiscoverError("property_ids: at least one GA4 property id is required")
    reports = dict(GA4_REPORTS)
    for report in config.get("custom_reports_array") or []:
        if not isinstance(report, Mapping) or not report.get("name") or not report.get("metrics"):
            raise DiscoverError("custom_reports_array: every report needs a name and metrics")
        reports[str(report["name"])] = (
            [str(d) for d in report.get("dimensions") or []],
            [str(m) for m in report["metrics"]],
        )
    streams: list[StreamDef] = []
    for index, property_id in enumerate(property_ids):
        suffix = "" if index == 0 else f"Property{property_id}"
        streams += [
            _ga4_report(name + suffix, property_id, dims, metrics)
            for name, (dims, metrics) in reports.items()
        ]
    return streams


GSC_REPORTS: dict[str, tuple[list[str], list[str]]] = {
    "search_analytics_by_date": (["date"], ["site_url", "date", "search_type"]),
    "search_analytics_by_country": (
        ["date", "country"],
        ["site_url", "date", "country", "search_type"],
    ),
    "search_analytics_by_device": (
        ["date", "device"],
        ["site_url", "date", "device", "search_type"],
    ),
    "search_analytics_by_page": (["date", "page"], ["site_url", "date", "page", "search_type"]),
    "search_analytics_by_query": (["date", "query"], ["site_url", "date", "query", "search_type"]),
    "search_analytics_all_fields": (
        ["date", "country", "device", "page", "query"],
        ["site_url", "date", "country", "device", "query", "page", "search_type"],
    ),
    "search_analytics_page_report": (
        ["date", "country", "device", "page"],
        ["site_url", "date", "country", "device", "search_type", "page"],
    ),
    "search_analytics_site_report_by_page": (
        ["date", "country", "device"],
        ["site_url", "date", "country", "device", "search_type"],
    ),
    "search_analytics_site_report_by_site": (
        ["date", "country", "device"],
        ["site_url", "date", "country", "device", "search_type"],
    ),
    "search_analytics_keyword_page_report": (
        ["date", "country", "device", "query", "page"],
        ["site_url", "date", "country", "device", "query", "page", "search_type"],
    ),
    "search_analytics_keyword_site_report_by_page": (
        ["date", "country", "device", "query"],
        ["site_url", "date", "country", "device", "query", "search_type"],
    ),
    "search_analytics_keyword_site_report_by_site": (
        ["date", "country", "device"],
        ["site_url", "date", "country", "device", "query", "search_type"],
    ),
}
GSC_METRICS = {"clicks": INTEGER, "impressions": INTEGER, "ctr": NUMBER, "position": NUMBER}


def gsc_streams(config: Mapping[str, Any]) -> list[StreamDef]:
    if not config.get("site_urls"):
        raise DiscoverError("site_urls: at least one site is required")
    reports = dict(GSC_REPORTS)
    for report in config.get("custom_reports_array") or []:
        if not isinstance(report, Mapping) or not report.get("name"):
            raise DiscoverError("custom_reports_array: every report needs a name")
        dims = [str(d) for d in report.get("dimensions") or []]
        dims = dims if "date" in dims else [*dims, "date"]
        reports[str(report["name"])] = (dims, [*dims, "site_url", "search_type"])
    streams = [
        StreamDef(
            name,
            {"site_url": STRING, "search_type": STRING}
            | {d: DATE if d == "date" else STRING for d in dims}
            | GSC_METRICS,
            tuple((k,) for k in key),
            ("date",),
        )
        for name, (dims, key) in reports.items()
    ]
    streams.append(
        StreamDef("sites", {"siteUrl": STRING, "permissionLevel": STRING}, (("siteUrl",),))
    )
    streams.append(StreamDef("sitemaps", {"path": STRING, "lastSubmitted": DATETIME}, (("path",),)))
    return streams

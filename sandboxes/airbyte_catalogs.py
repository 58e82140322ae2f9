"""Seed data for the Airbyte sandbox: connector definitions, their specs, and discovered catalogs.

Discover results are computed from the source's config the way each connector names its streams:

* Facebook Marketing 6.1.9: built-in insights (cursor ``date_start``, PK ``date_start, account_id,
  ad_id`` + breakdowns) and objects (cursor ``updated_time``, PK ``id``); ``custom_insights``
  become ``camel_to_snake("Custom" + name)`` streams.
* Google Ads 6.1.7: built-in report streams with dotted column names; each
  ``custom_queries_array`` item becomes a stream named ``table_name`` whose columns are the GAQL
  SELECT fields, incremental on ``segments.date`` only when that field is selected and not filtered.
* GA4 2.8.2: default reports per property (``<report>Property<id>`` for the 2nd property on) plus
  ``custom_reports_array``; PK ``property_id`` + dimensions, cursor ``date`` when present.
* Search Console 1.9.4: the ``search_analytics_*`` streams and ``custom_reports_array``.
* Declarative (Builder) sources: streams, schemas, keys and cursors read from the manifest, so the
  LinkedIn and TikTok connectors discover exactly what their manifests declare.

Specs: :func:`load_spec_snapshots` reads the official connectors' spec snapshots from
``templates/specs/*.json`` when present; otherwise a small built-in spec lists the required keys and
the ``airbyte_secret`` fields (so masking still works). Image tags of the destinations are
illustrative; the source versions are the ones the project targets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JsonDict = dict[str, Any]
SPEC_DIR = Path(__file__).resolve().parent.parent / "templates" / "specs"


# definition ids are stable across connector versions (each connector's metadata.yaml)
FACEBOOK_MARKETING_ID = "e7778cfc-e97c-4458-9ecb-b4f2bba8946c"
GOOGLE_ADS_ID = "253487c0-2246-43ba-a21f-5116b20a2c50"
GA4_ID = "3cc2eafd-84aa-4dca-93af-322d9dfeec1a"
SEARCH_CONSOLE_ID = "eb4c9e00-db83-4d63-a386-39cfa91012a8"
POSTGRES_ID = "25c5221d-dce2-4163-ade9-739ef790f503"
DUCKDB_ID = "94bd199c-2ff0-4aa2-b98e-17f0acb72610"


class DiscoverError(Exception):
    """The connector would fail discover with this message (a config error)."""


@dataclass(frozen=True)
class StreamDef:
    name: str
    properties: Mapping[str, JsonDict]
    primary_key: tuple[tuple[str, ...], ...] = ()
    cursor: tuple[str, ...] = ()
    namespace: str | None = None

    @property
    def sync_modes(self) -> list[str]:
        return ["full_refresh", "incremental"] if self.cursor else ["full_refresh"]

    def to_api(self) -> JsonDict:
        stream: JsonDict = {
            "name": self.name,
            "jsonSchema": {
                "$schema": "http://json-schema.org/draft-07/schema#",
                "type": "object",
                "additionalProperties": True,
                "properties": dict(self.properties),
            },
            "supportedSyncModes": self.sync_modes,
            "sourceDefinedCursor": bool(self.cursor),
            "defaultCursorField": list(self.cursor),
            "sourceDefinedPrimaryKey": [list(k) for k in self.primary_key],
            "isResumable": bool(self.cursor),
            "isFileBased": False,
        }
        if self.namespace:
            stream["namespace"] = self.namespace
        return stream


CatalogBuilder = Callable[[Mapping[str, Any]], list[StreamDef]]


@dataclass
class Definition:
    definition_id: str
    name: str
    docker_repository: str
    docker_image_tag: str
    documentation_url: str
    spec: JsonDict
    kind: str = "source"
    source_type: str = "api"
    catalog: CatalogBuilder | None = None
    custom: bool = False
    workspace_id: str | None = None  # custom definitions belong to one workspace
    extra: JsonDict = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# column types
# --------------------------------------------------------------------------------------------
STRING: JsonDict = {"type": ["null", "string"]}
INTEGER: JsonDict = {"type": ["null", "integer"]}
NUMBER: JsonDict = {"type": ["null", "number"]}
DATE: JsonDict = {"type": ["null", "string"], "format": "date"}
DATETIME: JsonDict = {"type": ["null", "string"], "format": "date-time"}
ACTION_STATS: JsonDict = {
    "type": ["null", "array"],
    "items": {
        "type": "object",
        "properties": {
            "action_type": STRING,
            "value": NUMBER,
            "1d_click": NUMBER,
            "7d_click": NUMBER,
            "28d_click": NUMBER,
            "1d_view": NUMBER,
        },
    },
}


def _columns(names: Iterable[str], typer: Callable[[str], JsonDict]) -> dict[str, JsonDict]:
    return {name: typer(name) for name in names}


def camel_to_snake(text: str) -> str:
    """The CDK's casing: an underscore before every capital except the first, then lower case."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", text).lower()


# --------------------------------------------------------------------------------------------
# Facebook Marketing
# --------------------------------------------------------------------------------------------
FB_INSIGHT_FIELDS = {
    "account_id": {"type": ["null", "string"]},
    "account_name": STRING,
    "account_currency": STRING,
    "campaign_id": STRING,
    "campaign_name": STRING,
    "adset_id": STRING,
    "adset_name": STRING,
    "ad_id": STRING,
    "ad_name": STRING,
    "date_start": DATE,
    "date_stop": DATE,
    "spend": NUMBER,
    "impressions": INTEGER,
    "clicks": INTEGER,
    "reach": INTEGER,
    "frequency": NUMBER,
    "cpc": NUMBER,
    "cpm": NUMBER,
    "ctr": NUMBER,
    "inline_link_clicks": INTEGER,
    "unique_clicks": INTEGER,
    "objective": STRING,
    "optimization_goal": STRING,
    "attribution_setting": STRING,
    "actions": ACTION_STATS,
    "action_values": ACTION_STATS,
    "conversions": ACTION_STATS,
    "conversion_values": ACTION_STATS,
    "cost_per_action_type": ACTION_STATS,
    "purchase_roas": ACTION_STATS,
}
FB_INSIGHT_BREAKDOWNS: dict[str, tuple[str, ...] | None] = {
    "ads_insights": (),
    "ads_insights_age_and_gender": ("age", "gender"),
    "ads_insights_country": ("country",),
    "ads_insights_region": ("region",),
    "ads_insights_dma": None,  # listed in old metadata, gone in 6.1.9
    "ads_insights_platform_and_device": (
        "publisher_platform",
        "platform_position",
        "impression_device",
    ),
    "ads_insights_action_type": (),
    "ads_insights_delivery_device": ("device_platform",),
    "ads_insights_delivery_platform": ("publisher_platform",),
    "ads_insights_demographics_age": ("age",),
    "ads_insights_demographics_country": ("country",),
    "ads_insights_demographics_gender": ("gender",),
}
FB_OBJECTS = {
    "campaigns": (
        "updated_time",
        [
            "id",
            "account_id",
            "name",
            "objective",
            "status",
            "effective_status",
            "daily_budget",
            "created_time",
            "updated_time",
        ],
    ),
    "ad_sets": (
        "updated_time",
        [
            "id",
            "account_id",
            "campaign_id",
            "name",
            "effective_status",
            "daily_budget",
            "created_time",
            "updated_time",
        ],
    ),
    "ads": (
        "updated_time",
        [
            "id",
            "account_id",
            "campaign_id",
            "adset_id",
            "name",
            "effective_status",
            "created_time",
            "updated_time",
        ],
    ),
    "ad_creatives": (
        "",
        ["id", "account_id", "name", "title", "body", "object_type", "thumbnail_url"],
    ),
    "ad_account": ("", ["id", "account_id", "name", "currency", "timezone_name", "account_status"]),
    "custom_conversions": ("", ["id", "account_id", "name", "custom_event_type", "creation_time"]),
    "images": (
        "updated_time",
        ["id", "account_id", "name", "hash", "url", "created_time", "updated_time"],
    ),
    "videos": (
        "updated_time",
        ["id", "account_id", "title", "length", "created_time", "updated_time"],
    ),
    "activities": (
        "event_time",
        ["actor_id", "object_id", "event_type", "event_time", "translated_event_type"],
    ),
}
_FB_LEVEL_ID = {"ad": "ad_id", "adset": "adset_id", "campaign": "campaign_id", "account": None}


def _fb_object_type(name: str) -> JsonDict:
    if name.endswith("_time"):
        return DATETIME
    if name in ("daily_budget", "length", "account_status"):
        return NUMBER
    return STRING


def facebook_streams(config: Mapping[str, Any]) -> list[StreamDef]:
    streams: list[StreamDef] = []
    for name, breakdowns in FB_INSIGHT_BREAKDOWNS.items():
        if breakdowns is None:
            continue
        columns = dict(FB_INSIGHT_FIELDS) | {b: STRING for b in breakdowns}
        key = (("date_start",), ("account_id",), ("ad_id",), *((b,) for b in breakdowns))
        streams.append(StreamDef(name, columns, key, ("date_start",)))
    for name, (cursor, fields) in FB_OBJECTS.items():
        key = (("id",),) if "id" in fields else ()
        streams.append(
            StreamDef(name, _columns(fields, _fb_object_type), key, (cursor,) if cursor else ())
        )
    for insight in config.get("custom_insights") or []:
        if not isinstance(insight, Mapping) or not insight.get("name"):
            raise DiscoverError("custom_insights: every custom insight needs a name")
        level = str(insight.get("level") or "ad")
        if level not in _FB_LEVEL_ID:
            raise DiscoverError(f"custom_insights.{insight['name']}: unknown level {level!r}")
        level_id = _FB_LEVEL_ID[level]
        custom_breakdowns = [str(b) for b in insight.get("breakdowns") or []]
        wanted = [str(f) for f in insight.get("fields") or []]
        base = ["date_start", "date_stop", "account_id", *([level_id] if level_id else [])]
        columns = {f: FB_INSIGHT_FIELDS.get(f, STRING) for f in [*wanted, *base]} | {
            b: STRING for b in custom_breakdowns
        }
        key = (
            ("date_start",),
            ("account_id",),
            *([(level_id,)] if level_id else []),
            *((b,) for b in custom_breakdowns),
        )
        name = camel_to_snake("Custom" + str(insight["name"]))
        streams.append(StreamDef(name, columns, key, ("date_start",)))
    return streams


# --------------------------------------------------------------------------------------------
# Google Ads
# --------------------------------------------------------------------------------------------
GAQL = re.compile(
    r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<resource>[a-z_]+)\s*"
    r"(?:WHERE\s+(?P<where>.+?))?\s*(?:ORDER\s+BY\s+(?P<order>.+?))?\s*"
    r"(?:LIMIT\s+(?P<limit>\d+))?\s*(?:PARAMETERS\s+.+)?$",
    re.IGNORECASE | re.DOTALL,
)
GAQL_FIELD = re.compile(r"^[a-z][a-z0-9._]*$")
GOOGLE_ADS_BUILTINS: dict[str, tuple[list[str], list[str]]] = {
    "customer": (
        ["customer.id", "segments.date"],
        ["customer.descriptive_name", "customer.currency_code", "customer.time_zone"],
    ),
    "campaign": (
        ["campaign.id", "segments.date", "segments.hour", "segments.ad_network_type"],
        [
            "campaign.name",
            "campaign.status",
            "metrics.clicks",
            "metrics.impressions",
            "metrics.cost_micros",
            "metrics.conversions",
        ],
    ),
    "ad_group": (
        ["ad_group.id", "segments.date"],
        ["ad_group.name", "ad_group.status", "ad_group.campaign"],
    ),
    "ad_group_ad": (
        ["ad_group.id", "ad_group_ad.ad.id", "segments.date"],
        ["ad_group_ad.status", "ad_group_ad.ad.name"],
    ),
    "account_performance_report": (
        ["customer.id", "segments.date", "segments.ad_network_type", "segments.device"],
        [
            "metrics.clicks",
            "metrics.impressions",
            "metrics.cost_micros",
            "metrics.conversions",
            "metrics.conversions_value",
        ],
    ),
    "campaign_budget": (
        ["customer.id", "campaign_budget.id", "segments.date"],
        ["campaign_budget.amount_micros", "metrics.cost_micros"],
    ),
}
_INTEGER_METRICS = (
    "clicks",
    "impressions",
    "cost_micros",
    "amount_micros",
    "interactions",
    "video_views",
)


def google_ads_type(name: str) -> JsonDict:
    leaf = name.rsplit(".", 1)[-1]
    if name in ("segments.date", "segments.month", "segments.week", "segments.quarter"):
        return DATE
    if (
        leaf == "id"
        or leaf.endswith("_micros")
        or (name.startswith("metrics.") and leaf in _INTEGER_METRICS)
    ):
        return INTEGER
    if name.startswith("metrics."):
        return NUMBER
    if name == "segments.hour":
        return INTEGER
    return STRING


def parse_gaql(query: str, table: str) -> tuple[list[str], bool]:
    """The SELECT fields of a custom query and whether the stream is incremental."""
    match = GAQL.match(query or "")
    if not match:
        raise DiscoverError(
            f"custom query for stream '{table}' is not valid GAQL (SELECT ... FROM <resource> ...)"
        )
    fields = [f.strip() for f in match.group("fields").split(",")]
    bad = [f for f in fields if not GAQL_FIELD.match(f)]
    if bad or "," in match.group("resource"):
        raise DiscoverError(f"custom query for stream '{table}': invalid field(s) {bad or fields}")
    where = match.group("where") or ""
    incremental = fields.count("segments.date") == 1 and "segments.date" not in where
    return fields, incremental


def google_ads_streams(config: Mapping[str, Any]) -> list[StreamDef]:
    streams = [
        StreamDef(
            name,
            _columns([*key, *extra], google_ads_type),
            tuple((k,) for k in key),
            ("segments.date",),
        )
        for name, (key, extra) in GOOGLE_ADS_BUILTINS.items()
    ]
    seen: set[str] = set()
    for item in config.get("custom_queries_array") or []:
        table = str(item.get("table_name") or "") if isinstance(item, Mapping) else ""
        if not table:
            raise DiscoverError("custom_queries_array: every custom query needs a table_name")
        if table in seen:
            raise DiscoverError(f"custom_queries_array: table_name '{table}' is used twice")
        seen.add(table)
        fields, incremental = parse_gaql(str(item.get("query") or ""), table)
        cursor = ("segments.date",) if incremental else ()
        streams.append(StreamDef(table, _columns(fields, google_ads_type), (), cursor))
    return streams


# --------------------------------------------------------------------------------------------
# Google Analytics 4 (Data API)
# --------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
# Google Search Console
# --------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
# declarative manifests (Builder / manifest-only connectors)
# --------------------------------------------------------------------------------------------
def _resolve(node: Any, root: Mapping[str, Any], depth: int = 0) -> Any:
    """Inline ``$ref: "#/definitions/..."`` pointers (the manifest as the server stores it)."""
    if depth > 40:
        raise DiscoverError("the manifest's $ref chain is too deep or circular")
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        merged: dict[str, Any] = {}
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = root
            for part in ref[2:].split("/"):
                if not isinstance(target, Mapping) or part not in target:
                    raise DiscoverError(f"the manifest refers to {ref}, which does not exist")
                target = target[part]
            resolved = _resolve(target, root, depth + 1)
            merged.update(resolved if isinstance(resolved, Mapping) else {})
        merged.update({k: _resolve(v, root, depth + 1) for k, v in node.items() if k != "$ref"})
        return merged
    if isinstance(node, list):
        return [_resolve(v, root, depth + 1) for v in node]
    return node


def _keys(value: Any) -> tuple[tuple[str, ...], ...]:
    if isinstance(value, str) and value:
        return ((value,),)
    if isinstance(value, list):
        return tuple(tuple(v) if isinstance(v, list) else (str(v),) for v in value)
    return ()


def manifest_streams(manifest: Mapping[str, Any]) -> list[StreamDef]:
    """Streams as a declarative source would discover them from its manifest."""
    schemas = manifest.get("schemas") if isinstance(manifest.get("schemas"), Mapping) else {}
    assert isinstance(schemas, Mapping)
    streams: list[StreamDef] = []
    for raw in manifest.get("streams") or []:
        stream = _resolve(raw, manifest)
        params = stream.get("$parameters") or {}
        name = stream.get("name") or params.get("name")
        if not name:
            raise DiscoverError("a manifest stream has no name")
        loader = stream.get("schema_loader") or {}
        schema = (
            loader.get("schema")
            if loader.get("type") == "InlineSchemaLoader"
            else schemas.get(name)
        )
        properties = schema.get("properties", {}) if isinstance(schema, Mapping) else {}
        incremental = stream.get("incremental_sync") or {}
        cursor = incremental.get("cursor_field") if isinstance(incremental, Mapping) else None
        key = stream.get("primary_key", params.get("primary_key"))
        streams.append(
            StreamDef(str(name), dict(properties), _keys(key), (str(cursor),) if cursor else ())
        )
    if not streams:
        raise DiscoverError("the manifest declares no streams")
    return streams


# --------------------------------------------------------------------------------------------
# definitions
# --------------------------------------------------------------------------------------------
def _secret(kind: str = "string") -> JsonDict:
    return {"type": kind, "airbyte_secret": True}


def _oauth(*secrets: str, extra: Iterable[str] = ()) -> JsonDict:
    props: JsonDict = {name: _secret() for name in secrets} | {
        name: {"type": "string"} for name in extra
    }
    return {"type": "object", "properties": props}


SOURCE_DEFINITIONS = [
    Definition(
        FACEBOOK_MARKETING_ID,
        "Facebook Marketing",
        "airbyte/source-facebook-marketing",
        "6.1.9",
        "https://docs.airbyte.com/integrations/sources/facebook-marketing",
        {
            "type": "object",
            "required": ["account_ids", "credentials"],
            "properties": {
                "account_ids": {
                    "type": "array",
                    "items": {"type": "string", "pattern": "^[0-9]+$"},
                },
                "access_token": _secret(),
                "client_id": _secret(),
                "client_secret": _secret(),
                "credentials": {
                    "type": "object",
                    "anyOf": [
                        {
                            "properties": {
                                "auth_type": {"const": "Client"},
                                **_oauth("client_id", "client_secret", "access_token")[
                                    "properties"
                                ],
                            }
                        },
                        {
                            "properties": {
                                "auth_type": {"const": "Service"},
                                "access_token": _secret(),
                            }
                        },
                    ],
                },
            },
        },
        catalog=facebook_streams,
    ),
    Definition(
        GOOGLE_ADS_ID,
        "Google Ads",
        "airbyte/source-google-ads",
        "6.1.7",
        "https://docs.airbyte.com/integrations/sources/google-ads",
        {
            "type": "object",
            "required": ["credentials"],
            "properties": {
                "credentials": _oauth(
                    "developer_token",
                    "client_secret",
                    "refresh_token",
                    "access_token",
                    extra=["client_id"],
                )
                | {"required": ["developer_token", "client_id", "client_secret", "refresh_token"]},
                "customer_id": {"type": "string", "pattern": "^[0-9]{10}(,[0-9]{10})*$"},
                "custom_queries_array": {
                    "type": "array",
                    "items": {"type": "object", "required": ["query", "table_name"]},
                },
            },
        },
        catalog=google_ads_streams,
    ),
    Definition(
        GA4_ID,
        "Google Analytics 4 (GA4)",
        "airbyte/source-google-analytics-data-api",
        "2.8.2",
        "https://docs.airbyte.com/integrations/sources/google-analytics-data-api",
        {
            "type": "object",
            "required": ["property_ids"],
            "properties": {
                "property_ids": {
                    "type": "array",
                    "items": {"type": "string", "pattern": "^[0-9]*$"},
                },
                "credentials": {
                    "type": "object",
                    "anyOf": [
                        _oauth(
                            "client_secret",
                            "refresh_token",
                            "access_token",
                            extra=["client_id", "auth_type"],
                        ),
                        _oauth("credentials_json", extra=["auth_type"]),
                    ],
                },
            },
        },
        catalog=ga4_streams,
    ),
    Definition(
        SEARCH_CONSOLE_ID,
        "Google Search Console",
        "airbyte/source-google-search-console",
        "1.9.4",
        "https://docs.airbyte.com/integrations/sources/google-search-console",
        {
            "type": "object",
            "required": ["site_urls", "authorization"],
            "properties": {
                "site_urls": {"type": "array", "items": {"type": "string"}},
                "authorization": {
                    "type": "object",
                    "anyOf": [
                        _oauth(
                            "client_id",
                            "client_secret",
                            "access_token",
                            "refresh_token",
                            extra=["auth_type"],
                        ),
                        _oauth("service_account_info", extra=["auth_type", "email"]),
                    ],
                },
            },
        },
        catalog=gsc_streams,
    ),
]

DESTINATION_DEFINITIONS = [
    Definition(
        POSTGRES_ID,
        "Postgres",
        "airbyte/destination-postgres",
        "2.4.7",
        "https://docs.airbyte.com/integrations/destinations/postgres",
        {
            "type": "object",
            "required": ["host", "port", "database", "schema", "username"],
            "properties": {
                "host": {"type": "string"},
                "port": {"type": "integer", "minimum": 0, "maximum": 65536},
                "database": {"type": "string"},
                "schema": {"type": "string"},
                "username": {"type": "string"},
                "password": _secret(),
            },
        },
        kind="destination",
        source_type="database",
    ),
    Definition(
        DUCKDB_ID,
        "DuckDB",
        "airbyte/destination-duckdb",
        "0.4.26",
        "https://docs.airbyte.com/integrations/destinations/duckdb",
        {
            "type": "object",
            "required": ["destination_path"],
            "properties": {
                "destination_path": {"type": "string"},
                "schema": {"type": "string"},
                "motherduck_api_key": _secret(),
            },
        },
        kind="destination",
        source_type="database",
    ),
]


def _connection_specification(document: Any) -> JsonDict | None:
    if not isinstance(document, Mapping):
        return None
    for path in (
        ("connectionSpecification",),
        ("spec", "connectionSpecification"),
        ("connection_specification",),
    ):
        node: Any = document
        for part in path:
            node = node.get(part) if isinstance(node, Mapping) else None
        if isinstance(node, Mapping):
            return dict(node)
    return dict(document) if "properties" in document else None


def load_spec_snapshots(directory: Path | None = SPEC_DIR) -> dict[str, JsonDict]:
    """``{docker_repository: connectionSpecification}`` from spec snapshot files, if any.

    Tolerant on purpose: a file is matched by its ``docker_repository`` / ``connector`` keys (the
    format ``scripts/refresh_specs.py`` writes) or by the connector name in its file name;
    unreadable or unrecognised files are skipped.
    """
    found: dict[str, JsonDict] = {}
    if directory is None or not directory.is_dir():
        return found
    repositories = [d.docker_repository for d in (*SOURCE_DEFINITIONS, *DESTINATION_DEFINITIONS)]
    for path in sorted(directory.glob("*.json")):
        try:
            document = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        spec = _connection_specification(document)
        if spec is None:
            continue
        declared = {document.get(k) for k in ("dockerRepository", "docker_repository", "connector")}
        for repository in repositories:
            short = repository.split("/", 1)[1]
            if (
                repository in declared
                or short in declared
                or path.stem == short
                or path.stem.startswith(f"{short}-")
                or path.stem.startswith(f"{short}_")
            ):
                found[repository] = spec
                break
    return found

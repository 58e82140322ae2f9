"""Google Ads 6.1.7 discover: built-in report streams with dotted column names; each
``custom_queries_array`` item becomes a stream named ``table_name`` whose columns are the GAQL
SELECT fields, incremental on ``segments.date`` only when that field is selected and not filtered."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from airbyte_provisioning.core.types import JsonDict
from sandboxes.airbyte.catalogs.model import (
    DATE,
    INTEGER,
    NUMBER,
    STRING,
    DiscoverError,
    StreamDef,
    typed_columns,
)

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
            typed_columns([*key, *extra], google_ads_type),
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
        streams.append(StreamDef(table, typed_columns(fields, google_ads_type), (), cursor))
    return streams

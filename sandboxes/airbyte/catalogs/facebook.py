"""Facebook Marketing 6.1.9 discover: built-in insights (cursor ``date_start``, PK ``date_start,
account_id, ad_id`` + breakdowns), objects (cursor ``updated_time``, PK ``id``), and each
``custom_insights`` item as a ``camel_to_snake("Custom" + name)`` stream."""

from __future__ import annotations

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
    camel_to_snake,
    typed_columns,
)

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


def _insight_streams() -> list[StreamDef]:
    streams: list[StreamDef] = []
    for name, breakdowns in FB_INSIGHT_BREAKDOWNS.items():
        if breakdowns is None:
            continue
        fields = dict(FB_INSIGHT_FIELDS) | {b: STRING for b in breakdowns}
        key = (("date_start",), ("account_id",), ("ad_id",), *((b,) for b in breakdowns))
        streams.append(StreamDef(name, fields, key, ("date_start",)))
    return streams


def _object_streams() -> list[StreamDef]:
    streams: list[StreamDef] = []
    for name, (cursor, fields) in FB_OBJECTS.items():
        key = (("id",),) if "id" in fields else ()
        cursor_field = (cursor,) if cursor else ()
        streams.append(StreamDef(name, typed_columns(fields, _fb_object_type), key, cursor_field))
    return streams


def _custom_insight_stream(insight: Any) -> StreamDef:
    if not isinstance(insight, Mapping) or not insight.get("name"):
        raise DiscoverError("custom_insights: every custom insight needs a name")
    level = str(insight.get("level") or "ad")
    if level not in _FB_LEVEL_ID:
        raise DiscoverError(f"custom_insights.{insight['name']}: unknown level {level!r}")
    level_id = _FB_LEVEL_ID[level]
    custom_breakdowns = [str(b) for b in insight.get("breakdowns") or []]
    wanted = [str(f) for f in insight.get("fields") or []]
    base = ["date_start", "date_stop", "account_id", *([level_id] if level_id else [])]
    fields = {f: FB_INSIGHT_FIELDS.get(f, STRING) for f in [*wanted, *base]} | {
        b: STRING for b in custom_breakdowns
    }
    key = (
        ("date_start",),
        ("account_id",),
        *([(level_id,)] if level_id else []),
        *((b,) for b in custom_breakdowns),
    )
    name = camel_to_snake("Custom" + str(insight["name"]))
    return StreamDef(name, fields, key, ("date_start",))


def facebook_streams(config: Mapping[str, Any]) -> list[StreamDef]:
    custom = [_custom_insight_stream(i) for i in config.get("custom_insights") or []]
    return [*_insight_streams(), *_object_streams(), *custom]

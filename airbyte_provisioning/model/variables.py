"""The names of every environment variable the tenant model understands, in one registry.

Three families:

* global variables (``AIRBYTE_BASE_URL``, ``AIRBYTE_DEFAULT_TIMEZONE``, connector secrets…);
* pattern variables: ``AIRBYTE_DEFAULT_<GROUP>_<SCHEDULE KEY>`` and
  ``AIRBYTE_TEMPLATE_<TEMPLATE>_<TEMPLATE KEY>``;
* tenant variables ``AIRBYTE_<SLUG>_<KEY>``, where KEY is a tenant key, a schedule key of a group,
  a template key of a template, a platform source id, or a connector variable overridden for that
  tenant (``AIRBYTE_ACME_META_ACCOUNT_ID`` overrides ``AIRBYTE_META_ACCOUNT_ID``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

PREFIX = "AIRBYTE_"
DEFAULT_TIMEZONE = "America/Jamaica"


@dataclass(frozen=True)
class TemplateDef:
    """A connection template: the golden connection cloned into every tenant."""

    key: str
    schedule_group: str
    platform: str | None  # None: the platform follows the template connection's own source
    required: bool
    description: str


TEMPLATES: dict[str, TemplateDef] = {
    t.key: t
    for t in (
        TemplateDef("META_METRICS", "METRICS", "META", True, "Meta insights, incremental"),
        TemplateDef("GOOGLE_METRICS", "METRICS", "GOOGLE_ADS", True, "Google Ads GAQL metrics"),
        TemplateDef("DIMENSIONS_DAILY", "DAILY", None, True, "Campaign/ad/geo dimensions"),
        TemplateDef("LINKEDIN_METRICS", "METRICS", "LINKEDIN", False, "LinkedIn Ads analytics"),
        TemplateDef("TIKTOK_METRICS", "METRICS", "TIKTOK", False, "TikTok Ads reports"),
    )
}

BUILTIN_GROUPS = ("METRICS", "DAILY")

# Per-group keys; the SLA keys carry the seed's hints (METRICS inside 06:00-22:00, DAILY done by
# 03:00); SPREAD_MINUTES moves each tenant connection's cron by a stable offset (model.spread).
SCHEDULE_KEYS = (
    "CRON",
    "BASIC_UNITS",
    "BASIC_TIME_UNIT",
    "SLA_WINDOW",
    "SLA_FINISH_BY",
    "SLA_RUN_MINUTES",
    "SPREAD_MINUTES",
)
BUILTIN_SLA: dict[str, dict[str, str]] = {
    "METRICS": {"SLA_WINDOW": "06:00-22:00"},
    "DAILY": {"SLA_FINISH_BY": "03:00", "SLA_RUN_MINUTES": "30"},
}
# the time units of an Airbyte basic schedule (``scheduleData.basicSchedule.timeUnit``)
BasicTimeUnit = Literal["minutes", "hours", "days", "weeks", "months"]
BASIC_TIME_UNITS: tuple[BasicTimeUnit, ...] = get_args(BasicTimeUnit)

TEMPLATE_KEYS = ("NAME", "STATUS", "PREFIX", "CONNECTION_ID", "SCHEDULE_GROUP")
GLOBAL_TEMPLATE_KEYS = ("CONNECTION_ID", "SCHEDULE_GROUP")

TENANT_KEYS = (
    "WORKSPACE_ID",
    "DESTINATION_ID",
    "DESTINATION_NAMESPACE",
    "DESTINATION_BUCKET",
    "STREAM_PREFIX",
    "TIMEZONE",
)

PLATFORMS = ("META", "GOOGLE_ADS", "GA4", "SEARCH_CONSOLE", "LINKEDIN", "TIKTOK")

# Connector variables (without the AIRBYTE_ prefix); each may be overridden per tenant.
CONNECTOR_VARIABLES: dict[str, tuple[str, ...]] = {
    "META": (
        "META_ACCOUNT_ID",
        "META_ACCESS_TOKEN",
        "META_APP_ID",
        "META_APP_SECRET",
        "META_START_DATE",
        "META_INSIGHTS_LOOKBACK_DAYS",
        "META_HOURLY_WINDOW_DAYS",
        "META_ATTRIBUTION_WINDOW_DAYS",
    ),
    "GOOGLE_ADS": (
        "GOOGLE_ADS_DEVELOPER_TOKEN",
        "GOOGLE_ADS_CLIENT_ID",
        "GOOGLE_ADS_CLIENT_SECRET",
        "GOOGLE_ADS_REFRESH_TOKEN",
        "GOOGLE_ADS_CUSTOMER_ID",
        "GOOGLE_ADS_LOGIN_CUSTOMER_ID",
        "GOOGLE_ADS_START_DATE",
        "GOOGLE_ADS_CONVERSION_WINDOW_DAYS",
        "GOOGLE_ADS_LOOKBACK_WINDOW_DAYS",
        "GOOGLE_ADS_CUSTOM_QUERY",
    ),
    "GA4": (
        "GA4_CLIENT_ID",
        "GA4_CLIENT_SECRET",
        "GA4_REFRESH_TOKEN",
        "GA4_PROPERTY_ID",
        "GA4_START_DATE",
        "GA4_LOOKBACK_WINDOW_DAYS",
    ),
    "SEARCH_CONSOLE": (
        "SEARCH_CONSOLE_CLIENT_ID",
        "SEARCH_CONSOLE_CLIENT_SECRET",
        "SEARCH_CONSOLE_REFRESH_TOKEN",
        "SEARCH_CONSOLE_SITE_URL",
        "SEARCH_CONSOLE_START_DATE",
        "SEARCH_CONSOLE_LOOKBACK_WINDOW_DAYS",
    ),
    "LINKEDIN": (
        "LINKEDIN_ACCOUNT_ID",
        "LINKEDIN_ACCESS_TOKEN",
        "LINKEDIN_START_DATE",
        "LINKEDIN_LOOKBACK_DAYS",
    ),
    "TIKTOK": (
        "TIKTOK_ADVERTISER_ID",
        "TIKTOK_ACCESS_TOKEN",
        "TIKTOK_START_DATE",
        "TIKTOK_LOOKBACK_DAYS",
    ),
}
ALL_CONNECTOR_VARIABLES = tuple(v for names in CONNECTOR_VARIABLES.values() for v in names)

GLOBAL_VARIABLES = frozenset(
    PREFIX + name
    for name in (
        "BASE_URL",
        "CLIENT_ID",
        "CLIENT_SECRET",
        "API_AUTH_HEADER",
        "WORKSPACE_ID",
        "TENANTS",
        "DEFAULT_TIMEZONE",
        "DEFAULT_STREAM_PREFIX",
        "DEFAULT_DESTINATION_NAMESPACE",
        "DEFAULT_DESTINATION_BUCKET",
        "TEMPLATE_DESTINATION_ID",
        # airbyte_health_check.py knobs
        "HEALTH_SLA_GRACE_MINUTES",
        "HEALTH_EXPECT_ROWS",
        "HEALTH_CONCURRENCY",
        # bootstrap_connections.py: workspaces handled in parallel
        "BOOTSTRAP_CONCURRENCY",
        # read by the connector runtime (source-declarative-manifest), not by these scripts
        "ENABLE_UNSAFE_CODE",
        # deploy/abctl/install.sh and docker-compose.yml: the local Airbyte (or sandbox) port
        "PORT",
        # printed by publish_custom_connectors.py for the primary workspace; persist them
        "LINKEDIN_SOURCE_DEFINITION_ID",
        "TIKTOK_SOURCE_DEFINITION_ID",
        *ALL_CONNECTOR_VARIABLES,
    )
)


def basic_time_unit(text: str) -> BasicTimeUnit | None:
    """``text`` (any case) as a basic-schedule time unit, or None when it is not one."""
    wanted = text.lower()
    return next((unit for unit in BASIC_TIME_UNITS if unit == wanted), None)


def tenant_env_prefix(slug: str) -> str:
    """``globex-eu`` → ``AIRBYTE_GLOBEX_EU_``."""
    return f"{PREFIX}{slug.upper().replace('-', '_')}_"


def tenant_keys(groups: tuple[str, ...]) -> frozenset[str]:
    """Every key a tenant may set after its ``AIRBYTE_<SLUG>_`` prefix."""
    keys: set[str] = set(TENANT_KEYS)
    keys.update(f"{g}_{k}" for g in groups for k in SCHEDULE_KEYS)
    keys.update(f"{t}_{k}" for t in TEMPLATES for k in TEMPLATE_KEYS)
    keys.update(f"{p}_SOURCE_ID" for p in PLATFORMS)
    keys.update(ALL_CONNECTOR_VARIABLES)
    return frozenset(keys)


def reserved_slug_prefixes() -> frozenset[str]:
    """Upper-cased slugs that would make tenant variables collide with global ones."""
    names = {v.removeprefix(PREFIX) for v in GLOBAL_VARIABLES} | {"DEFAULT", "TEMPLATE"}
    reserved: set[str] = set()
    for name in names:
        parts = name.split("_")
        reserved.update("_".join(parts[:i]) for i in range(1, len(parts)))
    return frozenset(reserved | {"DEFAULT", "TEMPLATE", "TENANTS"})

"""Seed data for the Airbyte sandbox: connector definitions, their specs, and discovered catalogs.

Discover results are computed from the source's config the way each connector names its streams
(one module per connector family: :mod:`.facebook`, :mod:`.google_ads`, :mod:`.google_analytics`
for GA4 and Search Console, :mod:`.manifest` for declarative sources); :mod:`.registry` holds the
definitions and reads the pinned spec snapshots.
"""

from sandboxes.airbyte.catalogs.facebook import facebook_streams
from sandboxes.airbyte.catalogs.google_ads import google_ads_streams, google_ads_type, parse_gaql
from sandboxes.airbyte.catalogs.google_analytics import ga4_streams, gsc_streams
from sandboxes.airbyte.catalogs.manifest import manifest_streams
from sandboxes.airbyte.catalogs.model import (
    DATE,
    DATETIME,
    INTEGER,
    NUMBER,
    STRING,
    ActorKind,
    CatalogBuilder,
    Definition,
    DiscoverError,
    StreamDef,
    camel_to_snake,
)
from sandboxes.airbyte.catalogs.registry import (
    DESTINATION_DEFINITIONS,
    DUCKDB_ID,
    FACEBOOK_MARKETING_ID,
    GA4_ID,
    GOOGLE_ADS_ID,
    POSTGRES_ID,
    SEARCH_CONSOLE_ID,
    SOURCE_DEFINITIONS,
    SPEC_DIR,
    load_spec_snapshots,
)

__all__ = [
    "DATE",
    "DATETIME",
    "DESTINATION_DEFINITIONS",
    "DUCKDB_ID",
    "FACEBOOK_MARKETING_ID",
    "GA4_ID",
    "GOOGLE_ADS_ID",
    "INTEGER",
    "NUMBER",
    "POSTGRES_ID",
    "SEARCH_CONSOLE_ID",
    "SOURCE_DEFINITIONS",
    "SPEC_DIR",
    "STRING",
    "ActorKind",
    "CatalogBuilder",
    "Definition",
    "DiscoverError",
    "StreamDef",
    "camel_to_snake",
    "facebook_streams",
    "ga4_streams",
    "google_ads_streams",
    "google_ads_type",
    "gsc_streams",
    "load_spec_snapshots",
    "manifest_streams",
    "parse_gaql",
]

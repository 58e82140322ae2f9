"""The connector definitions the sandbox is seeded with, and their specs.

Definition ids are stable across connector versions (each connector's ``metadata.yaml``). Specs:
:func:`load_spec_snapshots` reads the official connectors' spec snapshots from
``templates/specs/*.json`` when present; otherwise a small built-in spec lists the required keys and
the ``airbyte_secret`` fields (so masking still works). Image tags of the destinations are
illustrative; the source versions are the ones the project targets.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from airbyte_provisioning.core.paths import TEMPLATES_DIR
from airbyte_provisioning.core.types import JsonDict
from sandboxes.airbyte.catalogs.facebook import facebook_streams
from sandboxes.airbyte.catalogs.google_ads import google_ads_streams
from sandboxes.airbyte.catalogs.google_analytics import ga4_streams, gsc_streams
from sandboxes.airbyte.catalogs.model import Definition

SPEC_DIR = TEMPLATES_DIR / "specs"

FACEBOOK_MARKETING_ID = "e7778cfc-e97c-4458-9ecb-b4f2bba8946c"
GOOGLE_ADS_ID = "253487c0-2246-43ba-a21f-5116b20a2c50"
GA4_ID = "3cc2eafd-84aa-4dca-93af-322d9dfeec1a"
SEARCH_CONSOLE_ID = "eb4c9e00-db83-4d63-a386-39cfa91012a8"
POSTGRES_ID = "25c5221d-dce2-4163-ade9-739ef790f503"
DUCKDB_ID = "94bd199c-2ff0-4aa2-b98e-17f0acb72610"


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

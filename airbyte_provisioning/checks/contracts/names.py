"""The closed sets of values of the contract checker: rule names, column types, producer kinds.

Strings in the contract YAML and on the command line are parsed into these enumerations once, so
the rest of the checker dispatches on members, never on free strings.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, TypeVar


class RuleName(StrEnum):
    """Every rule the checker knows, in the order a full run reports them."""

    CONTRACT_SCHEMA = "contract-schema"
    TEMPLATES = "templates"
    GAQL = "gaql"
    QUERY_ALIASES = "query-aliases"
    SEED_HEADERS = "seed-headers"
    DBT = "dbt"
    ENV_NAMES = "env-names"
    SECRETS = "secrets"
    RECORDS = "records"


# the command-line options a rule cannot run without
OptionalInput = Literal["--dbt-project", "--records"]


class ColumnType(StrEnum):
    """A contracted column's ``type``."""

    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"
    ARRAY = "array"
    OBJECT = "object"


class ProducerKind(StrEnum):
    """A stream contract's ``produced_by.kind``: what makes the connector emit the stream."""

    META_CUSTOM_INSIGHT = "meta_custom_insight"
    GOOGLE_ADS_CUSTOM_QUERY = "google_ads_custom_query"
    GA4_CUSTOM_REPORT = "ga4_custom_report"
    SEARCH_CONSOLE_CUSTOM_REPORT = "search_console_custom_report"
    MANIFEST_STREAM = "manifest_stream"


E = TypeVar("E", bound=StrEnum)


def parse_enum(kind: type[E], value: object) -> E | None:
    """``value`` as a member of ``kind``, or None when it is none of them."""
    return kind(value) if value in {member.value for member in kind} else None

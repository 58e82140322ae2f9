"""What a rendered template makes an official connector emit: stream name and field list.

One function per ``produced_by.kind`` of the official connectors (Meta custom insights, Google Ads
custom queries, GA4 and Search Console custom reports), computed from the rendered config, in
``FIELD_LISTS``; the custom connectors' stream schemas are read by ``connector_schema``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from airbyte_provisioning.checks.contracts.names import ProducerKind
from airbyte_provisioning.templates import gaql


@dataclass(frozen=True)
class Produced:
    """What the connector emits for one contract, as far as it can be known offline.

    ``where`` names the producer in messages (or, when ``skipped``, why it could not be read).
    ``columns`` maps each column to its JSON type (None when unknown); None when the producer is
    missing from the template. ``exact``: a field list, which must equal the contract both ways;
    a connector's stream schema (not exact) offers every column it can emit.
    """

    where: str
    stream: str | None = None
    columns: dict[str, Any] | None = None
    skipped: bool = False
    exact: bool = True


def camel_to_snake(name: str) -> str:
    """The Facebook connector's stream naming: only an upper-case letter starts a new word."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _find(items: Iterable[Any], key: str, value: str) -> dict[str, Any] | None:
    return next((i for i in items if isinstance(i, dict) and i.get(key) == value), None)


def _meta_insight(by: Mapping[str, Any], config: Mapping[str, Any]) -> Produced:
    insight = _find(config.get("custom_insights") or (), "name", str(by.get("insight")))
    if insight is None:
        return Produced(f"custom insight {by.get('insight')}")
    level_id = {"ad": ["ad_id"], "adset": ["adset_id"], "campaign": ["campaign_id"]}.get(
        insight.get("level", "ad"), []
    )
    emitted = [
        *insight.get("fields", ()),
        *("date_start", "date_stop", "account_id"),
        *level_id,
        *insight.get("breakdowns", ()),
    ]
    return Produced(
        f"custom insight {insight['name']}",
        camel_to_snake("Custom" + str(insight["name"])),
        dict.fromkeys(emitted),
    )


def _google_ads_query(by: Mapping[str, Any], config: Mapping[str, Any]) -> Produced:
    table = str(by.get("table_name"))
    item = _find(config.get("custom_queries_array") or (), "table_name", table)
    if item is None:
        return Produced(f"custom query {table}")
    try:
        fields = gaql.parse(str(item["query"])).output_columns
    except gaql.GaqlError:
        return Produced("custom query (refused, see rule gaql)", table, {})
    return Produced(f"GAQL query of {table}", table, dict.fromkeys(fields))


def _custom_report(by: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, Any] | None:
    return _find(config.get("custom_reports_array") or (), "name", str(by.get("report")))


def _ga4_report(by: Mapping[str, Any], config: Mapping[str, Any]) -> Produced:
    report = _custom_report(by, config)
    if report is None:
        return Produced(f"custom report {by.get('report')}")
    emitted = ["property_id", *report.get("dimensions", ()), *report.get("metrics", ())]
    if not report.get("cohortSpec"):
        emitted += ["startDate", "endDate"]
    return Produced(f"custom report {report['name']}", str(report["name"]), dict.fromkeys(emitted))


def _search_console_report(by: Mapping[str, Any], config: Mapping[str, Any]) -> Produced:
    report = _custom_report(by, config)
    if report is None:
        return Produced(f"custom report {by.get('report')}")
    emitted = [
        *("site_url", "search_type", "date"),
        *report.get("dimensions", ()),
        *("clicks", "impressions", "ctr", "position"),
    ]
    return Produced(f"custom report {report['name']}", str(report["name"]), dict.fromkeys(emitted))


FIELD_LISTS: dict[ProducerKind, Callable[[Mapping[str, Any], Mapping[str, Any]], Produced]] = {
    ProducerKind.META_CUSTOM_INSIGHT: _meta_insight,
    ProducerKind.GOOGLE_ADS_CUSTOM_QUERY: _google_ads_query,
    ProducerKind.GA4_CUSTOM_REPORT: _ga4_report,
    ProducerKind.SEARCH_CONSOLE_CUSTOM_REPORT: _search_console_report,
}

"""GAQL as source-google-ads 6.1.7 parses it; cross-checked with the recorded probe when present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from airbyte_provisioning.templates import gaql

PROBE = (
    Path(__file__).resolve().parents[3]
    / "shared/ref/upstream-specs/probe-google-ads-custom-queries-6.1.7.json"
)


def test_output_columns_keep_the_dotted_paths() -> None:
    parsed = gaql.parse(
        "select campaign.id, metrics.cost_micros, segments.date\nfrom campaign\nLIMIT 5"
    )
    assert parsed.output_columns == ("campaign.id", "metrics.cost_micros", "segments.date")
    assert parsed.resource == "campaign"
    assert parsed.limit == 5


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("SELECT campaign.id", "no FROM"),
        ("SELECT * FROM campaign", "SELECT *"),
        ("SELECT campaign.id AS cid FROM campaign", "aliases (AS)"),
        ("SELECT SUM(metrics.clicks) FROM campaign", "functions"),
        ("SELECT campaign.id FROM campaign, ad_group", "several resources"),
        ("SELECT campaign.id, FROM campaign", "empty field"),
        ("SELECT campaign.id FROM campaign LIMIT 0", "LIMIT"),
        ("SELECT Campaign.Id FROM campaign", "not a field path"),
        ("UPDATE campaign", "must start with SELECT"),
    ],
)
def test_refused_queries_say_why(query: str, reason: str) -> None:
    with pytest.raises(gaql.GaqlError) as caught:
        gaql.parse(query)
    assert any(reason in r for r in caught.value.reasons), caught.value.reasons


@pytest.mark.parametrize(
    ("query", "incremental"),
    [
        ("SELECT campaign.id, segments.date FROM campaign WHERE campaign.status = 'ENABLED'", True),
        ("SELECT campaign.id, segments.date FROM campaign ORDER BY segments.date", True),
        ("SELECT campaign.id FROM campaign", False),
        (
            "SELECT campaign.id, segments.date FROM campaign WHERE segments.date DURING LAST_30_DAYS",
            False,
        ),
    ],
)
def test_incremental_follows_the_connector_rule(query: str, incremental: bool) -> None:
    assert gaql.is_incremental(query) is incremental


def test_check_flags_date_filters_templating_and_colon_space() -> None:
    assert gaql.check("SELECT campaign.id, segments.date FROM campaign") == []
    (where,) = gaql.check(
        "SELECT campaign.id, segments.date FROM campaign WHERE segments.date >= '2024-01-01'"
    )
    assert "full refresh" in where
    templated = gaql.check(
        "SELECT campaign.id FROM campaign WHERE segments.date >= '{{ runtime_from_date }}'"
    )
    assert any("runtime_from_date" in r for r in templated)
    assert any(
        "': '" in r
        for r in gaql.check("SELECT campaign.id FROM campaign WHERE campaign.name = 'Brand: US'")
    )


@pytest.mark.skipif(not PROBE.is_file(), reason="reference probe not present")
def test_agrees_with_the_recorded_connector_probe() -> None:
    probe = json.loads(PROBE.read_text())
    for query, verdict in probe["GAQL.parse_acceptance"].items():
        try:
            gaql.parse(query)
            accepted = True
        except gaql.GaqlError:
            accepted = False
        assert accepted is (verdict == "accepted"), query
    for case in probe["custom_query_probes"].values():
        if "sync" in case:
            assert gaql.is_incremental(case["configured_query"]) is (case["sync"] == "incremental")

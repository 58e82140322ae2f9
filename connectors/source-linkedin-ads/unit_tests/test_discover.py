"""Discover: the catalog is the recorded one, and every primary key exists in its schema."""

import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from airbyte_cdk.models import AirbyteMessage, AirbyteMessageSerializer, Type

from .helpers import ConfigBuilder

SNAPSHOT = Path(__file__).with_name("snapshots") / "discover.json"
SNAPSHOT_REPORTS = [
    {"name": "campaign_by_country", "pivots": ["CAMPAIGN", "MEMBER_COUNTRY_V2"]},
    {
        "name": "monthly_accounts",
        "pivots": ["ACCOUNT"],
        "time_granularity": "MONTHLY",
        "metrics": ["clicks"],
    },
]

# every pivot the spec allows, in reports of at most three pivots (q=statistics' limit)
_PIVOTS = yaml.safe_load(
    """
- [ACCOUNT, CAMPAIGN_GROUP, CAMPAIGN]
- [CREATIVE, SHARE, COMPANY]
- [CONVERSION, CONVERSATION_NODE, CONVERSATION_NODE_OPTION_INDEX]
- [SERVING_LOCATION, CARD_INDEX, PLACEMENT_NAME]
- [IMPRESSION_DEVICE_TYPE, MEMBER_COMPANY_SIZE, MEMBER_INDUSTRY]
- [MEMBER_SENIORITY, MEMBER_JOB_TITLE, MEMBER_JOB_FUNCTION]
- [MEMBER_COUNTRY_V2, MEMBER_REGION_V2, MEMBER_COMPANY]
"""
)
CUSTOM_REPORTS = [
    {"name": "campaign_by_country", "pivots": ["CAMPAIGN", "MEMBER_COUNTRY_V2"]},
    *({"name": f"pivots_{index}", "pivots": group} for index, group in enumerate(_PIVOTS)),
    {"name": "monthly_creatives", "pivots": ["CREATIVE"], "time_granularity": "MONTHLY"},
]


def discover(get_source, config: dict[str, Any]) -> dict[str, Any]:
    catalog = get_source(config).discover(logging.getLogger("test"), config)
    return {stream.name: stream for stream in catalog.streams}


def test_discover_gives_the_recorded_catalog(get_source):
    """Refactoring the manifest must not change what Airbyte sees. After an intended change, run
    this test once with LINKEDIN_UPDATE_DISCOVER_SNAPSHOT=1, review the diff and commit it."""
    config = ConfigBuilder().with_(custom_reports=SNAPSHOT_REPORTS).build()
    catalog = get_source(config).discover(logging.getLogger("test"), config)
    message = AirbyteMessageSerializer.dump(AirbyteMessage(type=Type.CATALOG, catalog=catalog))
    if os.environ.get("LINKEDIN_UPDATE_DISCOVER_SNAPSHOT") == "1":
        SNAPSHOT.write_text(json.dumps(message["catalog"], indent=1, sort_keys=True) + "\n")
        pytest.fail(f"{SNAPSHOT.name} rewritten: review the diff, then run without the variable")
    assert message["catalog"] == json.loads(SNAPSHOT.read_text())


def test_every_spec_pivot_is_planted_in_a_custom_report(get_source):
    spec = get_source(ConfigBuilder().build()).spec(logging.getLogger("test"))
    report = spec.connectionSpecification["properties"]["custom_reports"]["items"]
    allowed = report["properties"]["pivots"]["items"]["enum"]
    assert sorted(p for group in _PIVOTS for p in group) == sorted(allowed)


def test_each_primary_key_field_is_a_property_of_its_stream_schema(get_source):
    streams = discover(get_source, ConfigBuilder().with_(custom_reports=CUSTOM_REPORTS).build())

    assert len(streams) == 8 + len(CUSTOM_REPORTS)
    for name, stream in streams.items():
        properties = stream.json_schema["properties"]
        key = stream.source_defined_primary_key
        assert key, f"{name} has no primary key"
        missing = [path for path in key if path[0] not in properties]
        assert not missing, f"{name}: primary key fields {missing} are not in its schema"


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        (
            {"name": "campaign_by_country", "pivots": ["CAMPAIGN", "MEMBER_COUNTRY_V2"]},
            ["account_id", "date", "campaign_id", "member_country_v2"],
        ),
        ({"name": "accounts", "pivots": ["ACCOUNT"]}, ["account_id", "date"]),
        (
            {"name": "groups_by_company", "pivots": ["CAMPAIGN_GROUP", "MEMBER_COMPANY"]},
            ["account_id", "date", "campaign_group_id", "member_company"],
        ),
    ],
)
def test_custom_report_primary_key_is_the_account_the_date_and_each_pivot_field(
    get_source, report, expected
):
    streams = discover(get_source, ConfigBuilder().with_(custom_reports=[report]).build())

    key = streams[f"custom_{report['name']}"].source_defined_primary_key
    assert key == [[field] for field in expected]

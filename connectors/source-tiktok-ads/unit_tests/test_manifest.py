"""The manifest's own rules: shape, metric lists, and config errors that name the field."""

import re
import tempfile
from pathlib import Path

import pytest
import yaml
from airbyte_cdk.test.entrypoint_wrapper import _run_command, discover, make_file
from freezegun import freeze_time

from sandboxes.tiktok import known_metrics

from .helpers import ConfigBuilder

CONNECTOR = Path(__file__).resolve().parents[1]
MANIFEST_TEXT = (CONNECTOR / "manifest.yaml").read_text()
MANIFEST = yaml.safe_load(MANIFEST_TEXT)
LEVELS = ["AUCTION_ADVERTISER", "AUCTION_CAMPAIGN", "AUCTION_ADGROUP", "AUCTION_AD"]


def _catalog_at(level: str) -> set[str]:
    return {
        m
        for group in MANIFEST["definitions"]["metric_catalog"]
        if level in group["levels"]
        for m in group["metrics"]
    }


def test_manifest_uses_refs_not_yaml_anchors():
    assert not re.search(r"(^|\s)[&*][A-Za-z_]", MANIFEST_TEXT, re.M)


def test_top_level_order_follows_the_house_style():
    keys = list(MANIFEST)
    assert keys[:4] == ["version", "type", "check", "definitions"]
    assert keys.index("streams") < keys.index("spec") < keys.index("schemas")
    assert all(set(s) == {"$ref"} for s in MANIFEST["streams"])


def test_api_version_appears_in_one_place():
    assert MANIFEST_TEXT.count("v1.3") == 1


def test_the_level_to_id_map_is_written_once():
    level_ids = MANIFEST["definitions"]["level_ids"]
    assert list(level_ids) == LEVELS
    for level, id_field in level_ids.items():
        written = re.findall(rf"\b{level}\b['\"]?\s*:\s*['\"]?{id_field}\b", MANIFEST_TEXT)
        assert written == [f"{level}: {id_field}"]
    # the components take the levels from the manifest (definitions.level_ids)
    assert "AUCTION_" not in (CONNECTOR / "components.py").read_text()


@pytest.mark.parametrize("level", LEVELS)
def test_default_metrics_are_valid_at_their_level(level):
    defaults = MANIFEST["definitions"]["default_metrics"][level]
    assert len(defaults) == len(set(defaults))
    assert set(defaults) <= _catalog_at(level)
    assert {"spend", "impressions", "clicks", "conversion", "cost_per_conversion", "reach"} <= set(
        defaults
    )


@pytest.mark.parametrize("level", LEVELS)
def test_the_sandbox_knows_every_catalog_metric(level):
    assert _catalog_at(level) <= known_metrics(level)


def test_readme_lists_every_stream():
    readme = (CONNECTOR / "README.md").read_text()
    for stream in MANIFEST["definitions"]["streams"]:
        assert f"`{stream}`" in readme


def _check(get_source, config):
    with tempfile.TemporaryDirectory() as directory:
        path = make_file(Path(directory) / "config.json", config)
        output = _run_command(get_source(config), ["check", "--config", path])
    (status,) = output.connection_status_messages
    return status.connectionStatus


@pytest.mark.parametrize(
    ("change", "named"),
    [
        pytest.param(
            {"start_date": "2024/01/01"}, "start_date must be a date", id="bad-start-date"
        ),
        pytest.param({"end_date": "2024-13-01"}, "end_date must be a date", id="bad-end-date"),
        pytest.param(
            {"lookback_days": 29}, "lookback_days must be from 0 to 28", id="lookback-too-long"
        ),
        pytest.param(
            {"report_step_days": 31}, "report_step_days must be from 1 to 30", id="step-over-30"
        ),
        pytest.param(
            {"requests_per_second": 0}, "requests_per_second must be from 1 to 50", id="no-budget"
        ),
        pytest.param(
            {"advertiser_ids": ["acme"]},
            "advertiser_ids must hold TikTok advertiser ids",
            id="non-numeric-id",
        ),
        pytest.param(
            {"advertiser_ids": []},
            "advertiser_ids is empty: list the advertiser ids to read",
            id="no-advertisers-and-no-app-credentials",
        ),
        pytest.param(
            {"advertiser_ids": "acme"},
            "advertiser_ids must hold TikTok advertiser ids (digits only",
            id="advertiser-ids-as-a-string-of-names",
        ),
        pytest.param(
            {"start_date": "2024-03-22", "end_date": None},
            "start_date (2024-03-22) is after today (2024-03-21",
            id="start-date-after-today-everywhere",
        ),
        pytest.param(
            {"start_date": "2024-02-01", "end_date": "2024-01-01"},
            "end_date (2024-01-01) is before start_date (2024-02-01)",
            id="end-before-start",
        ),
        pytest.param(
            {
                "custom_reports": [
                    {"name": "r", "data_level": "AUCTION_AD", "metrics": ["cash_spend"]}
                ]
            },
            "custom_reports[0].metrics ['cash_spend'] not available at AUCTION_AD",
            id="metric-of-another-level",
        ),
        pytest.param(
            {
                "custom_reports": [
                    {"name": "ads_reports_daily", "data_level": "AUCTION_AD", "metrics": ["spend"]}
                ]
            },
            "custom_reports[0].name 'ads_reports_daily' is already a stream name",
            id="report-name-taken",
        ),
        pytest.param(
            {
                "custom_reports": [
                    {
                        "name": "r",
                        "data_level": "AUCTION_AD",
                        "dimensions": ["gender", "age"],
                        "metrics": ["spend"],
                    }
                ]
            },
            "custom_reports[0].dimensions may add one of",
            id="two-breakdowns",
        ),
    ],
)
@freeze_time("2024-03-20 12:00:00", tick=True)
def test_invalid_config_fails_check_naming_the_field(get_source, api, change, named):
    config = ConfigBuilder().with_(**change).build()
    config = {key: value for key, value in config.items() if value is not None}

    status = _check(get_source, config)

    assert status.status.name == "FAILED"
    assert named in status.message
    assert api.call_count == 0


def test_end_date_before_start_date_fails_discover_naming_both(get_source):
    config = ConfigBuilder().with_(start_date="2024-02-01", end_date="2024-01-01").build()
    output = discover(get_source(config), config)
    assert (
        "end_date (2024-01-01) is before start_date (2024-02-01)"
        in output.errors[0].trace.error.message
    )

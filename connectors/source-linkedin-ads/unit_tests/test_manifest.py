"""Manifest shape rules and the spec's validation of user mistakes."""

import logging

import pytest
import yaml
from jsonschema import Draft7Validator

from .helpers import ConfigBuilder


def _spec(get_source):
    return (
        get_source(ConfigBuilder().build()).spec(logging.getLogger("test")).connectionSpecification
    )


def test_manifest_has_no_yaml_anchors_or_aliases(connector_dir):
    events = yaml.parse((connector_dir / "manifest.yaml").read_text())
    assert not [e for e in events if getattr(e, "anchor", None)]


def test_manifest_sections_follow_the_house_order(connector_dir):
    keys = list(yaml.safe_load((connector_dir / "manifest.yaml").read_text()))
    wanted = ["version", "type", "check", "definitions", "streams", "spec", "schemas"]
    assert [k for k in keys if k in wanted] == wanted


def test_streams_are_only_refs(connector_dir):
    manifest = yaml.safe_load((connector_dir / "manifest.yaml").read_text())
    assert all(list(stream) == ["$ref"] for stream in manifest["streams"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        # types and choices stay in the spec (the Airbyte UI builds its form from them); ranges
        # and cross-field rules are config validations (test_config_validation.py)
        ({"lookback_days": "2"}, "lookback_days"),
        ({"account_ids": "500000000"}, "account_ids"),
        ({"metrics": ["impresions"]}, "metrics"),
        ({"custom_reports": [{"name": "x", "pivots": ["CAMPAIGN", "A"]}]}, "custom_reports"),
        ({"custom_reports": [{"name": "x"}]}, "custom_reports"),
    ],
)
def test_spec_rejects_wrong_types_and_unknown_choices(get_source, change, field):
    config = ConfigBuilder().with_(**change).build()
    errors = list(Draft7Validator(_spec(get_source)).iter_errors(config))
    assert errors
    assert any(field in [str(p) for p in e.absolute_path] for e in errors)


def test_secrets_are_marked_airbyte_secret(get_source):
    credentials = _spec(get_source)["properties"]["credentials"]["oneOf"]
    secrets = {
        name
        for option in credentials
        for name, prop in option["properties"].items()
        if prop.get("airbyte_secret")
    }
    assert secrets == {"client_id", "client_secret", "refresh_token", "access_token"}

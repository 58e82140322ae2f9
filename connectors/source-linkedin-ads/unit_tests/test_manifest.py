"""Manifest shape rules and the spec's validation of user mistakes."""

import pytest
import yaml
from jsonschema import Draft7Validator


def _spec(get_source, h):
    import logging

    return get_source(h.config()).spec(logging.getLogger("test")).connectionSpecification


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
        ({"lookback_days": 91}, "lookback_days"),
        ({"slice_days": 0}, "slice_days"),
        ({"start_date": "2024/01/01"}, "start_date"),
        ({"account_ids": []}, "account_ids"),
        ({"metrics": ["impresions"]}, "metrics"),
        ({"custom_reports": [{"name": "x", "pivots": ["A", "B", "C", "D"]}]}, "custom_reports"),
    ],
)
def test_spec_rejects_bad_values_naming_the_field(get_source, h, change, field):
    errors = list(Draft7Validator(_spec(get_source, h)).iter_errors(h.config(**change)))
    assert errors
    assert any(field in [str(p) for p in e.absolute_path] for e in errors)


def test_secrets_are_marked_airbyte_secret(get_source, h):
    credentials = _spec(get_source, h)["properties"]["credentials"]["oneOf"]
    secrets = {
        name
        for option in credentials
        for name, prop in option["properties"].items()
        if prop.get("airbyte_secret")
    }
    assert secrets == {"client_id", "client_secret", "refresh_token", "access_token"}

"""Every connector's metadata.yaml, checked against Airbyte's own metadata model.

Airbyte publishes the model its registry validates metadata.yaml with as the
``airbyte-connector-models`` package: the JSON schema ``ConnectorMetadataDefinitionV0.json`` and
pydantic models generated from it. Both are applied. The JSON schema sees the YAML as parsed, so a
bare ``releaseDate: 2026-11-26`` (a YAML date, not the string the schema asks for) is refused; the
pydantic model checks URLs, UUIDs and enumerations.
"""

from __future__ import annotations

import json
import logging
import re
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pydantic
import yaml
from airbyte_connector_models.metadata.v0.connector_metadata_definition_v0 import (
    ConnectorMetadataDefinitionV0,
)

REPO = Path(__file__).resolve().parents[2]
# the repository's public address; documentation links point at files on its main branch
REPOSITORY_URL = "https://github.com/airbyte-tenant-stack/airbyte-tenant-stack"

KNOWN_VIOLATIONS: dict[str, str] = {}


def _metadata_schema() -> dict[str, Any]:
    package = resources.files("airbyte_connector_models.metadata.v0")
    schema = json.loads((package / "ConnectorMetadataDefinitionV0.json").read_text())

    # The bundled schema inlines sub-schemas that keep their own `$id`, but its `$ref`s point
    # from the root (`#/properties/data/...`); without the nested ids they resolve as written.
    def without_nested_ids(node: Any, root: bool = False) -> Any:
        if isinstance(node, dict):
            return {
                key: without_nested_ids(value)
                for key, value in node.items()
                if root or key != "$id"
            }
        if isinstance(node, list):
            return [without_nested_ids(value) for value in node]
        return node

    return dict(without_nested_ids(schema, root=True))


_VALIDATOR = jsonschema.Draft7Validator(
    _metadata_schema(), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
)


def metadata_problems(document: Any) -> list[str]:
    """Every way ``document`` (a parsed metadata.yaml) breaks Airbyte's metadata model."""
    problems = [
        f"{'.'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in _VALIDATOR.iter_errors(document)
    ]
    try:
        ConnectorMetadataDefinitionV0.model_validate(document)
    except pydantic.ValidationError as exc:
        problems += [
            f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in exc.errors()
        ]
    return problems


def _metadata(connector_dir: Path) -> dict[str, Any]:
    return dict(yaml.safe_load((connector_dir / "metadata.yaml").read_text()))


def _manifest(connector_dir: Path) -> dict[str, Any]:
    return dict(yaml.safe_load((connector_dir / "manifest.yaml").read_text()))


def test_metadata_matches_airbytes_metadata_model(connector_dir: Path) -> None:
    assert metadata_problems(_metadata(connector_dir)) == []


def test_an_unquoted_release_date_is_refused(connector_dir: Path) -> None:
    text = (connector_dir / "metadata.yaml").read_text()
    unquoted, count = re.subn(r'releaseDate: "(\d{4}-\d{2}-\d{2})"', r"releaseDate: \1", text)
    assert count == 1, "metadata.yaml should carry one quoted releaseDate"

    problems = metadata_problems(yaml.safe_load(unquoted))

    assert any(p.startswith("data.releaseDate: ") and "'string'" in p for p in problems), problems


def test_a_documentation_url_that_is_not_a_url_is_refused(connector_dir: Path) -> None:
    document = _metadata(connector_dir)
    document["data"] = {**document["data"], "documentationUrl": "README.md"}

    problems = metadata_problems(document)

    assert [p for p in problems if p.startswith("data.documentationUrl: ")], problems


def test_the_documentation_url_is_the_connectors_readme(connector_dir: Path) -> None:
    readme = connector_dir / "README.md"
    expected = f"{REPOSITORY_URL}/blob/main/{readme.relative_to(REPO).as_posix()}"

    assert readme.is_file()
    assert _metadata(connector_dir)["data"]["documentationUrl"] == expected


def test_the_spec_documentation_url_is_the_metadata_one(connector_dir: Path) -> None:
    # Airbyte's UI links a source's setup guide from the spec, not from the metadata
    spec = _manifest(connector_dir)["spec"]
    assert spec.get("documentation_url") == _metadata(connector_dir)["data"]["documentationUrl"]


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return [node] if isinstance(node, str) else []


def default_hosts(manifest: dict[str, Any]) -> set[str]:
    """Hosts of the URLs the manifest calls by default (the spec only documents them)."""
    outside_spec = [s for key, value in manifest.items() if key != "spec" for s in _strings(value)]
    urls = [url for text in outside_spec for url in re.findall(r"https://[^\s'\"]+", text)]
    return {urlsplit(url).hostname or "" for url in urls}


def test_allowed_hosts_cover_every_host_the_manifest_calls(connector_dir: Path) -> None:
    allowed = set(_metadata(connector_dir)["data"]["allowedHosts"]["hosts"])
    hosts = default_hosts(_manifest(connector_dir))

    assert hosts, "the manifest names no default https:// URL"
    assert hosts <= allowed, f"add {sorted(hosts - allowed)} to data.allowedHosts.hosts"


def test_a_host_missing_from_allowed_hosts_is_found() -> None:
    manifest = {
        "definitions": {"requester": {"url": "{{ config.get('base') or 'https://a.example' }}/x"}},
        "streams": [{"token_url": "https://b.example/oauth"}],
        "spec": {"documentation_url": "https://docs.example/setup"},
    }
    assert default_hosts(manifest) == {"a.example", "b.example"}


def test_the_icon_is_an_svg_in_the_folder(connector_dir: Path) -> None:
    icon = connector_dir / _metadata(connector_dir)["data"]["icon"]
    assert icon.suffix == ".svg" and icon.is_file()
    assert "<svg" in icon.read_text()


def test_suggested_streams_are_streams_the_connector_discovers(
    connector_dir: Path, get_source: Any
) -> None:
    config = json.loads((connector_dir / "integration_tests" / "sample_config.json").read_text())
    catalog = get_source(config).discover(logging.getLogger("metadata"), config)
    suggested = _metadata(connector_dir)["data"]["suggestedStreams"]["streams"]

    assert set(suggested) <= {stream.name for stream in catalog.streams}

"""ConnectorFolder: the one reader of a connector folder. Broken folders are planted in tmp; each
failure names the file (and the field) and says what is wrong."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from airbyte_provisioning.connectors.folder import (
    ConnectorFolder,
    ConnectorFolderError,
    all_connectors,
    connector,
    read_api_versions,
)

MANIFEST = """\
version: 7.39.1
type: DeclarativeSource
definitions:
  requester:
    request_headers:
      Acme-Version: "{{ config.get('api_version') or '202605' }}"
      X-Protocol-Version: 2.0.0
streams: []
spec:
  connection_specification:
    type: object
    properties: {token: {type: string}}
"""
METADATA = """\
data:
  name: Acme Ads
  definitionId: 0b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e
  dockerRepository: example/source-acme-ads
  dockerImageTag: 0.3.1
  tags: [language:manifest-only, cdk:low-code]
  connectorBuildOptions:
    baseImage: docker.io/airbyte/source-declarative-manifest:7.39.1
"""
COMPONENTS = '''\
class Marker:
    """A stand-in component."""

    WHERE = "acme"
'''
API_VERSIONS = """\
versions:
  - {version: "202605", released: "2026-05-01", sunset: 2027-05-15, basis: policy}
"""


@pytest.fixture
def connectors(tmp_path: Path) -> Path:
    """A connectors/ folder with one complete connector, source-acme-ads."""
    folder = tmp_path / "connectors" / "source-acme-ads"
    folder.mkdir(parents=True)
    for name, text in {
        "manifest.yaml": MANIFEST,
        "metadata.yaml": METADATA,
        "components.py": COMPONENTS,
        "api_versions.yaml": API_VERSIONS,
    }.items():
        (folder / name).write_text(text)
    return tmp_path / "connectors"


def acme(connectors: Path) -> ConnectorFolder:
    return connector("acme-ads", connectors)


def test_a_complete_folder_gives_every_part(connectors: Path) -> None:
    folder = acme(connectors)

    assert (folder.name, folder.slug) == ("source-acme-ads", "acme-ads")
    assert folder.spec["connection_specification"]["properties"] == {"token": {"type": "string"}}
    assert folder.image == "example/source-acme-ads:0.3.1"
    assert folder.base_image == "docker.io/airbyte/source-declarative-manifest:7.39.1"
    assert folder.is_manifest_only
    assert folder.components_text == COMPONENTS
    assert (folder.api_version.header, folder.api_version.version) == ("Acme-Version", "202605")
    row = folder.api_versions["202605"]
    assert (row.released.isoformat(), row.sunset.isoformat(), row.basis) == (
        "2026-05-01",
        "2027-05-15",
        "policy",
    )


def test_a_slug_a_folder_name_and_a_path_find_the_same_folder(connectors: Path) -> None:
    by_path = connector(connectors / "source-acme-ads", connectors)
    assert acme(connectors) == connector("source-acme-ads", connectors) == by_path


def test_an_unknown_slug_names_the_missing_folder_and_the_known_ones(connectors: Path) -> None:
    with pytest.raises(ConnectorFolderError) as raised:
        connector("facebook", connectors)
    message = str(raised.value)
    assert str(connectors / "source-facebook") in message
    assert message.endswith("known: acme-ads")


def test_every_source_folder_is_listed_even_a_broken_one(connectors: Path) -> None:
    (connectors / "source-broken").mkdir()
    (connectors / "not-a-connector").mkdir()
    assert [folder.slug for folder in all_connectors(connectors)] == ["acme-ads", "broken"]


def test_a_missing_manifest_is_named(connectors: Path) -> None:
    (connectors / "source-acme-ads" / "manifest.yaml").unlink()
    with pytest.raises(ConnectorFolderError, match=r"source-acme-ads/manifest.yaml does not exist"):
        _ = acme(connectors).manifest


def test_bad_yaml_in_the_manifest_names_the_file_and_the_line(connectors: Path) -> None:
    (connectors / "source-acme-ads" / "manifest.yaml").write_text(
        "streams: []\nspec:\n\tindented: with a tab\n"
    )
    with pytest.raises(ConnectorFolderError) as raised:
        _ = acme(connectors).manifest
    assert "source-acme-ads/manifest.yaml is not valid YAML (line 3" in str(raised.value)
    assert raised.value.file == connectors / "source-acme-ads" / "manifest.yaml"


def test_a_manifest_without_streams_is_not_a_declarative_manifest(connectors: Path) -> None:
    (connectors / "source-acme-ads" / "manifest.yaml").write_text("spec: {}\n")
    with pytest.raises(ConnectorFolderError, match=r"manifest.yaml is not a declarative manifest"):
        _ = acme(connectors).manifest


def test_a_manifest_without_a_connection_specification_is_named(connectors: Path) -> None:
    (connectors / "source-acme-ads" / "manifest.yaml").write_text("streams: []\nspec: {}\n")
    with pytest.raises(ConnectorFolderError, match=r"spec.connection_specification is missing"):
        _ = acme(connectors).spec


def test_a_missing_metadata_file_is_named(connectors: Path) -> None:
    (connectors / "source-acme-ads" / "metadata.yaml").unlink()
    with pytest.raises(ConnectorFolderError, match=r"source-acme-ads/metadata.yaml does not exist"):
        _ = acme(connectors).image


def test_metadata_without_a_data_mapping_is_named(connectors: Path) -> None:
    (connectors / "source-acme-ads" / "metadata.yaml").write_text("name: Acme Ads\n")
    with pytest.raises(ConnectorFolderError, match=r"metadata.yaml has no `data:` mapping"):
        _ = acme(connectors).metadata


def test_an_empty_metadata_field_is_named_with_the_file(connectors: Path) -> None:
    metadata = connectors / "source-acme-ads" / "metadata.yaml"
    metadata.write_text(METADATA.replace("dockerImageTag: 0.3.1", "dockerImageTag: ''"))
    with pytest.raises(
        ConnectorFolderError, match=r"metadata.yaml: data.dockerImageTag is missing"
    ):
        _ = acme(connectors).image


def test_two_different_pinned_versions_are_refused(connectors: Path) -> None:
    manifest = connectors / "source-acme-ads" / "manifest.yaml"
    manifest.write_text(
        MANIFEST.replace(
            "streams: []", "other:\n  request_headers:\n    Acme-Version: '202606'\n" "streams: []"
        )
    )
    with pytest.raises(ConnectorFolderError, match=r"pins several API versions"):
        _ = acme(connectors).api_version


def test_a_connector_without_dated_versions_pins_none(connectors: Path) -> None:
    manifest = connectors / "source-acme-ads" / "manifest.yaml"
    manifest.write_text(
        MANIFEST.replace("Acme-Version: \"{{ config.get('api_version') or '202605' }}\"", "")
    )
    assert acme(connectors).api_version is None


@pytest.mark.parametrize(
    ("table", "complaint"),
    [
        ("202605: 2027-05-15\n", "has no `versions:` list"),
        (
            "versions:\n  - {version: '2026-05', released: 2026-05-01, sunset: 2027-05-15, basis: policy}\n",
            "versions[0].version='2026-05' is not YYYYMM",
        ),
        (
            "versions:\n  - {version: '202605', released: soon, sunset: 2027-05-15, basis: policy}\n",
            "versions[0].released='soon' is not a YYYY-MM-DD date",
        ),
        (
            "versions:\n  - {version: '202605', released: 2026-05-01, sunset: 2027-05-15}\n",
            "versions[0].basis=None is not one of documented, policy",
        ),
    ],
)
def test_a_sunset_table_outside_the_one_layout_is_refused_naming_the_row(
    tmp_path: Path, table: str, complaint: str
) -> None:
    path = tmp_path / "api_versions.yaml"
    path.write_text(table)
    with pytest.raises(ConnectorFolderError) as raised:
        read_api_versions(path)
    assert str(path) in str(raised.value) and complaint in str(raised.value)
    assert raised.value.file == path


def test_the_run_command_names_manifest_and_components(connectors: Path, tmp_path: Path) -> None:
    folder = acme(connectors)
    config = tmp_path / "config.json"
    command = folder.sdm_command("read", config, ["--catalog", "c.json"])
    assert Path(command[0]).name == "source-declarative-manifest"
    assert command[1:] == [
        "read",
        "--config",
        str(config),
        "--manifest-path",
        str(folder.manifest_path),
        "--components-path",
        str(folder.components_path),
        "--catalog",
        "c.json",
    ]
    assert ConnectorFolder.sdm_environment({})["AIRBYTE_ENABLE_UNSAFE_CODE"] == "true"


def test_components_load_under_the_names_manifests_use(connectors: Path) -> None:
    module = acme(connectors).load_components()
    assert module is not None and module.Marker.WHERE == "acme"
    assert sys.modules["source_declarative_manifest.components"] is module
    assert sys.modules["components"] is module


def test_a_components_file_that_does_not_compile_is_named_with_its_line(connectors: Path) -> None:
    (connectors / "source-acme-ads" / "components.py").write_text("x = 1\ndef broken(:\n")
    with pytest.raises(ConnectorFolderError, match=r"source-acme-ads/components.py:2: "):
        acme(connectors).load_components()


def test_the_repositorys_connectors_are_complete() -> None:
    for folder in all_connectors():
        assert folder.is_manifest_only, folder.name
        assert folder.spec["connection_specification"], folder.name
        assert folder.components_text, folder.name
        assert json.dumps(folder.manifest), folder.name
    assert [f.slug for f in all_connectors() if f.api_version] == ["linkedin-ads"]


def test_a_test_file_finds_the_connector_folder_above_it(connectors: Path, tmp_path: Path) -> None:
    inner = connectors / "source-acme-ads" / "unit_tests" / "mock_server"
    inner.mkdir(parents=True)
    assert ConnectorFolder.containing(inner) == ConnectorFolder(connectors / "source-acme-ads")
    with pytest.raises(ConnectorFolderError, match="is not inside a connector folder"):
        ConnectorFolder.containing(tmp_path)


def test_a_missing_base_image_is_named_with_its_field(connectors: Path) -> None:
    metadata = connectors / "source-acme-ads" / "metadata.yaml"
    metadata.write_text(METADATA.replace("baseImage: docker.io", "otherImage: docker.io"))
    with pytest.raises(
        ConnectorFolderError, match=r"data.connectorBuildOptions.baseImage is missing"
    ):
        _ = acme(connectors).base_image

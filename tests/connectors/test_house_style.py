"""The connector house style, checked once for every folder under connectors/.

- the folder has the fixed shape (manifest, components, metadata, README, unit and integration
  tests);
- shared definitions are used by ``$ref``: authenticators and error handlers are defined once under
  ``definitions`` and no component block is written out twice;
- one API version string per connector, and each default API URL written once;
- the CDK version is the same wherever it is written (poetry.lock, pyproject's range, the
  manifest's ``version``, the metadata base image tag, the README);
- every primary-key and cursor field of every stream (custom reports included) is a property of
  the stream's schema, as ``discover`` reports it offline.

Each rule is a function returning its problems, tested on a planted violation and on every
connector. Known violations are listed in ``KNOWN_VIOLATIONS`` (strict xfail, see conftest.py).
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
FOLDER_SHAPE = {
    "manifest.yaml": "file",
    "components.py": "file",
    "metadata.yaml": "file",
    "README.md": "file",
    "unit_tests": "dir",
    "integration_tests": "dir",
}
# keys whose blocks are shared: defined once under `definitions`, referenced everywhere else
SHARED_KEYS = ("authenticator", "error_handler")
# a component block (a mapping with a `type`) this long, written twice, should be a definition
DUPLICATE_BLOCK_CHARS = 100
# the sample configuration's extension that adds custom reports, where a connector has them
CUSTOM_REPORTS = "integration_tests/custom_reports.json"

KNOWN_VIOLATIONS: dict[str, str] = {}


def _manifest(connector_dir: Path) -> dict[str, Any]:
    return dict(yaml.safe_load((connector_dir / "manifest.yaml").read_text()))


def _walk(node: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every (path, value) pair of a parsed YAML document, the root included."""
    pairs = [(path, node)]
    if isinstance(node, dict):
        for key, value in node.items():
            pairs += _walk(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            pairs += _walk(value, (*path, str(index)))
    return pairs


# -- folder shape ---------------------------------------------------------------------------


def shape_problems(folder: Path) -> list[str]:
    problems = []
    for name, kind in FOLDER_SHAPE.items():
        path = folder / name
        if not (path.is_dir() if kind == "dir" else path.is_file()):
            problems.append(f"{folder.name}/{name} is missing (a {kind} every connector has)")
    if (folder / "unit_tests").is_dir() and not list((folder / "unit_tests").rglob("test_*.py")):
        problems.append(f"{folder.name}/unit_tests has no test_*.py")
    return problems


def test_the_folder_has_the_house_shape(connector_dir: Path) -> None:
    assert shape_problems(connector_dir) == []


def test_a_folder_missing_a_part_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "source-new"
    (folder / "unit_tests").mkdir(parents=True)
    for name in ("manifest.yaml", "metadata.yaml", "README.md"):
        (folder / name).write_text("")

    assert shape_problems(folder) == [
        "source-new/components.py is missing (a file every connector has)",
        "source-new/integration_tests is missing (a dir every connector has)",
        "source-new/unit_tests has no test_*.py",
    ]


# -- shared definitions by $ref -------------------------------------------------------------


def inline_shared_blocks(manifest: dict[str, Any]) -> list[str]:
    """Authenticators and error handlers written out anywhere but their one definition."""
    problems = []
    for path, value in _walk(manifest):
        definition = len(path) == 2 and path[0] == "definitions"
        if not path or path[-1] not in SHARED_KEYS or definition:
            continue
        is_ref = isinstance(value, dict) and "$ref" in value
        if not is_ref and not (isinstance(value, str) and value.startswith("#/")):
            problems.append(f"{'/'.join(path)} is written inline: $ref its definition")
    return problems


def duplicated_blocks(manifest: dict[str, Any]) -> list[str]:
    """Component blocks written out in full more than once (each should be one definition)."""
    places: dict[str, list[str]] = defaultdict(list)
    kinds: dict[str, str] = {}
    for path, value in _walk(manifest):
        if isinstance(value, dict) and "type" in value:
            text = json.dumps(value, sort_keys=True)
            if len(text) >= DUPLICATE_BLOCK_CHARS:
                places[text].append("/".join(path))
                kinds[text] = str(value["type"])
    return [
        f"one {kinds[text]} block is written at {', '.join(paths)}"
        for text, paths in places.items()
        if len(paths) > 1
    ]


def test_authenticators_and_error_handlers_are_referenced_not_repeated(
    connector_dir: Path,
) -> None:
    manifest = _manifest(connector_dir)
    for key in SHARED_KEYS:
        assert key in manifest["definitions"], f"definitions/{key} is missing"
    assert inline_shared_blocks(manifest) == []


def test_no_component_block_is_written_twice(connector_dir: Path) -> None:
    assert duplicated_blocks(_manifest(connector_dir)) == []


def test_an_inline_authenticator_and_a_repeated_block_are_reported() -> None:
    handler = {"type": "DefaultErrorHandler", "max_retries": 5, "description": "x" * 60}
    manifest = {
        "definitions": {"authenticator": {"type": "BearerAuthenticator"}, "error_handler": handler},
        "streams": [
            {
                "retriever": {
                    "requester": {"authenticator": {"$ref": "#/definitions/authenticator"}}
                }
            },
            {"retriever": {"requester": {"authenticator": {"type": "BearerAuthenticator"}}}},
            {"retriever": {"requester": {"error_handler": dict(handler)}}},
        ],
    }

    assert inline_shared_blocks(manifest) == [
        "streams/1/retriever/requester/authenticator is written inline: $ref its definition",
        "streams/2/retriever/requester/error_handler is written inline: $ref its definition",
    ]
    assert duplicated_blocks(manifest) == [
        "one DefaultErrorHandler block is written at definitions/error_handler, "
        "streams/2/retriever/requester/error_handler"
    ]


# -- one API version, one default URL -------------------------------------------------------

# a version segment of an API path (/v1.3/) or a YYYYMM version ('202607')
PATH_VERSION = re.compile(r"/v\d+(?:\.\d+)*/")
MONTH_VERSION = re.compile(r"(?<!\d)20\d\d(?:0[1-9]|1[0-2])(?!\d)")
QUOTED_MONTH_VERSION = re.compile(r"['\"]20\d\d(?:0[1-9]|1[0-2])['\"]")
URL_KEYS = ("url", "url_base", "path")


def api_version_literals(manifest: dict[str, Any], components: str) -> list[str]:
    """Every API version the connector writes: in its requesters' URLs and ``*Version`` headers
    (a token URL's ``/oauth/v2/`` is the OAuth endpoint, not the API version), and anywhere in
    components.py."""
    found = []
    for path, value in _walk(manifest):
        if not isinstance(value, str) or not path:
            continue
        if path[-1] in URL_KEYS:
            found += [f"{'/'.join(path)}: {v}" for v in PATH_VERSION.findall(value)]
        if len(path) > 1 and path[-2] == "request_headers" and "version" in path[-1].lower():
            found += [f"{'/'.join(path)}: {v}" for v in MONTH_VERSION.findall(value)]
    for pattern in (PATH_VERSION, QUOTED_MONTH_VERSION):
        found += [f"components.py: {v}" for v in pattern.findall(components)]
    return found


def test_the_api_version_is_written_once(connector_dir: Path) -> None:
    components = connector_dir / "components.py"
    literals = api_version_literals(
        _manifest(connector_dir), components.read_text() if components.is_file() else ""
    )
    assert len(literals) == 1, literals


def test_a_second_api_version_literal_is_found() -> None:
    manifest = {
        "definitions": {
            "requester": {
                "url": "{{ config.get('base') or 'https://x.example' }}/open_api/v1.3/{{ p }}",
                "request_headers": {"LinkedIn-Version": "{{ config.get('v') or '202607' }}"},
                "authenticator": {"token_refresh_endpoint": "https://x.example/oauth/v2/token"},
            }
        }
    }
    components = "HEADERS = {'LinkedIn-Version': '202607'}\nPAGE_SIZE = 202607\n"

    assert api_version_literals(manifest, components) == [
        "definitions/requester/url: /v1.3/",
        "definitions/requester/request_headers/LinkedIn-Version: 202607",
        "components.py: '202607'",
    ]


def repeated_default_urls(manifest: dict[str, Any]) -> list[str]:
    """https URLs written more than once outside the spec (which only documents them)."""
    counts: Counter[str] = Counter()
    for path, value in _walk({k: v for k, v in manifest.items() if k != "spec"}):
        if isinstance(value, str) and path[-1:] != ("$schema",):
            counts.update(re.findall(r"https://[^\s'\"]+", value))
    return [f"{url} is written {n} times" for url, n in sorted(counts.items()) if n > 1]


def test_each_default_api_url_is_written_once(connector_dir: Path) -> None:
    assert repeated_default_urls(_manifest(connector_dir)) == []


def test_a_repeated_default_url_is_found() -> None:
    base = "{{ config.get('base') or 'https://api.example/rest' }}"
    manifest = {
        "definitions": {"a": {"url": f"{base}/a"}, "b": {"url": f"{base}/b"}},
        "spec": {"description": "Replaces https://api.example/rest"},
    }
    assert repeated_default_urls(manifest) == ["https://api.example/rest is written 2 times"]


# -- the CDK version ------------------------------------------------------------------------


def _locked_cdk_version() -> str:
    lock = tomllib.loads((REPO / "poetry.lock").read_text())
    return str(next(p["version"] for p in lock["package"] if p["name"] == "airbyte-cdk"))


def _required_cdk() -> Requirement:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return next(r for r in map(Requirement, project["dependencies"]) if r.name == "airbyte-cdk")


def cdk_version_problems(connector_dir: Path, locked: str, required: Requirement) -> list[str]:
    """Every place the connector writes a CDK version that is not ``locked``."""
    problems = []
    if not required.specifier.contains(locked):
        problems.append(f"pyproject.toml wants airbyte-cdk {required.specifier}, locked {locked}")
    written = {"manifest.yaml `version`": str(_manifest(connector_dir).get("version"))}
    metadata = yaml.safe_load((connector_dir / "metadata.yaml").read_text())
    base_image = str(metadata["data"]["connectorBuildOptions"]["baseImage"]).split("@")[0]
    if "source-declarative-manifest:" in base_image:
        written["metadata.yaml baseImage tag"] = base_image.rsplit(":", 1)[1]
    for name, version in written.items():
        if version != locked:
            problems.append(f"{name} is {version}, the locked CDK is {locked}")
    readme = (connector_dir / "README.md").read_text()
    for version in re.findall(r"airbyte-cdk`? (\d+\.\d+(?:\.\d+)?)", readme):
        if not f"{locked}.".startswith(f"{version}."):
            problems.append(f"README.md names airbyte-cdk {version}, the locked CDK is {locked}")
    return problems


def test_the_cdk_version_is_the_same_wherever_it_is_written(connector_dir: Path) -> None:
    assert cdk_version_problems(connector_dir, _locked_cdk_version(), _required_cdk()) == []


def test_a_stale_cdk_version_is_found_in_each_place(tmp_path: Path) -> None:
    folder = tmp_path / "source-old"
    folder.mkdir()
    (folder / "manifest.yaml").write_text("version: 6.44.0\n")
    (folder / "metadata.yaml").write_text(
        "data:\n  connectorBuildOptions:\n"
        "    baseImage: docker.io/airbyte/source-declarative-manifest:6.44.0@sha256:abc\n"
    )
    (folder / "README.md").write_text("Built on airbyte-cdk 7.39 and `airbyte-cdk` 6.44.\n")

    problems = cdk_version_problems(folder, "7.39.1", Requirement("airbyte-cdk>=7.40,<8"))

    assert problems == [
        "pyproject.toml wants airbyte-cdk <8,>=7.40, locked 7.39.1",
        "manifest.yaml `version` is 6.44.0, the locked CDK is 7.39.1",
        "metadata.yaml baseImage tag is 6.44.0, the locked CDK is 7.39.1",
        "README.md names airbyte-cdk 6.44, the locked CDK is 7.39.1",
    ]


# -- key fields in the discovered schemas ---------------------------------------------------


def _has_property(schema: dict[str, Any], path: list[str]) -> bool:
    for key in path:
        properties = schema.get("properties") if isinstance(schema, dict) else None
        if not isinstance(properties, dict) or key not in properties:
            return False
        schema = properties[key]
    return True


def key_field_problems(streams: list[Any]) -> list[str]:
    """Primary-key and cursor fields that are not properties of their stream's schema."""
    problems = []
    for stream in streams:
        keys = [("primary key", p) for p in stream.source_defined_primary_key or []]
        if stream.default_cursor_field:
            keys.append(("cursor", stream.default_cursor_field))
        problems += [
            f"{stream.name}: {kind} {path!r} is not in the schema"
            for kind, path in keys
            if not _has_property(stream.json_schema, path)
        ]
    return problems


def _custom_reports(connector_dir: Path, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The connector's example custom reports; a skip when its spec offers none."""
    if "custom_reports" not in spec.get("properties", {}):
        pytest.skip(f"{connector_dir.name} has no custom_reports option")
    path = connector_dir / CUSTOM_REPORTS
    assert path.is_file(), f"add {CUSTOM_REPORTS}: the custom reports discover is checked with"
    return list(json.loads(path.read_text()))


@pytest.mark.parametrize("variant", ["sample_config", "custom_reports"])
def test_every_key_field_is_a_property_of_its_stream(
    connector_dir: Path, get_source: Any, variant: str
) -> None:
    logger = logging.getLogger("house_style")
    config = json.loads((connector_dir / "integration_tests/sample_config.json").read_text())
    source = get_source(config)
    streams = source.discover(logger, config).streams
    if variant == "custom_reports":
        spec = source.spec(logger).connectionSpecification
        reports = _custom_reports(connector_dir, spec)
        config = {**config, "custom_reports": reports}
        jsonschema.validate(config, spec)
        plain, streams = streams, get_source(config).discover(logger, config).streams
        assert len(streams) == len(plain) + len(reports), "each custom report adds one stream"

    assert key_field_problems(streams) == []


def test_a_key_field_missing_from_the_schema_is_found() -> None:
    from airbyte_cdk.models import AirbyteStream, SyncMode

    schema: dict[str, Any] = {
        "properties": {"id": {}, "date": {}, "meta": {"properties": {"day": {}}}}
    }
    streams = [
        AirbyteStream(
            name="report",
            json_schema=schema,
            supported_sync_modes=[SyncMode.incremental],
            source_defined_primary_key=[["id"], ["\x01_id"], ["meta", "day"]],
            default_cursor_field=["updated"],
        )
    ]

    assert key_field_problems(streams) == [
        "report: primary key ['\\x01_id'] is not in the schema",
        "report: cursor ['updated'] is not in the schema",
    ]

"""The columns a custom connector's manifest stream emits (rule query-aliases, kind manifest_stream).

An inline schema is read from the manifest (``$ref`` resolved). A schema the connector builds at
run time (``CustomSchemaLoader``) is read only with ``--discover``, by running the connector's own
``discover`` offline from the rendered config: no request reaches the API.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from airbyte_provisioning.checks.contracts.repo import Repo
from airbyte_provisioning.checks.contracts.rules.produced_columns import Produced
from airbyte_provisioning.connectors.folder import ConnectorFolder
from airbyte_provisioning.templates import source_templates


def manifest_columns(
    contract: Mapping[str, Any],
    rendered: source_templates.RenderedSource,
    repo: Repo,
    discover: bool = False,
) -> Produced:
    manifest_rel = rendered.definition.manifest or ""
    wanted = str(contract.get("stream"))
    text = repo.text(manifest_rel) if (repo.root / manifest_rel).is_file() else None
    if text is None:
        return Produced(f"{manifest_rel} does not exist yet", skipped=True)
    try:
        manifest = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return Produced(f"{manifest_rel} is not valid YAML", skipped=True)
    stream = _find_stream(manifest, wanted)
    if stream is None:
        return Produced(f"{manifest_rel} stream {wanted}")
    loader = _resolve(stream.get("schema_loader") or {}, manifest)
    schema = _inline_schema(manifest, loader, wanted)
    if schema is not None:
        emitted = {k: (v or {}).get("type") for k, v in schema["properties"].items()}
        return Produced(f"{manifest_rel} stream schema", wanted, emitted, exact=False)
    if discover:
        connector_dir = (repo.root / manifest_rel).parent
        emitted_or_none = _discovered_columns(connector_dir, rendered.config, wanted)
        return Produced(f"{manifest_rel} discovered schema", wanted, emitted_or_none, exact=False)
    return Produced(
        f"{manifest_rel} builds the schema at run time "
        f"({loader.get('type', 'no loader')}); --discover checks it",
        skipped=True,
    )


def _resolve(node: Any, manifest: Mapping[str, Any]) -> Any:
    """``node`` with its local ``$ref`` (``#/a/b``) merged in, as the CDK reads it: the node's own
    keys win, and its ``$parameters`` are added to those of the definition it refers to."""
    while (
        isinstance(node, Mapping)
        and isinstance(node.get("$ref"), str)
        and node["$ref"].startswith("#/")
    ):
        target: Any = manifest
        for part in node["$ref"][2:].split("/"):
            target = target.get(part) if isinstance(target, Mapping) else None
        target = target if isinstance(target, Mapping) else {}
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        parameters = {**_parameters(target), **_parameters(node)}
        if parameters:
            merged["$parameters"] = parameters
        node = merged
    return node


def _parameters(node: Mapping[str, Any]) -> Mapping[str, Any]:
    parameters = node.get("$parameters")
    return parameters if isinstance(parameters, Mapping) else {}


def _stream_name(stream: Mapping[str, Any]) -> Any:
    """A stream's name: its ``name``, or the ``name`` its ``$parameters`` pass down (CDK rule)."""
    return stream.get("name") or _parameters(stream).get("name")


def _find_stream(manifest: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    """The stream definition named ``name`` (the incremental one of a state-delegating stream)."""
    for raw in manifest.get("streams") or ():
        stream = _resolve(raw, manifest)
        if not isinstance(stream, Mapping) or _stream_name(stream) != name:
            continue
        if stream.get("type") == "StateDelegatingStream":
            stream = _resolve(stream.get("incremental_stream") or {}, manifest)
        return stream if isinstance(stream, Mapping) else {}
    return None


def _inline_schema(
    manifest: Mapping[str, Any], loader: Mapping[str, Any], stream: str
) -> Mapping[str, Any] | None:
    """The stream's JSON schema when the manifest writes it out, else None (built at run time)."""
    if loader.get("type") == "InlineSchemaLoader":
        schema = _resolve(loader.get("schema") or {}, manifest)
    elif loader == {}:
        schema = (manifest.get("schemas") or {}).get(stream)
    else:
        schema = None
    return schema if isinstance(schema, Mapping) and "properties" in schema else None


def _discovered_columns(
    connector_dir: Path, config: Mapping[str, Any], stream_name: str
) -> dict[str, Any] | None:
    """The stream's JSON-schema types as the connector's own ``discover`` builds them.

    Needs the CDK (about a second per connector), so it only runs with ``--discover``.
    """
    # the CDK logs Airbyte LOG messages to stdout; this command's stdout is its JSON report
    cdk_logger = logging.getLogger("airbyte")
    level = cdk_logger.level
    cdk_logger.setLevel(logging.WARNING)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            source = ConnectorFolder(connector_dir).declarative_source(config)
            catalog = source.discover(logging.getLogger("contract_checks"), dict(config))
    finally:
        cdk_logger.setLevel(level)
    for stream in catalog.streams:
        if stream.name == stream_name:
            properties = stream.json_schema.get("properties", {})
            return {k: (v or {}).get("type") for k, v in properties.items()}
    return None

"""Declarative (Builder / manifest-only) sources discover what their manifest declares: streams,
schemas, primary keys and cursors, with ``$ref`` pointers resolved as the server stores them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandboxes.airbyte.catalogs.model import DiscoverError, StreamDef


def _resolve(node: Any, root: Mapping[str, Any], depth: int = 0) -> Any:
    """Inline ``$ref: "#/definitions/..."`` pointers (the manifest as the server stores it)."""
    if depth > 40:
        raise DiscoverError("the manifest's $ref chain is too deep or circular")
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        merged: dict[str, Any] = {}
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = root
            for part in ref[2:].split("/"):
                if not isinstance(target, Mapping) or part not in target:
                    raise DiscoverError(f"the manifest refers to {ref}, which does not exist")
                target = target[part]
            resolved = _resolve(target, root, depth + 1)
            merged.update(resolved if isinstance(resolved, Mapping) else {})
        merged.update({k: _resolve(v, root, depth + 1) for k, v in node.items() if k != "$ref"})
        return merged
    if isinstance(node, list):
        return [_resolve(v, root, depth + 1) for v in node]
    return node


def _keys(value: Any) -> tuple[tuple[str, ...], ...]:
    if isinstance(value, str) and value:
        return ((value,),)
    if isinstance(value, list):
        return tuple(tuple(v) if isinstance(v, list) else (str(v),) for v in value)
    return ()


def manifest_streams(manifest: Mapping[str, Any]) -> list[StreamDef]:
    """Streams as a declarative source would discover them from its manifest."""
    schemas = manifest.get("schemas") if isinstance(manifest.get("schemas"), Mapping) else {}
    assert isinstance(schemas, Mapping)
    streams: list[StreamDef] = []
    for raw in manifest.get("streams") or []:
        stream = _resolve(raw, manifest)
        params = stream.get("$parameters") or {}
        name = stream.get("name") or params.get("name")
        if not name:
            raise DiscoverError("a manifest stream has no name")
        loader = stream.get("schema_loader") or {}
        schema = (
            loader.get("schema")
            if loader.get("type") == "InlineSchemaLoader"
            else schemas.get(name)
        )
        properties = schema.get("properties", {}) if isinstance(schema, Mapping) else {}
        incremental = stream.get("incremental_sync") or {}
        cursor = incremental.get("cursor_field") if isinstance(incremental, Mapping) else None
        key = stream.get("primary_key", params.get("primary_key"))
        streams.append(
            StreamDef(str(name), dict(properties), _keys(key), (str(cursor),) if cursor else ())
        )
    if not streams:
        raise DiscoverError("the manifest declares no streams")
    return streams

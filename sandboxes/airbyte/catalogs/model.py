"""What a discovered catalog and a connector definition are made of, shared by every catalog."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from airbyte_provisioning.core.types import JsonDict

ActorKind = Literal["source", "destination"]


class DiscoverError(Exception):
    """The connector would fail discover with this message (a config error)."""


@dataclass(frozen=True)
class StreamDef:
    name: str
    properties: Mapping[str, JsonDict]
    primary_key: tuple[tuple[str, ...], ...] = ()
    cursor: tuple[str, ...] = ()
    namespace: str | None = None

    @property
    def sync_modes(self) -> list[str]:
        return ["full_refresh", "incremental"] if self.cursor else ["full_refresh"]

    def to_api(self) -> JsonDict:
        stream: JsonDict = {
            "name": self.name,
            "jsonSchema": {
                "$schema": "http://json-schema.org/draft-07/schema#",
                "type": "object",
                "additionalProperties": True,
                "properties": dict(self.properties),
            },
            "supportedSyncModes": self.sync_modes,
            "sourceDefinedCursor": bool(self.cursor),
            "defaultCursorField": list(self.cursor),
            "sourceDefinedPrimaryKey": [list(k) for k in self.primary_key],
            "isResumable": bool(self.cursor),
            "isFileBased": False,
        }
        if self.namespace:
            stream["namespace"] = self.namespace
        return stream


CatalogBuilder = Callable[[Mapping[str, Any]], list[StreamDef]]


@dataclass
class Definition:
    definition_id: str
    name: str
    docker_repository: str
    docker_image_tag: str
    documentation_url: str
    spec: JsonDict
    kind: ActorKind = "source"
    source_type: str = "api"
    catalog: CatalogBuilder | None = None
    custom: bool = False
    workspace_id: str | None = None  # custom definitions belong to one workspace
    extra: JsonDict = field(default_factory=dict)


# column types, as the connectors declare them (every column nullable)
STRING: JsonDict = {"type": ["null", "string"]}
INTEGER: JsonDict = {"type": ["null", "integer"]}
NUMBER: JsonDict = {"type": ["null", "number"]}
DATE: JsonDict = {"type": ["null", "string"], "format": "date"}
DATETIME: JsonDict = {"type": ["null", "string"], "format": "date-time"}


def typed_columns(names: Iterable[str], typer: Callable[[str], JsonDict]) -> dict[str, JsonDict]:
    return {name: typer(name) for name in names}


def camel_to_snake(text: str) -> str:
    """The CDK's casing: an underscore before every capital except the first, then lower case."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", text).lower()

"""What rendering a source template produces, and how it fails.

:class:`RenderedSource` is the result of :func:`~.source_templates.render_source`: the connector
config, where the connector comes from (:class:`SourceDefinition`), and the template connections
(:class:`ConnectionTemplate`). :class:`RenderError` carries every problem at once;
:class:`TemplateError` means the template file itself is broken.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from airbyte_provisioning.core.jsonpath import JsonPath, format_path
from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.core.redact import REDACTED
from airbyte_provisioning.core.types import JsonDict

# an official connector is a pinned Docker image; a custom one is a folder of this repository
SourceKind = Literal["official", "custom"]
SOURCE_KINDS: tuple[SourceKind, ...] = ("official", "custom")
# the Airbyte protocol's sync modes, as the template connections name them
SyncMode = Literal["full_refresh", "incremental"]
SYNC_MODES: tuple[SyncMode, ...] = ("full_refresh", "incremental")
DestinationSyncMode = Literal["append", "overwrite", "append_dedup", "overwrite_dedup"]
DESTINATION_SYNC_MODES: tuple[DestinationSyncMode, ...] = (
    "append",
    "overwrite",
    "append_dedup",
    "overwrite_dedup",
)


class RenderError(ValueError):
    """Rendering failed; ``problems`` holds every problem, each naming its variable."""

    def __init__(self, template: str, problems: list[Problem]) -> None:
        self.template = template
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"template {template!r} cannot be rendered:\n{lines}")


class TemplateError(ValueError):
    """A template file that is itself broken (unknown template, unknown filter, bad syntax)."""


class _Omit:
    """Marker: an ``optional`` placeholder whose variable is unset; the key is left out."""


OMIT = _Omit()


@dataclass(frozen=True)
class StreamSelection:
    name: str
    sync_mode: SyncMode
    destination_sync_mode: DestinationSyncMode
    cursor_field: tuple[str, ...] = ()
    primary_key: tuple[tuple[str, ...], ...] = ()

    def to_dict(self) -> JsonDict:
        return {
            "name": self.name,
            "sync_mode": self.sync_mode,
            "cursor_field": list(self.cursor_field),
            "primary_key": [list(p) for p in self.primary_key],
            "destination_sync_mode": self.destination_sync_mode,
        }


@dataclass(frozen=True)
class ConnectionTemplate:
    template: str
    schedule_group: str
    streams: tuple[StreamSelection, ...]

    def to_dict(self) -> JsonDict:
        return {
            "template": self.template,
            "schedule_group": self.schedule_group,
            "streams": [s.to_dict() for s in self.streams],
        }


@dataclass(frozen=True)
class SourceDefinition:
    """Where the connector comes from: a pinned official image, or a folder of this repository."""

    kind: SourceKind
    connector: str
    version: str | None = None
    docker_repository: str | None = None
    definition_id: str | None = None
    pypi_package: str | None = None
    spec_snapshot: str | None = None
    connector_dir: str | None = None
    manifest: str | None = None

    @property
    def docker_image(self) -> str | None:
        if self.docker_repository and self.version:
            return f"{self.docker_repository}:{self.version}"
        return None

    def to_dict(self) -> JsonDict:
        data = {k: v for k, v in self.__dict__.items() if v is not None}
        if self.docker_image:
            data["docker_image"] = self.docker_image
        return data


@dataclass(frozen=True)
class RenderedSource:
    name: str
    title: str
    platform: str
    definition: SourceDefinition
    config: JsonDict
    secret_paths: tuple[JsonPath, ...]
    variables: dict[str, tuple[str, ...]]
    derived: JsonDict
    notes: tuple[str, ...]
    connections: tuple[ConnectionTemplate, ...]

    def redacted_config(self) -> JsonDict:
        config: JsonDict = json.loads(json.dumps(self.config))
        for path in self.secret_paths:
            _set_path(config, path, REDACTED)
        return config

    def to_dict(self, include_secrets: bool = False) -> JsonDict:
        return {
            "name": self.name,
            "title": self.title,
            "platform": self.platform,
            "definition": self.definition.to_dict(),
            "config": self.config if include_secrets else self.redacted_config(),
            # lists, not mappings keyed by field: the JSON emitter masks keys that look secret
            "masked_paths": [format_path(p) for p in self.secret_paths],
            "variables": [{"path": k, "from": list(v)} for k, v in self.variables.items()],
            "derived": self.derived,
            "notes": list(self.notes),
            "connections": [c.to_dict() for c in self.connections],
        }


def _set_path(document: Any, path: JsonPath, value: Any) -> None:
    for part in path[:-1]:
        document = document[part]
    document[path[-1]] = value

"""What render, observe, plan and apply share: identity keys, desired/observed state, normal forms.

Identity (stable keys we control, never the display name alone):

* a connection we manage carries the connection tag ``stack:<TEMPLATE>`` (tags are per workspace,
  created once and reused); it is identified by (workspace, destination, tag). An explicit
  ``AIRBYTE_<SLUG>_<TEMPLATE>_CONNECTION_ID`` wins over the tag lookup;
* a source we manage has no tags in Airbyte, so it carries a reserved name,
  ``stack:<slug>:<PLATFORM>`` (``stack:template:<PLATFORM>`` for the template sources), and a
  source referenced by a managed connection is adopted through that connection.

Normal forms: Airbyte fills defaults, drops unselected streams and masks secrets on read, so
desired and observed values are compared only on the fields we manage, after both went through
the same normalisation here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from airbyte_provisioning.core.jsonpath import JsonPath, format_path
from airbyte_provisioning.core.redact import AIRBYTE_MASK, fingerprint
from airbyte_provisioning.core.types import JsonDict
from airbyte_provisioning.model.stack import ConnectionStatus

# where a connection's source comes from (see SourceRef)
SourceHow = Literal["explicit", "managed", "template"]

TAG_PREFIX = "stack:"
TAG_COLOR = "#3b82f6"
TEMPLATE_OWNER = "template"
# stored inside each managed source's configuration: readable (not secret), survives a read,
# and accepted by every connector spec we use (none forbids additional root properties)
FINGERPRINT_KEY = "x_stack_fingerprint"

# tenant model platform -> source template (templates/<name>_source.yaml)
PLATFORM_TEMPLATES = {
    "META": "meta",
    "GOOGLE_ADS": "google_ads",
    "GA4": "ga4",
    "SEARCH_CONSOLE": "search_console",
    "LINKEDIN": "linkedin_ads",
    "TIKTOK": "tiktok_ads",
}


def tag_name(template: str) -> str:
    return TAG_PREFIX + template


def source_name(owner: str, platform: str) -> str:
    """The reserved name of a managed source: ``stack:<slug>:<PLATFORM>``."""
    return f"{TAG_PREFIX}{owner}:{platform}"


def platform_of_source_name(name: str) -> str | None:
    parts = name.split(":")
    if len(parts) == 3 and parts[0] + ":" == TAG_PREFIX and parts[2] in PLATFORM_TEMPLATES:
        return parts[2]
    return None


def digest(value: Any) -> str:
    """A short, stable hash of a JSON value (plans compare these, never the values)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def get_path(document: Any, path: JsonPath) -> Any:
    for part in path:
        if isinstance(part, int):
            if not isinstance(document, list) or part >= len(document):
                return None
        elif not isinstance(document, Mapping):
            return None
        document = document[part] if isinstance(part, int) else document.get(part)
    return document


def flatten(value: Any, prefix: JsonPath = ()) -> dict[JsonPath, Any]:
    """Leaf paths of a JSON value (empty containers are leaves)."""
    if isinstance(value, Mapping) and value:
        out: dict[JsonPath, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, (*prefix, str(key))))
        return out
    if isinstance(value, list) and value:
        out = {}
        for index, item in enumerate(value):
            out.update(flatten(item, (*prefix, index)))
        return out
    return {prefix: value}


# --------------------------------------------------------------------------------------------
# desired state
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DesiredSource:
    """A source we create and keep in shape, identified by its reserved name."""

    platform: str
    name: str
    workspace_id: str
    definition_id: str
    config: Mapping[str, Any] = field(repr=False)  # holds secrets: never printed or saved
    secret_paths: tuple[JsonPath, ...] = ()
    variables: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"source:{self.platform}"

    def secret_fingerprint(self) -> str:
        """A salted digest of the secret values only (the API masks them, so this is compared)."""
        secrets = {
            format_path(p): get_path(self.config, p) for p in sorted(self.secret_paths, key=str)
        }
        salt = f"{self.workspace_id}/{self.name}/"
        return fingerprint(salt + json.dumps(secrets, sort_keys=True, default=str))

    def redacted_config(self) -> JsonDict:
        config: JsonDict = json.loads(json.dumps(self.config))
        for path in self.secret_paths:
            parent = get_path(config, path[:-1]) if len(path) > 1 else config
            if (isinstance(parent, dict) and path[-1] in parent) or (
                isinstance(parent, list) and isinstance(path[-1], int)
            ):
                parent[path[-1]] = AIRBYTE_MASK  # type: ignore[index]
        return config

    def payload(self) -> JsonDict:
        """The configuration to send: secrets included, fingerprint attached."""
        return {**json.loads(json.dumps(self.config)), FINGERPRINT_KEY: self.secret_fingerprint()}

    def digest(self) -> str:
        return digest(
            [self.name, self.definition_id, self.redacted_config(), self.secret_fingerprint()]
        )


@dataclass(frozen=True)
class SourceRef:
    """Where a connection's source comes from: ``explicit`` (``..._SOURCE_ID``), ``managed``
    (a :class:`DesiredSource` of the same unit) or ``template`` (the template connection's own
    source, when it lives in the tenant's workspace)."""

    how: SourceHow
    platform: str
    source_id: str | None = None
    variable: str | None = None


@dataclass(frozen=True)
class DesiredConnection:
    template: str
    name: str
    status: ConnectionStatus
    namespace: str
    prefix: str
    schedule: Mapping[str, Any]
    streams: tuple[Mapping[str, Any], ...]
    source: SourceRef
    destination_id: str
    id_variable: str
    connection_id: str | None = None
    source_catalog_id: str | None = None
    operations: tuple[Mapping[str, Any], ...] = ()
    operation_ids: tuple[str, ...] = ()  # reusable as-is only inside the template's workspace
    operations_workspace_id: str | None = None
    non_breaking_changes: str | None = None
    # template connections keep whatever operations the operator attached to them
    manage_operations: bool = True

    @property
    def key(self) -> str:
        return f"connection:{self.template}"

    @property
    def tag(self) -> str:
        return tag_name(self.template)

    def managed(self) -> JsonDict:
        """The fields we manage, in normal form (compare with :func:`observed_managed`)."""
        view: JsonDict = {
            "name": self.name,
            "status": self.status,
            "namespace": normal_namespace(
                "customformat" if self.namespace else "destination", self.namespace
            ),
            "prefix": self.prefix,
            "schedule": normal_schedule(self.schedule),
            "streams": normal_streams(self.streams),
        }
        if self.non_breaking_changes:
            view["nonBreakingChangesPreference"] = self.non_breaking_changes
        return view

    def digest(self) -> str:
        return digest(
            [
                self.managed(),
                self.source.how,
                self.source.source_id,
                self.destination_id,
                self.connection_id,
                [dict(o) for o in self.operations],
            ]
        )


@dataclass(frozen=True)
class DesiredUnit:
    """Everything one tenant (or the template workspace) should have."""

    unit: str
    env_prefix: str
    workspace_id: str
    destination_id: str
    destination_variable: str
    bucket: str | None = None
    sources: tuple[DesiredSource, ...] = ()
    connections: tuple[DesiredConnection, ...] = ()
    problems: tuple[str, ...] = ()
    # connection template -> why it cannot be planned (render-time problem)
    connection_problems: Mapping[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# observed state
# --------------------------------------------------------------------------------------------
@dataclass
class Observed:
    """One workspace as read by :mod:`.observe`; apply keeps it current after each write."""

    workspace_id: str
    connections: list[JsonDict] = field(default_factory=list)
    sources: list[JsonDict] = field(default_factory=list)
    tags: list[JsonDict] = field(default_factory=list)
    destinations: dict[str, JsonDict | None] = field(default_factory=dict)
    operations: dict[str, list[JsonDict]] = field(default_factory=dict)

    def tag_id(self, name: str) -> str | None:
        return next((str(t["tagId"]) for t in self.tags if t.get("name") == name), None)

    def source(self, source_id: str | None) -> JsonDict | None:
        return next((s for s in self.sources if s.get("sourceId") == source_id), None)

    def connection(self, connection_id: str | None) -> JsonDict | None:
        wanted = (connection_id or "").lower()
        return next(
            (c for c in self.connections if str(c.get("connectionId", "")).lower() == wanted), None
        )

    def tagged(self, tag: str, destination_id: str) -> list[JsonDict]:
        return sorted(
            (
                c
                for c in self.connections
                if tag in tag_names(c) and str(c.get("destinationId", "")).lower() == destination_id
            ),
            key=lambda c: (c.get("created_at") or 0, str(c.get("connectionId"))),
        )

    def sources_named(self, name: str) -> list[JsonDict]:
        return sorted(
            (s for s in self.sources if s.get("name") == name),
            key=lambda s: (s.get("createdAt") or 0, str(s.get("sourceId"))),
        )


def tag_names(connection: Mapping[str, Any]) -> set[str]:
    names: set[str] = set()
    for tag in connection.get("tags") or ():
        name = tag.get("name") if isinstance(tag, Mapping) else tag
        if isinstance(name, str):
            names.add(name)
    return names


# --------------------------------------------------------------------------------------------
# normal forms
# --------------------------------------------------------------------------------------------
def normal_namespace(definition: str | None, namespace_format: str | None) -> JsonDict:
    definition = definition or "source"
    if definition == "customformat" and namespace_format:
        return {"definition": "customformat", "format": namespace_format}
    if definition == "customformat":  # blank format behaves like "destination"
        return {"definition": "destination"}
    return {"definition": definition}


def normal_cron(expression: str, zone: str) -> str:
    """Collapse blanks and drop a trailing copy of the zone (the public API appends ``" UTC"``)."""
    parts = str(expression).split()
    if len(parts) > 6 and parts[-1] == zone:
        parts = parts[:-1]
    return " ".join(parts)


def normal_schedule(schedule: Mapping[str, Any]) -> JsonDict:
    kind = schedule.get("scheduleType") or "manual"
    data = schedule.get("scheduleData") or {}
    if kind == "cron":
        cron = data.get("cron") or {}
        zone = str(cron.get("cronTimeZone") or "")
        return {
            "type": "cron",
            "cron": normal_cron(str(cron.get("cronExpression") or ""), zone),
            "timezone": zone,
        }
    if kind == "basic":
        basic = data.get("basicSchedule") or {}
        return {"type": "basic", "units": basic.get("units"), "time_unit": basic.get("timeUnit")}
    return {"type": "manual"}


def stream_key(item: Mapping[str, Any]) -> str:
    stream = item.get("stream") or {}
    namespace = stream.get("namespace")
    return f"{namespace}.{stream.get('name')}" if namespace else str(stream.get("name"))


# the per-stream settings whose change makes Airbyte delete that stream's state on update
STATE_FIELDS = ("syncMode", "cursorField", "primaryKey", "destinationSyncMode")


def normal_streams(items: Iterable[Mapping[str, Any]]) -> dict[str, JsonDict]:
    """Selected streams only (Airbyte stores nothing else), with their state-bearing settings."""
    out: dict[str, JsonDict] = {}
    for item in items:
        config = item.get("config") or {}
        if not config.get("selected"):
            continue
        view: JsonDict = {
            "syncMode": config.get("syncMode"),
            "destinationSyncMode": config.get("destinationSyncMode"),
            "cursorField": list(config.get("cursorField") or []),
            "primaryKey": [list(k) for k in config.get("primaryKey") or []],
        }
        if config.get("fieldSelectionEnabled"):
            view["selectedFields"] = sorted(
                ".".join(f.get("fieldPath") or []) for f in config.get("selectedFields") or []
            )
        out[stream_key(item)] = view
    return out


def observed_managed(connection: Mapping[str, Any], with_non_breaking: bool) -> JsonDict:
    view: JsonDict = {
        "name": connection.get("name"),
        "status": connection.get("status"),
        "namespace": normal_namespace(
            connection.get("namespaceDefinition"), connection.get("namespaceFormat")
        ),
        "prefix": connection.get("prefix") or "",
        "schedule": normal_schedule(connection),
        "streams": normal_streams((connection.get("syncCatalog") or {}).get("streams") or []),
    }
    if with_non_breaking:
        view["nonBreakingChangesPreference"] = connection.get("nonBreakingChangesPreference")
    return view


def operation_specs(operations: Sequence[Mapping[str, Any]]) -> list[JsonDict]:
    """Operations by content (ids differ per workspace): name and operator configuration."""
    return [
        {"name": o.get("name"), "operatorConfiguration": o.get("operatorConfiguration")}
        for o in operations
    ]


@dataclass(frozen=True)
class TemplateSnapshot:
    """A template connection as read once per run: what every tenant's clone copies."""

    template: str
    variable: str
    connection_id: str | None
    workspace_id: str | None = None
    source_id: str | None = None
    source_definition_id: str | None = None
    platform: str | None = None
    streams: tuple[Mapping[str, Any], ...] = ()
    source_catalog_id: str | None = None
    operations: tuple[Mapping[str, Any], ...] = ()
    operation_ids: tuple[str, ...] = ()
    non_breaking_changes: str | None = None
    error: str | None = None

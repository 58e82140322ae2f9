"""Apply: the only module that writes. It executes one unit's plan in dependency order.

Tags, then sources, then connections. Secrets are taken from the freshly rendered desired state
(plans never hold them). A create whose answer was lost (``may_have_been_applied``: a timeout or
a gateway error after the server may have acted) is never blindly repeated: the workspace is
listed again and the resource carrying our key is adopted, so a crash between a write and its
reply converges instead of duplicating. An update that would delete stream state is refused
(``blocked``) unless ``allow_state_reset`` is set. The :class:`~.model.Observed` state is kept
current after every write, so the next unit of the same workspace plans on what is there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from airbyte_provisioning.api import AirbyteApiError, AirbyteClient, AirbyteConflictError
from airbyte_provisioning.reconcile.model import (
    TAG_COLOR,
    DesiredConnection,
    DesiredSource,
    DesiredUnit,
    JsonDict,
    Observed,
)
from airbyte_provisioning.reconcile.plan import Action, UnitPlan

OK_RESULTS = ("created", "updated", "adopted", "noop")


@dataclass
class Outcome:
    kind: str
    key: str
    result: str  # created | updated | adopted | noop | blocked | failed | skipped
    resource_id: str | None = None
    message: str | None = None
    persist: str | None = None
    changes: list[JsonDict] = field(default_factory=list)
    resets_state: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result in OK_RESULTS

    def to_dict(self) -> JsonDict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [], "")}


class Applier:
    """Applies unit plans to one workspace (one instance per workspace, used by one thread)."""

    def __init__(
        self, client: AirbyteClient, observed: Observed, *, allow_state_reset: bool = False
    ) -> None:
        self.client = client
        self.observed = observed
        self.allow_state_reset = allow_state_reset

    @property
    def workspace_id(self) -> str:
        return self.observed.workspace_id

    def apply_unit(self, desired: DesiredUnit, plan: UnitPlan) -> list[Outcome]:
        sources = {s.key: s for s in desired.sources}
        connections = {c.key: c for c in desired.connections}
        source_ids: dict[str, str | None] = {}
        failed_platforms: set[str] = set()
        outcomes: list[Outcome] = []
        rank = {"tag": 0, "source": 1, "connection": 2}
        for action in sorted(plan.actions, key=lambda a: rank.get(a.kind, 3)):
            try:
                if action.action == "error":
                    outcome = Outcome(action.kind, action.key, "failed", message=action.reason)
                elif action.kind == "tag":
                    outcome = self._tag(action)
                elif action.kind == "source":
                    source = sources[action.key]
                    outcome = self._source(action, source)
                    source_ids[source.platform] = outcome.resource_id
                elif action.kind == "connection":
                    connection = connections[action.key]
                    if connection.source.platform in failed_platforms:
                        outcome = Outcome(
                            "connection",
                            action.key,
                            "skipped",
                            message=f"its {connection.source.platform} source could not be written",
                        )
                    else:
                        source_id = (
                            source_ids.get(connection.source.platform)
                            if connection.source.how == "managed"
                            else connection.source.source_id
                        )
                        outcome = self._connection(action, connection, str(source_id))
                else:
                    raise ValueError(f"unknown action kind {action.kind!r}")
            except AirbyteApiError as exc:
                outcome = Outcome(action.kind, action.key, "failed", message=str(exc))
            outcome.changes, outcome.resets_state = action.changes, action.resets_state
            if action.kind == "source" and not outcome.ok:
                failed_platforms.add(sources[action.key].platform)
            outcomes.append(outcome)
        return outcomes

    # ---------------------------------------------------------------------------------------
    # tags
    # ---------------------------------------------------------------------------------------
    def _tag(self, action: Action) -> Outcome:
        name = str(action.name)
        existing = self.observed.tag_id(name)
        if existing:
            return Outcome("tag", action.key, "noop", existing)
        ident, result = self.ensure_tag(name)
        return Outcome("tag", action.key, result, ident)

    def ensure_tag(self, name: str) -> tuple[str, str]:
        """The tag's id, creating it once; a conflict or a lost answer re-lists and adopts."""
        existing = self.observed.tag_id(name)
        if existing:
            return existing, "noop"
        try:
            created = self.client.create_tag(self.workspace_id, name, TAG_COLOR)
        except AirbyteApiError as exc:
            if not (isinstance(exc, AirbyteConflictError) or exc.may_have_been_applied):
                raise
            self.observed.tags = self.client.list_tags(self.workspace_id)
            found = self.observed.tag_id(name)
            if found is None:
                raise
            return found, "adopted"
        self.observed.tags.append(created)
        return str(created["tagId"]), "created"

    def _tag_object(self, name: str) -> JsonDict:
        ident, _ = self.ensure_tag(name)
        return next(dict(t) for t in self.observed.tags if str(t.get("tagId")) == ident)

    # ---------------------------------------------------------------------------------------
    # sources
    # ---------------------------------------------------------------------------------------
    def _source(self, action: Action, source: DesiredSource) -> Outcome:
        if action.action == "noop":
            return Outcome("source", action.key, "noop", action.resource_id)
        if action.action == "update":
            read = self.client.update_source(str(action.resource_id), source.name, source.payload())
            self._remember(self.observed.sources, "sourceId", read)
            return Outcome("source", action.key, "updated", action.resource_id)
        try:
            read = self.client.create_source(
                self.workspace_id, source.definition_id, source.name, source.payload()
            )
        except AirbyteApiError as exc:
            if not exc.may_have_been_applied:
                raise
            self.observed.sources = self.client.list_sources(self.workspace_id, page_size=100)
            matches = self.observed.sources_named(source.name)
            if not matches:
                raise
            return Outcome(
                "source",
                action.key,
                "adopted",
                str(matches[0]["sourceId"]),
                message="the create's answer was lost; the source it made was found and adopted",
            )
        self.observed.sources.append(read)
        return Outcome("source", action.key, "created", str(read["sourceId"]))

    # ---------------------------------------------------------------------------------------
    # connections
    # ---------------------------------------------------------------------------------------
    def _connection(self, action: Action, connection: DesiredConnection, source_id: str) -> Outcome:
        key = action.key
        if action.action == "noop":
            return Outcome("connection", key, "noop", action.resource_id, persist=action.persist)
        if action.resets_state and not self.allow_state_reset:
            return Outcome(
                "connection",
                key,
                "blocked",
                action.resource_id,
                message=(
                    "this update would make Airbyte delete the sync state of "
                    f"{', '.join(action.resets_state)} (the next sync re-reads them from the start "
                    "date); review the plan, then re-run with --allow-state-reset"
                ),
                persist=action.persist,
            )
        if action.action == "create":
            return self._create_connection(action, connection, source_id)
        fields = {str(c["field"]).split(".", 1)[0] for c in action.changes}
        current = self.observed.connection(action.resource_id) or {}
        patch = self._patch(connection, fields, current)
        read = self.client.update_connection(str(action.resource_id), patch)
        self._remember(self.observed.connections, "connectionId", read)
        result = "adopted" if action.action == "adopt" else "updated"
        return Outcome("connection", key, result, action.resource_id, persist=action.persist)

    def _create_connection(
        self, action: Action, connection: DesiredConnection, source_id: str
    ) -> Outcome:
        body: JsonDict = {
            "sourceId": source_id,
            "destinationId": connection.destination_id,
            "status": connection.status,
            "name": connection.name,
            "prefix": connection.prefix,
            **namespace_fields(connection),
            **dict(connection.schedule),
            "syncCatalog": {"streams": [dict(s) for s in connection.streams]},
            "tags": [self._tag_object(connection.tag)],
        }
        if connection.manage_operations:
            body["operationIds"] = self._operation_ids(connection)
        if connection.source_catalog_id:
            body["sourceCatalogId"] = connection.source_catalog_id
        if connection.non_breaking_changes:
            body["nonBreakingChangesPreference"] = connection.non_breaking_changes
        try:
            read = self.client.create_connection(body)
        except AirbyteApiError as exc:
            if not exc.may_have_been_applied:
                raise
            self.observed.connections = self.client.list_connections(self.workspace_id)
            hits = self.observed.tagged(connection.tag, connection.destination_id)
            if not hits:
                raise
            ident = str(hits[0]["connectionId"])
            return Outcome(
                "connection",
                action.key,
                "adopted",
                ident,
                message="the create's answer was lost; the connection it made was found and adopted",
                persist=f"{connection.id_variable}={ident}",
            )
        self.observed.connections.append(read)
        ident = str(read["connectionId"])
        return Outcome(
            "connection",
            action.key,
            "created",
            ident,
            persist=f"{connection.id_variable}={ident}",
        )

    def _patch(
        self, connection: DesiredConnection, fields: set[str], current: Mapping[str, Any]
    ) -> JsonDict:
        """Only what changed: ``connections/update`` is a patch, and a ``syncCatalog`` in it
        makes Airbyte re-evaluate (and possibly delete) stream state."""
        patch: JsonDict = {}
        if "name" in fields:
            patch["name"] = connection.name
        if "status" in fields:
            patch["status"] = connection.status
        if "prefix" in fields:
            patch["prefix"] = connection.prefix
        if "namespace" in fields:
            patch.update(namespace_fields(connection))
        if "schedule" in fields:
            patch.update(dict(connection.schedule))
        if "streams" in fields:
            patch["syncCatalog"] = {"streams": [dict(s) for s in connection.streams]}
            if connection.source_catalog_id:
                patch["sourceCatalogId"] = connection.source_catalog_id
        if "nonBreakingChangesPreference" in fields and connection.non_breaking_changes:
            patch["nonBreakingChangesPreference"] = connection.non_breaking_changes
        if "operations" in fields:
            patch["operationIds"] = self._operation_ids(connection)
        if "tags" in fields:
            kept = [dict(t) for t in current.get("tags") or [] if isinstance(t, Mapping)]
            patch["tags"] = [*kept, self._tag_object(connection.tag)]
        return patch

    def _operation_ids(self, connection: DesiredConnection) -> list[str]:
        """The template's operations: the same ids in its own workspace, copies elsewhere."""
        if connection.operations_workspace_id == self.workspace_id:
            return list(connection.operation_ids)
        ids = []
        for operation in connection.operations:
            created = self.client.create_operation(
                self.workspace_id,
                str(operation.get("name")),
                dict(operation.get("operatorConfiguration") or {}),
            )
            ids.append(str(created["operationId"]))
        return ids

    @staticmethod
    def _remember(items: list[JsonDict], id_key: str, read: JsonDict) -> None:
        for index, item in enumerate(items):
            if item.get(id_key) == read.get(id_key):
                items[index] = read
                return
        items.append(read)


def namespace_fields(connection: DesiredConnection) -> JsonDict:
    if connection.namespace:
        return {"namespaceDefinition": "customformat", "namespaceFormat": connection.namespace}
    return {"namespaceDefinition": "destination"}

"""Apply: the only module that writes. It executes one unit's plan in dependency order.

Tags, then sources, then connections. Secrets are taken from the freshly rendered desired state
(plans never hold them). An update that would delete stream state is refused (``blocked``)
unless ``allow_state_reset`` is set. The :class:`~.model.Observed` state is kept current after
every write, so the next unit of the same workspace plans on what is there.

**Unknown outcomes are resolved in the same run.** The client retries every transient failure of
reads and updates itself (updates are patches or full replaces: sending one twice is harmless).
A create is different: after a 5xx, a dropped connection or a lost answer it may or may not
have been applied (``may_have_been_applied``), and the Config API has no idempotency key. So
apply waits (the client's backoff, which also lets a write still in flight land), reads again
what the create targets (the workspace's tags, its sources by our reserved name and connector,
its connections by our tag and the tenant's destination), adopts what carries our key, and
otherwise writes again, at most :data:`RECOVERY_WRITES` times. Recovery never deletes anything
and never adopts a resource without our key; each outcome says what was recovered
(``recovered``: ``adopted`` or ``rewritten``). When Airbyte itself is gone
(:class:`~airbyte_provisioning.api.AirbyteUnreachableError`) nothing is retried: the error stops
the run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

from airbyte_provisioning.api import (
    AirbyteApiError,
    AirbyteClient,
    AirbyteConflictError,
    AirbyteUnreachableError,
)
from airbyte_provisioning.core.types import JsonDict
from airbyte_provisioning.reconcile.model import (
    TAG_COLOR,
    DesiredConnection,
    DesiredSource,
    DesiredUnit,
    Observed,
)
from airbyte_provisioning.reconcile.plan import Action, ResourceKind, UnitPlan

# what happened to one planned resource: written or already right (ok), refused because it would
# delete sync state (blocked), failed, or not attempted because its source failed (skipped)
OutcomeResult = Literal["created", "updated", "adopted", "noop", "blocked", "failed", "skipped"]
OK_RESULTS: tuple[OutcomeResult, ...] = ("created", "updated", "adopted", "noop")
_APPLY_ORDER: dict[ResourceKind, int] = {"tag": 0, "source": 1, "connection": 2}
# how a create with an unknown outcome was resolved: what it made was found (adopted), or it
# had made nothing and was sent again (rewritten)
Recovery = Literal["adopted", "rewritten"]
# a create whose outcome stays unknown is sent at most this many times in one run
RECOVERY_WRITES = 4


class UnresolvedWriteError(AirbyteApiError):
    """A create's outcome stayed unknown after :data:`RECOVERY_WRITES` attempts."""


@dataclass
class Outcome:
    kind: ResourceKind
    key: str
    result: OutcomeResult
    resource_id: str | None = None
    message: str | None = None
    persist: str | None = None
    changes: list[JsonDict] = field(default_factory=list)
    resets_state: list[str] = field(default_factory=list)
    recovered: Recovery | None = None

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
        for action in sorted(plan.actions, key=lambda a: _APPLY_ORDER.get(a.kind, 3)):
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
            except AirbyteUnreachableError:
                raise
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
        ident, result, recovered = self.ensure_tag(name)
        return Outcome("tag", action.key, result, ident, recovered=recovered)

    def ensure_tag(self, name: str) -> tuple[str, OutcomeResult, Recovery | None]:
        """The tag's id, creating it once; a conflict or a lost answer re-lists and adopts."""
        existing = self.observed.tag_id(name)
        if existing:
            return existing, "noop", None

        def find() -> JsonDict | None:
            self.observed.tags = self.client.list_tags(self.workspace_id)
            return next((t for t in self.observed.tags if t.get("name") == name), None)

        read, recovered = self._resolved(
            f"tag {name}",
            lambda: self.client.create_tag(self.workspace_id, name, TAG_COLOR),
            find,
            conflict_means_exists=True,
        )
        if recovered == "adopted":
            return str(read["tagId"]), "adopted", recovered
        self.observed.tags.append(read)
        return str(read["tagId"]), "created", recovered

    def _tag_object(self, name: str) -> JsonDict:
        ident, _, _ = self.ensure_tag(name)
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

        def find() -> JsonDict | None:
            self.observed.sources = self.client.list_sources(self.workspace_id, page_size=100)
            ours = [
                s
                for s in self.observed.sources_named(source.name)
                if s.get("sourceDefinitionId") == source.definition_id
            ]
            return ours[0] if ours else None

        read, recovered = self._resolved(
            f"source {source.name}",
            lambda: self.client.create_source(
                self.workspace_id, source.definition_id, source.name, source.payload()
            ),
            find,
        )
        if recovered != "adopted":
            self.observed.sources.append(read)
        return Outcome(
            "source",
            action.key,
            "adopted" if recovered == "adopted" else "created",
            str(read["sourceId"]),
            recovered=recovered,
        )

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
        result: OutcomeResult = "adopted" if action.action == "adopt" else "updated"
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

        def find() -> JsonDict | None:
            self.observed.connections = self.client.list_connections(self.workspace_id)
            hits = self.observed.tagged(connection.tag, connection.destination_id)
            return hits[0] if hits else None

        read, recovered = self._resolved(
            f"connection {connection.name}",
            lambda: self.client.create_connection(body),
            find,
        )
        if recovered != "adopted":
            self.observed.connections.append(read)
        ident = str(read["connectionId"])
        return Outcome(
            "connection",
            action.key,
            "adopted" if recovered == "adopted" else "created",
            ident,
            persist=f"{connection.id_variable}={ident}",
            recovered=recovered,
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
            name = str(operation.get("name"))
            config = dict(operation.get("operatorConfiguration") or {})
            # operations cannot be listed by workspace: a lost one stays unattached (and unused)
            created, _ = self._resolved(
                f"operation {name}",
                partial(self.client.create_operation, self.workspace_id, name, config),
                lambda: None,
            )
            ids.append(str(created["operationId"]))
        return ids

    # ---------------------------------------------------------------------------------------
    # unknown outcomes
    # ---------------------------------------------------------------------------------------
    def _resolved(
        self,
        what: str,
        create: Callable[[], JsonDict],
        find: Callable[[], JsonDict | None],
        *,
        conflict_means_exists: bool = False,
    ) -> tuple[JsonDict, Recovery | None]:
        """``create()``'s answer; when its outcome is unknown, what ``find()`` (a fresh read of
        what the create targets, keeping only what carries our key) returns after a backoff,
        else ``create()`` again, at most :data:`RECOVERY_WRITES` sends in all."""
        unknown = 0
        while True:
            try:
                read = create()
            except AirbyteApiError as exc:
                conflict = conflict_means_exists and isinstance(exc, AirbyteConflictError)
                if isinstance(exc, AirbyteUnreachableError) or not (
                    exc.may_have_been_applied or conflict
                ):
                    raise
                unknown += 1
                retry = self.client.retry
                retry.sleep(retry.delay(unknown))
                found = find()
                if found is not None:
                    return found, "adopted"
                if unknown >= RECOVERY_WRITES:
                    raise UnresolvedWriteError(
                        f"{what}: {unknown} creates ended without a known outcome and nothing "
                        f"carrying our key was found after them ({exc.message}); nothing was "
                        "duplicated: run again once Airbyte answers reliably",
                        status=exc.status,
                        endpoint=exc.endpoint,
                        attempts=unknown,
                    ) from None
                continue
            return read, ("rewritten" if unknown else None)

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

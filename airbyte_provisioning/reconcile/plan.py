"""Plan (pure): desired vs observed state becomes a serializable :class:`Plan`.

Each unit (tenant) gets a list of :class:`Action` items (``tag``, ``source``, ``connection``),
each ``create``, ``update``, ``adopt`` (an existing connection gains our tag), ``noop`` or
``error``, with field-level ``changes``. Secrets never appear: a managed source's secrets are
compared through their fingerprint and shown as ``secret changed``. An update that would make
Airbyte delete stream state (a stream deselected, or its sync mode, cursor, primary key or
destination sync mode changed) lists those streams in ``resets_state``; apply refuses it unless
told otherwise. Each action carries digests of what it was planned from, so a saved plan can be
checked against a fresh one before it is applied.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableSet
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from airbyte_provisioning.core.types import JsonDict
from airbyte_provisioning.reconcile.diff import config_changes, diff_fields, resets_for
from airbyte_provisioning.reconcile.model import (
    FINGERPRINT_KEY,
    DesiredConnection,
    DesiredSource,
    DesiredUnit,
    Observed,
    digest,
    observed_managed,
    operation_specs,
    tag_names,
)

PLAN_FORMAT = 1
# what an action is about; apply handles them in this order
ResourceKind = Literal["tag", "source", "connection"]
# what apply will do: write (create, update, adopt: tag an existing connection), nothing, or refuse
ActionType = Literal["create", "update", "adopt", "noop", "error"]
PENDING: tuple[ActionType, ...] = ("create", "update", "adopt")
BUCKET_KEYS = ("s3_bucket_name", "gcs_bucket_name", "bucket_name", "bucket")


@dataclass
class Action:
    kind: ResourceKind
    key: str
    action: ActionType
    name: str | None = None
    resource_id: str | None = None
    found_by: str | None = None
    changes: list[JsonDict] = field(default_factory=list)
    resets_state: list[str] = field(default_factory=list)
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)
    persist: str | None = None
    desired_digest: str | None = None
    observed_digest: str | None = None

    @property
    def pending(self) -> bool:
        return self.action in PENDING

    def to_dict(self) -> JsonDict:
        return {k: v for k, v in asdict(self).items() if v not in (None, [], "")}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Action:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})

    def fingerprint(self) -> JsonDict:
        """What must be identical between a saved plan and a fresh one to apply the saved one."""
        return {
            "key": self.key,
            "action": self.action,
            "resource_id": self.resource_id,
            "changes": self.changes,
            "resets_state": self.resets_state,
            "desired": self.desired_digest,
            "observed": self.observed_digest,
        }


@dataclass
class UnitPlan:
    unit: str
    workspace_id: str
    problems: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(a.action != "error" for a in self.actions)

    @property
    def pending(self) -> list[Action]:
        return [a for a in self.actions if a.pending]

    def to_dict(self) -> JsonDict:
        return {
            "unit": self.unit,
            "workspace_id": self.workspace_id,
            "status": "ok" if self.ok else "error",
            "problems": self.problems,
            "actions": [a.to_dict() for a in self.actions],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UnitPlan:
        return cls(
            unit=str(data["unit"]),
            workspace_id=str(data["workspace_id"]),
            problems=list(data.get("problems") or []),
            actions=[Action.from_dict(a) for a in data.get("actions") or []],
        )

    def fingerprint(self) -> JsonDict:
        return {
            "workspace_id": self.workspace_id,
            "problems": self.problems,
            "actions": [a.fingerprint() for a in self.actions],
        }


@dataclass
class Plan:
    command: str
    created_at: str
    units: list[UnitPlan] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {"create": 0, "update": 0, "adopt": 0, "noop": 0, "error": 0, "resets_state": 0}
        for unit in self.units:
            for action in unit.actions:
                out[action.action] = out.get(action.action, 0) + 1
                out["resets_state"] += bool(action.resets_state)
        return out

    @property
    def has_changes(self) -> bool:
        return any(unit.pending for unit in self.units)

    def to_dict(self) -> JsonDict:
        return {
            "format": PLAN_FORMAT,
            "command": self.command,
            "created_at": self.created_at,
            "counts": self.counts(),
            "units": [u.to_dict() for u in self.units],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        if data.get("format") != PLAN_FORMAT:
            raise ValueError(
                f"unsupported plan format {data.get('format')!r} (this version writes {PLAN_FORMAT})"
            )
        return cls(
            command=str(data.get("command")),
            created_at=str(data.get("created_at")),
            units=[UnitPlan.from_dict(u) for u in data.get("units") or []],
        )


# --------------------------------------------------------------------------------------------
# planning
# --------------------------------------------------------------------------------------------
def plan_unit(
    desired: DesiredUnit, observed: Observed, planned_tags: MutableSet[str] | None = None
) -> UnitPlan:
    """Compare one unit with its workspace; ``planned_tags`` dedupes tags shared by the units of
    one workspace (the first unit that needs a tag plans it)."""
    plan = UnitPlan(desired.unit, desired.workspace_id, list(desired.problems))
    if plan.problems:
        return plan
    plan.problems.extend(_destination_problems(desired, observed))
    if plan.problems:
        return plan
    planned = planned_tags if planned_tags is not None else set()
    for connection in desired.connections:
        if connection.tag in planned:
            continue
        planned.add(connection.tag)
        tag_id = observed.tag_id(connection.tag)
        plan.actions.append(
            Action(
                kind="tag",
                key=f"tag:{connection.tag}",
                action="noop" if tag_id else "create",
                name=connection.tag,
                resource_id=tag_id,
                desired_digest=digest(connection.tag),
                observed_digest=digest(tag_id),
            )
        )
    source_ids: dict[str, str | None] = {}
    for source in desired.sources:
        action = _plan_source(source, desired, observed)
        source_ids[source.platform] = action.resource_id
        plan.actions.append(action)
    for connection in desired.connections:
        plan.actions.append(_plan_connection(connection, desired, observed, source_ids))
    for template, reason in desired.connection_problems.items():
        plan.actions.append(
            Action(kind="connection", key=f"connection:{template}", action="error", reason=reason)
        )
    return plan


def _destination_problems(desired: DesiredUnit, observed: Observed) -> list[str]:
    variable, ident = desired.destination_variable, desired.destination_id
    read = observed.destinations.get(ident)
    if read is None:
        return [
            f"{variable}={ident}: no such destination; create it in Airbyte or fix the variable"
        ]
    if str(read.get("workspaceId", "")).lower() != desired.workspace_id:
        return [
            f"{variable}={ident} belongs to workspace {read.get('workspaceId')}, not to "
            f"{desired.env_prefix}WORKSPACE_ID={desired.workspace_id}: fix one of the two"
        ]
    config = read.get("connectionConfiguration") or {}
    buckets = {k: config[k] for k in BUCKET_KEYS if isinstance(config.get(k), str)}
    if desired.bucket and buckets and desired.bucket not in buckets.values():
        key, value = next(iter(buckets.items()))
        return [
            f"destination {ident} writes to bucket {value!r} ({key}) but "
            f"{desired.env_prefix}DESTINATION_BUCKET (or AIRBYTE_DEFAULT_DESTINATION_BUCKET) says "
            f"{desired.bucket!r}: destinations are not changed by this tool; fix the one that is wrong"
        ]
    return []


def _plan_source(source: DesiredSource, desired: DesiredUnit, observed: Observed) -> Action:
    action = Action(kind="source", key=source.key, action="create", name=source.name)
    action.desired_digest = source.digest()
    matches = observed.sources_named(source.name)
    found_by = f"name {source.name}"
    if not matches:
        adopted = _source_through_connection(source, desired, observed)
        if adopted is not None:
            matches, found_by = [adopted[0]], adopted[1]
    if not matches:
        action.changes = diff_fields(
            {}, {"name": source.name, "config": source.redacted_config(), "secrets": "set"}
        )
        action.observed_digest = digest(None)
        return action
    read = matches[0]
    if len(matches) > 1:
        extra = ", ".join(str(m.get("sourceId")) for m in matches[1:])
        action.warnings.append(
            f"{len(matches)} sources are named {source.name!r}: using the oldest, "
            f"{read.get('sourceId')}; delete the others ({extra}) once no connection uses them"
        )
    action.resource_id, action.found_by = str(read.get("sourceId")), found_by
    config = read.get("connectionConfiguration") or {}
    action.observed_digest = digest([read.get("sourceId"), read.get("name"), config])
    if read.get("sourceDefinitionId") != source.definition_id:
        action.action = "error"
        action.reason = (
            f"source {read.get('sourceId')} ({source.name}) uses definition "
            f"{read.get('sourceDefinitionId')}, not {source.definition_id}; Airbyte cannot change "
            "a source's connector: delete or rename it so a new one is created"
        )
        return action
    changes = diff_fields(read.get("name"), source.name, "name")
    changes += config_changes(source, config)
    stored = config.get(FINGERPRINT_KEY)
    wanted = source.secret_fingerprint()
    if stored != wanted:
        changes.append(
            {
                "field": "secrets",
                "from": stored or "(unknown)",
                "to": wanted,
                "note": "secret changed" if stored else "secret fingerprint not stored yet",
            }
        )
    action.changes = changes
    action.action = "update" if changes else "noop"
    return action


def _source_through_connection(
    source: DesiredSource, desired: DesiredUnit, observed: Observed
) -> tuple[JsonDict, str] | None:
    """A managed connection's source of the right connector, adopted although renamed."""
    for connection in desired.connections:
        if connection.source.how != "managed" or connection.source.platform != source.platform:
            continue
        read, _found_by, _warnings, error = find_connection(connection, desired, observed)
        if read is None or error:
            continue
        linked = observed.source(read.get("sourceId"))
        if linked is not None and linked.get("sourceDefinitionId") == source.definition_id:
            return linked, f"connection {read.get('connectionId')}"
    return None


def find_connection(
    connection: DesiredConnection, desired: DesiredUnit, observed: Observed
) -> tuple[JsonDict | None, str | None, list[str], str | None]:
    """(read, found_by, warnings, error): explicit id first, then tag + destination."""
    if connection.connection_id:
        variable, ident = connection.id_variable, connection.connection_id
        read = observed.connection(ident)
        if read is None:
            return (
                None,
                None,
                [],
                f"{variable}={ident} is not a live connection of workspace {desired.workspace_id} "
                "(deleted, or in another workspace): fix it, or unset it to create the connection",
            )
        if str(read.get("destinationId", "")).lower() != connection.destination_id:
            return (
                None,
                None,
                [],
                f"{variable}={ident} writes to destination {read.get('destinationId')}, not to "
                f"{desired.destination_variable}={connection.destination_id}; Airbyte cannot move "
                "a connection to another destination: fix the id",
            )
        return read, f"explicit id ({variable})", [], None
    hits = observed.tagged(connection.tag, connection.destination_id)
    if not hits:
        return None, None, [], None
    warnings = []
    if len(hits) > 1:
        extra = ", ".join(str(h.get("connectionId")) for h in hits[1:])
        warnings.append(
            f"{len(hits)} connections to destination {connection.destination_id} carry the tag "
            f"{connection.tag!r}: managing the oldest, {hits[0].get('connectionId')}; delete the "
            f"others ({extra}) or set {connection.id_variable}"
        )
    return hits[0], f"tag {connection.tag}", warnings, None


def _expected_source(
    connection: DesiredConnection,
    desired: DesiredUnit,
    observed: Observed,
    source_ids: Mapping[str, str | None],
) -> tuple[str | None, str | None]:
    """(source id or None when it is still to be created, error)."""
    ref = connection.source
    if ref.how == "managed":
        return source_ids.get(ref.platform), None
    if observed.source(ref.source_id) is None:
        if ref.how == "explicit":
            return None, (
                f"{ref.variable}={ref.source_id} is not a source of workspace {desired.workspace_id}: "
                "fix it, or unset it"
            )
        return None, (
            f"the {connection.template} template's source {ref.source_id} is not in workspace "
            f"{desired.workspace_id} any more: re-run provision_meta_google_connectors.py"
        )
    return ref.source_id, None


def _plan_connection(
    connection: DesiredConnection,
    desired: DesiredUnit,
    observed: Observed,
    source_ids: Mapping[str, str | None],
) -> Action:
    action = Action(kind="connection", key=connection.key, action="create", name=connection.name)
    action.desired_digest = connection.digest()
    source_id, error = _expected_source(connection, desired, observed, source_ids)
    read, found_by, warnings, find_error = find_connection(connection, desired, observed)
    action.warnings = warnings
    if error or find_error:
        action.action, action.reason = "error", error or find_error
        return action
    if read is None:
        action.changes = diff_fields({}, {**connection.managed(), "source": connection.source.how})
        action.observed_digest = digest(None)
        return action
    observed_ops = observed.operations.get(str(read.get("connectionId")), [])
    _identify(action, connection, read, found_by, observed_ops)
    if source_id is None or read.get("sourceId") != source_id:
        action.action, action.reason = "error", _wrong_source(connection, read, source_id)
        return action
    action.changes, action.resets_state = _connection_changes(connection, read, observed_ops)
    tagged = connection.tag in tag_names(read)
    action.action = "adopt" if not tagged else ("update" if action.changes else "noop")
    return action


def _identify(
    action: Action,
    connection: DesiredConnection,
    read: Mapping[str, Any],
    found_by: str | None,
    observed_ops: list[JsonDict],
) -> None:
    """Record which existing connection the action manages, and a digest of how it was read."""
    ident = str(read.get("connectionId"))
    action.resource_id, action.found_by = ident, found_by
    if connection.connection_id is None:
        action.persist = f"{connection.id_variable}={ident}"
    action.observed_digest = digest(
        [
            observed_managed(read, True),
            read.get("sourceId"),
            sorted(tag_names(read)),
            read.get("operationIds") or [],
            operation_specs(observed_ops),
        ]
    )


def _wrong_source(
    connection: DesiredConnection, read: Mapping[str, Any], source_id: str | None
) -> str:
    wanted = source_id or f"a new {connection.source.platform} source"
    return (
        f"connection {read.get('connectionId')} reads source {read.get('sourceId')}, but it should "
        f"read {wanted} ({connection.source.how}); Airbyte cannot change a connection's source: "
        "delete the connection (its sync state goes with it) and re-run, or restore the source "
        "setting"
    )


def _connection_changes(
    connection: DesiredConnection, read: Mapping[str, Any], observed_ops: list[JsonDict]
) -> tuple[list[JsonDict], list[str]]:
    """(field changes, streams whose state the update would delete)."""
    before = observed_managed(read, connection.non_breaking_changes is not None)
    after = connection.managed()
    changes = diff_fields(before, after)
    resets: list[str] = []
    if changes and any(c["field"].startswith("streams") for c in changes):
        resets = resets_for(before["streams"], after["streams"])
    if _operations_differ(connection, read, observed_ops):
        changes.append(
            {
                "field": "operations",
                "from": [o.get("name") for o in observed_ops]
                or list(read.get("operationIds") or []),
                "to": [o.get("name") for o in connection.operations],
            }
        )
    if connection.tag not in tag_names(read):
        changes.append(
            {
                "field": "tags",
                "from": sorted(tag_names(read)),
                "to": sorted({*tag_names(read), connection.tag}),
            }
        )
    return changes, resets


def _operations_differ(
    connection: DesiredConnection, read: Mapping[str, Any], observed_ops: list[JsonDict]
) -> bool:
    if not connection.manage_operations:
        return False
    current = list(read.get("operationIds") or [])
    if read.get("workspaceId") == connection.operations_workspace_id:
        return sorted(current) != sorted(connection.operation_ids)
    if not current and not connection.operations:
        return False
    return operation_specs(observed_ops) != operation_specs(connection.operations)

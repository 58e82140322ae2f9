"""``connections/*``.

``connections/update`` is a patch: only the fields sent change. Only selected streams are stored;
``connections/list`` returns everything not deprecated, sorted by name; deleting deprecates.
Tags are stored by id and read back as stored (see :func:`_connection_tags`). Schedules:
:mod:`sandboxes.airbyte.schedules`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from airbyte_provisioning.core.types import JsonDict
from sandboxes.airbyte import jobs
from sandboxes.airbyte.errors import check_enum, invalid_input, known, not_found, require
from sandboxes.airbyte.schedules import apply_schedule
from sandboxes.airbyte.store import DATAPLANE_GROUP_ID, Store

SYNC_MODES = ("full_refresh", "incremental")
DESTINATION_SYNC_MODES = (
    "append",
    "overwrite",
    "append_dedup",
    "overwrite_dedup",
    "update",
    "soft_delete",
)
# the fields a create or an update copies as sent
COPIED_FIELDS = (
    "name", "namespaceDefinition", "namespaceFormat", "prefix", "operationIds", "resourceRequirements",
    "sourceCatalogId", "destinationCatalogId", "dataplaneGroupId", "notifySchemaChanges",
    "notifySchemaChangesByEmail", "nonBreakingChangesPreference", "backfillPreference", "tags", "status",
    "breakingChange",
)  # fmt: skip
ENUMS: dict[str, tuple[str, ...]] = {
    "status": ("active", "inactive", "deprecated"),
    "namespaceDefinition": ("source", "destination", "customformat"),
    "nonBreakingChangesPreference": ("ignore", "disable", "propagate_columns", "propagate_fully"),
    "backfillPreference": ("enabled", "disabled"),
}
_ACTIVE_JOB_STATUSES = ("pending", "running", "incomplete")


def _check_stream(index: int, item: Any) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """``(stream, config)`` of one catalog entry, refused the way the server refuses it."""
    stream, config = (item or {}).get("stream"), (item or {}).get("config")
    if not isinstance(stream, Mapping) or not stream.get("name") or not isinstance(config, Mapping):
        raise invalid_input(
            f"airbyteCatalog.streams[{index}]", "stream.name and config must be set"
        )
    if (
        config.get("syncMode") not in SYNC_MODES
        or config.get("destinationSyncMode") not in DESTINATION_SYNC_MODES
    ):
        raise known(
            422,
            f"Invalid json input. streams[{index}] ({stream['name']}): syncMode must be one of {list(SYNC_MODES)} and destinationSyncMode one of {list(DESTINATION_SYNC_MODES)}",
            "InvalidJsonInputException",
        )
    if config.get("selected") is None:
        # the server unboxes a null Boolean here and answers a 500
        raise known(
            500,
            f"Internal Server Error: Cannot invoke \"java.lang.Boolean.booleanValue()\" because the return value of \"AirbyteStreamConfiguration.getSelected()\" is null (stream {stream['name']})",
            "InternalServerKnownException",
        )
    return stream, config


def _apply_catalog(connection: JsonDict, catalog: Any) -> None:
    if not isinstance(catalog, Mapping) or not isinstance(catalog.get("streams"), list):
        raise invalid_input("airbyteCatalog.streams", "must not be null")
    kept: list[JsonDict] = []
    names: set[tuple[str, str | None]] = set()
    for index, item in enumerate(catalog["streams"]):
        stream, config = _check_stream(index, item)
        key = (str(stream["name"]), stream.get("namespace"))
        if key in names:
            raise known(
                422,
                f"Duplicate stream names found in the catalog: {stream['name']}",
                "BadObjectSchemaKnownException",
            )
        names.add(key)
        if config["selected"]:
            kept.append(copy.deepcopy(dict(item)))
    connection["syncCatalog"] = {"streams": kept}


def _connection_tags(store: Store, connection: JsonDict, tags: Any) -> list[JsonDict]:
    """Tags by id: a known tag must belong to the connection's workspace and reads back as
    stored; an unknown id is kept as sent (the sandbox does not model the tag foreign key)."""
    if not isinstance(tags, list):
        raise invalid_input("connectionCreate.tags", "must be an array of Tag")
    resolved: list[JsonDict] = []
    for index, tag in enumerate(tags):
        if not isinstance(tag, Mapping) or not tag.get("tagId"):
            raise invalid_input(f"connectionCreate.tags[{index}].tagId", "must not be null")
        stored = store.tags.get(str(tag["tagId"]))
        if stored is None:
            resolved.append(copy.deepcopy(dict(tag)))
            continue
        workspace = connection.get("workspaceId")
        if workspace and stored["workspaceId"] != workspace:
            raise known(
                422,
                f"Tag {stored['tagId']} belongs to workspace {stored['workspaceId']}, "
                f"not to the connection's workspace {workspace}",
                "BadObjectSchemaKnownException",
            )
        resolved.append(dict(stored))
    return resolved


def _apply_fields(store: Store, connection: JsonDict, body: JsonDict) -> None:
    for name, allowed in ENUMS.items():
        check_enum(body, name, allowed)
    for operation_id in body.get("operationIds") or []:
        if operation_id not in store.operations:
            raise not_found("STANDARD_SYNC_OPERATION", operation_id)
    for name in COPIED_FIELDS:
        if body.get(name) is not None:
            connection[name] = copy.deepcopy(body[name])
    if body.get("tags") is not None:
        connection["tags"] = _connection_tags(store, connection, body["tags"])
    if body.get("syncCatalog") is not None:
        _apply_catalog(connection, body["syncCatalog"])
    apply_schedule(connection, body)


def create(store: Store, body: JsonDict) -> Any:
    require(body, "connectionCreate", "sourceId", "destinationId", "status")
    source = store.actor(body["sourceId"], "source")
    destination = store.actor(body["destinationId"], "destination")
    if source.workspace_id != destination.workspace_id:
        raise known(
            422,
            "The source and the destination belong to different workspaces",
            "BadObjectSchemaKnownException",
        )
    connection: JsonDict = {
        "connectionId": store.new_id(),
        "name": f"{source.name} <> {destination.name}",
        "namespaceDefinition": "source",
        "prefix": "",
        "sourceId": source.actor_id,
        "destinationId": destination.actor_id,
        "operationIds": [],
        "syncCatalog": {"streams": []},
        "scheduleType": "manual",
        "status": "active",
        "breakingChange": False,
        "notifySchemaChanges": False,
        "notifySchemaChangesByEmail": False,
        "nonBreakingChangesPreference": "ignore",
        "backfillPreference": "disabled",
        "created_at": int(store.now()),
        "workspaceId": source.workspace_id,
        "dataplaneGroupId": DATAPLANE_GROUP_ID,
        "tags": [],
    }
    _apply_fields(store, connection, body)
    store.connections[connection["connectionId"]] = connection
    store.record_write("connections/create")
    return copy.deepcopy(connection)


def update(store: Store, body: JsonDict) -> Any:
    """A patch applied to a copy, stored only when every field was accepted."""
    require(body, "connectionUpdate", "connectionId")
    current = store.connection(body["connectionId"])
    if current["status"] == "deprecated" and body.get("status") not in (None, "deprecated"):
        raise known(
            422, "Deprecated connections cannot be re-activated", "BadObjectSchemaKnownException"
        )
    updated = copy.deepcopy(current)
    _apply_fields(store, updated, body)
    store.connections[updated["connectionId"]] = updated
    store.record_write("connections/update")
    return copy.deepcopy(updated)


def get(store: Store, body: JsonDict) -> Any:
    require(body, "connectionIdRequestBody", "connectionId")
    return copy.deepcopy(store.connection(body["connectionId"]))


def list_connections(store: Store, body: JsonDict) -> Any:
    require(body, "workspaceIdRequestBody", "workspaceId")
    store.workspace(body["workspaceId"])
    found = [
        c
        for c in store.connections.values()
        if c["workspaceId"] == body["workspaceId"] and c["status"] != "deprecated"
    ]
    ordered = sorted(found, key=lambda c: (c["name"], c["connectionId"]))
    return {"connections": copy.deepcopy(ordered)}


def delete(store: Store, body: JsonDict) -> Any:
    require(body, "connectionIdRequestBody", "connectionId")
    store.connection(body["connectionId"])["status"] = "deprecated"
    store.record_write("connections/delete")
    return None


def sync(store: Store, body: JsonDict) -> Any:
    """Start a sync job; it finishes at once with ``store.sync_outcome`` unless that is running."""
    require(body, "connectionIdRequestBody", "connectionId")
    connection = store.connection(body["connectionId"])
    ident = connection["connectionId"]
    if connection["status"] == "deprecated":
        raise known(
            422,
            f"Connection {ident} is deprecated and cannot sync",
            "BadObjectSchemaKnownException",
        )
    if any(
        j.connection_id == ident and j.status in _ACTIVE_JOB_STATUSES for j in store.jobs.values()
    ):
        raise known(409, f"A sync is already running for: {ident}", "ValueConflictKnownException")
    job_id = jobs.add_job(store, ident, "running", created_at=store.now(), updated_at=store.now())
    store.jobs[job_id].streams = [s["stream"]["name"] for s in connection["syncCatalog"]["streams"]]
    if store.sync_outcome != "running":
        jobs.complete_job(store, job_id, store.sync_outcome)
    store.record_write("connections/sync")
    return jobs.job_info(store.jobs[job_id])

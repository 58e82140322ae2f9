"""What sources and destinations share: their read model, create, update and the cursor-paged list.

``sources/list`` and ``destinations/list`` page with a cursor (the last id of the previous page),
20 items unless ``pageSize`` says otherwise, sorted by ``sortKey`` (name ascending by default).
"""

from __future__ import annotations

import copy
from typing import Any

from airbyte_provisioning.core.types import JsonDict
from sandboxes.airbyte.catalogs import ActorKind
from sandboxes.airbyte.configs import mask_secrets, restore_secrets, validate_config
from sandboxes.airbyte.errors import invalid_input, invalid_json, require
from sandboxes.airbyte.store import Actor, Store

DEFAULT_PAGE_SIZE = 20


def actor_read(store: Store, actor: Actor) -> JsonDict:
    """The read model: config masked, status and ``lastSync`` derived from its connections."""
    definition = store.definitions[actor.definition_id]
    linked = [
        c
        for c in store.connections.values()
        if c[f"{actor.kind}Id"] == actor.actor_id and c["status"] != "deprecated"
    ]
    linked_ids = {c["connectionId"] for c in linked}
    syncs = [
        j.updated_at
        for j in store.jobs.values()
        if j.config_type == "sync" and j.connection_id in linked_ids
    ]
    read: JsonDict = {
        f"{actor.kind}DefinitionId": actor.definition_id,
        f"{actor.kind}Id": actor.actor_id,
        "workspaceId": actor.workspace_id,
        "connectionConfiguration": mask_secrets(actor.config, definition.spec),
        "name": actor.name,
        f"{actor.kind}Name": definition.name,
        "isVersionOverrideApplied": False,
        "supportState": "supported",
        "status": "active" if any(c["status"] == "active" for c in linked) else "inactive",
        "createdAt": actor.created_at,
        "numConnections": len(linked),
    }
    if syncs:
        read["lastSync"] = max(syncs)
    return read


def create_actor(store: Store, body: JsonDict, kind: ActorKind) -> JsonDict:
    model = "sourceCreate" if kind == "source" else "destinationCreate"
    require(body, model, "workspaceId", "name", f"{kind}DefinitionId", "connectionConfiguration")
    store.workspace(body["workspaceId"])
    definition = store.definition(body[f"{kind}DefinitionId"], kind, body["workspaceId"])
    config = copy.deepcopy(body["connectionConfiguration"])
    validate_config(definition, config)
    actor = Actor(
        store.new_id(),
        body["workspaceId"],
        definition.definition_id,
        str(body["name"]),
        config,
        int(store.now()),
        kind,
    )
    store.actors[actor.actor_id] = actor
    store.record_write(f"{kind}s/create")
    return actor_read(store, actor)


def update_actor(store: Store, body: JsonDict, kind: ActorKind) -> JsonDict:
    """A full replace of name and configuration; masked values keep what is stored."""
    model = "sourceUpdate" if kind == "source" else "destinationUpdate"
    require(body, model, f"{kind}Id", "name", "connectionConfiguration")
    actor = store.actor(body[f"{kind}Id"], kind)
    config = restore_secrets(copy.deepcopy(body["connectionConfiguration"]), actor.config)
    validate_config(store.definitions[actor.definition_id], config)
    actor.config, actor.name = config, str(body["name"])
    store.record_write(f"{kind}s/update")
    return actor_read(store, actor)


def _page_size(body: JsonDict) -> int:
    size = body.get("pageSize") or DEFAULT_PAGE_SIZE
    if not isinstance(size, int) or size < 1:
        raise invalid_input(
            "actorListCursorPaginatedRequestBody.pageSize",
            "must be greater than or equal to 1",
            size,
        )
    return size


def _filtered(store: Store, body: JsonDict, kind: ActorKind) -> list[JsonDict]:
    filters = body.get("filters") or {}
    states, needle = filters.get("states"), str(filters.get("searchTerm") or "").lower()
    reads = [
        actor_read(store, a)
        for a in store.actors.values()
        if a.kind == kind and a.workspace_id == body["workspaceId"]
    ]
    return [
        r
        for r in reads
        if (not states or r["status"] in states)
        and (needle in r["name"].lower() or needle in r[f"{kind}Name"].lower())
    ]


def _sort(reads: list[JsonDict], sort_key: Any, kind: ActorKind) -> None:
    field_name, _, direction = str(sort_key).rpartition("_")
    columns = {"actorName": "name", "actorDefinitionName": f"{kind}Name", "lastSync": "lastSync"}
    column = columns.get(field_name)
    if column is None or direction not in ("asc", "desc"):
        raise invalid_json(f"Unknown sortKey '{sort_key}'")

    def key(read: JsonDict) -> tuple[Any, str]:
        value = (
            read.get("lastSync", 0) if column == "lastSync" else str(read.get(column, "")).lower()
        )
        return value, read[f"{kind}Id"]

    reads.sort(key=key, reverse=direction == "desc")


def list_actors(store: Store, body: JsonDict, kind: ActorKind) -> JsonDict:
    require(body, "actorListCursorPaginatedRequestBody", "workspaceId")
    store.workspace(body["workspaceId"])
    size = _page_size(body)
    reads = _filtered(store, body, kind)
    _sort(reads, body.get("sortKey") or "actorName_asc", kind)
    cursor = body.get("cursor")
    if cursor:
        ids = [r[f"{kind}Id"] for r in reads]
        reads = reads[ids.index(cursor) + 1 :] if cursor in ids else []
    return {f"{kind}s": reads[:size], "page_size": size}

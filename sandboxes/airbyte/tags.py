"""``tags/*``: connection tags, per workspace, a name unique within its workspace.

Renaming or deleting a tag is reflected in every connection that carries it.
"""

from __future__ import annotations

from typing import Any

from airbyte_provisioning.core.types import JsonDict
from sandboxes.airbyte.errors import known, not_found, require
from sandboxes.airbyte.store import Store
from sandboxes.base import Response


def _tag(store: Store, body: JsonDict) -> JsonDict:
    tag = store.tags.get(str(body.get("tagId")))
    if tag is None or tag["workspaceId"] != body.get("workspaceId"):
        raise not_found("TAG", body.get("tagId"))
    return tag


def _check_unique_name(
    store: Store, workspace_id: str, name: str, tag_id: str | None = None
) -> None:
    for tag in store.tags.values():
        if tag["workspaceId"] == workspace_id and tag["name"] == name and tag["tagId"] != tag_id:
            raise known(
                409,
                f"A tag named {name!r} already exists in workspace {workspace_id}",
                "ConflictException",
            )


def create(store: Store, body: JsonDict) -> Any:
    require(body, "tagCreateRequestBody", "workspaceId", "name", "color")
    store.workspace(body["workspaceId"])
    _check_unique_name(store, body["workspaceId"], str(body["name"]))
    tag = {
        "tagId": store.new_id(),
        "workspaceId": body["workspaceId"],
        "name": str(body["name"]),
        "color": str(body["color"]),
    }
    store.tags[tag["tagId"]] = tag
    store.record_write("tags/create")
    return dict(tag)


def list_tags(store: Store, body: JsonDict) -> Any:
    """A bare JSON array, as the real endpoint answers."""
    require(body, "tagListRequestBody", "workspaceId")
    store.workspace(body["workspaceId"])
    found = [dict(t) for t in store.tags.values() if t["workspaceId"] == body["workspaceId"]]
    return Response.json(sorted(found, key=lambda t: (t["name"], t["tagId"])))


def update(store: Store, body: JsonDict) -> Any:
    require(body, "tagUpdateRequestBody", "tagId", "workspaceId", "name", "color")
    tag = _tag(store, body)
    _check_unique_name(store, tag["workspaceId"], str(body["name"]), tag["tagId"])
    tag.update(name=str(body["name"]), color=str(body["color"]))
    for connection in store.connections.values():
        connection["tags"] = [
            dict(tag) if t.get("tagId") == tag["tagId"] else t for t in connection["tags"]
        ]
    store.record_write("tags/update")
    return dict(tag)


def delete(store: Store, body: JsonDict) -> Any:
    require(body, "tagDeleteRequestBody", "tagId", "workspaceId")
    tag = _tag(store, body)
    del store.tags[tag["tagId"]]
    for connection in store.connections.values():
        connection["tags"] = [t for t in connection["tags"] if t.get("tagId") != tag["tagId"]]
    store.record_write("tags/delete")
    return dict(tag)

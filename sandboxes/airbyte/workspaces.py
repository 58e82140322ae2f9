"""``workspaces/*``: one organization (the default one) holding every workspace."""

from __future__ import annotations

from typing import Any

from airbyte_provisioning.core.types import JsonDict
from sandboxes.airbyte.errors import not_found, require
from sandboxes.airbyte.store import DEFAULT_ORGANIZATION_ID, Store


def _check_organization(organization_id: Any) -> None:
    if organization_id != DEFAULT_ORGANIZATION_ID:
        raise not_found("ORGANIZATION", organization_id)


def _paged(workspaces: list[JsonDict], body: JsonDict) -> JsonDict:
    """Offset paging in name order, filtered by ``nameContains`` (case-insensitive)."""
    needle = str(body.get("nameContains") or "").lower()
    matching = sorted(
        (w for w in workspaces if needle in w["name"].lower()),
        key=lambda w: (w["name"].lower(), w["workspaceId"]),
    )
    pagination = body.get("pagination") or {}
    offset = int(pagination.get("rowOffset") or 0)
    size = int(pagination.get("pageSize") or len(matching) or 1)
    return {"workspaces": matching[offset : offset + size]}


def get(store: Store, body: JsonDict) -> Any:
    require(body, "workspaceIdRequestBody", "workspaceId")
    return store.workspace(body["workspaceId"])


def create(store: Store, body: JsonDict) -> Any:
    require(body, "workspaceCreate", "name", "organizationId")
    _check_organization(body["organizationId"])
    ident = store.add_workspace(str(body["name"]))
    store.record_write("workspaces/create")
    return store.workspaces[ident]


def list_by_organization_id(store: Store, body: JsonDict) -> Any:
    require(body, "listWorkspacesInOrganizationRequestBody", "organizationId")
    _check_organization(body["organizationId"])
    return _paged(list(store.workspaces.values()), body)


def list_paginated(store: Store, body: JsonDict) -> Any:
    require(body, "listResourcesForWorkspacesRequestBody", "workspaceIds", "pagination")
    wanted = set(body["workspaceIds"])
    return _paged([w for w in store.workspaces.values() if w["workspaceId"] in wanted], body)

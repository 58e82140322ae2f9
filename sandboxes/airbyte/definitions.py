"""``source_definitions/*``, ``destination_definitions/*`` and their ``*_specifications/get``.

Custom (published Builder) definitions are visible only in the workspace they belong to.
"""

from __future__ import annotations

from typing import Any

from airbyte_provisioning.core.types import JsonDict
from sandboxes.airbyte.catalogs import ActorKind, Definition
from sandboxes.airbyte.errors import require
from sandboxes.airbyte.store import Store

# the destination sync modes a destination spec advertises (Postgres and DuckDB alike)
SUPPORTED_DESTINATION_SYNC_MODES = ("append", "overwrite", "append_dedup")


def definition_read(definition: Definition) -> JsonDict:
    key = "sourceDefinitionId" if definition.kind == "source" else "destinationDefinitionId"
    read: JsonDict = {
        key: definition.definition_id,
        "name": definition.name,
        "dockerRepository": definition.docker_repository,
        "dockerImageTag": definition.docker_image_tag,
        "documentationUrl": definition.documentation_url,
        "protocolVersion": "0.2.0",
        "custom": definition.custom,
        "enterprise": False,
        "supportLevel": "none" if definition.custom else "certified",
        "releaseStage": "custom" if definition.custom else "generally_available",
    }
    if definition.kind == "source":
        read["sourceType"] = "custom" if definition.custom else definition.source_type
    return read


def _visible(store: Store, kind: ActorKind, workspace_id: str | None) -> list[JsonDict]:
    return [
        definition_read(d)
        for d in store.definitions.values()
        if d.kind == kind and (d.workspace_id is None or d.workspace_id == workspace_id)
    ]


def _spec_read(store: Store, definition: Definition) -> JsonDict:
    key = "sourceDefinitionId" if definition.kind == "source" else "destinationDefinitionId"
    return {
        key: definition.definition_id,
        "documentationUrl": definition.documentation_url,
        "connectionSpecification": definition.spec,
        "jobInfo": store.sync_job("get_spec", definition.definition_id),
    }


def list_sources(store: Store, body: JsonDict) -> Any:
    return {"sourceDefinitions": _visible(store, "source", None)}


def list_sources_for_workspace(store: Store, body: JsonDict) -> Any:
    require(body, "workspaceIdActorDefinitionRequestBody", "workspaceId")
    store.workspace(body["workspaceId"])
    return {"sourceDefinitions": _visible(store, "source", body["workspaceId"])}


def get_source(store: Store, body: JsonDict) -> Any:
    require(body, "sourceDefinitionIdRequestBody", "sourceDefinitionId")
    return definition_read(store.definition(body["sourceDefinitionId"], "source"))


def get_source_for_workspace(store: Store, body: JsonDict) -> Any:
    require(body, "sourceDefinitionIdWithWorkspaceId", "sourceDefinitionId", "workspaceId")
    store.workspace(body["workspaceId"])
    return definition_read(
        store.definition(body["sourceDefinitionId"], "source", body["workspaceId"])
    )


def get_source_spec(store: Store, body: JsonDict) -> Any:
    require(body, "sourceDefinitionIdWithWorkspaceId", "sourceDefinitionId", "workspaceId")
    store.workspace(body["workspaceId"])
    definition = store.definition(body["sourceDefinitionId"], "source", body["workspaceId"])
    return _spec_read(store, definition)


def list_destinations_for_workspace(store: Store, body: JsonDict) -> Any:
    require(body, "workspaceIdActorDefinitionRequestBody", "workspaceId")
    store.workspace(body["workspaceId"])
    return {"destinationDefinitions": _visible(store, "destination", body["workspaceId"])}


def get_destination(store: Store, body: JsonDict) -> Any:
    require(body, "destinationDefinitionIdRequestBody", "destinationDefinitionId")
    return definition_read(store.definition(body["destinationDefinitionId"], "destination"))


def get_destination_spec(store: Store, body: JsonDict) -> Any:
    require(
        body, "destinationDefinitionIdWithWorkspaceId", "destinationDefinitionId", "workspaceId"
    )
    store.workspace(body["workspaceId"])
    definition = store.definition(body["destinationDefinitionId"], "destination")
    read = _spec_read(store, definition)
    read["supportedDestinationSyncModes"] = list(SUPPORTED_DESTINATION_SYNC_MODES)
    return read

"""Declarative (Builder) sources: ``connector_builder_projects/*`` and
``declarative_source_definitions/*``.

Publishing a project creates a custom source definition in its workspace, run by
``airbyte/source-declarative-manifest``; its spec and discovered streams come from the active
manifest version, which ``update_active_manifest`` switches.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from airbyte_provisioning.core.types import JsonDict
from sandboxes.airbyte.catalogs import Definition, DiscoverError, manifest_streams
from sandboxes.airbyte.errors import invalid_input, known, not_found, require
from sandboxes.airbyte.store import Store
from sandboxes.base import Response

DECLARATIVE_REPOSITORY = "airbyte/source-declarative-manifest"
_BUILDER_DOCS = (
    "https://docs.airbyte.com/platform/connector-development/connector-builder-ui/overview"
)


def _project_read(project: JsonDict) -> JsonDict:
    read = {k: project[k] for k in ("name", "builderProjectId", "hasDraft", "updatedAt")}
    for key in ("sourceDefinitionId", "activeDeclarativeManifestVersion", "componentsFileContent"):
        if project.get(key) is not None:
            read[key] = project[key]
    return read


def _check_manifest(manifest: Any) -> JsonDict:
    """A ``DeclarativeSourceManifest`` body: its fields present, a spec, streams that resolve."""
    if not isinstance(manifest, Mapping):
        raise invalid_input("declarativeSourceManifest", "must not be null")
    for name in ("description", "manifest", "spec", "version"):
        if manifest.get(name) is None:
            raise invalid_input(f"declarativeSourceManifest.{name}", "must not be null")
    spec = manifest["spec"]
    if not isinstance(spec, Mapping) or not isinstance(
        spec.get("connectionSpecification"), Mapping
    ):
        raise known(
            422,
            "The provided manifest spec has no connectionSpecification",
            "BadObjectSchemaKnownException",
        )
    try:
        manifest_streams(manifest["manifest"])
    except DiscoverError as exc:
        raise known(422, f"Invalid manifest: {exc}", "BadObjectSchemaKnownException") from None
    return dict(manifest)


def _activate(store: Store, definition: Definition, version: int) -> None:
    stored = store.manifests[definition.definition_id][version]["manifest"]
    content = stored["manifest"]
    definition.extra["activeVersion"] = version
    definition.spec = dict(stored["spec"]["connectionSpecification"])
    definition.catalog = lambda _config: manifest_streams(content)
    for project in store.projects.values():
        if project.get("sourceDefinitionId") == definition.definition_id:
            project["activeDeclarativeManifestVersion"] = version


def _store_manifest(
    store: Store, definition: Definition, manifest: JsonDict, components: Any, active: bool
) -> None:
    versions = store.manifests.setdefault(definition.definition_id, {})
    versions[int(manifest["version"])] = {
        "manifest": copy.deepcopy(manifest),
        "components": components,
    }
    if active:
        _activate(store, definition, int(manifest["version"]))


def _declarative(store: Store, body: JsonDict) -> Definition:
    store.workspace(body["workspaceId"])
    definition = store.definition(body["sourceDefinitionId"], "source", body["workspaceId"])
    if definition.docker_repository != DECLARATIVE_REPOSITORY:
        raise known(400, "Definition is not declarative source", "BadRequestException")
    return definition


def create_project(store: Store, body: JsonDict) -> Any:
    require(body, "connectorBuilderProjectWithWorkspaceId", "workspaceId", "builderProject")
    store.workspace(body["workspaceId"])
    details = body["builderProject"]
    require(details, "connectorBuilderProjectDetails", "name")
    project = {
        "builderProjectId": store.new_id(),
        "workspaceId": body["workspaceId"],
        "name": details["name"],
        "hasDraft": details.get("draftManifest") is not None
        or details.get("yamlManifest") is not None,
        "updatedAt": int(store.now()),
        "componentsFileContent": details.get("componentsFileContent"),
    }
    store.projects[project["builderProjectId"]] = project
    store.record_write("connector_builder_projects/create")
    answer = {"workspaceId": body["workspaceId"], "builderProjectId": project["builderProjectId"]}
    return Response.json(answer, status=201)


def list_projects(store: Store, body: JsonDict) -> Any:
    require(body, "workspaceIdRequestBody", "workspaceId")
    store.workspace(body["workspaceId"])
    found = [
        _project_read(p) for p in store.projects.values() if p["workspaceId"] == body["workspaceId"]
    ]
    return {"projects": sorted(found, key=lambda p: (p["name"], p["builderProjectId"]))}


def _unpublished_project(store: Store, body: JsonDict) -> JsonDict:
    project = store.projects.get(str(body["builderProjectId"]))
    if project is None or project["workspaceId"] != body["workspaceId"]:
        raise not_found("CONNECTOR_BUILDER_PROJECT", body["builderProjectId"])
    if project.get("sourceDefinitionId"):
        raise known(
            409,
            f"Builder project {project['builderProjectId']} is already published",
            "ValueConflictKnownException",
        )
    return project


def publish_project(store: Store, body: JsonDict) -> Any:
    require(
        body,
        "connectorBuilderPublishRequestBody",
        "workspaceId",
        "builderProjectId",
        "name",
        "initialDeclarativeManifest",
    )
    project = _unpublished_project(store, body)
    manifest = _check_manifest(body["initialDeclarativeManifest"])
    definition = Definition(
        store.new_id(),
        str(body["name"]),
        DECLARATIVE_REPOSITORY,
        str(manifest["manifest"].get("version") or "7.39.1"),
        _BUILDER_DOCS,
        dict(manifest["spec"]["connectionSpecification"]),
        source_type="custom",
        custom=True,
        workspace_id=body["workspaceId"],
    )
    store.definitions[definition.definition_id] = definition
    _store_manifest(store, definition, manifest, body.get("componentsFileContent"), active=True)
    project.update(
        sourceDefinitionId=definition.definition_id,
        activeDeclarativeManifestVersion=manifest["version"],
        updatedAt=int(store.now()),
    )
    store.record_write("connector_builder_projects/publish")
    return {"sourceDefinitionId": definition.definition_id}


def create_manifest(store: Store, body: JsonDict) -> Any:
    require(
        body,
        "declarativeSourceDefinitionCreateManifestRequestBody",
        "workspaceId",
        "sourceDefinitionId",
        "setAsActiveManifest",
        "declarativeManifest",
    )
    definition = _declarative(store, body)
    manifest = _check_manifest(body["declarativeManifest"])
    if int(manifest["version"]) in store.manifests.get(definition.definition_id, {}):
        raise known(
            409,
            f"Version {manifest['version']} for source definition {definition.definition_id} already exists",
            "ValueConflictKnownException",
        )
    components = body.get("componentsFileContent")
    active = bool(body["setAsActiveManifest"])
    _store_manifest(store, definition, manifest, components, active=active)
    store.record_write("declarative_source_definitions/create_manifest")
    return Response(201, b"", {})


def update_active_manifest(store: Store, body: JsonDict) -> Any:
    require(body, "updateActiveManifestRequestBody", "workspaceId", "sourceDefinitionId", "version")
    definition = _declarative(store, body)
    if int(body["version"]) not in store.manifests.get(definition.definition_id, {}):
        raise not_found(
            "DECLARATIVE_MANIFEST", f"{definition.definition_id} version {body['version']}"
        )
    _activate(store, definition, int(body["version"]))
    store.record_write("declarative_source_definitions/update_active_manifest")
    return None


def list_manifests(store: Store, body: JsonDict) -> Any:
    require(body, "listDeclarativeManifestsRequestBody", "workspaceId", "sourceDefinitionId")
    definition = _declarative(store, body)
    active = definition.extra.get("activeVersion")
    versions = store.manifests.get(definition.definition_id, {})
    return {
        "manifestVersions": [
            {
                "version": v,
                "isActive": v == active,
                "description": str(versions[v]["manifest"]["description"]),
            }
            for v in sorted(versions)
        ]
    }

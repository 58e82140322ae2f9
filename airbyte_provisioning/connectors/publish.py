"""Publishing this repository's manifest-only connectors into Airbyte workspaces.

Each connector (a :class:`ConnectorFolder` tagged ``language:manifest-only``) becomes a
declarative source definition in a workspace, carrying its ``components.py``: the Config API's
``connector_builder_projects/create`` + ``/publish`` the first time, then
``declarative_source_definitions/create_manifest`` (``componentsFileContent``, set active) for
each new version. That is the only way Airbyte 1.8 accepts custom Python components; the public
API has no field for them.

Identity: Airbyte chooses the definition id at publish time, so the stable key is the
connector's ``definitionId`` from its ``metadata.yaml``. Every manifest version published here
carries ``[airbyte-tenant-stack:<definitionId>]`` and ``[sha256:<fingerprint of manifest +
components>]`` in its description, the one text field the API reads back. A definition is ours
when one of its versions carries our marker; renaming it in the UI changes nothing. A re-run with
unchanged content makes no write; changed content becomes version ``max + 1`` and is activated;
content identical to an older version re-activates that version.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from airbyte_provisioning.api import AirbyteAuthError, AirbyteClient, AirbyteUnreachableError
from airbyte_provisioning.api.client import content_fingerprint
from airbyte_provisioning.api.errors import AirbyteApiError, AirbyteNotFoundError
from airbyte_provisioning.connectors.folder import (
    ConnectorFolder,
    ConnectorFolderError,
    all_connectors,
)
from airbyte_provisioning.core import logs
from airbyte_provisioning.core.types import JsonDict
from airbyte_provisioning.model.env_reader import UUID_RE

MARKER_PREFIX = "airbyte-tenant-stack"
_DRY_RUN_ACTIONS = {"activated": "would_activate", "versioned": "would_version"}


class PublishConflict(Exception):
    """Airbyte holds something that makes publishing ambiguous; nothing was written."""


@dataclass(frozen=True)
class ConnectorBundle:
    """What one connector folder publishes: manifest, components and identity from metadata."""

    key: str
    folder: Path
    name: str
    stable_id: str
    image: str
    manifest: JsonDict
    components: str | None
    fingerprint: str

    @property
    def marker(self) -> str:
        return f"[{MARKER_PREFIX}:{self.stable_id}]"

    @property
    def description(self) -> str:
        return f"{self.image} {self.marker} [{self.fingerprint}]"

    def owns(self, description: str) -> bool:
        return self.marker in description

    def same_content(self, description: str) -> bool:
        return f"[{self.fingerprint}]" in description


def load_bundle(folder: ConnectorFolder) -> ConnectorBundle:
    """Read and check one connector folder; raises :class:`ConnectorFolderError` naming the file
    and the field."""
    name = folder.metadata_field("name")
    stable_id = folder.metadata_field("definitionId").lower()
    if not UUID_RE.match(stable_id):
        raise ConnectorFolderError(
            f"{folder.metadata_path}: data.definitionId={stable_id!r} is not a UUID; it is "
            "the connector's stable identity in every workspace, so set it once and keep it",
            folder.metadata_path,
        )
    image = folder.image
    # Airbyte publishes the connector's spec from the manifest: one without is refused here,
    # naming the file, rather than by the server
    _ = folder.spec
    return ConnectorBundle(
        key=folder.name,
        folder=folder.path,
        name=name,
        stable_id=stable_id,
        image=image,
        manifest=folder.manifest,
        components=folder.components_text,
        fingerprint=content_fingerprint(folder.manifest, folder.components_text),
    )


def manifest_only_connectors(connectors_dir: Path) -> dict[str, ConnectorFolder]:
    """``source-<name>`` folder name -> folder, for every manifest-only connector."""
    return {
        folder.name: folder
        for folder in all_connectors(connectors_dir)
        if folder.metadata_path.is_file() and folder.is_manifest_only
    }


@dataclass
class WorkspaceIndex:
    """The workspace's builder projects and, for each published one, its manifest versions."""

    projects: list[JsonDict]
    versions: dict[str, list[JsonDict]] = field(default_factory=dict)

    @classmethod
    def read(cls, client: AirbyteClient, workspace_id: str) -> WorkspaceIndex:
        index = cls(client.list_builder_projects(workspace_id))
        for project in index.projects:
            definition_id = project.get("sourceDefinitionId")
            if not definition_id:
                continue
            try:
                index.versions[str(definition_id)] = client.list_declarative_manifests(
                    workspace_id, str(definition_id)
                )
            except AirbyteNotFoundError:
                # a project whose definition was deleted: it holds no version of anything
                index.versions[str(definition_id)] = []
        return index

    def owned_by(self, bundle: ConnectorBundle) -> list[JsonDict]:
        return [
            p
            for p in self.projects
            if p.get("sourceDefinitionId")
            and any(
                bundle.owns(str(v.get("description", "")))
                for v in self.versions.get(str(p["sourceDefinitionId"]), [])
            )
        ]

    def named(self, name: str) -> list[JsonDict]:
        return [p for p in self.projects if p.get("name") == name]


class Publisher:
    """Brings one workspace's copy of each connector to the bundle's content."""

    def __init__(
        self, client: AirbyteClient, workspace_id: str, *, adopt: bool, dry_run: bool
    ) -> None:
        self.client = client
        self.workspace_id = workspace_id
        self.adopt = adopt
        self.dry_run = dry_run
        self.index = WorkspaceIndex.read(client, workspace_id)

    def publish(self, bundle: ConnectorBundle) -> JsonDict:
        owned = self.index.owned_by(bundle)
        if len(owned) > 1:
            ids = ", ".join(sorted(str(p["sourceDefinitionId"]) for p in owned))
            raise PublishConflict(
                f"{len(owned)} source definitions in workspace {self.workspace_id} carry "
                f"{bundle.marker} ({ids}); keep one: delete the others' sources and builder "
                "projects in the Airbyte UI, then run again"
            )
        if owned:
            return self._update(bundle, owned[0], "unchanged")
        named = self.index.named(bundle.name)
        published = [p for p in named if p.get("sourceDefinitionId")]
        if published:
            if not self.adopt or len(published) > 1:
                ids = ", ".join(sorted(str(p["sourceDefinitionId"]) for p in published))
                raise PublishConflict(
                    f"workspace {self.workspace_id} already has a source definition named "
                    f"{bundle.name!r} ({ids}) that this command did not publish (no "
                    f"{bundle.marker} in its versions); rename it in the Airbyte UI, or run with "
                    "--adopt to add this connector's versions to it"
                    + (" (--adopt needs exactly one)" if len(published) > 1 else "")
                )
            return self._update(bundle, published[0], "adopted")
        # an unpublished project of ours is what an interrupted first run leaves behind
        return self._create(bundle, named[0] if named else None)

    def _create(self, bundle: ConnectorBundle, project: JsonDict | None) -> JsonDict:
        result = self._result(bundle, "created", changed=True)
        if self.dry_run:
            result.update(action="would_create", active_version=1)
            return result
        if project is None:
            project = self.client.create_builder_project(
                self.workspace_id, bundle.name, bundle.manifest, bundle.components
            )
        else:
            result["action"] = "resumed"
        published = self.client.publish_builder_project(
            self.workspace_id,
            str(project["builderProjectId"]),
            bundle.name,
            bundle.manifest,
            description=bundle.description,
            version=1,
            components=bundle.components,
        )
        result.update(
            source_definition_id=str(published["sourceDefinitionId"]),
            builder_project_id=str(project["builderProjectId"]),
            active_version=1,
            versions=[1],
        )
        return result

    def _update(self, bundle: ConnectorBundle, project: JsonDict, idle_action: str) -> JsonDict:
        definition_id = str(project["sourceDefinitionId"])
        versions = self.index.versions.get(definition_id, [])
        numbers = sorted(int(v["version"]) for v in versions if "version" in v)
        active = next((v for v in versions if v.get("isActive")), None)
        result = self._result(bundle, idle_action, changed=False)
        result.update(
            source_definition_id=definition_id,
            builder_project_id=str(project.get("builderProjectId")),
            active_version=int(active["version"]) if active else None,
            versions=numbers,
        )
        # an adopted definition always gets a version of ours, so it carries the marker from now on
        adopting = idle_action == "adopted"
        if (
            not adopting
            and active is not None
            and bundle.same_content(str(active.get("description", "")))
        ):
            return result
        same = [
            int(v["version"])
            for v in versions
            if not adopting and bundle.same_content(str(v.get("description", "")))
        ]
        if same:
            target, action = max(same), "activated"
            if not self.dry_run:
                self.client.update_active_manifest(self.workspace_id, definition_id, target)
        else:
            target, action = (numbers[-1] if numbers else 0) + 1, "versioned"
            if not self.dry_run:
                self.client.create_declarative_manifest(
                    self.workspace_id,
                    definition_id,
                    bundle.manifest,
                    description=bundle.description,
                    version=target,
                    components=bundle.components,
                    set_active=True,
                )
            numbers = sorted({*numbers, target})
        result.update(
            action=_DRY_RUN_ACTIONS[action] if self.dry_run else action,
            changed=True,
            active_version=target,
            versions=numbers,
        )
        return result

    def _result(self, bundle: ConnectorBundle, action: str, *, changed: bool) -> JsonDict:
        return {
            "connector": bundle.key,
            "name": bundle.name,
            "workspace_id": self.workspace_id,
            "metadata_definition_id": bundle.stable_id,
            "image": bundle.image,
            "fingerprint": bundle.fingerprint,
            "has_components": bundle.components is not None,
            "action": action,
            "changed": changed,
            "source_definition_id": None,
            "builder_project_id": None,
            "active_version": None,
            "versions": [],
        }


def _failure(bundle: ConnectorBundle, workspace_id: str, error: dict[str, Any]) -> JsonDict:
    return {
        "connector": bundle.key,
        "name": bundle.name,
        "workspace_id": workspace_id,
        "metadata_definition_id": bundle.stable_id,
        "action": "failed",
        "changed": None,
        "error": error,
    }


def _api_error(exc: AirbyteApiError) -> dict[str, Any]:
    error = exc.to_dict()
    error["hint"] = (
        "the call may have been applied: run again, the command finds what it published by its "
        "marker and fingerprint and will not duplicate it"
        if exc.may_have_been_applied
        else "fix what the message names, then run again: a re-run continues from what is already there"
    )
    return error


def _publish_one(publisher: Publisher, bundle: ConnectorBundle) -> JsonDict:
    """One connector into one workspace; a refusal or conflict is that pair's failed result."""
    try:
        result = publisher.publish(bundle)
    except (AirbyteAuthError, AirbyteUnreachableError):
        raise
    except AirbyteApiError as exc:
        result = _failure(bundle, publisher.workspace_id, _api_error(exc))
    except PublishConflict as exc:
        conflict = {"error": "conflict", "message": str(exc)}
        result = _failure(bundle, publisher.workspace_id, conflict)
    failed = result["action"] == "failed"
    logs.outcome(
        failed,
        "publish.connector",
        action=result["action"],
        source_definition_id=result.get("source_definition_id"),
        active_version=result.get("active_version"),
    )
    return result


def publish_all(
    client: AirbyteClient,
    workspaces: Iterable[str],
    bundles: Sequence[ConnectorBundle],
    *,
    adopt: bool,
    dry_run: bool,
) -> list[JsonDict]:
    """One result per (workspace, connector); an API refusal fails that pair only. Refused
    credentials (``AirbyteAuthError``) and a missing server (``AirbyteUnreachableError``) stop
    everything: no later call would succeed."""
    results: list[JsonDict] = []
    for workspace_id in workspaces:
        with logs.bind(workspace_id=workspace_id):
            try:
                publisher = Publisher(client, workspace_id, adopt=adopt, dry_run=dry_run)
            except (AirbyteAuthError, AirbyteUnreachableError):
                raise
            except AirbyteApiError as exc:
                results.extend(_failure(b, workspace_id, _api_error(exc)) for b in bundles)
                logs.log(logs.Level.WARNING, "publish.workspace_unreadable", reason=str(exc))
                continue
            for bundle in bundles:
                with logs.bind(provider=bundle.key):
                    results.append(_publish_one(publisher, bundle))
    return results

"""A small typed client over Airbyte's Config API (``/api/v1``, POST + JSON everywhere).

:class:`AirbyteClient` holds one method per call the provisioning scripts make: workspaces,
definitions, sources, destinations, connections, jobs, tags, operations and declarative (Builder)
source definitions. How a call is sent (base URL, auth, retries that never duplicate a create,
logging, redaction) is :mod:`.transport`'s job; where the server is and how to authenticate,
:mod:`.settings`'. Every ``list_*`` pages to the end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

from airbyte_provisioning.api.settings import (
    ENV_BASE_URL,
    auth_from_env,
    normalize_base_url,
    timeouts_from_env,
)
from airbyte_provisioning.api.transport import Transport
from airbyte_provisioning.core.types import JsonDict

DEFAULT_ORGANIZATION_ID = "00000000-0000-0000-0000-000000000000"
# what sources/list and destinations/list return per page when no pageSize is sent (1.8.0)
SERVER_DEFAULT_PAGE_SIZE = 20
DEFAULT_PAGE_SIZE = 100
ActorKind = Literal["source", "destination"]


class AirbyteClient(Transport):
    """Config API calls for provisioning: workspaces, definitions, sources, destinations,
    connections, jobs, operations and declarative (Builder) source definitions."""

    @classmethod
    def from_env(cls, env: Mapping[str, str], **kwargs: Any) -> AirbyteClient:
        """Build a client from ``AIRBYTE_BASE_URL``, the auth variables and the HTTP timeouts
        (``AIRBYTE_HTTP_TIMEOUT_SECONDS``, ``AIRBYTE_HTTP_CONNECT_TIMEOUT_SECONDS``); errors
        name the variable."""
        base_url = normalize_base_url(env.get(ENV_BASE_URL))
        timeouts = timeouts_from_env(env)
        kwargs.setdefault("timeout", timeouts.read)
        kwargs.setdefault("connect_timeout", timeouts.connect)
        return cls(base_url, auth=auth_from_env(env), **kwargs)

    def __repr__(self) -> str:
        return f"AirbyteClient({self.api_url!r}, auth={type(self.auth).__name__})"

    # ---------------------------------------------------------------------------------------
    # workspaces and definitions
    # ---------------------------------------------------------------------------------------

    def get_workspace(self, workspace_id: str) -> JsonDict:
        return self.post("workspaces/get", {"workspaceId": workspace_id})

    def list_workspaces(
        self, organization_id: str = DEFAULT_ORGANIZATION_ID, page_size: int = DEFAULT_PAGE_SIZE
    ) -> list[JsonDict]:
        """Every workspace of an organization (``workspaces/list`` no longer exists since 1.7)."""
        body = {"organizationId": organization_id}
        return list(
            self._iter_offset("workspaces/list_by_organization_id", body, "workspaces", page_size)
        )

    def create_workspace(
        self, name: str, organization_id: str = DEFAULT_ORGANIZATION_ID
    ) -> JsonDict:
        return self.post("workspaces/create", {"name": name, "organizationId": organization_id})

    def list_source_definitions(self, workspace_id: str) -> list[JsonDict]:
        answer = self.post("source_definitions/list_for_workspace", {"workspaceId": workspace_id})
        return list(answer.get("sourceDefinitions") or [])

    def get_source_definition(
        self, definition_id: str, workspace_id: str | None = None
    ) -> JsonDict:
        if workspace_id:
            body = {"sourceDefinitionId": definition_id, "workspaceId": workspace_id}
            return self.post("source_definitions/get_for_workspace", body)
        return self.post("source_definitions/get", {"sourceDefinitionId": definition_id})

    def get_source_definition_spec(self, definition_id: str, workspace_id: str) -> JsonDict:
        body = {"sourceDefinitionId": definition_id, "workspaceId": workspace_id}
        return self.post("source_definition_specifications/get", body)

    def find_source_definition(self, workspace_id: str, docker_repository: str) -> JsonDict | None:
        """The definition whose ``dockerRepository`` matches (ids, not display names, are stable)."""
        wanted = docker_repository.split(":", 1)[0]
        return next(
            (
                d
                for d in self.list_source_definitions(workspace_id)
                if d.get("dockerRepository") == wanted
            ),
            None,
        )

    def list_destination_definitions(self, workspace_id: str) -> list[JsonDict]:
        answer = self.post(
            "destination_definitions/list_for_workspace", {"workspaceId": workspace_id}
        )
        return list(answer.get("destinationDefinitions") or [])

    def get_destination_definition(self, definition_id: str) -> JsonDict:
        return self.post("destination_definitions/get", {"destinationDefinitionId": definition_id})

    def get_destination_definition_spec(self, definition_id: str, workspace_id: str) -> JsonDict:
        body = {"destinationDefinitionId": definition_id, "workspaceId": workspace_id}
        return self.post("destination_definition_specifications/get", body)

    # ---------------------------------------------------------------------------------------
    # sources and destinations
    # ---------------------------------------------------------------------------------------

    def create_source(
        self, workspace_id: str, definition_id: str, name: str, configuration: Mapping[str, Any]
    ) -> JsonDict:
        return self._create_actor("source", workspace_id, definition_id, name, configuration)

    def update_source(
        self, source_id: str, name: str, configuration: Mapping[str, Any]
    ) -> JsonDict:
        """Full replace of the config; values equal to ``**********`` keep the stored secret."""
        return self._update_actor("source", source_id, name, configuration)

    def get_source(self, source_id: str) -> JsonDict:
        return self.post("sources/get", {"sourceId": source_id})

    def delete_source(self, source_id: str) -> None:
        self.post("sources/delete", {"sourceId": source_id})

    def iter_sources(
        self, workspace_id: str, page_size: int = DEFAULT_PAGE_SIZE, **extra: Any
    ) -> Iterator[JsonDict]:
        return self._iter_kind("source", workspace_id, page_size, **extra)

    def list_sources(
        self, workspace_id: str, page_size: int = DEFAULT_PAGE_SIZE, **extra: Any
    ) -> list[JsonDict]:
        """All sources of a workspace, every page (``extra``: ``sortKey``, ``filters``)."""
        return list(self.iter_sources(workspace_id, page_size, **extra))

    def check_source(self, source_id: str) -> JsonDict:
        """``CheckConnectionRead``: HTTP 200 even when the check fails; read ``status``."""
        return self.post("sources/check_connection", {"sourceId": source_id})

    def discover_source_schema(
        self, source_id: str, *, disable_cache: bool = True, connection_id: str | None = None
    ) -> JsonDict:
        """``SourceDiscoverSchemaRead``; a failed discover has ``jobInfo.succeeded == false``."""
        body: JsonDict = {"sourceId": source_id, "disable_cache": disable_cache}
        if connection_id:
            body["connectionId"] = connection_id
        return self.post("sources/discover_schema", body)

    def check_source_config(
        self,
        workspace_id: str,
        definition_id: str,
        configuration: Mapping[str, Any],
        source_id: str | None = None,
    ) -> JsonDict:
        """Check a configuration before saving it (``scheduler/sources/check_connection``).

        With ``source_id``, masked values (``**********``) stand for that source's stored secrets.
        """
        body = _core_config(workspace_id, definition_id, configuration, source_id)
        return self.post("scheduler/sources/check_connection", body)

    def discover_source_config(
        self,
        workspace_id: str,
        definition_id: str,
        configuration: Mapping[str, Any],
        source_id: str | None = None,
    ) -> JsonDict:
        """Discover the catalog of an unsaved configuration (``scheduler/sources/discover_schema``)."""
        body = _core_config(workspace_id, definition_id, configuration, source_id)
        return self.post("scheduler/sources/discover_schema", body)

    def create_destination(
        self, workspace_id: str, definition_id: str, name: str, configuration: Mapping[str, Any]
    ) -> JsonDict:
        return self._create_actor("destination", workspace_id, definition_id, name, configuration)

    def update_destination(
        self, destination_id: str, name: str, configuration: Mapping[str, Any]
    ) -> JsonDict:
        return self._update_actor("destination", destination_id, name, configuration)

    def get_destination(self, destination_id: str) -> JsonDict:
        return self.post("destinations/get", {"destinationId": destination_id})

    def iter_destinations(
        self, workspace_id: str, page_size: int = DEFAULT_PAGE_SIZE, **extra: Any
    ) -> Iterator[JsonDict]:
        return self._iter_kind("destination", workspace_id, page_size, **extra)

    def list_destinations(
        self, workspace_id: str, page_size: int = DEFAULT_PAGE_SIZE, **extra: Any
    ) -> list[JsonDict]:
        return list(self.iter_destinations(workspace_id, page_size, **extra))

    # sources and destinations are the same API but for the word in paths and keys
    def _create_actor(
        self,
        kind: ActorKind,
        workspace_id: str,
        definition_id: str,
        name: str,
        configuration: Mapping[str, Any],
    ) -> JsonDict:
        body = {
            "workspaceId": workspace_id,
            f"{kind}DefinitionId": definition_id,
            "name": name,
            "connectionConfiguration": dict(configuration),
        }
        return self.post(f"{kind}s/create", body)

    def _update_actor(
        self, kind: ActorKind, actor_id: str, name: str, configuration: Mapping[str, Any]
    ) -> JsonDict:
        body = {f"{kind}Id": actor_id, "name": name, "connectionConfiguration": dict(configuration)}
        return self.post(f"{kind}s/update", body)

    def _iter_kind(
        self, kind: ActorKind, workspace_id: str, page_size: int, **extra: Any
    ) -> Iterator[JsonDict]:
        return self._iter_actors(
            f"{kind}s/list", f"{kind}s", f"{kind}Id", workspace_id, page_size, **extra
        )

    # ---------------------------------------------------------------------------------------
    # connections, jobs, operations
    # ---------------------------------------------------------------------------------------

    def create_connection(self, body: Mapping[str, Any]) -> JsonDict:
        """``ConnectionCreate``: ``sourceId``, ``destinationId`` and ``status`` are required."""
        return self.post("connections/create", body)

    def update_connection(self, connection_id: str, patch: Mapping[str, Any]) -> JsonDict:
        """Patch: fields present change, absent fields stay. A field cannot be cleared with null."""
        cleared = sorted(k for k, v in patch.items() if v is None)
        if cleared:
            raise ValueError(
                f"connections/update cannot clear {', '.join(cleared)}: omit the field to keep it, "
                "or send an empty value (\"\" for prefix, [] for operationIds)"
            )
        return self.post("connections/update", {**patch, "connectionId": connection_id})

    def get_connection(self, connection_id: str) -> JsonDict:
        return self.post("connections/get", {"connectionId": connection_id})

    def list_connections(self, workspace_id: str) -> list[JsonDict]:
        """Every non-deleted connection of the workspace (not paginated by the server)."""
        answer = self.post("connections/list", {"workspaceId": workspace_id})
        return list(answer.get("connections") or [])

    def delete_connection(self, connection_id: str) -> None:
        self.post("connections/delete", {"connectionId": connection_id})

    def sync_connection(self, connection_id: str) -> JsonDict:
        """Start a manual sync (``JobInfoRead``); 409 when one is already running."""
        return self.post("connections/sync", {"connectionId": connection_id})

    def iter_jobs(
        self,
        connection_id: str,
        config_types: Sequence[str] = ("sync",),
        *,
        statuses: Iterable[str] | None = None,
        page_size: int = 50,
    ) -> Iterator[JsonDict]:
        """``JobWithAttemptsRead`` items, newest first, every page."""
        body: JsonDict = {
            "configTypes": list(config_types),
            "configId": connection_id,
            "orderByField": "createdAt",
            "orderByMethod": "DESC",
        }
        if statuses is not None:
            body["statuses"] = list(statuses)
        return self._iter_offset("jobs/list", body, "jobs", page_size)

    def list_jobs(
        self,
        connection_id: str,
        config_types: Sequence[str] = ("sync",),
        *,
        limit: int | None = None,
        statuses: Iterable[str] | None = None,
        page_size: int = 50,
    ) -> list[JsonDict]:
        jobs: list[JsonDict] = []
        size = min(page_size, limit) if limit else page_size
        for job in self.iter_jobs(connection_id, config_types, statuses=statuses, page_size=size):
            jobs.append(job)
            if limit is not None and len(jobs) >= limit:
                break
        return jobs

    def get_job(self, job_id: int) -> JsonDict:
        return self.post("jobs/get", {"id": job_id})

    def get_last_replication_job(self, connection_id: str) -> JsonDict | None:
        answer = self.post("jobs/get_last_replication_job", {"connectionId": connection_id})
        job = answer.get("job")
        return job if isinstance(job, dict) else None

    def list_tags(self, workspace_id: str) -> list[JsonDict]:
        """The workspace's connection tags (``Tag``: ``tagId``, ``workspaceId``, ``name``, ``color``)."""
        answer = self.post("tags/list", {"workspaceId": workspace_id})
        items = answer.get("items")  # the server answers a bare JSON array
        return [t for t in items if isinstance(t, dict)] if isinstance(items, list) else []

    def create_tag(self, workspace_id: str, name: str, color: str) -> JsonDict:
        """A connection tag; names are unique per workspace (a duplicate answers 409)."""
        return self.post("tags/create", {"workspaceId": workspace_id, "name": name, "color": color})

    def create_operation(
        self, workspace_id: str, name: str, operator_configuration: Mapping[str, Any]
    ) -> JsonDict:
        body = {
            "workspaceId": workspace_id,
            "name": name,
            "operatorConfiguration": dict(operator_configuration),
        }
        return self.post("operations/create", body)

    def update_operation(
        self, operation_id: str, name: str, operator_configuration: Mapping[str, Any]
    ) -> JsonDict:
        body = {
            "operationId": operation_id,
            "name": name,
            "operatorConfiguration": dict(operator_configuration),
        }
        return self.post("operations/update", body)

    def get_operation(self, operation_id: str) -> JsonDict:
        return self.post("operations/get", {"operationId": operation_id})

    def list_operations(self, connection_id: str) -> list[JsonDict]:
        answer = self.post("operations/list", {"connectionId": connection_id})
        return list(answer.get("operations") or [])

    # ---------------------------------------------------------------------------------------
    # declarative (Builder) source definitions: the only route for a components.py
    # ---------------------------------------------------------------------------------------

    def list_builder_projects(self, workspace_id: str) -> list[JsonDict]:
        answer = self.post("connector_builder_projects/list", {"workspaceId": workspace_id})
        return list(answer.get("projects") or [])

    def create_builder_project(
        self,
        workspace_id: str,
        name: str,
        manifest: Mapping[str, Any] | None = None,
        components: str | None = None,
    ) -> JsonDict:
        project: JsonDict = {"name": name}
        if manifest is not None:
            project["draftManifest"] = dict(manifest)
        if components is not None:
            project["componentsFileContent"] = components
        body = {"workspaceId": workspace_id, "builderProject": project}
        return self.post("connector_builder_projects/create", body)

    def publish_builder_project(
        self,
        workspace_id: str,
        project_id: str,
        name: str,
        manifest: Mapping[str, Any],
        *,
        description: str,
        version: int = 1,
        components: str | None = None,
    ) -> JsonDict:
        body: JsonDict = {
            "workspaceId": workspace_id,
            "builderProjectId": project_id,
            "name": name,
            "initialDeclarativeManifest": declarative_manifest(manifest, description, version),
        }
        if components is not None:
            body["componentsFileContent"] = components
        return self.post("connector_builder_projects/publish", body)

    def list_declarative_manifests(self, workspace_id: str, definition_id: str) -> list[JsonDict]:
        body = {"workspaceId": workspace_id, "sourceDefinitionId": definition_id}
        answer = self.post("declarative_source_definitions/list_manifests", body)
        return list(answer.get("manifestVersions") or [])

    def create_declarative_manifest(
        self,
        workspace_id: str,
        definition_id: str,
        manifest: Mapping[str, Any],
        *,
        description: str,
        version: int,
        components: str | None = None,
        set_active: bool = True,
    ) -> None:
        body: JsonDict = {
            "workspaceId": workspace_id,
            "sourceDefinitionId": definition_id,
            "setAsActiveManifest": set_active,
            "declarativeManifest": declarative_manifest(manifest, description, version),
        }
        if components is not None:
            body["componentsFileContent"] = components
        self.post("declarative_source_definitions/create_manifest", body)

    def update_active_manifest(self, workspace_id: str, definition_id: str, version: int) -> None:
        body = {
            "workspaceId": workspace_id,
            "sourceDefinitionId": definition_id,
            "version": version,
        }
        self.post("declarative_source_definitions/update_active_manifest", body)


def _core_config(
    workspace_id: str,
    definition_id: str,
    configuration: Mapping[str, Any],
    source_id: str | None,
) -> JsonDict:
    body: JsonDict = {
        "workspaceId": workspace_id,
        "sourceDefinitionId": definition_id,
        "connectionConfiguration": dict(configuration),
    }
    if source_id:
        body["sourceId"] = source_id
    return body


def declarative_manifest(manifest: Mapping[str, Any], description: str, version: int) -> JsonDict:
    """A ``DeclarativeSourceManifest``: the manifest plus its spec in Config API shape."""
    spec = manifest.get("spec") if isinstance(manifest.get("spec"), Mapping) else {}
    assert isinstance(spec, Mapping)
    connection_spec = spec.get("connection_specification") or spec.get("connectionSpecification")
    if not isinstance(connection_spec, Mapping):
        raise ValueError(
            "the manifest has no spec.connection_specification; Airbyte cannot publish it"
        )
    api_spec: JsonDict = {"connectionSpecification": dict(connection_spec)}
    if spec.get("documentation_url"):
        api_spec["documentationUrl"] = spec["documentation_url"]
    return {
        "manifest": dict(manifest),
        "spec": api_spec,
        "description": description,
        "version": version,
    }


def content_fingerprint(manifest: Mapping[str, Any], components: str | None) -> str:
    digest = hashlib.sha256(json.dumps(manifest, sort_keys=True, default=str).encode())
    digest.update(b"\0" + (components or "").encode())
    return "sha256:" + digest.hexdigest()[:16]

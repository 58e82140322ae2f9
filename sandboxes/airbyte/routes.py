"""The route table: every Config API endpoint the sandbox answers, and its handler.

Every endpoint is ``POST /api/v1/<endpoint>`` with a JSON body; a handler takes the store and the
body and returns the answer (a JSON-able value, a ready :class:`~sandboxes.base.Response`, or
``None`` for 204) or raises :class:`~sandboxes.airbyte.errors.ApiFailure`. An endpoint missing
here answers Micronaut's 404, as an unknown path does on the real server.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from airbyte_provisioning.core.types import JsonDict
from sandboxes.airbyte import (
    auth,
    builder,
    connections,
    definitions,
    destinations,
    jobs,
    operations,
    sources,
    tags,
    workspaces,
)
from sandboxes.airbyte.store import Store

API_PREFIX = "/api/v1/"
HEALTH_PATH = "/api/v1/health"  # the one GET: no auth, {"available": true}

Handler = Callable[[Store, JsonDict], Any]

ROUTES: Mapping[str, Handler] = MappingProxyType(
    {
        "applications/token": auth.create_token,
        "workspaces/get": workspaces.get,
        "workspaces/create": workspaces.create,
        "workspaces/list_by_organization_id": workspaces.list_by_organization_id,
        "workspaces/list_paginated": workspaces.list_paginated,
        "source_definitions/list": definitions.list_sources,
        "source_definitions/list_for_workspace": definitions.list_sources_for_workspace,
        "source_definitions/get": definitions.get_source,
        "source_definitions/get_for_workspace": definitions.get_source_for_workspace,
        "source_definition_specifications/get": definitions.get_source_spec,
        "destination_definitions/list_for_workspace": definitions.list_destinations_for_workspace,
        "destination_definitions/get": definitions.get_destination,
        "destination_definition_specifications/get": definitions.get_destination_spec,
        "sources/create": sources.create,
        "sources/update": sources.update,
        "sources/get": sources.get,
        "sources/list": sources.list_sources,
        "sources/delete": sources.delete,
        "sources/check_connection": sources.check_connection,
        "sources/discover_schema": sources.discover_schema,
        "scheduler/sources/check_connection": sources.scheduler_check_connection,
        "scheduler/sources/discover_schema": sources.scheduler_discover_schema,
        "destinations/create": destinations.create,
        "destinations/update": destinations.update,
        "destinations/get": destinations.get,
        "destinations/list": destinations.list_destinations,
        "connections/create": connections.create,
        "connections/update": connections.update,
        "connections/get": connections.get,
        "connections/list": connections.list_connections,
        "connections/delete": connections.delete,
        "connections/sync": connections.sync,
        "tags/create": tags.create,
        "tags/list": tags.list_tags,
        "tags/update": tags.update,
        "tags/delete": tags.delete,
        "jobs/list": jobs.list_jobs,
        "jobs/list_for_workspaces": jobs.list_jobs_for_workspaces,
        "jobs/get": jobs.get,
        "jobs/get_last_replication_job": jobs.get_last_replication_job,
        "operations/create": operations.create,
        "operations/update": operations.update,
        "operations/get": operations.get,
        "operations/list": operations.list_operations,
        "connector_builder_projects/create": builder.create_project,
        "connector_builder_projects/list": builder.list_projects,
        "connector_builder_projects/publish": builder.publish_project,
        "declarative_source_definitions/create_manifest": builder.create_manifest,
        "declarative_source_definitions/update_active_manifest": builder.update_active_manifest,
        "declarative_source_definitions/list_manifests": builder.list_manifests,
    }
)

# answered without a bearer token (it is how a client gets one)
UNAUTHENTICATED = frozenset({auth.TOKEN_ENDPOINT})

"""Observe (reads only): the template connections once per run, then each workspace once.

Per workspace the reads are fixed, never per connection: ``connections/list`` (every connection
with its catalog), ``sources/list`` (paged to the end: 1.8 returns 20 per page by default),
``tags/list`` and one ``destinations/get`` per tenant destination. Operations are read per
connection only for managed connections whose template has operations and lives in another
workspace (operation ids are workspace-scoped, so those are compared by content).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from airbyte_provisioning.api import AirbyteClient, AirbyteNotFoundError
from airbyte_provisioning.core.types import JsonDict
from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.tenants import StackConfig
from airbyte_provisioning.reconcile.model import (
    PLATFORM_TEMPLATES,
    Observed,
    TemplateSnapshot,
    platform_of_source_name,
    tag_names,
)
from airbyte_provisioning.templates.source_templates import TemplateError, load_template

SOURCE_PAGE_SIZE = 100


def observe_workspace(
    client: AirbyteClient,
    workspace_id: str,
    destination_ids: Iterable[str] = (),
    operation_tags: Collection[str] = (),
    explicit_ids: Collection[str] = (),
) -> Observed:
    """Read one workspace; ``operation_tags``/``explicit_ids`` say which connections' operations
    must be read (see the module docstring)."""
    observed = Observed(workspace_id)
    observed.connections = client.list_connections(workspace_id)
    observed.sources = client.list_sources(workspace_id, page_size=SOURCE_PAGE_SIZE)
    observed.tags = client.list_tags(workspace_id)
    for ident in dict.fromkeys(destination_ids):
        try:
            observed.destinations[ident] = client.get_destination(ident)
        except AirbyteNotFoundError:
            observed.destinations[ident] = None
    wanted_ids = {i.lower() for i in explicit_ids}
    for connection in observed.connections:
        ident = str(connection.get("connectionId"))
        if connection.get("operationIds") and (
            tag_names(connection) & set(operation_tags) or ident.lower() in wanted_ids
        ):
            observed.operations[ident] = client.list_operations(ident)
    return observed


def _definition_platforms() -> dict[str, str]:
    """Official definition id -> platform, from the source templates."""
    out: dict[str, str] = {}
    for platform, name in PLATFORM_TEMPLATES.items():
        try:
            source = load_template(name).get("source") or {}
        except TemplateError:
            continue
        if source.get("definition_id"):
            out[str(source["definition_id"])] = platform
    return out


def platform_of_source(source: Mapping[str, Any]) -> str | None:
    by_name = platform_of_source_name(str(source.get("name") or ""))
    if by_name:
        return by_name
    return _definition_platforms().get(str(source.get("sourceDefinitionId")))


def read_templates(client: AirbyteClient, stack: StackConfig) -> dict[str, TemplateSnapshot]:
    """Every enabled template connection, its source and operations; a template that cannot be
    read carries an ``error`` (its tenants' connections fail, the others go on)."""
    snapshots: dict[str, TemplateSnapshot] = {}
    sources: dict[str, JsonDict] = {}
    for key, setting in stack.templates.items():
        if not setting.enabled:
            continue
        variable = f"{V.PREFIX}TEMPLATE_{key}_CONNECTION_ID"
        ident = setting.connection_id
        if not ident:
            snapshots[key] = TemplateSnapshot(key, variable, None, error=f"{variable} is not set")
            continue
        try:
            connection = client.get_connection(ident)
        except AirbyteNotFoundError:
            snapshots[key] = TemplateSnapshot(
                key,
                variable,
                ident,
                error=f"{variable}={ident} does not exist: run provision_meta_google_connectors.py "
                "(or create the template connection) and persist the id it prints",
            )
            continue
        if connection.get("status") == "deprecated":
            snapshots[key] = TemplateSnapshot(
                key, variable, ident, error=f"{variable}={ident} is a deleted connection"
            )
            continue
        source_id = str(connection.get("sourceId"))
        if source_id not in sources:
            sources[source_id] = client.get_source(source_id)
        source = sources[source_id]
        operations = client.list_operations(ident) if connection.get("operationIds") else []
        streams = [
            s
            for s in (connection.get("syncCatalog") or {}).get("streams") or []
            if (s.get("config") or {}).get("selected")
        ]
        snapshots[key] = TemplateSnapshot(
            template=key,
            variable=variable,
            connection_id=ident,
            workspace_id=str(connection.get("workspaceId") or source.get("workspaceId")),
            source_id=source_id,
            source_definition_id=str(source.get("sourceDefinitionId")),
            platform=setting.platform or platform_of_source(source),
            streams=tuple(streams),
            source_catalog_id=connection.get("sourceCatalogId"),
            operations=tuple(operations),
            operation_ids=tuple(connection.get("operationIds") or ()),
            non_breaking_changes=connection.get("nonBreakingChangesPreference"),
        )
    return snapshots

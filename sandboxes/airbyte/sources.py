"""``sources/*`` and ``scheduler/sources/*`` (check / discover a configuration before it is saved).

``check_connection`` / ``discover_schema`` answer HTTP 200 with ``status: failed`` /
``jobInfo.succeeded: false`` when a config value contains :data:`CHECK_FAIL_MARKER` /
:data:`DISCOVER_FAIL_MARKER`, or when a test switched them off (``fail_check`` /
``fail_discover`` on the app).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import uuid
from typing import Any

from airbyte_provisioning.core.types import JsonDict
from sandboxes.airbyte.actors import actor_read, create_actor, list_actors, update_actor
from sandboxes.airbyte.catalogs import DiscoverError, StreamDef
from sandboxes.airbyte.configs import config_strings, restore_secrets, validate_config
from sandboxes.airbyte.errors import require
from sandboxes.airbyte.store import Actor, Store

# any config string containing these makes check / discover fail like a refused credential
CHECK_FAIL_MARKER = "sandbox-fail-check"
DISCOVER_FAIL_MARKER = "sandbox-fail-discover"
_UNSAVED_SOURCE_ID = "00000000-0000-0000-0000-000000000000"


def default_config(stream: StreamDef, total: int) -> JsonDict:
    """What Airbyte proposes for a discovered stream (``configureDefaultSyncModesForNewStream``)."""
    selected = total == 1
    config: JsonDict = {
        "aliasName": re.sub(r"[^A-Za-z0-9_]", "_", stream.name),
        "cursorField": list(stream.cursor),
        "primaryKey": [list(k) for k in stream.primary_key],
        "selected": selected,
        "suggested": selected,
    }
    if stream.cursor and stream.primary_key:
        config.update(syncMode="incremental", destinationSyncMode="append_dedup")
    else:
        config.update(syncMode="full_refresh", destinationSyncMode="overwrite")
    return config


def _check_result(store: Store, actor: Actor) -> JsonDict:
    message = store.check_failures.get(actor.actor_id) or store.check_failures.get(
        actor.definition_id
    )
    if message is None and any(CHECK_FAIL_MARKER in s for s in config_strings(actor.config)):
        message = (
            "Unable to connect: the API answered 401 Unauthorized (invalid or expired credentials)."
        )
    result: JsonDict = {
        "status": "failed" if message else "succeeded",
        "jobInfo": store.sync_job("check_connection_source", actor.actor_id),
    }
    if message:
        result["message"] = message
    return result


def _streams(store: Store, actor: Actor) -> list[StreamDef]:
    """What the connector would discover for ``actor``'s config (raises :class:`DiscoverError`)."""
    message = store.discover_failures.get(actor.actor_id) or store.discover_failures.get(
        actor.definition_id
    )
    if message is None and any(DISCOVER_FAIL_MARKER in s for s in config_strings(actor.config)):
        message = "Discover failed: the API refused to list the account's reports (HTTP 403)."
    if message:
        raise DiscoverError(message)
    definition = store.definitions[actor.definition_id]
    if definition.catalog is None:
        raise DiscoverError(f"{definition.name} cannot discover a catalog")
    return definition.catalog(actor.config)


def _discover(store: Store, actor: Actor) -> JsonDict:
    """The discovered catalog with Airbyte's proposed stream configs (raises DiscoverError)."""
    streams = _streams(store, actor)
    return {
        "streams": [
            {"stream": s.to_api(), "config": default_config(s, len(streams))} for s in streams
        ]
    }


def _failed_discover(store: Store, actor: Actor, error: DiscoverError) -> JsonDict:
    job = store.sync_job("discover_schema", actor.actor_id, succeeded=False, failure=str(error))
    return {"jobInfo": job}


def _unsaved_source(store: Store, body: JsonDict) -> Actor:
    """The source a ``scheduler/sources/*`` body describes; with a ``sourceId``, masked values
    are filled from the stored source."""
    require(
        body, "sourceCoreConfig", "sourceDefinitionId", "connectionConfiguration", "workspaceId"
    )
    store.workspace(body["workspaceId"])
    definition = store.definition(body["sourceDefinitionId"], "source", body["workspaceId"])
    config = copy.deepcopy(body["connectionConfiguration"])
    ident = _UNSAVED_SOURCE_ID
    if body.get("sourceId"):
        stored = store.actor(body["sourceId"], "source")
        config, ident = restore_secrets(config, stored.config), stored.actor_id
    validate_config(definition, config)
    return Actor(ident, body["workspaceId"], definition.definition_id, "", config, 0, "source")


def create(store: Store, body: JsonDict) -> Any:
    return create_actor(store, body, "source")


def update(store: Store, body: JsonDict) -> Any:
    return update_actor(store, body, "source")


def get(store: Store, body: JsonDict) -> Any:
    require(body, "sourceIdRequestBody", "sourceId")
    return actor_read(store, store.actor(body["sourceId"], "source"))


def list_sources(store: Store, body: JsonDict) -> Any:
    return list_actors(store, body, "source")


def delete(store: Store, body: JsonDict) -> Any:
    """Deleting a source deprecates its connections."""
    require(body, "sourceIdRequestBody", "sourceId")
    actor = store.actor(body["sourceId"], "source")
    for connection in store.connections.values():
        if connection["sourceId"] == actor.actor_id:
            connection["status"] = "deprecated"
    del store.actors[actor.actor_id]
    store.record_write("sources/delete")
    return None


def check_connection(store: Store, body: JsonDict) -> Any:
    require(body, "sourceIdRequestBody", "sourceId")
    return _check_result(store, store.actor(body["sourceId"], "source"))


def discover_schema(store: Store, body: JsonDict) -> Any:
    """Discover a saved source; the catalog is kept under a content-derived ``catalogId``."""
    require(body, "sourceDiscoverSchemaRequestBody", "sourceId")
    actor = store.actor(body["sourceId"], "source")
    try:
        catalog = _discover(store, actor)
    except DiscoverError as exc:
        return _failed_discover(store, actor, exc)
    digest = hashlib.sha256(json.dumps([actor.actor_id, catalog], sort_keys=True).encode())
    catalog_id = str(uuid.UUID(digest.hexdigest()[:32], version=4))
    store.catalogs[catalog_id] = catalog
    return {
        "catalog": catalog,
        "jobInfo": store.sync_job("discover_schema", actor.actor_id),
        "catalogId": catalog_id,
        "breakingChange": False,
    }


def scheduler_check_connection(store: Store, body: JsonDict) -> Any:
    return _check_result(store, _unsaved_source(store, body))


def scheduler_discover_schema(store: Store, body: JsonDict) -> Any:
    actor = _unsaved_source(store, body)
    try:
        catalog = _discover(store, actor)
    except DiscoverError as exc:
        return _failed_discover(store, actor, exc)
    return {
        "catalog": catalog,
        "jobInfo": store.sync_job("discover_schema", actor.actor_id),
        "breakingChange": False,
    }

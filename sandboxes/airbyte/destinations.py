"""``destinations/*``: the shared actor behaviour (:mod:`sandboxes.airbyte.actors`) for destinations."""

from __future__ import annotations

from typing import Any

from airbyte_provisioning.core.types import JsonDict
from sandboxes.airbyte.actors import actor_read, create_actor, list_actors, update_actor
from sandboxes.airbyte.errors import require
from sandboxes.airbyte.store import Store


def create(store: Store, body: JsonDict) -> Any:
    return create_actor(store, body, "destination")


def update(store: Store, body: JsonDict) -> Any:
    return update_actor(store, body, "destination")


def get(store: Store, body: JsonDict) -> Any:
    require(body, "destinationIdRequestBody", "destinationId")
    return actor_read(store, store.actor(body["destinationId"], "destination"))


def list_destinations(store: Store, body: JsonDict) -> Any:
    return list_actors(store, body, "destination")

"""``operations/*``: operations (webhooks, dbt, normalization) a connection runs after a sync."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from airbyte_provisioning.core.types import JsonDict
from sandboxes.airbyte.errors import invalid_input, known, not_found, require
from sandboxes.airbyte.store import Store

OPERATOR_TYPES = ("normalization", "dbt", "webhook")


def _check_operator(body: JsonDict) -> None:
    operator = body.get("operatorConfiguration")
    if not isinstance(operator, Mapping) or operator.get("operatorType") not in OPERATOR_TYPES:
        raise invalid_input(
            "operatorConfiguration.operatorType", "must be one of normalization|dbt|webhook"
        )
    if operator["operatorType"] == "webhook" and not isinstance(operator.get("webhook"), Mapping):
        raise known(
            422,
            "Invalid json input. operatorConfiguration.webhook must be set for operatorType webhook",
            "BadObjectSchemaKnownException",
        )


def _stored(store: Store, operation_id: Any) -> JsonDict:
    operation = store.operations.get(str(operation_id))
    if operation is None:
        raise not_found("STANDARD_SYNC_OPERATION", operation_id)
    return operation


def create(store: Store, body: JsonDict) -> Any:
    require(body, "operationCreate", "workspaceId", "name", "operatorConfiguration")
    store.workspace(body["workspaceId"])
    _check_operator(body)
    operation = {
        "workspaceId": body["workspaceId"],
        "operationId": store.new_id(),
        "name": body["name"],
        "operatorConfiguration": copy.deepcopy(body["operatorConfiguration"]),
    }
    store.operations[operation["operationId"]] = operation
    store.record_write("operations/create")
    return copy.deepcopy(operation)


def update(store: Store, body: JsonDict) -> Any:
    require(body, "operationUpdate", "operationId", "name", "operatorConfiguration")
    operation = copy.deepcopy(_stored(store, body["operationId"]))
    _check_operator(body)
    operation.update(
        name=body["name"], operatorConfiguration=copy.deepcopy(body["operatorConfiguration"])
    )
    store.operations[operation["operationId"]] = operation
    store.record_write("operations/update")
    return copy.deepcopy(operation)


def get(store: Store, body: JsonDict) -> Any:
    require(body, "operationIdRequestBody", "operationId")
    return copy.deepcopy(_stored(store, body["operationId"]))


def list_operations(store: Store, body: JsonDict) -> Any:
    """The operations of one connection, in the order it lists them."""
    require(body, "connectionIdRequestBody", "connectionId")
    connection = store.connection(body["connectionId"])
    return {
        "operations": [
            copy.deepcopy(store.operations[o])
            for o in connection.get("operationIds") or []
            if o in store.operations
        ]
    }

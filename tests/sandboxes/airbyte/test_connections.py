"""connections/*: defaults, selected streams, writes, deletion."""

from __future__ import annotations

from sandboxes.airbyte import (
    AirbyteSandboxApp,
)

from .helpers import WS, call, make_connection


def test_connection_defaults_and_unselected_streams_are_dropped(app: AirbyteSandboxApp) -> None:
    streams = [
        {
            "stream": {"name": "a"},
            "config": {
                "syncMode": "full_refresh",
                "destinationSyncMode": "overwrite",
                "selected": True,
            },
        },
        {
            "stream": {"name": "b"},
            "config": {
                "syncMode": "full_refresh",
                "destinationSyncMode": "overwrite",
                "selected": False,
            },
        },
    ]
    connection = make_connection(app, syncCatalog={"streams": streams})
    assert connection["name"] == "src <> Warehouse"
    assert connection["namespaceDefinition"] == "source" and connection["scheduleType"] == "manual"
    assert [s["stream"]["name"] for s in connection["syncCatalog"]["streams"]] == ["a"]


def test_stream_without_selected_flag_is_a_server_error(app: AirbyteSandboxApp) -> None:
    connection = make_connection(app)
    streams = [
        {
            "stream": {"name": "a"},
            "config": {"syncMode": "full_refresh", "destinationSyncMode": "overwrite"},
        }
    ]
    status, body = call(
        app,
        "connections/update",
        {"connectionId": connection["connectionId"], "syncCatalog": {"streams": streams}},
    )
    assert status == 500 and "getSelected()" in body["message"]


def test_writes_are_counted_and_reads_are_not(app: AirbyteSandboxApp) -> None:
    connection = make_connection(app)
    assert app.write_log == ["sources/create", "connections/create"]
    call(app, "connections/get", {"connectionId": connection["connectionId"]})
    call(app, "sources/list", {"workspaceId": WS})
    call(app, "sources/check_connection", {"sourceId": connection["sourceId"]})
    assert app.writes == 2
    call(app, "connections/update", {"connectionId": connection["connectionId"], "name": "n"})
    assert app.writes == 3


def test_deleted_connection_leaves_the_list_and_cannot_be_reactivated(
    app: AirbyteSandboxApp,
) -> None:
    connection = make_connection(app)
    assert call(app, "connections/delete", {"connectionId": connection["connectionId"]})[0] == 204
    assert call(app, "connections/list", {"workspaceId": WS})[1] == {"connections": []}
    assert (
        call(
            app,
            "connections/update",
            {"connectionId": connection["connectionId"], "status": "active"},
        )[0]
        == 422
    )

"""Plan is pure: desired vs observed -> actions with field-level changes, no HTTP."""

from __future__ import annotations

import copy
import json
from typing import Any

from airbyte_provisioning.core.redact import AIRBYTE_MASK
from airbyte_provisioning.reconcile.model import (
    FINGERPRINT_KEY,
    DesiredConnection,
    DesiredSource,
    DesiredUnit,
    Observed,
    SourceRef,
)
from airbyte_provisioning.reconcile.plan import Plan, plan_unit

WS = "00000000-0000-4000-8000-0000000000a1"
DEST = "00000000-0000-4000-8000-0000000000d1"
SOURCE_ID = "00000000-0000-4000-8000-0000000000b1"
CONN_ID = "00000000-0000-4000-8000-0000000000c1"
TAG_ID = "00000000-0000-4000-8000-0000000000e1"
DEFINITION = "e7778cfc-e97c-4458-9ecb-b4f2bba8946c"
SECRET = "tok" + "en-value-" * 3


def _stream(name: str, sync: str = "incremental", selected: bool = True) -> dict[str, Any]:
    return {
        "stream": {"name": name},
        "config": {
            "selected": selected,
            "syncMode": sync,
            "destinationSyncMode": "append_dedup" if sync == "incremental" else "overwrite",
            "cursorField": ["date_start"] if sync == "incremental" else [],
            "primaryKey": [["id"]],
        },
    }


def _source(secret: str = SECRET, account: str = "42") -> DesiredSource:
    return DesiredSource(
        platform="META",
        name="stack:acme:META",
        workspace_id=WS,
        definition_id=DEFINITION,
        config={"account_ids": [account], "credentials": {"access_token": secret}},
        secret_paths=(("credentials", "access_token"),),
    )


def _connection(**changes: Any) -> DesiredConnection:
    values: dict[str, Any] = {
        "template": "META_METRICS",
        "name": "acme | meta metrics",
        "status": "active",
        "namespace": "acme_raw",
        "prefix": "acme_",
        "schedule": {
            "scheduleType": "cron",
            "scheduleData": {
                "cron": {"cronExpression": "0 0 6-22 * * ?", "cronTimeZone": "America/Jamaica"}
            },
        },
        "streams": (_stream("insights"),),
        "source": SourceRef("managed", "META"),
        "destination_id": DEST,
        "id_variable": "AIRBYTE_ACME_META_METRICS_CONNECTION_ID",
    }
    values.update(changes)
    return DesiredConnection(**values)


def _unit(
    connection: DesiredConnection | None = None, source: DesiredSource | None = None
) -> DesiredUnit:
    return DesiredUnit(
        unit="acme",
        env_prefix="AIRBYTE_ACME_",
        workspace_id=WS,
        destination_id=DEST,
        destination_variable="AIRBYTE_ACME_DESTINATION_ID",
        sources=(source or _source(),),
        connections=(connection or _connection(),),
    )


def _observed_as_airbyte_stores(unit: DesiredUnit) -> Observed:
    """What the server reads back after an apply: secrets masked, defaults filled, only selected
    streams kept, an unrelated tag and a time zone suffix in the cron (public API style)."""
    source = unit.sources[0]
    config = source.redacted_config() | {FINGERPRINT_KEY: source.secret_fingerprint()}
    connection = unit.connections[0]
    streams = [s for s in copy.deepcopy(list(connection.streams)) if s["config"]["selected"]]
    return Observed(
        workspace_id=WS,
        sources=[
            {
                "sourceId": SOURCE_ID,
                "name": source.name,
                "sourceDefinitionId": DEFINITION,
                "connectionConfiguration": config,
            }
        ],
        tags=[
            {"tagId": TAG_ID, "workspaceId": WS, "name": "stack:META_METRICS", "color": "#3b82f6"}
        ],
        destinations={
            DEST: {"destinationId": DEST, "workspaceId": WS, "connectionConfiguration": {}}
        },
        connections=[
            {
                "connectionId": CONN_ID,
                "workspaceId": WS,
                "name": connection.name,
                "status": "active",
                "sourceId": SOURCE_ID,
                "destinationId": DEST,
                "namespaceDefinition": "customformat",
                "namespaceFormat": "acme_raw",
                "prefix": "acme_",
                "scheduleType": "cron",
                "scheduleData": {
                    "cron": {
                        "cronExpression": "0 0 6-22 * * ? America/Jamaica",
                        "cronTimeZone": "America/Jamaica",
                    }
                },
                "syncCatalog": {"streams": streams},
                "nonBreakingChangesPreference": "ignore",
                "operationIds": [],
                "tags": [
                    {"tagId": TAG_ID, "name": "stack:META_METRICS"},
                    {"tagId": "x", "name": "team:growth"},
                ],
            }
        ],
    )


def _actions(plan: Any) -> dict[str, Any]:
    return {a.key: a for a in plan.actions}


def test_from_empty_everything_is_created() -> None:
    observed = Observed(WS, destinations={DEST: {"workspaceId": WS}})

    plan = plan_unit(_unit(), observed)

    assert [(a.key, a.action) for a in plan.actions] == [
        ("tag:stack:META_METRICS", "create"),
        ("source:META", "create"),
        ("connection:META_METRICS", "create"),
    ]
    assert SECRET not in json.dumps(plan.to_dict())


def test_what_airbyte_normalises_is_not_drift() -> None:
    unit = _unit(_connection(streams=(_stream("insights"), _stream("unused", selected=False))))
    plan = plan_unit(unit, _observed_as_airbyte_stores(unit))

    assert {a.key: a.action for a in plan.actions} == {
        "tag:stack:META_METRICS": "noop",
        "source:META": "noop",
        "connection:META_METRICS": "noop",
    }
    assert not Plan("t", "now", [plan]).has_changes


def test_a_changed_field_is_reported_alone() -> None:
    unit = _unit()
    observed = _observed_as_airbyte_stores(unit)
    observed.connections[0]["prefix"] = "old_"

    action = _actions(plan_unit(unit, observed))["connection:META_METRICS"]

    assert action.action == "update"
    assert action.changes == [{"field": "prefix", "from": "old_", "to": "acme_"}]
    assert action.resets_state == []


def test_a_rotated_secret_shows_only_fingerprints() -> None:
    observed = _observed_as_airbyte_stores(_unit())
    rotated = _unit(source=_source(secret="a-brand-new-token-value"))

    action = _actions(plan_unit(rotated, observed))["source:META"]

    assert action.action == "update"
    (change,) = action.changes
    assert change["field"] == "secrets" and change["note"] == "secret changed"
    assert "a-brand-new-token-value" not in json.dumps(action.to_dict())


def test_a_non_secret_config_change_is_a_config_field_change() -> None:
    observed = _observed_as_airbyte_stores(_unit())

    action = _actions(plan_unit(_unit(source=_source(account="43")), observed))["source:META"]

    assert action.changes == [{"field": "config.account_ids[0]", "from": "42", "to": "43"}]
    assert AIRBYTE_MASK not in json.dumps(action.changes)


def test_a_sync_mode_change_or_a_deselected_stream_is_called_out_as_a_state_reset() -> None:
    before = _unit(_connection(streams=(_stream("insights"), _stream("extra"))))
    observed = _observed_as_airbyte_stores(before)
    after = _unit(_connection(streams=(_stream("insights", sync="full_refresh"), _stream("new"))))

    action = _actions(plan_unit(after, observed))["connection:META_METRICS"]

    assert action.action == "update"
    assert action.resets_state == ["extra", "insights"]


def test_an_untagged_explicit_connection_is_adopted() -> None:
    unit = _unit(_connection(connection_id=CONN_ID))
    observed = _observed_as_airbyte_stores(unit)
    observed.connections[0]["tags"] = []

    action = _actions(plan_unit(unit, observed))["connection:META_METRICS"]

    assert (action.action, action.found_by) == (
        "adopt",
        "explicit id (AIRBYTE_ACME_META_METRICS_CONNECTION_ID)",
    )
    assert action.changes == [{"field": "tags", "from": [], "to": ["stack:META_METRICS"]}]
    assert action.persist is None


def test_a_missing_explicit_connection_is_an_error_naming_the_variable() -> None:
    unit = _unit(_connection(connection_id="00000000-0000-4000-8000-0000000000ff"))

    action = _actions(plan_unit(unit, _observed_as_airbyte_stores(unit)))["connection:META_METRICS"]

    assert action.action == "error"
    assert action.reason and action.reason.startswith("AIRBYTE_ACME_META_METRICS_CONNECTION_ID=")


def test_a_connection_reading_another_source_cannot_be_fixed_by_an_update() -> None:
    unit = _unit()
    observed = _observed_as_airbyte_stores(unit)
    observed.connections[0]["sourceId"] = "00000000-0000-4000-8000-0000000000b9"

    action = _actions(plan_unit(unit, observed))["connection:META_METRICS"]

    assert action.action == "error"
    assert "cannot change a connection's source" in str(action.reason)


def test_duplicates_manage_the_oldest_and_warn() -> None:
    unit = _unit()
    observed = _observed_as_airbyte_stores(unit)
    twin = copy.deepcopy(observed.connections[0]) | {
        "connectionId": "00000000-0000-4000-8000-0000000000c2",
        "created_at": 99,
    }
    observed.connections[0]["created_at"] = 1
    observed.connections.append(twin)

    action = _actions(plan_unit(unit, observed))["connection:META_METRICS"]

    assert action.resource_id == CONN_ID
    assert "00000000-0000-4000-8000-0000000000c2" in action.warnings[0]


def test_a_missing_or_foreign_destination_stops_the_unit() -> None:
    unit = _unit()
    observed = _observed_as_airbyte_stores(unit)
    observed.destinations[DEST] = None

    plan = plan_unit(unit, observed)

    assert not plan.ok and plan.actions == []
    assert plan.problems[0].startswith("AIRBYTE_ACME_DESTINATION_ID=")


def test_a_bucket_mismatch_is_reported_not_changed() -> None:
    unit = DesiredUnit(**{**_unit().__dict__, "bucket": "acme-landing"})
    observed = _observed_as_airbyte_stores(unit)
    observed.destinations[DEST] = {
        "workspaceId": WS,
        "connectionConfiguration": {"s3_bucket_name": "other"},
    }

    plan = plan_unit(unit, observed)

    assert "bucket 'other'" in plan.problems[0]


def test_a_plan_survives_a_round_trip_through_json() -> None:
    unit = _unit()
    observed = _observed_as_airbyte_stores(unit)
    observed.connections[0]["status"] = "inactive"
    plan = Plan("bootstrap_connections", "2025-01-01T00:00:00+00:00", [plan_unit(unit, observed)])

    again = Plan.from_dict(json.loads(json.dumps(plan.to_dict())))

    assert [u.fingerprint() for u in again.units] == [u.fingerprint() for u in plan.units]
    assert again.counts() == {
        "create": 0,
        "update": 1,
        "adopt": 0,
        "noop": 2,
        "error": 0,
        "resets_state": 0,
    }

"""Apply resolves writes with unknown outcomes by our keys only, and a missing Airbyte stops the
whole run instead of failing tenant after tenant."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from airbyte_provisioning.api import AirbyteClient, AirbyteUnreachableError, RetryPolicy
from airbyte_provisioning.reconcile.apply import RECOVERY_WRITES, Applier
from airbyte_provisioning.reconcile.engine import RunOptions, run_units
from airbyte_provisioning.reconcile.model import DesiredSource, DesiredUnit, Observed
from airbyte_provisioning.reconcile.plan import Action
from sandboxes.airbyte import DEFAULT_WORKSPACE_ID, Actor, AirbyteSandboxApp, create_app
from sandboxes.airbyte.catalogs import FACEBOOK_MARKETING_ID, GOOGLE_ADS_ID
from sandboxes.base import free_port

WS = DEFAULT_WORKSPACE_ID
NAME = "stack:acme:META"


@pytest.fixture
def served(sandbox_switch: tuple[Any, str]) -> Iterator[tuple[AirbyteSandboxApp, AirbyteClient]]:
    switch, url = sandbox_switch
    app = create_app(spec_dir=None)
    switch.target = app
    waits: list[float] = []
    yield app, AirbyteClient(url, retry=RetryPolicy(sleep=waits.append))
    switch.target = None


def _meta_source() -> DesiredSource:
    return DesiredSource(
        platform="META",
        name=NAME,
        workspace_id=WS,
        definition_id=FACEBOOK_MARKETING_ID,
        config={"account_ids": ["1"], "credentials": {"access_token": "token-value"}},
        secret_paths=(("credentials", "access_token"),),
    )


def _create(applier: Applier, source: DesiredSource) -> Any:
    action = Action(kind="source", key=source.key, action="create", name=source.name)
    return applier._source(action, source)


def test_a_source_with_our_name_but_another_connector_is_never_adopted(
    served: tuple[AirbyteSandboxApp, AirbyteClient],
) -> None:
    app, client = served
    theirs = "00000000-0000-4000-9000-0000000000aa"
    app.actors[theirs] = Actor(theirs, WS, GOOGLE_ADS_ID, NAME, {"customer_id": "1"}, 0, "source")
    app.fail_next(1, status=502, path_prefix="/api/v1/sources/create")

    outcome = _create(Applier(client, Observed(WS)), _meta_source())

    assert (outcome.result, outcome.recovered) == ("created", "rewritten")
    assert outcome.resource_id != theirs
    named = [a for a in app.actors.values() if a.name == NAME]
    assert sorted(a.definition_id for a in named) == sorted([GOOGLE_ADS_ID, FACEBOOK_MARKETING_ID])


def test_an_unknown_outcome_is_resent_at_most_the_bounded_number_of_times(
    served: tuple[AirbyteSandboxApp, AirbyteClient],
) -> None:
    app, client = served
    app.fail_next(20, status=504, path_prefix="/api/v1/sources/create")

    with pytest.raises(Exception, match="nothing was duplicated"):
        _create(Applier(client, Observed(WS)), _meta_source())

    assert app.request_count("/api/v1/sources/create") == RECOVERY_WRITES
    assert not [a for a in app.actors.values() if a.name == NAME]


def test_a_missing_airbyte_stops_the_run_instead_of_failing_each_unit() -> None:
    client = AirbyteClient(
        f"http://127.0.0.1:{free_port()}", retry=RetryPolicy(sleep=lambda _s: None)
    )
    units = [
        DesiredUnit(
            unit=f"t{i}",
            env_prefix=f"AIRBYTE_T{i}_",
            workspace_id=f"00000000-0000-4000-8000-0000000000{i:02d}",
            destination_id=f"00000000-0000-4000-8000-0000000001{i:02d}",
            destination_variable=f"AIRBYTE_T{i}_DESTINATION_ID",
        )
        for i in range(20)
    ]

    with pytest.raises(AirbyteUnreachableError, match="AIRBYTE_BASE_URL"):
        run_units(client, units, RunOptions(apply=True, concurrency=4))

    # 20 workspaces x 5 attempts would be 100; the shared budget stops at a handful
    assert client.calls <= 2 * client.budget.max_failures - 1

"""validate_tenant_config's online part: every referenced workspace, destination and template
connection must exist in Airbyte."""

from __future__ import annotations

from airbyte_provisioning.checks.online import check_resources_exist
from airbyte_provisioning.commands import validate_tenant_config
from airbyte_provisioning.model.tenants import load_stack

from .world import GLOBEX_DESTINATION, GLOBEX_WORKSPACE, World


def test_everything_present_gives_no_problem_and_validate_runs_online(provisioned: World) -> None:
    assert check_resources_exist(load_stack(provisioned.env), provisioned.env) == []

    result = provisioned.run(validate_tenant_config)

    assert result.code == 0, result.out
    assert (result.doc["mode"], result.doc["valid"]) == ("online", True)
    assert provisioned.app.writes == 0


def test_every_missing_resource_is_listed_with_its_variable(provisioned: World) -> None:
    del provisioned.app.workspaces[GLOBEX_WORKSPACE]
    del provisioned.app.actors[GLOBEX_DESTINATION]
    dimensions = provisioned.env["AIRBYTE_TEMPLATE_DIMENSIONS_DAILY_CONNECTION_ID"]
    provisioned.app.connections[dimensions]["status"] = "deprecated"

    problems = check_resources_exist(load_stack(provisioned.env), provisioned.env)

    assert sorted((p.variable, p.code, p.tenant) for p in problems) == [
        ("AIRBYTE_GLOBEX_EU_DESTINATION_ID", "missing_destination", "globex-eu"),
        ("AIRBYTE_GLOBEX_EU_WORKSPACE_ID", "missing_workspace", "globex-eu"),
        ("AIRBYTE_TEMPLATE_DIMENSIONS_DAILY_CONNECTION_ID", "missing_template_connection", None),
    ]
    result = provisioned.run(validate_tenant_config)
    assert result.code == 1
    assert {p["variable"] for p in result.doc["problems"]} >= {"AIRBYTE_GLOBEX_EU_WORKSPACE_ID"}


def test_a_destination_in_another_workspace_is_a_problem(provisioned: World) -> None:
    provisioned.app.actors[GLOBEX_DESTINATION].workspace_id = "00000000-0000-4000-8000-00000000a001"

    problems = check_resources_exist(load_stack(provisioned.env), provisioned.env)

    assert [(p.variable, p.code) for p in problems] == [
        ("AIRBYTE_GLOBEX_EU_DESTINATION_ID", "foreign_destination")
    ]


def test_an_unreachable_server_is_one_problem_naming_the_url(provisioned: World) -> None:
    provisioned.env["AIRBYTE_BASE_URL"] = "http://127.0.0.1:9"

    problems = check_resources_exist(load_stack(provisioned.env), provisioned.env)

    assert [(p.variable, p.code) for p in problems] == [("AIRBYTE_BASE_URL", "unreachable")]


def test_refused_credentials_are_one_problem_naming_the_auth_variables(
    provisioned: World,
) -> None:
    provisioned.app.auth = "bearer"
    provisioned.env.update(AIRBYTE_CLIENT_ID="someone", AIRBYTE_CLIENT_SECRET="not-the-secret")

    problems = check_resources_exist(load_stack(provisioned.env), provisioned.env)

    assert len(problems) == 1
    assert problems[0].code == "auth_failed"
    assert "AIRBYTE_CLIENT_ID" in problems[0].variable
    assert "not-the-secret" not in problems[0].message

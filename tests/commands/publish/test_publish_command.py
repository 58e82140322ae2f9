"""publish_custom_connectors against the Airbyte sandbox: create, no-op re-runs, new versions,
refusals, conflicts, interrupted runs and secrets."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from airbyte_provisioning.api import AirbyteClient
from airbyte_provisioning.cli import main as cli_main
from sandboxes.airbyte import AirbyteSandboxApp

from .conftest import REPO, WORKSPACE_ID, Run

RunScript = Callable[..., subprocess.CompletedProcess[str]]

pytestmark = pytest.mark.e2e
Sandbox = tuple[AirbyteSandboxApp, str]
Publish = Callable[..., Run]
LINKEDIN_ID = "5b2f6a1e-9c4d-4e8a-b7f3-2d1c0e9a8f61"
TIKTOK_ID = "036cda32-af9e-40ee-852a-3374c75c71a7"
CREATE_AND_PUBLISH = ["connector_builder_projects/create", "connector_builder_projects/publish"]


def _versions(app: AirbyteSandboxApp, definition_id: str) -> dict[int, dict[str, Any]]:
    return app.manifests[definition_id]


def _active(app: AirbyteSandboxApp, definition_id: str) -> int:
    return int(app.definitions[definition_id].extra["activeVersion"])


def _edit_components(connectors: Path, connector: str, line: str) -> str:
    path = connectors / f"source-{connector}" / "components.py"
    text = path.read_text() + f"\n{line}\n"
    path.write_text(text)
    return text


def test_first_run_publishes_both_connectors_with_their_components(
    sandbox: Sandbox, publish: Publish
) -> None:
    app, url = sandbox
    run = publish(url)

    assert run.code == 0, run.stdout
    assert run.doc["ok"] is True and run.doc["summary"]["failed"] == 0
    assert app.write_log == CREATE_AND_PUBLISH * 2
    for connector, stable_id in (("linkedin-ads", LINKEDIN_ID), ("tiktok-ads", TIKTOK_ID)):
        result = run.result(connector)
        assert result["action"] == "created" and result["changed"] is True
        assert result["active_version"] == 1 and result["versions"] == [1]
        stored = _versions(app, result["source_definition_id"])[1]
        folder = REPO / "connectors" / f"source-{connector}"
        assert stored["components"] == (folder / "components.py").read_text()
        assert stored["manifest"]["manifest"] == yaml.safe_load(
            (folder / "manifest.yaml").read_text()
        )
        assert f"[airbyte-tenant-stack:{stable_id}]" in stored["manifest"]["description"]
        assert result["fingerprint"] in stored["manifest"]["description"]
    assert run.doc["env"] == {
        "AIRBYTE_WORKSPACE_ID": WORKSPACE_ID,
        "AIRBYTE_LINKEDIN_SOURCE_DEFINITION_ID": run.result("linkedin-ads")["source_definition_id"],
        "AIRBYTE_TIKTOK_SOURCE_DEFINITION_ID": run.result("tiktok-ads")["source_definition_id"],
    }


def test_a_rerun_without_changes_makes_zero_writes(sandbox: Sandbox, publish: Publish) -> None:
    app, url = sandbox
    first = publish(url)
    app.reset_write_count()

    again = publish(url)

    assert again.code == 0
    assert app.writes == 0 and again.doc["summary"]["writes"] == 0
    assert {r["action"] for r in again.doc["results"]} == {"unchanged"}
    assert again.doc["env"] == first.doc["env"]
    assert [r["active_version"] for r in again.doc["results"]] == [1, 1]


def test_a_changed_components_file_becomes_version_two_and_is_activated(
    sandbox: Sandbox, publish: Publish, connectors_copy: Path
) -> None:
    app, url = sandbox
    dirs = ("--connectors-dir", str(connectors_copy))
    first = publish(url, *dirs)
    definition_id = first.result("linkedin-ads")["source_definition_id"]
    edited = _edit_components(connectors_copy, "linkedin-ads", "# retuned backoff")
    app.reset_write_count()

    run = publish(url, *dirs)

    assert run.code == 0
    linkedin = run.result("linkedin-ads")
    assert linkedin["action"] == "versioned" and linkedin["active_version"] == 2
    assert linkedin["versions"] == [1, 2]
    assert linkedin["source_definition_id"] == definition_id
    assert run.result("tiktok-ads")["action"] == "unchanged"
    assert app.write_log == ["declarative_source_definitions/create_manifest"]
    assert _versions(app, definition_id)[2]["components"] == edited
    assert _active(app, definition_id) == 2


def test_versions_only_grow_and_identical_content_reactivates_its_version(
    sandbox: Sandbox, publish: Publish, connectors_copy: Path
) -> None:
    app, url = sandbox
    dirs = ("--connectors-dir", str(connectors_copy), "--connector", "linkedin-ads")
    components = connectors_copy / "source-linkedin-ads" / "components.py"
    original = components.read_text()
    definition_id = publish(url, *dirs).result("linkedin-ads")["source_definition_id"]
    _edit_components(connectors_copy, "linkedin-ads", "# v2")
    publish(url, *dirs)

    components.write_text(original)
    app.reset_write_count()
    rolled_back = publish(url, *dirs).result("linkedin-ads")
    assert rolled_back["action"] == "activated" and rolled_back["active_version"] == 1
    assert app.write_log == ["declarative_source_definitions/update_active_manifest"]

    _edit_components(connectors_copy, "linkedin-ads", "# v3")
    third = publish(url, *dirs).result("linkedin-ads")
    assert third["action"] == "versioned" and third["active_version"] == 3
    assert third["versions"] == [1, 2, 3] and _active(app, definition_id) == 3


def test_a_server_refusal_is_reported_with_its_message_and_changes_nothing(
    sandbox: Sandbox, publish: Publish, connectors_copy: Path
) -> None:
    app, url = sandbox
    dirs = ("--connectors-dir", str(connectors_copy), "--connector", "tiktok-ads")
    definition_id = publish(url, *dirs).result("tiktok-ads")["source_definition_id"]
    manifest_path = connectors_copy / "source-tiktok-ads" / "manifest.yaml"
    manifest = yaml.safe_load(manifest_path.read_text())
    manifest["streams"] = []  # Airbyte refuses a manifest without streams (422)
    manifest_path.write_text(yaml.safe_dump(manifest))
    app.reset_write_count()

    run = publish(url, *dirs)

    assert run.code == 1 and run.doc["ok"] is False
    failure = run.result("tiktok-ads")
    assert failure["action"] == "failed"
    assert failure["error"]["status"] == 422
    assert failure["error"]["endpoint"] == "declarative_source_definitions/create_manifest"
    assert "the manifest declares no streams" in failure["error"]["message"]
    assert app.writes == 0 and _active(app, definition_id) == 1
    assert '"publish.connector"' in run.stderr and '"action": "failed"' in run.stderr


def test_an_unknown_workspace_stops_before_publishing_and_names_where_its_id_came_from(
    sandbox: Sandbox, publish: Publish
) -> None:
    app, url = sandbox
    missing = "00000000-0000-4000-8000-0000000000ff"
    run = publish(url, "--workspace-id", missing)

    assert run.code == 1
    assert f"workspace {missing} (--workspace-id) does not exist in Airbyte" in run.doc["error"]
    assert run.doc["problems"][0]["variable"] == "--workspace-id"
    assert "results" not in run.doc and app.writes == 0


def test_a_same_named_definition_published_by_hand_is_not_taken_over_silently(
    sandbox: Sandbox, publish: Publish
) -> None:
    app, url = sandbox
    client = AirbyteClient(url)
    manifest = yaml.safe_load((REPO / "connectors/source-tiktok-ads/manifest.yaml").read_text())
    project = client.create_builder_project(WORKSPACE_ID, "TikTok Ads", manifest)
    manual = client.publish_builder_project(
        WORKSPACE_ID, project["builderProjectId"], "TikTok Ads", manifest, description="by hand"
    )
    app.reset_write_count()

    refused = publish(url, "--connector", "tiktok-ads")
    assert refused.code == 1 and app.writes == 0
    message = refused.result("tiktok-ads")["error"]["message"]
    assert manual["sourceDefinitionId"] in message and "--adopt" in message

    adopted = publish(url, "--connector", "tiktok-ads", "--adopt").result("tiktok-ads")
    assert adopted["action"] == "versioned" and adopted["active_version"] == 2
    assert adopted["source_definition_id"] == manual["sourceDefinitionId"]
    # from now on the definition carries the marker: no --adopt needed, nothing to do
    assert publish(url, "--connector", "tiktok-ads").result("tiktok-ads")["action"] == "unchanged"


def test_a_publish_whose_answer_was_lost_is_found_again_and_not_duplicated(
    sandbox: Sandbox, publish: Publish
) -> None:
    app, url = sandbox
    app.lose_response(path_prefix="/api/v1/connector_builder_projects/publish")

    lost = publish(url, "--connector", "linkedin-ads")
    assert lost.code == 1
    error = lost.result("linkedin-ads")["error"]
    assert error["may_have_been_applied"] is True and "run again" in error["hint"]

    again = publish(url, "--connector", "linkedin-ads")
    assert again.code == 0 and again.result("linkedin-ads")["action"] == "unchanged"
    assert len(app.projects) == 1
    assert len([d for d in app.definitions.values() if d.custom]) == 1


def test_a_project_left_unpublished_by_an_interrupted_run_is_resumed(
    sandbox: Sandbox, publish: Publish
) -> None:
    app, url = sandbox
    app.lose_response(path_prefix="/api/v1/connector_builder_projects/create")
    assert publish(url, "--connector", "linkedin-ads").code == 1

    app.reset_write_count()
    resumed = publish(url, "--connector", "linkedin-ads").result("linkedin-ads")

    assert resumed["action"] == "resumed" and resumed["active_version"] == 1
    assert app.write_log == ["connector_builder_projects/publish"]
    assert len(app.projects) == 1


def test_dry_run_reports_the_plan_and_writes_nothing(
    sandbox: Sandbox, publish: Publish, connectors_copy: Path
) -> None:
    app, url = sandbox
    dirs = ("--connectors-dir", str(connectors_copy))
    planned = publish(url, *dirs, "--dry-run")
    assert planned.code == 0 and app.writes == 0
    assert {r["action"] for r in planned.doc["results"]} == {"would_create"}

    publish(url, *dirs)
    _edit_components(connectors_copy, "tiktok-ads", "# changed")
    app.reset_write_count()
    planned = publish(url, *dirs, "--dry-run")
    assert app.writes == 0
    assert planned.result("tiktok-ads")["action"] == "would_version"
    assert planned.result("tiktok-ads")["active_version"] == 2
    assert planned.result("linkedin-ads")["action"] == "unchanged"


def test_all_workspaces_publishes_a_definition_into_every_tenant_workspace(
    start_sandbox: Callable[..., Sandbox], publish: Publish
) -> None:
    tenant = "00000000-0000-4000-8000-00000000a002"
    app, url = start_sandbox(workspaces=[(WORKSPACE_ID, "template"), (tenant, "acme")])

    run = publish(url, "--all-workspaces", AIRBYTE_TENANTS="acme", AIRBYTE_ACME_WORKSPACE_ID=tenant)

    assert run.code == 0 and run.doc["workspaces"] == [WORKSPACE_ID, tenant]
    ids = {
        (r["workspace_id"], r["connector"]): r["source_definition_id"] for r in run.doc["results"]
    }
    assert len(set(ids.values())) == 4  # custom definitions are scoped to their workspace
    assert (
        run.doc["env"]["AIRBYTE_LINKEDIN_SOURCE_DEFINITION_ID"]
        == ids[(WORKSPACE_ID, "source-linkedin-ads")]
    )


@pytest.mark.parametrize(
    ("connector", "config_file"),
    [("linkedin-ads", "sample_config.json"), ("tiktok-ads", "sample_config.json")],
)
def test_a_published_connector_is_listed_and_discovers_its_manifest_streams(
    sandbox: Sandbox, publish: Publish, connector: str, config_file: str
) -> None:
    _, url = sandbox
    definition_id = publish(url, "--connector", connector).result(connector)["source_definition_id"]
    client = AirbyteClient(url)
    folder = REPO / "connectors" / f"source-{connector}"
    config = json.loads((folder / "integration_tests" / config_file).read_text())

    listed = client.post("source_definitions/list_for_workspace", {"workspaceId": WORKSPACE_ID})
    discovered = client.discover_source_config(WORKSPACE_ID, definition_id, config)

    assert definition_id in {d["sourceDefinitionId"] for d in listed["sourceDefinitions"]}
    manifest = yaml.safe_load((folder / "manifest.yaml").read_text())
    expected = {s["$ref"].rsplit("/", 1)[-1] for s in manifest["streams"]}
    names = {s["stream"]["name"] for s in discovered["catalog"]["streams"]}
    assert names == expected and len(expected) == len(manifest["streams"])


def test_secrets_never_reach_stdout_or_stderr(
    start_sandbox: Callable[..., Sandbox], publish: Publish
) -> None:
    canary = "canary-client-secret-7d41b9e2"
    _, url = start_sandbox(auth="bearer", client_id="stack-client", client_secret=canary)

    ok = publish(url, AIRBYTE_CLIENT_ID="stack-client", AIRBYTE_CLIENT_SECRET=canary)
    refused = publish(url, AIRBYTE_CLIENT_ID="stack-client", AIRBYTE_CLIENT_SECRET=canary + "-old")

    assert ok.code == 0
    assert refused.code == 2 and "AIRBYTE_CLIENT_SECRET" in refused.doc["error"]
    for run in (ok, refused):
        assert canary not in run.stdout and canary not in run.stderr


@pytest.mark.parametrize(
    ("argv", "env", "needle"),
    [
        (["--connector", "facebook"], {}, "known: linkedin-ads, tiktok-ads"),
        ([], {"AIRBYTE_WORKSPACE_ID": ""}, "AIRBYTE_WORKSPACE_ID"),
        (["--workspace-id", "acme"], {}, "--workspace-id='acme' is not a workspace UUID"),
        ([], {"AIRBYTE_BASE_URL": ""}, "AIRBYTE_BASE_URL is not set"),
    ],
)
def test_usage_problems_exit_2_before_any_call(
    sandbox: Sandbox, publish: Publish, argv: list[str], env: dict[str, str], needle: str
) -> None:
    app, url = sandbox
    run = publish(url, *argv, **env)
    assert run.code == 2 and needle in run.doc["error"]
    assert app.request_count() == 0


def test_a_broken_metadata_file_names_the_file_and_field(
    sandbox: Sandbox, publish: Publish, connectors_copy: Path
) -> None:
    _, url = sandbox
    metadata = connectors_copy / "source-linkedin-ads" / "metadata.yaml"
    metadata.write_text(metadata.read_text().replace("definitionId: 5b2f", "definitionId: xx"))
    run = publish(url, "--connectors-dir", str(connectors_copy))
    assert run.code == 2
    assert "metadata.yaml: data.definitionId=" in run.doc["error"]


def test_the_script_and_the_cli_expose_the_same_command(
    capsys: pytest.CaptureFixture[str], run_script: RunScript
) -> None:
    script = run_script("publish_custom_connectors.py", "--help")
    assert script.returncode == 0 and "--all-workspaces" in script.stdout
    assert cli_main(["publish", "--help"]) == 0
    assert "--adopt" in capsys.readouterr().out


def test_adopting_a_definition_with_identical_content_still_stamps_it_as_ours(
    sandbox: Sandbox, publish: Publish
) -> None:
    app, url = sandbox
    client = AirbyteClient(url)
    folder = REPO / "connectors" / "source-tiktok-ads"
    manifest = yaml.safe_load((folder / "manifest.yaml").read_text())
    components = (folder / "components.py").read_text()
    fingerprint = publish(url, "--connector", "tiktok-ads", "--dry-run").result("tiktok-ads")[
        "fingerprint"
    ]
    project = client.create_builder_project(WORKSPACE_ID, "TikTok Ads", manifest, components)
    client.publish_builder_project(
        WORKSPACE_ID,
        project["builderProjectId"],
        "TikTok Ads",
        manifest,
        description=f"older tooling [{fingerprint}]",
        components=components,
    )

    adopted = publish(url, "--connector", "tiktok-ads", "--adopt").result("tiktok-ads")
    again = publish(url, "--connector", "tiktok-ads").result("tiktok-ads")

    assert adopted["action"] == "versioned" and adopted["active_version"] == 2
    assert again["action"] == "unchanged" and again["active_version"] == 2

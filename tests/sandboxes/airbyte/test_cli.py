"""The standalone sandbox: command line, latency and fault options, seeding from an env file."""

from __future__ import annotations

import pytest

from airbyte_provisioning.core.envfile import read_env_file
from airbyte_provisioning.core.paths import ENV_EXAMPLE
from sandboxes.airbyte import create_app, main, seed_from_env
from sandboxes.airbyte.cli import build_app

from .helpers import call


def test_standalone_runner_rejects_a_malformed_destination_seed() -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--destination", "only-one-part"])
    assert caught.value.code == 2


def test_env_file_seeding_creates_the_named_workspaces_and_destinations() -> None:
    env = read_env_file(ENV_EXAMPLE)
    app = create_app(spec_dir=None, workspaces=())
    seed_from_env(app, env)
    assert env["AIRBYTE_GLOBEX_EU_WORKSPACE_ID"] in app.workspaces
    destination = app.actors[env["AIRBYTE_GLOBEX_EU_DESTINATION_ID"]]
    assert destination.workspace_id == env["AIRBYTE_GLOBEX_EU_WORKSPACE_ID"]
    assert env["AIRBYTE_TEMPLATE_DESTINATION_ID"] in app.actors
    status, listed = call(
        app, "destinations/list", {"workspaceId": env["AIRBYTE_ACME_WORKSPACE_ID"]}
    )
    assert status == 200 and {d["destinationId"] for d in listed["destinations"]} == {
        env["AIRBYTE_TEMPLATE_DESTINATION_ID"],
        env["AIRBYTE_ACME_DESTINATION_ID"],
    }


def test_latency_and_fault_options_configure_the_served_app() -> None:
    app, _ = build_app(
        [
            "--latency-ms",
            "20",
            "--fault-rate",
            "0.05",
            "--fault-seed",
            "7",
            "--fault-kinds",
            "lost_response, dropped",
            "--workspace",
            "00000000-0000-4000-8000-0000000000a9:fleet",
        ]
    )

    assert app.latency_s == pytest.approx(0.02)
    policy = app.fault_layer.random
    assert policy is not None
    assert (policy.rate, policy.seed, policy.kinds) == (0.05, 7, ("dropped", "lost_response"))
    assert app.workspaces["00000000-0000-4000-8000-0000000000a9"]["name"] == "fleet"


def test_no_fault_rate_means_no_random_faults() -> None:
    app, _ = build_app([])
    assert app.fault_layer.random is None and app.latency_s == 0


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--fault-rate", "1.5"], "--fault-rate 1.5"),
        (["--fault-rate", "0.1", "--fault-kinds", "dropped,meteor"], "meteor is not a fault kind"),
        (["--latency-ms", "-3"], "--latency-ms -3.0"),
    ],
)
def test_bad_fault_options_exit_2_naming_the_option(
    argv: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        build_app(argv)
    assert caught.value.code == 2
    assert named in capsys.readouterr().err

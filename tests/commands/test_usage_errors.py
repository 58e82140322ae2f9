"""Every command answers a usage error the same way: exactly one JSON document on stdout with
``ok: false`` and a problem naming the option or variable, and exit 2, before any API call."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from airbyte_provisioning.commands.registry import BY_NAME, COMMANDS

from .world import World

# each command's pass/fail key in its normal answer, false in a usage answer too
VERDICTS = {"validate": "valid", "verify": "ready", "health": "healthy"}
# options a command cannot run without (argparse reports them before an unknown option)
REQUIRED = {"sync": ["--connector", "tiktok-ads", "--config", "config.json"]}


def usage_answer(capsys: pytest.CaptureFixture[str], command: str, *argv: str) -> dict[str, Any]:
    capsys.readouterr()
    code = BY_NAME[command].load()(list(argv))
    out = capsys.readouterr().out
    assert code == 2, out
    document: dict[str, Any] = json.loads(out)  # one document: a second one would not parse
    assert document["ok"] is False
    assert document[VERDICTS.get(command, "ok")] is False
    assert document["problems"] and all(p["message"] for p in document["problems"])
    return document


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_an_unknown_option_is_one_json_answer_naming_it(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    document = usage_answer(capsys, command, *REQUIRED.get(command, []), "--no-such-option")
    assert document["problems"][0]["variable"] == "--no-such-option"
    assert document["usage"].startswith(f"usage: airbyte-stack {command}")


@pytest.mark.parametrize("command", [c.name for c in COMMANDS if c.reads_env])
def test_a_missing_env_file_is_one_json_answer_naming_the_option(
    command: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    document = usage_answer(capsys, command, "--env-file", str(tmp_path / "absent.env"))
    assert document["problems"][0]["variable"] == "--env-file"


@pytest.mark.parametrize(
    ("argv", "variable", "needle"),
    [
        (["--now", "yesterday"], "--now", "--now 'yesterday' is not an ISO timestamp"),
        (["--offline", "--now"], "--now", "expected one argument"),
    ],
)
def test_validate_usage_errors(
    world: World,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    variable: str,
    needle: str,
) -> None:
    document = usage_answer(capsys, "validate", "--env-file", str(world.env_file()), *argv)
    assert document["problems"][0]["variable"] == variable
    assert needle in document["error"]


@pytest.mark.parametrize(
    ("argv", "env", "variable", "needle"),
    [
        (["--concurrency", "0"], {}, "--concurrency", "--concurrency 0: must be between 1 and"),
        ([], {"AIRBYTE_BOOTSTRAP_CONCURRENCY": "eight"}, "AIRBYTE_BOOTSTRAP_CONCURRENCY", "eight"),
        (
            [],
            {"AIRBYTE_BOOTSTRAP_CONCURRENCY": "0"},
            "AIRBYTE_BOOTSTRAP_CONCURRENCY",
            "AIRBYTE_BOOTSTRAP_CONCURRENCY=0: must be between 1 and 64",
        ),
        (["--apply-plan", "absent.json"], {}, "--apply-plan", "cannot read plan file"),
        (["--apply-plan", "array.json"], {}, "--apply-plan", "is not a saved plan"),
        (["--apply-plan", "other.json"], {}, "--apply-plan", "was made by provision"),
        (["--tenant", "initech"], {}, "--tenant", "--tenant initech: not a valid tenant"),
        (["--plan", "--apply-plan", "x.json"], {}, "--apply-plan", "not allowed with"),
        ([], {"AIRBYTE_BASE_URL": ""}, "AIRBYTE_BASE_URL", "AIRBYTE_BASE_URL is not set"),
    ],
)
def test_bootstrap_usage_errors_make_no_call(
    provisioned: World,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    env: dict[str, str],
    variable: str,
    needle: str,
) -> None:
    monkeypatch.chdir(provisioned.tmp)
    (provisioned.tmp / "array.json").write_text("[1, 2]\n")
    (provisioned.tmp / "other.json").write_text('{"command": "provision_meta_google_connectors"}')
    provisioned.env.update(env)
    before = provisioned.app.request_count()
    document = usage_answer(capsys, "bootstrap", "--env-file", str(provisioned.env_file()), *argv)
    assert document["problems"][0]["variable"] == variable
    assert needle in document["error"]
    assert provisioned.app.request_count() == before


@pytest.mark.parametrize(
    ("argv", "env", "variable", "needle"),
    [
        (["--provider", "TIKTOK"], {}, "--provider", "invalid choice: 'TIKTOK'"),
        ([], {"AIRBYTE_BASE_URL": "ftp://airbyte"}, "AIRBYTE_BASE_URL", "is not an http(s) URL"),
        ([], {"AIRBYTE_CLIENT_ID": "only-the-id"}, "AIRBYTE_CLIENT_ID", "AIRBYTE_CLIENT_SECRET"),
    ],
)
def test_provision_usage_errors_make_no_call(
    world: World,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    env: dict[str, str],
    variable: str,
    needle: str,
) -> None:
    world.env.update(env)
    document = usage_answer(capsys, "provision", "--env-file", str(world.env_file()), *argv)
    assert document["problems"][0]["variable"] == variable
    assert needle in document["error"]
    assert world.app.request_count() == 0

"""The one start-up path of the commands: parsing, environment, logs, client, usage and abort."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from airbyte_provisioning.commands.startup import (
    Abort,
    Invocation,
    UsageError,
    command_parser,
    in_range,
    make_client,
    parse_now,
    run,
    whole_number,
)
from airbyte_provisioning.core import logs
from airbyte_provisioning.core.paths import ENV_EXAMPLE

SECRET = "canary-startup-secret-5e1f"


def answer(capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The one JSON document on stdout (json.loads refuses a second one) and the log lines."""
    out, err = capsys.readouterr()
    return json.loads(out), [json.loads(line) for line in err.splitlines() if line.strip()]


def demo_parser() -> Any:
    parser = command_parser("demo", "demo: a command for these tests.")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--now")
    return parser


def env_file(tmp_path: Path, **values: str) -> str:
    path = tmp_path / "test.env"
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return str(path)


def test_an_argument_error_is_one_json_answer_naming_the_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = run(demo_parser(), ["--jobs", "many"], lambda inv: 0, verdict="valid")
    doc, log_lines = answer(capsys)
    assert code == 2
    assert doc["valid"] is False and doc["ok"] is False
    assert doc["problems"] == [
        {"severity": "error", "code": "usage", "variable": "--jobs", "message": doc["error"]}
    ]
    assert "invalid int value" in doc["error"]
    assert doc["usage"].startswith("usage: airbyte-stack demo")
    assert [line["event"] for line in log_lines] == ["demo.usage"]


def test_an_unknown_option_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(demo_parser(), ["--frobnicate"], lambda inv: 0) == 2
    doc, _ = answer(capsys)
    assert doc["problems"][0]["variable"] == "--frobnicate"


def test_help_prints_the_help_and_no_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(demo_parser(), ["--help"], lambda inv: 1) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: airbyte-stack demo") and "--env-file" in out


def test_an_unreadable_env_file_is_a_usage_error_naming_the_option(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere.env"
    assert run(demo_parser(), ["--env-file", str(missing)], lambda inv: 0) == 2
    doc, _ = answer(capsys)
    assert doc["problems"][0]["variable"] == "--env-file"
    assert str(missing) in doc["error"] and f"env.example {missing}`" in doc["error"]


def test_a_missing_dot_env_says_the_command_that_starts_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ENV_EXAMPLE.parent)
    if (ENV_EXAMPLE.parent / "no-such.env").exists():
        pytest.skip("no-such.env exists in the clone")
    assert run(demo_parser(), ["--env-file", "no-such.env"], lambda inv: 0) == 2
    doc, _ = answer(capsys)
    assert "`cp env.example no-such.env`" in doc["error"]


def test_the_body_sees_the_env_file_over_the_process_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRBYTE_STARTUP_PROBE", "process")
    seen: dict[str, str] = {}

    def body(invocation: Invocation) -> int:
        seen.update(invocation.env)
        invocation.document = {"ok": True, "jobs": invocation.args.jobs}
        return 0

    path = env_file(tmp_path, AIRBYTE_STARTUP_PROBE="file")
    assert run(demo_parser(), ["--env-file", path, "--jobs", "3"], body) == 0
    doc, _ = answer(capsys)
    assert doc == {"ok": True, "jobs": 3}
    assert seen["AIRBYTE_STARTUP_PROBE"] == "file"


def test_a_usage_error_from_the_body_is_scrubbed_of_the_environments_secrets(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def body(invocation: Invocation) -> int:
        raise UsageError(f"AIRBYTE_META_ACCESS_TOKEN={SECRET!r} looks wrong", "AIRBYTE_X")

    path = env_file(tmp_path, AIRBYTE_META_ACCESS_TOKEN=SECRET)
    assert run(demo_parser(), ["--env-file", path], body) == 2
    out, err = capsys.readouterr()
    assert SECRET not in out and SECRET not in err
    assert json.loads(out)["problems"][0]["variable"] == "AIRBYTE_X"


def test_an_abort_keeps_what_the_document_held_and_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def body(invocation: Invocation) -> int:
        invocation.document.update(command="demo", mode="apply")
        raise Abort("AIRBYTE_TEMPLATE_DESTINATION_ID: no such destination", "AIRBYTE_TEMPLATE_X")

    assert run(demo_parser(), ["--env-file", env_file(tmp_path)], body) == 1
    doc, log_lines = answer(capsys)
    assert doc["command"] == "demo" and doc["mode"] == "apply" and doc["ok"] is False
    assert doc["problems"][0]["code"] == "aborted"
    assert doc["problems"][0]["variable"] == "AIRBYTE_TEMPLATE_X"
    assert log_lines[-1]["event"] == "demo.aborted" and log_lines[-1]["level"] == "error"


def test_an_abort_can_list_several_problems(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    class Found:
        def as_dict(self) -> dict[str, Any]:
            return {"severity": "error", "code": "bad", "variable": "AIRBYTE_A", "message": "m"}

    def body(invocation: Invocation) -> int:
        raise Abort("the environment has errors", problems=[Found(), Found()])

    assert run(demo_parser(), ["--env-file", env_file(tmp_path)], body) == 1
    doc, _ = answer(capsys)
    assert [p["variable"] for p in doc["problems"]] == ["AIRBYTE_A", "AIRBYTE_A"]


def test_a_client_that_cannot_be_built_is_a_usage_error_naming_the_variable(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def body(invocation: Invocation) -> int:
        invocation.client()
        return 0

    path = env_file(tmp_path, AIRBYTE_BASE_URL="", AIRBYTE_CLIENT_ID="someone")
    assert run(demo_parser(), ["--env-file", path], body) == 2
    doc, _ = answer(capsys)
    assert doc["problems"][0]["variable"] == "AIRBYTE_BASE_URL"
    assert "AIRBYTE_BASE_URL is not set" in doc["error"]


def test_the_client_pool_fits_the_concurrency() -> None:
    client = make_client({"AIRBYTE_BASE_URL": "http://127.0.0.1:8000"}, concurrency=16)
    adapter = client.session.get_adapter("http://127.0.0.1:8000/api/v1/health")
    assert adapter._pool_maxsize == 18  # type: ignore[attr-defined]
    assert client.session.trust_env is False


def test_now_is_utc_when_no_offset_is_given_and_a_bad_one_names_the_option() -> None:
    assert parse_now("2026-11-26T12:00:00").isoformat() == "2026-11-26T12:00:00+00:00"
    assert parse_now("2026-11-26T12:00:00Z").utcoffset() is not None
    with pytest.raises(UsageError, match="--now 'yesterday'") as caught:
        parse_now("yesterday")
    assert caught.value.variable == "--now"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("eight", "AIRBYTE_N='eight' is not a whole number"),
        ("0", "AIRBYTE_N=0: must be between 1 and 64"),
    ],
)
def test_whole_number_settings_name_their_variable(raw: str, message: str) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        whole_number(raw, "AIRBYTE_N", default=8, lowest=1, highest=64)
    assert caught.value.variable == "AIRBYTE_N"
    assert whole_number(" ", "AIRBYTE_N", default=8, lowest=1) == 8
    assert in_range(5, "--jobs", lowest=1) == 5


def test_logs_take_named_levels(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure(level="WARNING")
    logs.log(logs.Level.INFO, "quiet")
    logs.log(logs.Level.WARNING, "loud", field=1)
    logs.configure()
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(line["level"], line["event"], line["field"]) for line in lines] == [
        ("warning", "loud", 1)
    ]

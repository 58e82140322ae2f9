"""validate_tenant_config as a command: JSON on stdout, logs on stderr, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from airbyte_provisioning.commands.validate_tenant_config import main

REPO = Path(__file__).resolve().parents[2]
NOW = "2026-11-26T12:00:00Z"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else {}, err


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("AIRBYTE_")]:
        monkeypatch.delenv(name)


def write_env(tmp_path: Path, env: dict[str, str]) -> Path:
    path = tmp_path / "test.env"
    path.write_text("".join(f'{k}="{v}"\n' for k, v in env.items()))
    return path


def test_env_example_is_valid(capsys: pytest.CaptureFixture[str], clean_env: None) -> None:
    code, doc, err = run(capsys, "--env-file", str(REPO / "env.example"), "--now", NOW)
    assert code == 0
    assert doc["valid"] is True and doc["mode"] == "offline"
    assert set(doc) >= {"summary", "defaults", "templates", "tenants", "problems"}
    assert doc["summary"] == {"tenants": 2, "connections": 6, "errors": 0, "warnings": 0}
    assert json.loads(err.splitlines()[-1])["event"] == "tenant config validated"


def test_summary_shows_quartz_and_next_day_fire_times(
    capsys: pytest.CaptureFixture[str], clean_env: None
) -> None:
    _, doc, _ = run(capsys, "--env-file", str(REPO / "env.example"), "--now", NOW)
    acme, globex = doc["tenants"]
    metrics = acme["schedules"]["METRICS"]
    assert metrics["quartz"] == "0 0 6-22 * * ?"
    assert metrics["written_as"] == "0 6-22 * * *"
    # 12:00 UTC is 07:00 in Jamaica: 07:00..22:00 today, then 06:00 tomorrow
    assert metrics["fires_in_next_day"] == 17
    assert metrics["next_day_fire_times"][0] == "2026-11-26T07:00:00-05:00"
    assert metrics["next_day_fire_times"][-1] == "2026-11-27T06:00:00-05:00"
    assert metrics["airbyte"]["scheduleData"]["cron"]["cronTimeZone"] == "America/Jamaica"
    daily = globex["schedules"]["DAILY"]
    assert daily["next_day_fire_times"] == ["2026-11-27T01:30:00+01:00"]
    assert daily["sla"] == {"finish_by": "03:00", "run_minutes": 30}


def test_broken_environment_lists_every_problem_and_exits_1(
    capsys: pytest.CaptureFixture[str], clean_env: None, tmp_path: Path, example_env: dict[str, str]
) -> None:
    example_env |= {
        "AIRBYTE_ACME_WORKSPACE_ID": "not-a-uuid",
        "AIRBYTE_ACME_METRICS_CRON": "0 6-22 * * * *",
        "AIRBYTE_GLOBEX_EU_TIMEZONE": "Europe/Atlantis",
        "AIRBYTE_ACME_META_METRICS_STATUS": "enabled",
        "AIRBYTE_ACME_DESTINATON_NAMESPACE": "typo",
        "AIRBYTE_INITECH_DESTINATION_ID": "00000000-0000-4000-8000-00000000d109",
    }
    del example_env["AIRBYTE_GLOBEX_EU_DESTINATION_ID"]
    code, doc, _ = run(capsys, "--env-file", str(write_env(tmp_path, example_env)), "--now", NOW)
    assert code == 1 and doc["valid"] is False
    assert sorted((p["variable"], p["code"]) for p in doc["problems"]) == [
        ("AIRBYTE_ACME_DESTINATON_NAMESPACE", "probable_typo"),
        ("AIRBYTE_ACME_META_METRICS_STATUS", "bad_status"),
        ("AIRBYTE_ACME_METRICS_CRON", "bad_cron"),
        ("AIRBYTE_ACME_WORKSPACE_ID", "invalid_uuid"),
        ("AIRBYTE_GLOBEX_EU_DESTINATION_ID", "missing"),
        ("AIRBYTE_GLOBEX_EU_TIMEZONE", "unknown_timezone"),
        ("AIRBYTE_INITECH_DESTINATION_ID", "undeclared_tenant"),
    ]
    assert doc["summary"]["errors"] == 7
    assert all(p["message"] for p in doc["problems"])


@pytest.mark.parametrize(
    "argv",
    [["--env-file", "/nonexistent/file.env"], ["--no-such-flag"], ["--now", "yesterday"]],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], clean_env: None, argv: list[str]
) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().out == ""


def test_unparseable_env_file_names_the_line(
    capsys: pytest.CaptureFixture[str], clean_env: None, tmp_path: Path
) -> None:
    path = tmp_path / "bad.env"
    path.write_text("AIRBYTE_TENANTS=acme\nthis line is wrong\n")
    assert main(["--env-file", str(path)]) == 2
    assert f"{path}:2" in capsys.readouterr().err


def test_process_environment_is_read_without_env_file(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    clean_env: None,
    example_env: dict[str, str],
) -> None:
    for name, value in example_env.items():
        monkeypatch.setenv(name, value)
    code, doc, _ = run(capsys, "--now", NOW)
    assert code == 0 and doc["summary"]["tenants"] == 2


def test_canary_secret_never_appears_in_output(
    capsys: pytest.CaptureFixture[str], clean_env: None, tmp_path: Path, example_env: dict[str, str]
) -> None:
    canary = "canary-5ecret-4f1b9c"
    example_env |= {
        "AIRBYTE_META_ACCESS_TOKEN": canary,
        "AIRBYTE_ACME_TIKTOK_ACCESS_TOKEN": canary + "-tenant",
        # a secret pasted into the wrong variable is quoted by the problem message: still scrubbed
        "AIRBYTE_ACME_WORKSPACE_ID": canary,
    }
    code, doc, err = run(capsys, "--env-file", str(write_env(tmp_path, example_env)), "--now", NOW)
    assert code == 1
    assert canary not in json.dumps(doc) and canary not in err
    assert "**redacted**" in json.dumps(doc)


def test_script_runs_from_any_directory_with_system_python(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRBYTE_")}
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "validate_tenant_config.py"),
            "--env-file",
            str(REPO / "env.example"),
            "--now",
            NOW,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["valid"] is True


def test_console_entry_point_dispatches_to_the_same_command(
    capsys: pytest.CaptureFixture[str], clean_env: None
) -> None:
    from airbyte_provisioning.cli import main as cli

    assert cli(["validate", "--env-file", str(REPO / "env.example"), "--now", NOW]) == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True
    assert cli(["no-such-command"]) == 2

"""validate_tenant_config as a command: JSON on stdout, logs on stderr, exit codes."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from airbyte_provisioning.commands.validate_tenant_config import main
from airbyte_provisioning.core.envfile import write_env_file

RunScript = Callable[..., subprocess.CompletedProcess[str]]

REPO = Path(__file__).resolve().parents[2]
NOW = "2026-11-26T12:00:00Z"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else {}, err


def write_env(tmp_path: Path, env: dict[str, str]) -> Path:
    return write_env_file(tmp_path / "test.env", env)


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
    ("argv", "option"),
    [
        (["--env-file", "/nonexistent/file.env"], "--env-file"),
        (["--no-such-flag"], "--no-such-flag"),
        (["--now", "yesterday"], "--now"),
    ],
)
def test_usage_errors_exit_2_with_one_document_naming_the_option(
    capsys: pytest.CaptureFixture[str], clean_env: None, argv: list[str], option: str
) -> None:
    code, doc, _ = run(capsys, *argv)
    assert code == 2 and doc["valid"] is False and doc["ok"] is False
    assert [p["variable"] for p in doc["problems"]] == [option]
    assert option in doc["error"]


def test_unparseable_env_file_names_the_line(
    capsys: pytest.CaptureFixture[str], clean_env: None, tmp_path: Path
) -> None:
    path = tmp_path / "bad.env"
    path.write_text("AIRBYTE_TENANTS=acme\nthis line is wrong\n")
    assert main(["--env-file", str(path)]) == 2
    out, err = capsys.readouterr()
    assert f"{path}:2" in json.loads(out)["error"] and f"{path}:2" in err


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


def test_script_runs_from_any_directory_with_system_python(
    tmp_path: Path, run_script: RunScript
) -> None:
    result = run_script(
        "validate_tenant_config.py",
        "--env-file",
        str(REPO / "env.example"),
        "--now",
        NOW,
        cwd=tmp_path,
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


def test_report_gives_each_groups_peak_starts_per_minute_with_and_without_spread(
    capsys: pytest.CaptureFixture[str], clean_env: None, tmp_path: Path, example_env: dict[str, str]
) -> None:
    # METRICS ends at 21:00 so a spread fits its 06:00-22:00 window; acme's two METRICS
    # connections start with globex-eu's (own cron, never shifted) at 12:00 UTC unless spread
    example_env |= {
        "AIRBYTE_DEFAULT_METRICS_CRON": "0 6-21 * * *",
        "AIRBYTE_DEFAULT_METRICS_SPREAD_MINUTES": "30",
    }
    code, doc, _ = run(capsys, "--env-file", str(write_env(tmp_path, example_env)), "--now", NOW)
    assert code == 0, doc["problems"]
    metrics = doc["schedule_load"]["METRICS"]
    acme = {c["template"]: c for c in doc["tenants"][0]["connections"]}
    minutes = [0, acme["META_METRICS"]["spread_offset_minutes"]]
    minutes.append(acme["GOOGLE_METRICS"]["spread_offset_minutes"])
    assert metrics["peak_starts_per_minute"] == {
        "without_spread": 3,
        "with_spread": max(minutes.count(m) for m in minutes),
    }
    assert metrics["busiest_minute_utc"]["without_spread"] == "2026-11-26T12:00:00+00:00"
    assert metrics["active_connections"] == {"cron": 3, "basic_interval": 0, "spread": 2}
    assert acme["META_METRICS"]["quartz"] == f"0 {minutes[1]} 6-21 * * ?"
    assert acme["META_METRICS"]["spread_by"] == "AIRBYTE_DEFAULT_METRICS_SPREAD_MINUTES"
    assert doc["schedule_load"]["DAILY"]["peak_starts_per_minute"] == {
        "without_spread": 1,
        "with_spread": 1,
    }


def test_a_spread_the_sla_cannot_take_fails_validation_naming_both_variables(
    capsys: pytest.CaptureFixture[str], clean_env: None, tmp_path: Path, example_env: dict[str, str]
) -> None:
    example_env["AIRBYTE_DEFAULT_DAILY_SPREAD_MINUTES"] = "30"
    code, doc, _ = run(capsys, "--env-file", str(write_env(tmp_path, example_env)), "--now", NOW)
    assert code == 1
    [problem] = doc["problems"]
    assert problem["variable"] == "AIRBYTE_DEFAULT_DAILY_SPREAD_MINUTES"
    assert "AIRBYTE_DEFAULT_DAILY_CRON" in problem["variables"]


def test_a_200000_character_value_does_not_make_a_huge_report(
    capsys: pytest.CaptureFixture[str], clean_env: None, tmp_path: Path, example_env: dict[str, str]
) -> None:
    example_env["AIRBYTE_DEFAULT_DESTINATION_NAMESPACE"] = "n" * 200_000
    example_env["AIRBYTE_ACME_META_METRICS_NAME"] = "m" * 200_000
    code, doc, err = run(capsys, "--env-file", str(write_env(tmp_path, example_env)), "--now", NOW)
    report = json.dumps(doc)
    assert code == 1
    assert len(report) < 40_000 and len(err) < 5_000
    assert "200000 characters" in report
    [problem] = [p for p in doc["problems"] if p["variable"].endswith("DESTINATION_NAMESPACE")]
    assert "at most 63 characters" in problem["message"]


def test_an_empty_tenant_list_is_one_error(
    capsys: pytest.CaptureFixture[str], clean_env: None, tmp_path: Path, example_env: dict[str, str]
) -> None:
    example_env["AIRBYTE_TENANTS"] = ""
    code, doc, _ = run(capsys, "--env-file", str(write_env(tmp_path, example_env)), "--now", NOW)
    assert code == 1
    assert [(p["variable"], p["code"]) for p in doc["problems"]] == [("AIRBYTE_TENANTS", "missing")]

"""verify_production_readiness as a command: one JSON document, exit codes, no leaked secrets."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from airbyte_provisioning.commands.verify_production_readiness import main
from airbyte_provisioning.core.envfile import write_env_file

from .helpers import NOW_ISO, make_linkedin_connector, sunset_table

RunScript = Callable[..., subprocess.CompletedProcess[str]]

REPO = Path(__file__).resolve().parents[3]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else {}, err


def test_production_environment_is_ready_and_exits_0(
    capsys: pytest.CaptureFixture[str],
    clean_env: None,
    tmp_path: Path,
    production_env: dict[str, str],
) -> None:
    env_file = write_env_file(tmp_path / "prod.env", production_env)
    code, doc, err = run(capsys, "--env-file", str(env_file), "--now", NOW_ISO)
    assert code == 0
    assert doc["ready"] is True and doc["problems"] == []
    assert doc["summary"] == {"errors": 0, "warnings": 0, "variables_checked": 20, "tenants": 2}
    assert set(doc["rules"]) == {
        "tenant_config",
        "airbyte_access",
        "template_connections",
        "tenant_resources",
        "connector_variables",
        "start_dates",
        "linkedin_api_version",
    }
    assert json.loads(err.splitlines()[-1])["event"] == "production readiness checked"


def test_env_example_is_not_ready_and_lists_every_problem(
    capsys: pytest.CaptureFixture[str], clean_env: None
) -> None:
    code, doc, _ = run(capsys, "--env-file", str(REPO / "env.example"), "--now", NOW_ISO)
    assert code == 1 and doc["ready"] is False
    assert doc["summary"]["errors"] == len([p for p in doc["problems"] if p["severity"] == "error"])
    assert doc["summary"]["errors"] >= 18
    assert {p["rule"] for p in doc["problems"]} >= {
        "airbyte_access",
        "template_connections",
        "tenant_resources",
        "connector_variables",
    }
    assert all(
        set(p) >= {"rule", "severity", "code", "variable", "message"} for p in doc["problems"]
    )


def test_warnings_fail_only_in_strict_mode(
    capsys: pytest.CaptureFixture[str],
    clean_env: None,
    tmp_path: Path,
    production_env: dict[str, str],
) -> None:
    del production_env["AIRBYTE_META_START_DATE"]  # the template default is beyond retention
    env_file = str(write_env_file(tmp_path / "prod.env", production_env))
    code, doc, _ = run(capsys, "--env-file", env_file, "--now", NOW_ISO)
    assert (code, doc["ready"], doc["summary"]["warnings"]) == (0, True, 1)
    code, doc, _ = run(capsys, "--env-file", env_file, "--now", NOW_ISO, "--strict")
    assert (code, doc["ready"]) == (1, False)


def test_linkedin_sunset_is_read_from_the_connectors_folder(
    capsys: pytest.CaptureFixture[str],
    clean_env: None,
    tmp_path: Path,
    production_env: dict[str, str],
) -> None:
    connectors = make_linkedin_connector(tmp_path, "202511", sunset_table({"202511": "2026-11-16"}))
    production_env |= {
        "AIRBYTE_TEMPLATE_LINKEDIN_METRICS_CONNECTION_ID": "45c48cce-2e2d-4fbd-9e0f-1a2b3c4d5e6f",
        "AIRBYTE_LINKEDIN_ACCOUNT_ID": "508231994",
        "AIRBYTE_LINKEDIN_ACCESS_TOKEN": "AQV" + "x8Lm2Qp7Rt4Zw9" * 8,
    }
    env_file = str(write_env_file(tmp_path / "prod.env", production_env))
    code, doc, _ = run(
        capsys, "--env-file", env_file, "--now", NOW_ISO, "--connectors-dir", str(connectors)
    )
    assert code == 1
    assert doc["linkedin_api_version"]["version"] == "202511"
    assert doc["linkedin_api_version"]["days_left"] == -10
    assert [p["code"] for p in doc["problems"]] == ["version_sunset"]


def test_missing_example_file_warns_that_copies_cannot_be_recognised(
    capsys: pytest.CaptureFixture[str],
    clean_env: None,
    tmp_path: Path,
    production_env: dict[str, str],
) -> None:
    env_file = str(write_env_file(tmp_path / "prod.env", production_env))
    code, doc, _ = run(
        capsys, "--env-file", env_file, "--now", NOW_ISO, "--example-file", str(tmp_path / "no")
    )
    assert code == 0 and doc["example_file"] is None
    assert [p["code"] for p in doc["problems"]] == ["example_missing"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--now", "yesterday"],
        ["--env-file", "/nonexistent/prod.env"],
        ["--no-such-flag"],
    ],
)
def test_usage_errors_exit_2_with_one_document_naming_the_option(
    capsys: pytest.CaptureFixture[str], clean_env: None, argv: list[str]
) -> None:
    code, doc, err = run(capsys, *argv)
    assert code == 2 and doc["ready"] is False and doc["ok"] is False
    assert doc["problems"][0]["code"] == "usage"
    assert doc["problems"][0]["variable"] in {"--now", "--env-file", "--no-such-flag"}
    assert err.strip()


def test_secret_canary_never_reaches_stdout_or_stderr(
    capsys: pytest.CaptureFixture[str],
    clean_env: None,
    tmp_path: Path,
    production_env: dict[str, str],
) -> None:
    canary = "CANARYa81c55d2"
    production_env |= {
        "AIRBYTE_META_ACCESS_TOKEN": canary,
        "AIRBYTE_CLIENT_SECRET": canary + " x",
        "AIRBYTE_ACME_GOOGLE_ADS_CLIENT_SECRET": canary,
        "AIRBYTE_API_AUTH_HEADER": f"Token {canary}",
    }
    env_file = str(write_env_file(tmp_path / "prod.env", production_env))
    code, doc, err = run(capsys, "--env-file", env_file, "--now", NOW_ISO)
    assert code == 1 and len(doc["problems"]) >= 3
    assert canary not in json.dumps(doc) and canary not in err


def test_script_wrapper_runs_the_same_command(
    clean_env: None, tmp_path: Path, production_env: dict[str, str], run_script: RunScript
) -> None:
    env_file = str(write_env_file(tmp_path / "prod.env", production_env))
    result = run_script("verify_production_readiness.py", "--env-file", env_file, "--now", NOW_ISO)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ready"] is True

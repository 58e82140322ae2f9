"""``airbyte-stack render``: JSON on stdout, secrets masked, exit codes for CI."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from airbyte_provisioning.cli import main

REPO = Path(__file__).resolve().parents[2]
TOKEN = "EAAB" + "k3Pz" * 10


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["render", *args])
    return code, json.loads(capsys.readouterr().out)


def env_file(tmp_path: Path, **overrides: str) -> str:
    lines = (REPO / "env.example").read_text().splitlines()
    lines += [f"{k}={v}" for k, v in overrides.items()]
    path = tmp_path / ".env"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_renders_every_template_from_env_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "--env-file", str(REPO / "env.example"))
    assert code == 0 and out["ok"] is True
    assert [r["name"] for r in out["rendered"]] == [
        "ga4",
        "google_ads",
        "linkedin_ads",
        "meta",
        "search_console",
        "tiktok_ads",
    ]


def test_secret_values_never_reach_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(
        capsys, "meta", "--env-file", env_file(tmp_path, AIRBYTE_META_ACCESS_TOKEN=TOKEN)
    )
    assert code == 0
    assert TOKEN not in json.dumps(out)
    assert "credentials.access_token" in out["rendered"][0]["masked_paths"]


def test_problems_exit_1_and_name_the_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(
        capsys, "meta", "--env-file", env_file(tmp_path, AIRBYTE_META_INSIGHTS_LOOKBACK_DAYS="90")
    )
    assert code == 1
    (problem,) = out["failed"][0]["problems"]
    # the one problem shape every command prints: severity, code, the places, then the message
    assert list(problem) == ["severity", "code", "path", "variables", "message"]
    assert (problem["severity"], problem["code"]) == ("error", "spec_violation")
    assert problem["path"] == "insights_lookback_window"
    assert "AIRBYTE_META_INSIGHTS_LOOKBACK_DAYS" in problem["variables"]


def test_a_broken_template_is_reported_in_the_same_problem_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    example = templates / "tiktok_ads.json.example"
    example.write_text(example.read_text().replace("| int}", "| integer}"))
    code, out = run(
        capsys, "tiktok_ads", "--env-file", env_file(tmp_path), "--templates-dir", str(templates)
    )
    assert code == 1
    (problem,) = out["failed"][0]["problems"]
    assert problem["code"] == "broken_template" and problem["severity"] == "error"
    assert "unknown filter 'integer'" in problem["message"]


def test_unknown_template_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "bing", "--env-file", str(REPO / "env.example"))
    assert code == 2 and "unknown template" in out["error"]


def test_output_dir_gets_private_full_configs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "secrets"
    code, _ = run(
        capsys,
        "meta",
        "--env-file",
        env_file(tmp_path, AIRBYTE_META_ACCESS_TOKEN=TOKEN),
        "--output",
        str(target),
    )
    assert code == 0
    written = target / "meta.json"
    assert json.loads(written.read_text())["credentials"]["access_token"] == TOKEN
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


def test_output_onto_a_file_is_a_usage_error_and_the_file_is_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "notes.txt"
    existing.write_text("mine\n")
    for target in (existing, existing / "sub"):
        code, out = run(capsys, "meta", "--env-file", env_file(tmp_path), "--output", str(target))
        assert code == 2 and out["problems"][0]["variable"] == "--output"
        assert f"--output {target}" in out["error"]
    assert existing.read_text() == "mine\n"


def test_output_never_replaces_a_config_unless_told_to(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "secrets"
    target.mkdir()
    edited = target / "meta.json"
    edited.write_text('{"edited": "by hand"}\n')
    edited.chmod(0o644)
    argv = ["meta", "tiktok_ads", "--env-file", env_file(tmp_path), "--output", str(target)]

    code, out = run(capsys, *argv)

    assert code == 2 and str(edited) in out["error"] and "--overwrite" in out["error"]
    assert edited.read_text() == '{"edited": "by hand"}\n'
    assert not (target / "tiktok_ads.json").exists()  # nothing is written when one would be

    code, out = run(capsys, *argv, "--overwrite")

    assert code == 0
    assert "account_ids" in json.loads(edited.read_text())
    assert stat.S_IMODE(edited.stat().st_mode) == 0o600


def test_output_does_not_write_through_a_symlink(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "secrets"
    target.mkdir()
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("kept\n")
    (target / "meta.json").symlink_to(elsewhere)

    code, out = run(
        capsys, "meta", "--env-file", env_file(tmp_path), "--output", str(target), "--overwrite"
    )

    assert code == 2 and "cannot write" in out["error"]
    assert elsewhere.read_text() == "kept\n"

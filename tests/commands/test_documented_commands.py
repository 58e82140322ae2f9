"""Every documented way of running a command works: each ``make`` target that ``make help`` lists,
and each ``airbyte-stack <command>``.

Targets run for real with the cheap path the Makefile offers (``INSTALL=`` skips ``poetry
install``, ``RUN=`` runs the tools of this virtualenv from PATH), with ``--help`` or a dry run
where the real run needs credentials or the network. Targets whose real run would install, lint,
benchmark or delete are expanded with ``make -n`` and checked to name tools that exist.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from airbyte_provisioning.cli import main as cli
from airbyte_provisioning.commands.registry import COMMANDS

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
TARGETS_RUNNING_COMMANDS = {c.make_target: c.name for c in COMMANDS if c.make_target}
# how each other target is exercised here: actually run (cheap and harmless) or only expanded
RUN_FOR_REAL = {
    "help": [],
    "demo": ["ARGS=--help"],
    "sandboxes": ["ARGS=--help"],
    "image": ["CONNECTOR=linkedin-ads", "ARGS=--dry-run"],
}
EXPANDED_ONLY = {
    "poetry": "installs Poetry",
    "install": "runs poetry install",
    "lint": "lints the whole repository (make test runs it)",
    "fmt": "rewrites files",
    "test": "is the whole suite",
    "bench": "takes minutes (make bench)",
    "clean": "deletes caches",
}
# options a target needs before it runs its command
TARGET_VARIABLES = {"sync": ["CONNECTOR=tiktok-ads", "CONFIG=secrets/tiktok.json"]}

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def make(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("MAKEFLAGS", None)
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(REPO), *argv, "INSTALL=", "RUN="],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def help_targets() -> list[str]:
    listing = make("help")
    assert listing.returncode == 0, listing.stderr
    plain = re.sub(r"\x1b\[[0-9;]*m", "", listing.stdout)
    return [line.split()[0] for line in plain.splitlines() if line.strip()]


def test_every_listed_target_is_exercised_here() -> None:
    listed = help_targets()
    covered = set(TARGETS_RUNNING_COMMANDS) | set(RUN_FOR_REAL) | set(EXPANDED_ONLY)
    assert sorted(set(listed) - covered) == [], "a new make target: exercise it in this file"
    assert sorted(covered - set(listed)) == [], "a target vanished from make help"


@pytest.mark.parametrize("target", sorted(TARGETS_RUNNING_COMMANDS))
def test_a_target_running_a_command_runs_it_through_airbyte_stack(target: str) -> None:
    command = TARGETS_RUNNING_COMMANDS[target]
    result = make(target, *TARGET_VARIABLES.get(target, []), "ARGS=--help")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"usage: airbyte-stack {command}" in result.stdout


def test_make_sync_without_its_variables_prints_its_usage() -> None:
    for variables in ([], ["CONNECTOR=tiktok-ads"], ["CONFIG=secrets/tiktok.json"]):
        result = make("sync", *variables)
        assert result.returncode == 2
        assert "usage: make sync CONNECTOR=<linkedin-ads|tiktok-ads> CONFIG=" in result.stdout


@pytest.mark.parametrize("target", sorted(RUN_FOR_REAL))
def test_a_cheap_target_runs(target: str) -> None:
    result = make(target, *RUN_FOR_REAL[target])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip()


@pytest.mark.parametrize("target", sorted(EXPANDED_ONLY))
def test_an_expensive_target_expands_to_tools_that_exist(target: str) -> None:
    result = make("-n", target)
    assert result.returncode == 0, result.stderr
    for line in result.stdout.splitlines():
        words = line.split()
        tool = words[0] if words else ""
        if tool in {"ruff", "mypy", "pytest", "python"}:
            assert (VENV_BIN / tool).exists(), f"{target}: {line}"
            if tool == "python" and words[1:2] == ["-m"]:
                module = words[2].replace(".", "/")
                assert (REPO / module).exists() or (REPO / f"{module}.py").exists(), line


def test_the_cli_lists_exactly_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["--help"]) == 0
    out = capsys.readouterr().out
    listed = re.findall(r"^  (\S+)  ", out.split("commands:", 1)[1], flags=re.M)
    assert listed == [c.name for c in COMMANDS]


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: airbyte-stack {command}")
    assert "--help" in out and len(out.splitlines()) >= 4


def test_the_console_script_dispatches_from_the_registry() -> None:
    script = VENV_BIN / "airbyte-stack"
    if not script.exists():
        pytest.skip("airbyte-stack is not installed in this environment (make install)")
    result = subprocess.run(
        [str(script), "sync", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "--connector" in result.stdout


@pytest.mark.parametrize(("argv", "needle"), [([], "no command given"), (["sink"], "'sink'")])
def test_a_missing_or_unknown_command_is_one_json_answer(
    argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    assert cli(argv) == 2
    out, err = capsys.readouterr()
    document = json.loads(out)
    assert document["ok"] is False and needle in document["error"]
    assert document["problems"][0]["variable"] == "<command>"
    assert "refresh-specs" in err

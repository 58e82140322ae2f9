"""``airbyte-stack contracts`` / scripts/check_data_contracts.py: one JSON document, exit codes,
and no traceback for the inputs a user gets wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from airbyte_provisioning.cli import main

from .helpers import record


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["contracts", *args])
    return code, json.loads(capsys.readouterr().out)


def test_command_prints_json_and_exits_1_on_findings(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = repo / "env.example"
    env.write_text(env.read_text() + "AIRBYTE_NEVER_READ_KNOB=1\n")
    code, out = run(capsys, "--root", str(repo))
    assert code == 1 and out["ok"] is False
    assert out["findings"][0].keys() == {"severity", "code", "file", "line", "message"}
    assert {"rule": "env-names", "findings": 1} in out["summary"]


def test_command_passes_on_this_repository(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys)
    assert code == 0 and out["ok"] is True


@pytest.mark.parametrize("args", [["--rules", "spelling"], ["--records", "/nonexistent.jsonl"]])
def test_command_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, *args)
    assert code == 2 and out["ok"] is False


@pytest.mark.parametrize(
    ("lines", "stream", "expected"),
    [
        ([], None, "is empty: no record was checked"),
        (['{"a": 1}'], "no_such_contract", "--stream no_such_contract names no contract"),
        ([record("campaigns", {"id": 1})], None, "belongs to a contracted stream"),
    ],
    ids=["empty-file", "unknown-stream", "stream-without-contract"],
)
def test_records_that_check_nothing_exit_1_saying_why(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    lines: list[str],
    stream: str | None,
    expected: str,
) -> None:
    records = tmp_path / "records.jsonl"
    records.write_text("".join(line + "\n" for line in lines))
    options = ["--stream", stream] if stream else []
    code, out = run(capsys, "--rules", "records", "--records", str(records), *options)
    assert code == 1 and out["ok"] is False
    (finding,) = out["findings"]
    assert finding["file"] == str(records) and expected in finding["message"]


@pytest.mark.parametrize("content", ["name: [unclosed\n", "- name: a_list\n"])
def test_a_contract_that_is_not_one_mapping_exits_1_naming_the_file(
    repo: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    (repo / "contract_checks/contracts/broken.yaml").write_text(content)
    code, out = run(capsys, "--root", str(repo), "--rules", "contract-schema")
    assert code == 1
    (finding,) = out["findings"]
    assert finding["file"] == "contract_checks/contracts/broken.yaml"
    assert "contract_checks/contracts/broken.yaml" in finding["message"]


def test_a_rule_named_without_its_input_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "--rules", "records")
    assert code == 1 and out["rules"] == []
    (finding,) = out["findings"]
    assert finding["message"] == "rule records needs --records: nothing was checked"

"""`airbyte-stack versions`: the operator's check of pinned API versions against their sunsets.

Every case passes ``--now``: the verdict depends on the date, so no test may read today's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from airbyte_provisioning.commands import check_api_versions

PINNED = "202607"


def plant_connector(root: Path, sunset: str, pinned: str = PINNED) -> Path:
    folder = root / "source-planted-ads"
    folder.mkdir(parents=True)
    (folder / "manifest.yaml").write_text(
        "version: 7.39.1\ntype: DeclarativeSource\nstreams: []\n"
        "definitions:\n  requester:\n    request_headers:\n"
        f"      LinkedIn-Version: '{pinned}'\n"
        "spec:\n  connection_specification: {type: object, properties: {}}\n"
    )
    (folder / "api_versions.yaml").write_text(
        f"versions:\n  - version: '{PINNED}'\n    released: '2026-07-01'\n"
        f"    sunset: '{sunset}'\n    basis: policy\n"
    )
    return root


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = check_api_versions.main(argv)
    return code, json.loads(capsys.readouterr().out)


def test_a_version_far_from_its_sunset_is_fine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = plant_connector(tmp_path, sunset="2027-07-15")
    code, document = run(["--connectors-dir", str(root), "--now", "2026-12-01"], capsys)
    assert code == 0 and document["ok"] is True and document["problems"] == []
    assert document["connectors"][0]["days_left"] == 226


def test_a_version_within_the_warning_window_warns_and_fails_only_when_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = plant_connector(tmp_path, sunset="2027-07-15")
    argv = ["--connectors-dir", str(root), "--now", "2027-06-01"]
    code, document = run(argv, capsys)
    assert code == 0 and [p["severity"] for p in document["problems"]] == ["warning"]
    code, document = run([*argv, "--strict"], capsys)
    assert code == 1 and document["ok"] is False


def test_a_version_past_its_sunset_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = plant_connector(tmp_path, sunset="2027-07-15")
    code, document = run(["--connectors-dir", str(root), "--now", "2027-07-16"], capsys)
    assert code == 1
    assert document["problems"][0]["severity"] == "error"
    assert PINNED in document["problems"][0]["message"]


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["--warning-days", "-1"], "--warning-days"),
        (["--now", "yesterday"], "--now"),
        (["--connectors-dir", "/no/such/folder"], "--connectors-dir"),
    ],
)
def test_bad_options_exit_2_naming_the_option(
    argv: list[str], option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document = run(argv, capsys)
    assert code == 2 and document["ok"] is False
    assert document["problems"][0]["variable"] == option

"""Rule records (with --records): synced rows against their contract; checking nothing fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from airbyte_provisioning.checks.contracts.checker import run_checks

from ..helpers import problems_of, record

STREAM = "search_performance_by_page_query"
GOOD_ROW = {
    "site_url": "sc-domain:example.com",
    "search_type": "web",
    "date": "2024-01-02",
    "page": "/a",
    "query": "shoes",
    "clicks": 3,
    "impressions": 40,
    "ctr": 0.075,
    "position": 4.2,
}


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines))
    return path


def test_clean_records_pass_and_say_which_streams_had_no_contract(
    repo: Path, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "records.jsonl",
        [
            json.dumps({"type": "STATE", "state": {}}),
            record(STREAM, GOOD_ROW),
            record(STREAM, {**GOOD_ROW, "query": "boots", "ctr": None}),
            record(f"ads_{STREAM}", {**GOOD_ROW, "query": "hats"}),
            record("some_other_stream", {"x": 1}),
        ],
    )
    report = run_checks(repo, ["records"], records=path)
    assert report.findings == []
    assert report.counts == {"search_console_performance": 3, "records_without_contract": 1}
    assert report.skipped == ["records: not checked, no contract: some_other_stream (1)"]


def test_record_violations_are_reported_with_line_numbers(repo: Path, tmp_path: Path) -> None:
    path = write(
        tmp_path / "records.jsonl",
        [
            record(STREAM, GOOD_ROW),
            record(STREAM, {**GOOD_ROW, "query": "q1", "clicks": "3"}),
            record(STREAM, {**GOOD_ROW, "query": "q2", "page": None}),
            record(STREAM, {**GOOD_ROW, "query": "q3", "date": "20240102"}),
            record(STREAM, GOOD_ROW),
            "not json",
        ],
    )
    found = [(p.line, p.message) for p in problems_of(repo, "records", records=path)]
    assert [line for line, _ in found] == [2, 3, 4, 5, 6]
    assert "clicks should be integer, got str '3'" in found[0][1]
    assert "page is null but not nullable" in found[1][1]
    assert "date should be date, got str '20240102'" in found[2][1]
    assert "primary key" in found[3][1] and "repeats line 1" in found[3][1]
    assert found[4][1].startswith("not JSON")


@pytest.mark.parametrize("stream", ["google_ads_performance", "ad_group_ad_performance_daily"])
def test_plain_json_lines_use_the_stream_option(repo: Path, tmp_path: Path, stream: str) -> None:
    path = write(
        tmp_path / "rows.jsonl", [json.dumps({"segments.date": "2024-01-01", "customer.id": "12"})]
    )
    found = problems_of(repo, "records", records=path, stream=stream)
    assert any("customer.id should be integer" in p.message for p in found)
    assert any("ad_group_ad.ad.id is missing but not nullable" in p.message for p in found)


# --- a run that checks nothing fails, saying what was not checked and why ------------------------


def only_problem(repo: Path, path: Path, stream: str | None = None) -> str:
    report = run_checks(repo, ["records"], records=path, stream=stream)
    assert not report.ok
    (problem,) = report.findings
    assert (problem.code, problem.file) == ("records", str(path))
    return problem.message


def test_a_stream_option_that_names_no_contract_checks_nothing_and_fails(
    repo: Path, tmp_path: Path
) -> None:
    path = write(tmp_path / "rows.jsonl", [json.dumps({"a": 1})])
    message = only_problem(repo, path, stream="no_such_contract")
    assert message.startswith("--stream no_such_contract names no contract or contracted stream")
    assert "google_ads_performance" in message  # the known contracts are listed
    assert message.endswith(f"nothing in {path} was checked")


def test_an_empty_records_file_fails(repo: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "empty.jsonl", [])
    assert only_problem(repo, path) == (
        f"{path} is empty: no record was checked; pass the records file a sync wrote"
    )


def test_records_of_a_stream_without_a_contract_fail(repo: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "other.jsonl", [record("campaigns", {"id": 1})] * 2)
    message = only_problem(repo, path)
    assert message.startswith(f"no record in {path} belongs to a contracted stream")
    assert "read: campaigns (2)" in message and STREAM in message
    assert "nothing was checked" in message


def test_plain_json_lines_without_the_stream_option_fail_and_say_to_pass_it(
    repo: Path, tmp_path: Path
) -> None:
    path = write(tmp_path / "rows.jsonl", [json.dumps({"a": 1})])
    message = only_problem(repo, path)
    assert "(plain JSON lines) (1)" in message and "pass --stream CONTRACT" in message


def test_a_file_of_state_messages_only_fails(repo: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "state.jsonl", [json.dumps({"type": "STATE", "state": {}})])
    assert "holds no RECORD message" in only_problem(repo, path)


def test_a_line_that_is_not_utf8_is_reported_not_raised(repo: Path, tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_bytes(record(STREAM, GOOD_ROW).encode() + b"\n\xff\xfe{}\n")
    assert [(p.line, p.message) for p in problems_of(repo, "records", records=path)] == [
        (2, "not UTF-8 text")
    ]


def test_a_records_path_that_is_a_folder_is_reported_not_raised(repo: Path, tmp_path: Path) -> None:
    (problem,) = problems_of(repo, "records", records=tmp_path)
    assert problem.message.startswith(f"cannot read {tmp_path} (")
    assert problem.message.endswith("nothing was checked")

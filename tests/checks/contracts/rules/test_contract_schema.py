"""Rule contract-schema: contracts are well formed; the unified mapping names real columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..helpers import edit, problems_of

CONTRACTS = "contract_checks/contracts"


def test_mapping_to_a_column_the_platform_does_not_contract(repo: Path) -> None:
    edit(
        repo / CONTRACTS / "ads_performance.yaml",
        "spend: {from: spend}",
        "spend: {from: spend_usd}",
    )
    (problem,) = problems_of(repo, "contract-schema")
    assert "reads spend_usd" in problem.message
    assert problem.file == f"{CONTRACTS}/ads_performance.yaml" and (problem.line or 0) > 1


@pytest.mark.parametrize(
    ("contract", "written", "planted", "said"),
    [
        pytest.param(
            "search_console_performance.yaml",
            "type: number, nullable: true, description: Click",
            "type: float, nullable: true, description: Click",
            ["column ctr: type must be one of"],
            id="unknown-column-type",
        ),
        pytest.param(
            "ga4_web_traffic.yaml",
            "kind: ga4_custom_report",
            "kind: ga4_report",
            ["produced_by.kind must be one of", "ga4_custom_report"],
            id="unknown-producer-kind",
        ),
        pytest.param(
            "ga4_web_traffic.yaml",
            "columns:\n",
            "columns:\n  - just_a_name\n",
            ["column 1 must be a mapping (name, type, nullable)"],
            id="column-entry-not-a-mapping",
        ),
    ],
)
def test_a_malformed_contract_is_one_problem_saying_what_is_wrong_not_a_crash(
    repo: Path, contract: str, written: str, planted: str, said: list[str]
) -> None:
    edit(repo / CONTRACTS / contract, written, planted)
    (problem,) = problems_of(repo, "contract-schema")
    first, *more = said
    assert problem.message.startswith(first), problem.message
    assert all(part in problem.message for part in more), problem.message

"""Rule contract-schema: contracts are well formed; the unified mapping names real columns."""

from __future__ import annotations

from pathlib import Path

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


def test_unknown_column_type(repo: Path) -> None:
    edit(
        repo / CONTRACTS / "search_console_performance.yaml",
        "type: number, nullable: true, description: Click",
        "type: float, nullable: true, description: Click",
    )
    (problem,) = problems_of(repo, "contract-schema")
    assert "ctr: type must be one of" in problem.message


def test_unknown_producer_kind(repo: Path) -> None:
    edit(repo / CONTRACTS / "ga4_web_traffic.yaml", "kind: ga4_custom_report", "kind: ga4_report")
    (problem,) = problems_of(repo, "contract-schema")
    assert problem.message.startswith("produced_by.kind must be one of")
    assert "ga4_custom_report" in problem.message


def test_a_column_entry_that_is_not_a_mapping_is_reported_not_raised(repo: Path) -> None:
    edit(repo / CONTRACTS / "ga4_web_traffic.yaml", "columns:\n", "columns:\n  - just_a_name\n")
    (problem,) = problems_of(repo, "contract-schema")
    assert problem.message == "column 1 must be a mapping (name, type, nullable)"

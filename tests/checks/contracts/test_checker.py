"""The checker: this repository passes, the report's shape, the rule registry, contract files
that cannot be loaded, and a run that was asked for a rule it cannot run."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from airbyte_provisioning.checks.contracts import checker
from airbyte_provisioning.checks.contracts.checker import ALL_RULES, run_checks
from airbyte_provisioning.checks.contracts.names import RuleName
from airbyte_provisioning.checks.contracts.rules import RULES

from .helpers import REPO, problems_of

CONTRACTS = "contract_checks/contracts"
PACKAGE = REPO / "airbyte_provisioning" / "checks" / "contracts"


def test_this_repository_passes_skipping_the_rules_whose_input_is_not_given() -> None:
    report = run_checks(REPO)
    assert report.findings == [], json.dumps(report.to_dict()["findings"], indent=1)
    assert report.skipped[:2] == ["rule dbt: needs --dbt-project", "rule records: needs --records"]


def test_the_pristine_copy_passes(pristine: Path) -> None:
    assert run_checks(pristine).findings == []


def test_every_rule_name_has_exactly_one_registered_rule_in_report_order() -> None:
    assert list(RULES) == list(RuleName)
    assert all(rule.name is name for name, rule in RULES.items())
    assert tuple(name.value for name in RuleName) == ALL_RULES


def test_the_report_keeps_its_shape_with_the_rule_as_each_problem_code(repo: Path) -> None:
    env = repo / "env.example"
    env.write_text(env.read_text() + "AIRBYTE_NEVER_READ_KNOB=1\n")
    document = run_checks(repo, ["env-names", "gaql"]).to_dict()
    assert list(document) == [
        "ok",
        "root",
        "rules",
        "findings",
        "summary",
        "skipped",
        "records",
        "duration_ms",
    ]
    (finding,) = document["findings"]
    assert list(finding) == ["severity", "code", "file", "line", "message"]
    assert (finding["code"], finding["file"]) == ("env-names", "env.example")
    assert document["summary"] == [
        {"rule": "env-names", "findings": 1},
        {"rule": "gaql", "findings": 0},
    ]


# --- contract files that cannot be loaded: one problem naming the file, no traceback -------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("name: broken\ncolumns: [\n", "is not valid YAML"),
        ("- name: a\n- name: b\n", "is a list; it must be one mapping"),
        ("just a sentence\n", "is a str; it must be one mapping"),
        ("", "is empty; it must be one mapping"),
    ],
    ids=["does-not-parse", "a-list", "a-scalar", "empty"],
)
def test_a_contract_file_that_is_not_one_contract_is_named(
    repo: Path, content: str, expected: str
) -> None:
    (repo / CONTRACTS / "broken.yaml").write_text(content)
    report = run_checks(repo, ["contract-schema", "query-aliases", "seed-headers"])
    (problem,) = report.findings
    assert (problem.code, problem.file) == ("contract-schema", f"{CONTRACTS}/broken.yaml")
    assert problem.message.startswith(f"contract file {CONTRACTS}/broken.yaml {expected}")
    assert not report.ok


def test_a_broken_contract_is_reported_by_the_records_rule_too(repo: Path, tmp_path: Path) -> None:
    (repo / CONTRACTS / "broken.yaml").write_text("- a list\n")
    records = tmp_path / "rows.jsonl"
    records.write_text('{"segments.date": "2024-01-01"}\n')
    document = run_checks(
        repo, ["records"], records=records, stream="google_ads_performance"
    ).to_dict()
    assert {"rule": "contract-schema", "findings": 1} in document["summary"]
    assert any(f["file"] == f"{CONTRACTS}/broken.yaml" for f in document["findings"])


def test_rules_that_read_no_contract_do_not_report_a_broken_one(repo: Path) -> None:
    (repo / CONTRACTS / "broken.yaml").write_text("- a list\n")
    assert run_checks(repo, ["gaql", "templates"]).findings == []


def test_two_contract_files_with_one_name_are_reported(repo: Path) -> None:
    source = repo / CONTRACTS / "ga4_web_traffic.yaml"
    (repo / CONTRACTS / "zz_copy.yaml").write_text(source.read_text())
    (problem,) = problems_of(repo, "contract-schema")
    assert problem.file == f"{CONTRACTS}/zz_copy.yaml"
    assert "like contract_checks/contracts/ga4_web_traffic.yaml" in problem.message


# --- rules and their inputs -----------------------------------------------------------------------


def test_a_rule_asked_for_by_name_without_its_input_fails(repo: Path) -> None:
    report = run_checks(repo, ["records"])
    assert not report.ok
    (problem,) = report.findings
    assert problem.code == "records"
    assert problem.message == "rule records needs --records: nothing was checked"


# --- the checker is part of the library -----------------------------------------------------------


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    return names | {
        n.module
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and n.module and not n.level
    }


def test_the_checker_imports_only_the_library_and_its_dependencies() -> None:
    allowed_roots = {"airbyte_provisioning", "yaml", "airbyte_cdk", "__future__"}
    stdlib = set(__import__("sys").stdlib_module_names)
    for path in sorted(PACKAGE.rglob("*.py")):
        for module in imported_modules(path):
            root = module.split(".")[0]
            assert root in allowed_roots | stdlib, f"{path.name} imports {module}"
            assert not module.startswith("airbyte_provisioning.commands"), path.name
    assert not list((REPO / "contract_checks").rglob("*.py")), "contract_checks/ holds data only"
    assert checker.__name__ == "airbyte_provisioning.checks.contracts.checker"

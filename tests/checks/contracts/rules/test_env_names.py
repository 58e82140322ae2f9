"""Rule env-names: env.example documents exactly the variables the repository reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..helpers import edit, problems_of


def test_undocumented_variable_in_a_template(repo: Path) -> None:
    edit(
        repo / "templates/tiktok_ads.json.example",
        '"${AIRBYTE_TIKTOK_ACCESS_TOKEN}"',
        '"${AIRBYTE_TIKTOK_TOKEN}"',
    )
    messages = [(p.file, p.message) for p in problems_of(repo, "env-names")]
    assert (
        "templates/tiktok_ads.json.example",
        "AIRBYTE_TIKTOK_TOKEN is referenced here but not documented in env.example; add it with a comment and a placeholder",
    ) in messages


def test_undocumented_variable_in_compose_and_code(repo: Path) -> None:
    (repo / "docker-compose.yml").write_text(
        "services:\n  x:\n    environment:\n      A: ${AIRBYTE_COMPOSE_ONLY:-1}\n"
    )
    (repo / "scripts/extra.py").write_text('import os\n\nURL = os.environ["AIRBYTE_EXTRA_URL"]\n')
    found = {(p.file, p.line, p.message.split()[0]) for p in problems_of(repo, "env-names")}
    assert ("docker-compose.yml", 4, "AIRBYTE_COMPOSE_ONLY") in found
    assert ("scripts/extra.py", 3, "AIRBYTE_EXTRA_URL") in found


@pytest.mark.parametrize(
    "line",
    [
        "AIRBYTE_NEVER_READ_KNOB=1",
        "AIRBYTE_ACME_FAVOURITE_COLOUR=blue",
        "AIRBYTE_DEFAULT_METRICS_JITTER=5",
    ],
)
def test_documented_but_unused_variable(repo: Path, line: str) -> None:
    env = repo / "env.example"
    env.write_text(env.read_text() + f"# planted\n{line}\n")
    (problem,) = problems_of(repo, "env-names")
    assert problem.file == "env.example"
    assert problem.message.startswith(line.split("=")[0] + " is documented but nothing reads it")


def test_tenant_pattern_variables_count_as_used(repo: Path) -> None:
    env = repo / "env.example"
    env.write_text(
        env.read_text()
        + "AIRBYTE_ACME_TIKTOK_METRICS_STATUS=inactive\nAIRBYTE_GLOBEX_EU_META_ACCOUNT_ID=act_1\n"
    )
    assert problems_of(repo, "env-names") == []


def test_a_patterns_file_that_is_not_a_mapping_is_named(repo: Path) -> None:
    (repo / "contract_checks/env_patterns.yaml").write_text("- AIRBYTE_<TENANT>_X\n")
    (problem,) = problems_of(repo, "env-names")
    assert problem.file == "contract_checks/env_patterns.yaml"
    assert "must be a YAML mapping" in problem.message

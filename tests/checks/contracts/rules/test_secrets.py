"""Rule secrets: no literal credential in a tracked file; fixtures by fingerprint or pragma."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..helpers import problems_of

# built at run time so that this file itself holds no secret-shaped literal
GOOGLE_CLIENT_SECRET = "GOCSPX" + "-" + "Zq3vT8kLm2Xw9Rb4Yc7Hn1Jd5Fe0"
META_TOKEN = "EA" + "AGm0PX4ZCpsBA" + "Kq9Zb7Ww2Lr5Tn8Yx3Vc6Hj1Mf4Sd0Qe"
RANDOM_TOKEN = "9f" + "Q2xLk7Rm4Tz8Wn3Yb6Vc1Hj5Gd0Sa"
ALLOWLIST = "contract_checks/secrets_allowlist.yaml"


@pytest.mark.parametrize(
    ("path", "content", "kind"),
    [
        (
            "templates/notes.json",
            f'{{"client_secret": "{GOOGLE_CLIENT_SECRET}"}}\n',
            "Google OAuth client secret",
        ),
        ("scripts/tool.py", f'TOKEN = "{META_TOKEN}"\n', "Meta access token"),
        (
            "connectors/source-tiktok-ads/integration_tests/config.json",
            f'{{\n  "access_token": "{RANDOM_TOKEN}"\n}}\n',
            "access_token is assigned",
        ),
        (
            "deploy.env.example",
            f"AIRBYTE_LINKEDIN_ACCESS_TOKEN={RANDOM_TOKEN}\n",
            "AIRBYTE_LINKEDIN_ACCESS_TOKEN is assigned",
        ),
    ],
)
def test_planted_secrets_are_found(repo: Path, path: str, content: str, kind: str) -> None:
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content)
    found = [p for p in problems_of(repo, "secrets") if p.file == path]
    assert found and any(kind in p.message for p in found), found
    assert all(
        GOOGLE_CLIENT_SECRET not in p.message and RANDOM_TOKEN not in p.message for p in found
    )


def test_allowlisted_fixture_and_pragma_lines_are_skipped(repo: Path) -> None:
    fixture = repo / "tests/fixtures.py"
    fixture.parent.mkdir(parents=True, exist_ok=True)
    fixture.write_text(
        f'A = "{GOOGLE_CLIENT_SECRET}"\nB = "{META_TOKEN}"  # pragma: allowlist secret\n'
    )
    (problem,) = problems_of(repo, "secrets")
    digest = problem.message.split("(")[1].split(")")[0]
    allowlist = repo / ALLOWLIST
    allowlist.write_text(
        allowlist.read_text()
        + f"  - {{file: tests/fixtures.py, fingerprint: '{digest}', reason: test}}\n"
    )
    assert problems_of(repo, "secrets") == []


def test_placeholders_are_not_secrets(repo: Path) -> None:
    (repo / "templates/placeholders.env.example").write_text(
        "AIRBYTE_X_CLIENT_SECRET=changeme-airbyte-x-client-secret-value\n"
        "AIRBYTE_X_ACCESS_TOKEN=${AIRBYTE_X_ACCESS_TOKEN}\n"
        'api_token: "**********"\n'
        "refresh_token=00000000-0000-4000-8000-000000000000\n"
    )
    assert problems_of(repo, "secrets") == []


def test_a_broken_allowlist_is_named_and_allows_nothing(repo: Path) -> None:
    (repo / "scripts/tool.py").write_text(f'TOKEN = "{META_TOKEN}"\n')
    (repo / ALLOWLIST).write_text("- {file: scripts/tool.py}\n")
    found = {(p.file, p.message.split(" ")[0]) for p in problems_of(repo, "secrets")}
    assert (ALLOWLIST, ALLOWLIST) in found
    assert any(file == "scripts/tool.py" for file, _ in found)

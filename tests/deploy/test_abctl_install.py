"""deploy/abctl/install.sh: syntax, dry run, the abctl version gate, the exact install command,
and the token check against the Airbyte sandbox, driven through a stand-in `abctl` on PATH."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from sandboxes.airbyte import create_app
from sandboxes.base import SandboxServer

REPO = Path(__file__).resolve().parents[2]
INSTALL = REPO / "deploy" / "abctl" / "install.sh"
VALUES = REPO / "deploy" / "abctl" / "values.yaml"
CLIENT_ID = "abctl-client-id-0001"
CLIENT_SECRET = "canary-abctl-secret-9f3c51"

FAKE_ABCTL = r"""#!/usr/bin/env bash
printf '%s\n' "$*" >> "$FAKE_LOG"
case "$1 ${2:-}" in
  "version "*) printf 'version: %s\n' "$FAKE_ABCTL_VERSION" ;;
  "local install") exit "${FAKE_INSTALL_RC:-0}" ;;
  "local credentials")
    printf '\033[34mINFO\033[0m    Retrieving your credentials\n'
    printf '          Email: [not set]\n          Password: pw-not-used\n'
    printf '          Client-Id: %s\n          Client-Secret: %s\n' "$FAKE_ID" "$FAKE_SECRET" ;;
esac
"""


@pytest.fixture(scope="module")
def airbyte_port() -> Iterator[int]:
    app = create_app(spec_dir=None, auth="bearer", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with SandboxServer(app) as server:
        yield int(server.url.rsplit(":", 1)[1])


def _fake_bin(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "abctl").write_text(FAKE_ABCTL)
    (bin_dir / "docker").write_text("#!/usr/bin/env bash\nexit 0\n")  # `docker info` succeeds
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    return bin_dir


def _run(
    tmp_path: Path,
    *args: str,
    version: str = "v0.30.3",
    secret: str = CLIENT_SECRET,
    with_abctl: bool = True,
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    log = tmp_path / "abctl.log"
    path = [str(_fake_bin(tmp_path))] if with_abctl else []
    env = {
        "PATH": ":".join([*path, "/usr/bin", "/bin"]),
        "FAKE_LOG": str(log),
        "FAKE_ABCTL_VERSION": version,
        "FAKE_ID": CLIENT_ID,
        "FAKE_SECRET": secret,
        "INSTALL_TOKEN_ATTEMPTS": "1",
        "HOME": str(tmp_path),
    }
    done = subprocess.run(
        ["bash", str(INSTALL), *args], capture_output=True, text=True, env=env, check=False
    )
    calls = log.read_text().splitlines() if log.exists() else []
    return done, calls


def test_the_script_parses() -> None:
    assert subprocess.run(["bash", "-n", str(INSTALL)], check=False).returncode == 0
    assert os.access(INSTALL, os.X_OK)


def test_dry_run_prints_the_pinned_install_and_runs_nothing(tmp_path: Path) -> None:
    done, calls = _run(tmp_path, "--dry-run", "--low-resource-mode", "--port", "8123")

    assert done.returncode == 0, done.stderr
    assert (
        f"+ abctl local install --chart-version 1.8.0 --values {VALUES} --port 8123 "
        "--no-browser --insecure-cookies --low-resource-mode"
    ) in done.stdout
    assert "http://localhost:8123/api/v1/applications/token" in done.stdout
    for variable in (
        "AIRBYTE_BASE_URL=http://localhost:8123",
        "AIRBYTE_CLIENT_ID=",
        "AIRBYTE_CLIENT_SECRET=",
    ):
        assert variable in done.stdout
    assert "abctl local credentials" in done.stdout
    # only the read-only version probe may run in a dry run
    assert calls == ["version"]


def test_dry_run_works_without_abctl_installed(tmp_path: Path) -> None:
    done, _ = _run(tmp_path, "--dry-run", with_abctl=False)
    assert done.returncode == 0
    assert "abctl is not on PATH" in done.stdout


@pytest.mark.parametrize("version", ["v0.30.1", "v0.29.9", "0.12.0"])
def test_an_abctl_older_than_0_30_3_is_refused_before_installing(
    tmp_path: Path, version: str
) -> None:
    done, calls = _run(tmp_path, version=version)
    assert done.returncode == 1
    assert f"abctl {version.lstrip('v')} is too old" in done.stderr
    assert "brew install abctl" in done.stderr
    assert calls == ["version"]


def test_a_missing_abctl_explains_how_to_install_it(tmp_path: Path) -> None:
    done, _ = _run(tmp_path, with_abctl=False)
    assert done.returncode == 1
    assert "abctl is not installed" in done.stderr and "get.airbyte.com" in done.stderr


def test_a_bad_port_is_a_usage_error(tmp_path: Path) -> None:
    done, calls = _run(tmp_path, "--port", "http")
    assert done.returncode == 2 and "AIRBYTE_PORT" in done.stderr and calls == []


def test_install_then_token_check_succeeds_without_printing_the_secret(
    tmp_path: Path, airbyte_port: int
) -> None:
    done, calls = _run(tmp_path, "--port", str(airbyte_port), version="v0.31.0")

    assert done.returncode == 0, done.stderr
    assert calls == [
        "version",
        f"local install --chart-version 1.8.0 --values {VALUES} --port {airbyte_port} "
        "--no-browser --insecure-cookies",
        "local credentials",
    ]
    assert "token endpoint OK" in done.stdout
    assert CLIENT_SECRET not in done.stdout + done.stderr


def test_a_refused_token_explains_the_chart_v2_credential_bug(
    tmp_path: Path, airbyte_port: int
) -> None:
    wrong = CLIENT_SECRET + "-stale"
    done, _ = _run(tmp_path, "--port", str(airbyte_port), secret=wrong)

    assert done.returncode == 1
    assert "HTTP 400" in done.stderr and "Invalid client id or token" in done.stderr
    assert "chart V2" in done.stderr and "airbytehq/airbyte#65592" in done.stderr
    assert wrong not in done.stdout + done.stderr


def test_a_failed_abctl_install_stops_before_the_token_check(tmp_path: Path) -> None:
    log = tmp_path / "abctl.log"
    env = {
        "PATH": f"{_fake_bin(tmp_path)}:/usr/bin:/bin",
        "FAKE_LOG": str(log),
        "FAKE_ABCTL_VERSION": "v0.30.3",
        "FAKE_INSTALL_RC": "3",
    }
    done = subprocess.run(
        ["bash", str(INSTALL)], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 1 and "abctl local install failed" in done.stderr
    assert "local credentials" not in log.read_text()


def test_values_enable_custom_code_in_the_v1_chart_format() -> None:
    values = yaml.safe_load(VALUES.read_text())
    for component in ("workload-launcher", "connector-builder-server"):
        # V1 renders env_vars through `| quote`; extraEnv would need a list of EnvVar objects
        assert values[component] == {"env_vars": {"AIRBYTE_ENABLE_UNSAFE_CODE": "true"}}
    assert "global" not in values  # the server and other components stay without it

"""docker-compose.yml: its structure (offline, PyYAML), its rendering with env.example by
Debian's docker-compose when installed, and the sandbox commands it runs."""

from __future__ import annotations

import importlib.util
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from airbyte_provisioning.core.envfile import read_env_file
from sandboxes.base import BIND_HOST_VARIABLE, SandboxApp, SandboxServer, free_port

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / "env.example"
SERVICES = {"airbyte-sandbox": 8000, "tiktok-sandbox": 8765, "linkedin-sandbox": 8771}
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}")


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def _command(service: dict) -> list[str]:
    command = service["command"]
    return command if isinstance(command, list) else command.split()


def test_every_service_runs_a_project_sandbox_from_one_image_and_tag() -> None:
    services = _compose()["services"]

    assert set(services) == set(SERVICES)
    images = {s["image"] for s in services.values()}
    assert images == {
        "${STACK_SANDBOX_IMAGE:-airbyte-tenant-stack/sandboxes}:${STACK_SANDBOX_TAG:-0.1.0}"
    }
    for name, port in SERVICES.items():
        service = services[name]
        command = _command(service)
        assert command[:2] == ["python", "-m"]
        assert importlib.util.find_spec(command[2]) is not None, command[2]
        assert command[command.index("--port") + 1] == str(port)
        assert [p.rsplit(":", 1)[1] for p in service["ports"]] == [str(port)]
        assert service["ports"][0].startswith("${STACK_SANDBOX_BIND:-127.0.0.1}:")
        assert service["environment"][BIND_HOST_VARIABLE] == "0.0.0.0"
        assert (REPO / service["build"]["context"] / service["build"]["dockerfile"]).is_file()


def test_every_variable_is_documented_in_env_example_and_none_is_a_secret() -> None:
    documented = read_env_file(ENV_EXAMPLE)
    used = {m.group(1): m.group(2) for m in VARIABLE.finditer(COMPOSE.read_text())}

    assert used, "the compose file interpolates nothing"
    assert sorted(set(used) - set(documented)) == []
    for name, default in used.items():
        assert default is not None, f"${{{name}}} has no default"
        # the default and env.example agree, so `config` renders the same with or without it
        assert documented[name] == default, name
    assert not [n for n in used if re.search("SECRET|TOKEN|PASSWORD|CLIENT_ID", n)]


def test_the_dockerfile_copies_only_what_the_sandboxes_need() -> None:
    dockerfile = (REPO / "deploy" / "sandboxes" / "Dockerfile").read_text()
    copied = re.findall(r"^COPY (\S+)", dockerfile, flags=re.M)
    assert copied == [
        "pyproject.toml",
        "airbyte_provisioning",
        "sandboxes",
        "contract_checks",
        "templates",
    ]
    for source in copied:
        assert (REPO / source).exists()
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, flags=re.M)


@pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="docker-compose is not installed"
)
def test_docker_compose_renders_env_example_without_unset_variables(tmp_path: Path) -> None:
    done = subprocess.run(
        ["docker-compose", "--env-file", str(ENV_EXAMPLE), "-f", str(COMPOSE), "config"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "not set" not in done.stderr and "WARNING" not in done.stderr.upper()
    rendered = yaml.safe_load(done.stdout)
    assert "${" not in done.stdout
    assert {s["image"] for s in rendered["services"].values()} == {
        "airbyte-tenant-stack/sandboxes:0.1.0"
    }

    # another tag in the env file reaches all three services: the variable is really used
    other = tmp_path / "other.env"
    other.write_text(
        ENV_EXAMPLE.read_text()
        + "\nSTACK_SANDBOX_TAG=9.9.9\nAIRBYTE_PORT=18000\nSTACK_SANDBOX_BIND=0.0.0.0\n"
    )
    done = subprocess.run(
        ["docker-compose", "--env-file", str(other), "-f", str(COMPOSE), "config"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    rendered = yaml.safe_load(done.stdout)
    assert {s["image"] for s in rendered["services"].values()} == {
        "airbyte-tenant-stack/sandboxes:9.9.9"
    }
    ports = rendered["services"]["airbyte-sandbox"]["ports"][0]
    assert "18000" in str(ports) and "0.0.0.0" in str(ports)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_service_command_starts_its_sandbox(service: str) -> None:
    """The container's command, run here with a free port and env.example as the mounted file."""
    env = read_env_file(ENV_EXAMPLE)
    command = [
        VARIABLE.sub(lambda m: env.get(m.group(1)) or m.group(2) or "", c)
        for c in _command(_compose()["services"][service])
    ]
    port = free_port()
    argv = [sys.executable if c == "python" else c for c in command]
    argv[argv.index("--port") + 1] = str(port)
    argv = [str(ENV_EXAMPLE) if a == "/config/stack.env" else a for a in argv]
    process = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, f"{service} did not listen on {port}"
                time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_sandbox_bind_host_moves_the_default_address_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BIND_HOST_VARIABLE, "127.0.0.2")
    moved = SandboxServer(SandboxApp())
    explicit = SandboxServer(SandboxApp(), host="127.0.0.1")
    try:
        assert moved.url.startswith("http://127.0.0.2:")
        assert explicit.url.startswith("http://127.0.0.1:")
    finally:
        for server in (moved, explicit):
            server._server.server_close()

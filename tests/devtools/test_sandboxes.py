"""make sandboxes: the three sandboxes on loopback until Ctrl-C/SIGTERM, and the new user's path
it prints: env.example plus the printed lines, publish, provision, then online validation passes."""

from __future__ import annotations

import contextlib
import io
import json
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from airbyte_provisioning.commands import (
    provision_meta_google_connectors,
    publish_custom_connectors,
    validate_tenant_config,
)
from devtools import sandboxes
from sandboxes.base import free_port

REPO = Path(__file__).resolve().parents[2]
ANY_PORT = ["--airbyte-port", "0", "--tiktok-port", "0", "--linkedin-port", "0"]


@contextlib.contextmanager
def running(*argv: str) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    """``python -m devtools.sandboxes --json ...`` and its banner; killed if a test fails."""
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.sandboxes", "--json", *ANY_PORT, *argv],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else "no banner"
        yield process, json.loads(line)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


def command(module: ModuleType, env_file: Path) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = module.main(["--env-file", str(env_file)])
    return code, json.loads(out.getvalue())


def answers_http(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=10):
            return True
    except urllib.error.HTTPError:
        return True  # an HTTP error is an answer: the server is there


@pytest.mark.e2e
def test_a_fresh_env_with_the_printed_lines_passes_online_validation_after_provision(
    tmp_path: Path, clean_env: None
) -> None:
    with running() as (process, banner):
        assert all(answers_http(url) for url in banner["urls"].values())
        env_file = tmp_path / ".env"
        # the README's path: cp env.example .env, then append the printed lines
        env_file.write_text((REPO / "env.example").read_text() + "\n".join(banner["env"]) + "\n")
        assert f"AIRBYTE_BASE_URL={banner['urls']['airbyte']}" in banner["env"]

        code, published = command(publish_custom_connectors, env_file)
        assert code == 0, published
        code, provisioned = command(provision_meta_google_connectors, env_file)
        assert code == 0, provisioned
        assert len(provisioned["persist"]) == 3
        with env_file.open("a") as handle:
            handle.write("\n".join(provisioned["persist"]) + "\n")
        code, validated = command(validate_tenant_config, env_file)

        assert code == 0, validated["problems"]
        assert validated["valid"] is True and validated["mode"] == "online"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0


@pytest.mark.e2e
def test_ctrl_c_stops_the_sandboxes() -> None:
    with running() as (process, banner):
        assert answers_http(banner["urls"]["airbyte_api"] + "/health")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0


def test_a_port_in_use_is_named_and_the_sandboxes_already_started_are_stopped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    airbyte, tiktok = free_port(), free_port()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        taken = busy.getsockname()[1]
        argv = ["--airbyte-port", str(airbyte), "--tiktok-port", str(tiktok)]
        assert sandboxes.main([*argv, "--linkedin-port", str(taken)]) == 2
    err = capsys.readouterr().err
    assert f"--linkedin-port {taken}: cannot listen on 127.0.0.1:{taken}" in err
    assert "--linkedin-port 0" in err
    for port in (airbyte, tiktok):  # nothing is left listening
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))


def test_the_env_lines_show_env_examples_placeholder_but_never_an_operators_secret(
    tmp_path: Path,
) -> None:
    secret = "real-" + "Zk4Qw" * 5
    own = tmp_path / "own.env"
    own.write_text((REPO / "env.example").read_text() + f"AIRBYTE_CLIENT_SECRET={secret}\n")
    ports = dict.fromkeys(sandboxes.DEFAULT_PORTS, 0)
    for env_file, shown in ((REPO / "env.example", True), (own, False)):
        started = sandboxes.start(env_file, ports)
        try:
            lines = started.env_lines()
        finally:
            for server in started.servers.values():
                server.stop()
        assert ("AIRBYTE_CLIENT_SECRET=changeme-airbyte-client-secret" in lines) is shown
        assert not any(secret in line for line in lines)
        assert "AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID=" in lines
    assert f"# AIRBYTE_CLIENT_SECRET: the value in {own}" in lines


def test_a_missing_env_file_is_refused_naming_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sandboxes.main(["--env-file", str(tmp_path / "absent.env"), *ANY_PORT]) == 2
    assert f"--env-file: cannot read env file {tmp_path / 'absent.env'}" in capsys.readouterr().err

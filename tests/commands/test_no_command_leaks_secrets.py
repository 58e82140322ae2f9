"""A canary secret planted in every secret variable never reaches any command's stdout or stderr.

Each command of ``airbyte-stack`` runs in-process against a fresh Airbyte sandbox with an env
file whose secret-named variables all hold canaries; some commands succeed and some fail (the
sandbox refuses the canary credentials), and neither path may print a canary.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest

from airbyte_provisioning.commands.registry import BY_NAME, COMMANDS
from airbyte_provisioning.core.envfile import read_env_file
from airbyte_provisioning.core.redact import is_secret_name
from sandboxes.airbyte import create_app, seed_from_env

REPO = Path(__file__).resolve().parents[2]
# the commands that read the environment; the others read files (sync a connector config, whose
# own tests cover redaction; contracts reports secrets found in files by fingerprint only)
ENV_DRIVEN = sorted(c.name for c in COMMANDS if c.reads_env)


def canary(name: str) -> str:
    # distinct per variable, long enough to be scrubbed, built at run time
    return "canary" + "-" + name.lower().replace("_", "") + "-7f3a9b"


@pytest.fixture
def canary_env(tmp_path: Path, sandbox_switch: tuple[Any, str]) -> tuple[Path, list[str]]:
    switch, url = sandbox_switch
    env = read_env_file(REPO / "env.example")
    canaries = []
    for name in list(env):
        if is_secret_name(name) and name != "AIRBYTE_API_AUTH_HEADER":
            env[name] = canary(name)
            canaries.append(env[name])
    env["AIRBYTE_BASE_URL"] = url
    app = create_app(
        auth="bearer", client_id=env["AIRBYTE_CLIENT_ID"], client_secret="not-the-canary"
    )
    seed_from_env(app, env)
    switch.target = app
    path = tmp_path / "canary.env"
    path.write_text("".join(f'{k}="{v}"\n' for k, v in env.items()))
    yield path, canaries
    switch.target = None


@pytest.mark.parametrize("command", ENV_DRIVEN)
def test_no_command_prints_a_secret(command: str, canary_env: tuple[Path, list[str]]) -> None:
    env_file, canaries = canary_env
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = BY_NAME[command].load()(["--env-file", str(env_file)])
    assert code in (0, 1, 2)
    printed = out.getvalue() + err.getvalue()
    assert printed.strip(), f"{command} printed nothing"
    leaked = [c for c in canaries if c in printed]
    assert not leaked, f"{command} printed {len(leaked)} secret value(s)"

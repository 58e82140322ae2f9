"""The bad-input matrix: every command, the scripts and the demo meet inputs an operator gets
wrong, and each answer is one a person can act on.

Every case asserts:

* the documented non-zero exit code (2 usage: nothing was attempted; 1 problems found or stopped);
* exactly one JSON document on stdout for commands and scripts (after the recipe line ``make``
  echoes, for ``make`` targets); ``make demo`` without ``--json`` and ``make sandboxes`` print
  text, and say what is wrong on stderr;
* no ``Traceback`` anywhere in stdout or stderr;
* no canary secret, whole or as a prefix: canaries sit in ``*_SECRET``/``*_TOKEN`` variables, in
  ``AIRBYTE_CLIENT_SECRET`` (which the Airbyte sandbox accepts), in URL userinfo and in files;
* a message that names what to fix: the variable, option or file (``names``).

Commands run in-process through their ``main`` (fast); a few cases run ``scripts/*.py`` and
``make`` as subprocesses. ``BAD_INPUTS_TABLE=path pytest tests/commands/test_bad_inputs.py``
also writes the table of cases (input, exit, message) as Markdown to ``path``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest

from airbyte_provisioning.cli import main as cli_main
from airbyte_provisioning.commands.registry import BY_NAME
from airbyte_provisioning.core.envfile import read_env_file, write_env_file
from airbyte_provisioning.core.redact import is_secret_name
from sandboxes.airbyte import create_app, seed_from_env
from sandboxes.base import free_port

from .world import REPO, TEMPLATE_IDS

VENV_BIN = Path(sys.executable).parent

# canaries, built at run time so no secret-looking literal sits in the repository
CANARY_SECRET = "Kq7v" + "Xw2pLm9sRt4yBn6c"
CANARY_TOKEN = "EAAZ" + "q9Wt" * 8
CANARY_CLIENT = "cl1ent" + "Zr8Px" * 4
CANARY_USERINFO = "pw" + "Hj5Ns" * 4
CANARIES = (CANARY_SECRET, CANARY_TOKEN, CANARY_CLIENT, CANARY_USERINFO)
# a prefix is a leak too: nothing may print the first characters of a canary
CANARY_PREFIX = 8

Airbyte = Literal["offline", "sandbox", "provisioned", "refused"]
Runner = Literal["command", "cli", "script", "demo", "sandboxes", "make"]
MISSING_WORKSPACE = "00000000-0000-4000-8000-0000000a0fff"
MISSING_DESTINATION = "00000000-0000-4000-8000-0000000d0fff"
PLAN_UNIT = {"unit": "acme", "workspace_id": "00000000-0000-4000-8000-00000000a001"}


@dataclass(frozen=True)
class Case:
    """One bad input: how to run it, what to plant, and the answer it must get.

    ``{tmp}`` in ``argv``, ``env`` values, ``files`` names and ``names`` is the case's own
    folder (also the working directory). ``env`` overrides the operator's environment
    (``env.example`` with canaries); ``None`` removes a variable. ``env_file`` passes it as
    ``--env-file {tmp}/stack.env`` to commands that read one.
    """

    id: str
    runner: Runner
    command: str
    argv: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    exit: int = 2
    env: Mapping[str, str | None] = field(default_factory=dict)
    files: Mapping[str, str | bytes] = field(default_factory=dict)
    airbyte: Airbyte = "offline"
    env_file: bool = True
    one_json: bool = True
    max_stdout: int = 120_000


def cmd(command: str, case_id: str, *argv: str, names: tuple[str, ...] | str, **kw: Any) -> Case:
    """A registry command run in-process."""
    return Case(
        f"{command}-{case_id}",
        "command",
        command,
        argv,
        names=(names,) if isinstance(names, str) else names,
        **kw,
    )


def _bad_env(command: str, case_id: str, text: str | bytes, *names: str, **kw: Any) -> Case:
    return cmd(
        command,
        case_id,
        "--env-file",
        "{tmp}/bad.env",
        names=("--env-file", "{tmp}/bad.env", *names),
        files={"bad.env": text},
        env_file=False,
        **kw,
    )


EXAMPLE_TEMPLATE_IDS = {
    name: value
    for name, value in read_env_file(REPO / "env.example").items()
    if name in TEMPLATE_IDS
}
PINNED_MANIFEST = {
    "c/source-linkedin-ads/manifest.yaml": (
        "version: 1\nstreams: []\ndefinitions:\n  requester:\n    request_headers:\n"
        '      LinkedIn-Version: "202601"\n'
    )
}
PLAN_OF_ANOTHER_VERSION = json.dumps({"format": 99, "command": "bootstrap_connections"})
A_PLAN = {"format": 1, "command": "bootstrap_connections", "created_at": "x"}
HUGE = "x" * 200_000

# fmt: off
ENV_CASES = [
    *(cmd(c, "env-file-missing", "--env-file", "{tmp}/absent.env", names=("--env-file",)) for c in ("validate", "provision", "bootstrap", "verify", "health", "render", "publish")),
    cmd("validate", "env-file-is-a-folder", "--env-file", "{tmp}", names="--env-file"),
    _bad_env("validate", "env-file-not-utf8", b"AIRBYTE_TENANTS=acme\nAIRBYTE_X=caf\xe9\n", "UTF-8"),
    _bad_env("bootstrap", "env-line-colon", f"AIRBYTE_META_APP_SECRET: {CANARY_SECRET}\n", "AIRBYTE_META_APP_SECRET"),
    _bad_env("provision", "env-line-no-equals", f"AIRBYTE_GOOGLE_ADS_REFRESH_TOKEN {CANARY_TOKEN}\n", "AIRBYTE_GOOGLE_ADS_REFRESH_TOKEN"),
    _bad_env("verify", "env-unterminated-quote", f'AIRBYTE_META_APP_SECRET="{CANARY_SECRET}\n', "AIRBYTE_META_APP_SECRET"),
    _bad_env("health", "env-line-garbage", f"{CANARY_TOKEN}\n", ":1"),
    _bad_env("render", "env-line-dash-name", f"AIRBYTE-META-APP-SECRET={CANARY_SECRET}\n", ":1"),
]
# fmt: on

# fmt: off
VALIDATE_CASES = [
    cmd("validate", "unknown-option", "--bogus", names="--bogus"),
    cmd("validate", "now-not-iso", "--now", "yesterday", names="--now"),
    cmd("validate", "now-without-value", "--offline", "--now", names="--now"),
    cmd("validate", "tenants-empty", exit=1, env={"AIRBYTE_TENANTS": ""}, names="AIRBYTE_TENANTS"),
    cmd("validate", "tenants-unset", exit=1, env={"AIRBYTE_TENANTS": None}, names="AIRBYTE_TENANTS"),
    cmd("validate", "tenant-slug-spaces", exit=1, env={"AIRBYTE_TENANTS": "Acme Corp"}, names="AIRBYTE_TENANTS"),
    cmd("validate", "tenant-slug-duplicate", exit=1, env={"AIRBYTE_TENANTS": "acme,globex-eu,acme"}, names=("AIRBYTE_TENANTS", "acme")),
    cmd("validate", "tenant-slug-64-chars", exit=1, env={"AIRBYTE_TENANTS": "a" * 64}, names=("AIRBYTE_TENANTS", "63")),
    cmd("validate", "tenant-slug-huge", exit=1, env={"AIRBYTE_TENANTS": HUGE}, names="AIRBYTE_TENANTS", max_stdout=20_000),
    cmd("validate", "namespace-huge", exit=1, env={"AIRBYTE_ACME_DESTINATION_NAMESPACE": HUGE}, names="AIRBYTE_ACME_DESTINATION_NAMESPACE", max_stdout=60_000),
    cmd("validate", "cron-never-fires", exit=1, env={"AIRBYTE_DEFAULT_METRICS_CRON": "0 6 31 2 *"}, names="AIRBYTE_DEFAULT_METRICS_CRON"),
    cmd("validate", "cron-quartz-year-past", exit=1, env={"AIRBYTE_DEFAULT_DAILY_CRON": "0 15 2 * * ? 2001"}, names="AIRBYTE_DEFAULT_DAILY_CRON"),
    cmd("validate", "cron-8-fields", exit=1, env={"AIRBYTE_DEFAULT_METRICS_CRON": "0 0 6 * * ? 2030 x"}, names=("AIRBYTE_DEFAULT_METRICS_CRON", "6-7 fields", "got 8")),
    cmd("validate", "cron-3-fields", exit=1, env={"AIRBYTE_ACME_METRICS_CRON": "0 6 *"}, names="AIRBYTE_ACME_METRICS_CRON"),
    cmd("validate", "cron-minute-61", exit=1, env={"AIRBYTE_DEFAULT_METRICS_CRON": "61 6-22 * * *"}, names="AIRBYTE_DEFAULT_METRICS_CRON"),
    cmd("validate", "cron-words", exit=1, env={"AIRBYTE_DEFAULT_DAILY_CRON": "every day at 2"}, names="AIRBYTE_DEFAULT_DAILY_CRON"),
    cmd("validate", "cron-unix-dom-and-dow", exit=1, env={"AIRBYTE_DEFAULT_DAILY_CRON": "0 2 1 * 1"}, names="AIRBYTE_DEFAULT_DAILY_CRON"),
    cmd("validate", "cron-quartz-no-question-mark", exit=1, env={"AIRBYTE_GLOBEX_EU_METRICS_CRON": "0 0 7 * * MON"}, names="AIRBYTE_GLOBEX_EU_METRICS_CRON"),
    cmd("validate", "timezone-etc", exit=1, env={"AIRBYTE_DEFAULT_TIMEZONE": "Etc/UTC"}, names=("AIRBYTE_DEFAULT_TIMEZONE", "Etc")),
    cmd("validate", "timezone-unknown", exit=1, env={"AIRBYTE_GLOBEX_EU_TIMEZONE": "Europe/Atlantis"}, names="AIRBYTE_GLOBEX_EU_TIMEZONE"),
    cmd("validate", "spread-60", exit=1, env={"AIRBYTE_DEFAULT_DAILY_SPREAD_MINUTES": "60"}, names="AIRBYTE_DEFAULT_DAILY_SPREAD_MINUTES"),
    cmd("validate", "spread-negative", exit=1, env={"AIRBYTE_DEFAULT_DAILY_SPREAD_MINUTES": "-5"}, names="AIRBYTE_DEFAULT_DAILY_SPREAD_MINUTES"),
    cmd("validate", "spread-not-a-number", exit=1, env={"AIRBYTE_ACME_METRICS_SPREAD_MINUTES": "ten"}, names="AIRBYTE_ACME_METRICS_SPREAD_MINUTES"),
    cmd("validate", "spread-breaks-sla", exit=1, env={"AIRBYTE_DEFAULT_DAILY_SPREAD_MINUTES": "30"}, names="AIRBYTE_DEFAULT_DAILY_SPREAD_MINUTES"),
    cmd("validate", "spread-on-a-minute-range", exit=1, env={"AIRBYTE_DEFAULT_METRICS_CRON": "0-10 6-21 * * *", "AIRBYTE_DEFAULT_METRICS_SPREAD_MINUTES": "5"}, names="AIRBYTE_DEFAULT_METRICS_SPREAD_MINUTES"),
    cmd("validate", "workspace-id-not-uuid", exit=1, env={"AIRBYTE_ACME_WORKSPACE_ID": "acme-workspace"}, names="AIRBYTE_ACME_WORKSPACE_ID"),
    cmd("validate", "destination-id-missing", exit=1, env={"AIRBYTE_GLOBEX_EU_DESTINATION_ID": None}, names="AIRBYTE_GLOBEX_EU_DESTINATION_ID"),
    cmd("validate", "template-id-not-uuid", exit=1, env={"AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID": "c001"}, names="AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID"),
    cmd("validate", "status-unknown", exit=1, env={"AIRBYTE_ACME_META_METRICS_STATUS": "paused"}, names="AIRBYTE_ACME_META_METRICS_STATUS"),
    cmd("validate", "basic-units-zero", exit=1, env={"AIRBYTE_DEFAULT_METRICS_CRON": "", "AIRBYTE_GLOBEX_EU_METRICS_CRON": "", "AIRBYTE_DEFAULT_METRICS_BASIC_UNITS": "0"}, names="AIRBYTE_DEFAULT_METRICS_BASIC_UNITS"),
    cmd("validate", "basic-time-unit-unknown", exit=1, env={"AIRBYTE_DEFAULT_METRICS_CRON": "", "AIRBYTE_GLOBEX_EU_METRICS_CRON": "", "AIRBYTE_DEFAULT_METRICS_BASIC_TIME_UNIT": "fortnights"}, names="AIRBYTE_DEFAULT_METRICS_BASIC_TIME_UNIT"),
    cmd("validate", "sla-window-bad", exit=1, env={"AIRBYTE_DEFAULT_METRICS_SLA_WINDOW": "25:00-26:00"}, names="AIRBYTE_DEFAULT_METRICS_SLA_WINDOW"),
    cmd("validate", "sla-finish-by-bad", exit=1, env={"AIRBYTE_DEFAULT_DAILY_SLA_FINISH_BY": "3am"}, names="AIRBYTE_DEFAULT_DAILY_SLA_FINISH_BY"),
    cmd("validate", "undeclared-tenant-variable-and-no-tenants", exit=1, env={"AIRBYTE_TENANTS": ",,"}, names="AIRBYTE_TENANTS"),
    cmd("validate", "base-url-ftp", exit=1, env={"AIRBYTE_BASE_URL": "ftp://airbyte.internal"}, names="AIRBYTE_BASE_URL"),
    cmd("validate", "base-url-userinfo", exit=1, env={"AIRBYTE_BASE_URL": f"http://stack:{CANARY_USERINFO}@127.0.0.1:9"}, names=("AIRBYTE_BASE_URL", "user name or password")),
    cmd("validate", "base-url-bad-port", exit=1, env={"AIRBYTE_BASE_URL": "http://localhost:80000"}, names="AIRBYTE_BASE_URL"),
    cmd("validate", "http-timeout-zero", exit=1, airbyte="sandbox", env={**EXAMPLE_TEMPLATE_IDS, **{"AIRBYTE_HTTP_TIMEOUT_SECONDS": "0"}}, names="AIRBYTE_HTTP_TIMEOUT_SECONDS"),
    cmd("validate", "http-timeout-words", exit=1, airbyte="sandbox", env={**EXAMPLE_TEMPLATE_IDS, **{"AIRBYTE_HTTP_TIMEOUT_SECONDS": "thirty"}}, names="AIRBYTE_HTTP_TIMEOUT_SECONDS"),
    cmd("validate", "connect-timeout-too-long", exit=1, airbyte="sandbox", env={**EXAMPLE_TEMPLATE_IDS, **{"AIRBYTE_HTTP_CONNECT_TIMEOUT_SECONDS": "600"}}, names="AIRBYTE_HTTP_CONNECT_TIMEOUT_SECONDS"),
    cmd("validate", "client-secret-missing", exit=1, airbyte="sandbox", env={**EXAMPLE_TEMPLATE_IDS, **{"AIRBYTE_CLIENT_SECRET": ""}}, names="AIRBYTE_CLIENT_SECRET"),
    cmd("validate", "unreachable", exit=1, airbyte="refused", names="AIRBYTE_BASE_URL"),
    cmd("validate", "credentials-refused", exit=1, airbyte="provisioned", env={"AIRBYTE_CLIENT_SECRET": CANARY_SECRET}, names="AIRBYTE_CLIENT_SECRET"),
    cmd("validate", "workspace-does-not-exist", exit=1, airbyte="provisioned", env={"AIRBYTE_GLOBEX_EU_WORKSPACE_ID": MISSING_WORKSPACE}, names=("AIRBYTE_GLOBEX_EU_WORKSPACE_ID", MISSING_WORKSPACE, "set AIRBYTE_GLOBEX_EU_WORKSPACE_ID")),
    cmd("validate", "destination-does-not-exist", exit=1, airbyte="provisioned", env={"AIRBYTE_ACME_DESTINATION_ID": MISSING_DESTINATION}, names=("AIRBYTE_ACME_DESTINATION_ID", "set AIRBYTE_ACME_DESTINATION_ID")),
    cmd("validate", "template-connection-does-not-exist", exit=1, airbyte="sandbox", env=EXAMPLE_TEMPLATE_IDS, names=("AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID", "provision")),
]
# fmt: on

# fmt: off
PROVISION_CASES = [
    cmd("provision", "unknown-option", "--bogus", names="--bogus"),
    cmd("provision", "provider-unknown", "--provider", "TIKTOK", names="--provider"),
    cmd("provision", "base-url-unset", env={"AIRBYTE_BASE_URL": ""}, names="AIRBYTE_BASE_URL"),
    cmd("provision", "base-url-userinfo", env={"AIRBYTE_BASE_URL": f"https://ops:{CANARY_USERINFO}@airbyte.example.com"}, names="AIRBYTE_BASE_URL"),
    cmd("provision", "client-id-without-secret", airbyte="sandbox", env={"AIRBYTE_CLIENT_SECRET": None}, names="AIRBYTE_CLIENT_SECRET"),
    cmd("provision", "unreachable", exit=1, airbyte="refused", names="AIRBYTE_BASE_URL"),
    cmd("provision", "template-destination-unset", exit=1, airbyte="sandbox", env={"AIRBYTE_TEMPLATE_DESTINATION_ID": ""}, names="AIRBYTE_TEMPLATE_DESTINATION_ID"),
    cmd("provision", "template-destination-not-uuid", exit=1, airbyte="sandbox", env={"AIRBYTE_TEMPLATE_DESTINATION_ID": "warehouse"}, names="AIRBYTE_TEMPLATE_DESTINATION_ID"),
    cmd("provision", "template-destination-does-not-exist", exit=1, airbyte="sandbox", env={"AIRBYTE_TEMPLATE_DESTINATION_ID": MISSING_DESTINATION}, names="AIRBYTE_TEMPLATE_DESTINATION_ID"),
    cmd("provision", "meta-account-id-bad", exit=1, airbyte="sandbox", env={"AIRBYTE_META_ACCOUNT_ID": "my account"}, names="AIRBYTE_META_ACCOUNT_ID"),
    cmd("provision", "google-customer-id-short", exit=1, airbyte="sandbox", env={"AIRBYTE_GOOGLE_ADS_CUSTOMER_ID": "12"}, names="AIRBYTE_GOOGLE_ADS_CUSTOMER_ID"),
    cmd("provision", "meta-start-date-words", exit=1, airbyte="sandbox", env={"AIRBYTE_META_START_DATE": "last year"}, names="AIRBYTE_META_START_DATE"),
    cmd("provision", "meta-token-empty", exit=1, airbyte="sandbox", env={"AIRBYTE_META_ACCESS_TOKEN": ""}, names="AIRBYTE_META_ACCESS_TOKEN"),
    cmd("provision", "credentials-refused", airbyte="sandbox", env={"AIRBYTE_CLIENT_ID": "someone-else"}, names=("AIRBYTE_CLIENT_SECRET", "refused")),
]
# fmt: on

# fmt: off
BOOTSTRAP_CASES = [
    cmd("bootstrap", "unknown-option", "--bogus", names="--bogus"),
    cmd("bootstrap", "concurrency-zero", "--concurrency", "0", names="--concurrency"),
    cmd("bootstrap", "concurrency-words", "--concurrency", "many", names="--concurrency"),
    cmd("bootstrap", "concurrency-env-zero", env={"AIRBYTE_BOOTSTRAP_CONCURRENCY": "0"}, names=("AIRBYTE_BOOTSTRAP_CONCURRENCY=0", "between 1 and 64")),
    cmd("bootstrap", "concurrency-env-65", env={"AIRBYTE_BOOTSTRAP_CONCURRENCY": "65"}, names="AIRBYTE_BOOTSTRAP_CONCURRENCY=65"),
    cmd("bootstrap", "concurrency-env-words", env={"AIRBYTE_BOOTSTRAP_CONCURRENCY": "eight"}, names="AIRBYTE_BOOTSTRAP_CONCURRENCY"),
    cmd("bootstrap", "plan-and-apply-plan", "--plan", "--apply-plan", "x.json", names="--apply-plan"),
    cmd("bootstrap", "apply-plan-missing", "--apply-plan", "{tmp}/absent.json", names=("--apply-plan", "{tmp}/absent.json")),
    cmd("bootstrap", "apply-plan-folder", "--apply-plan", "{tmp}", names=("--apply-plan", "{tmp}")),
    cmd("bootstrap", "apply-plan-empty", "--apply-plan", "{tmp}/plan.json", files={"plan.json": ""}, names=("--apply-plan", "{tmp}/plan.json")),
    cmd("bootstrap", "apply-plan-not-json", "--apply-plan", "{tmp}/plan.json", files={"plan.json": "units: []\n"}, names=("--apply-plan", "{tmp}/plan.json", "not JSON")),
    cmd("bootstrap", "apply-plan-array", "--apply-plan", "{tmp}/plan.json", files={"plan.json": "[1, 2]"}, names=("--apply-plan", "{tmp}/plan.json")),
    cmd("bootstrap", "apply-plan-validate-output", "--apply-plan", "{tmp}/plan.json", files={"plan.json": json.dumps({"valid": True, "mode": "offline", "tenants": []})}, names=("--apply-plan", "{tmp}/plan.json")),
    cmd("bootstrap", "apply-plan-provision-output", "--apply-plan", "{tmp}/plan.json", files={"plan.json": json.dumps({"command": "provision_meta_google_connectors"})}, names=("--apply-plan", "provision")),
    cmd("bootstrap", "apply-plan-other-version", "--apply-plan", "{tmp}/plan.json", files={"plan.json": PLAN_OF_ANOTHER_VERSION}, names=("--apply-plan", "format")),
    cmd("bootstrap", "apply-plan-units-not-a-list", "--apply-plan", "{tmp}/plan.json", files={"plan.json": json.dumps({**A_PLAN, "units": "acme"})}, names=("--apply-plan", "{tmp}/plan.json")),
    cmd("bootstrap", "apply-plan-unit-without-name", "--apply-plan", "{tmp}/plan.json", files={"plan.json": json.dumps({**A_PLAN, "units": [{"actions": []}]})}, names=("--apply-plan", "{tmp}/plan.json")),
    cmd("bootstrap", "apply-plan-action-bad", "--apply-plan", "{tmp}/plan.json", files={"plan.json": json.dumps({**A_PLAN, "units": [{**PLAN_UNIT, "actions": [7]}]})}, names=("--apply-plan", "{tmp}/plan.json")),
    cmd("bootstrap", "apply-plan-binary", "--apply-plan", "{tmp}/plan.json", files={"plan.json": b"\x89PNG\r\n\x1a\n"}, names=("--apply-plan", "{tmp}/plan.json")),
    cmd("bootstrap", "plan-out-in-missing-folder", "--plan-out", "{tmp}/no/such/plan.json", airbyte="provisioned", names=("--plan-out", "{tmp}/no/such")),
    cmd("bootstrap", "plan-out-is-a-folder", "--plan-out", "{tmp}", airbyte="provisioned", names=("--plan-out", "{tmp}")),
    cmd("bootstrap", "tenant-unknown", "--tenant", "initech", airbyte="provisioned", names="--tenant"),
    cmd("bootstrap", "base-url-unset", env={"AIRBYTE_BASE_URL": ""}, names="AIRBYTE_BASE_URL"),
    cmd("bootstrap", "unreachable", exit=1, airbyte="refused", names="AIRBYTE_BASE_URL"),
    cmd("bootstrap", "environment-broken", exit=1, airbyte="provisioned", env={"AIRBYTE_DEFAULT_TIMEZONE": "Etc/UTC"}, names="AIRBYTE_DEFAULT_TIMEZONE"),
    cmd("bootstrap", "workspace-does-not-exist", exit=1, airbyte="provisioned", env={"AIRBYTE_GLOBEX_EU_WORKSPACE_ID": MISSING_WORKSPACE}, names=("AIRBYTE_GLOBEX_EU_WORKSPACE_ID", MISSING_WORKSPACE, "set AIRBYTE_GLOBEX_EU_WORKSPACE_ID")),
    cmd("bootstrap", "destination-does-not-exist", exit=1, airbyte="provisioned", env={"AIRBYTE_ACME_DESTINATION_ID": MISSING_DESTINATION}, names="AIRBYTE_ACME_DESTINATION_ID"),
    cmd("bootstrap", "template-connection-does-not-exist", exit=1, airbyte="sandbox", env=EXAMPLE_TEMPLATE_IDS, names="AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID"),
    cmd("bootstrap", "credentials-refused", airbyte="provisioned", env={"AIRBYTE_CLIENT_SECRET": "not-" + CANARY_CLIENT}, names=("AIRBYTE_CLIENT_SECRET", "refused")),
    cmd("bootstrap", "template-ids-unset", exit=1, airbyte="sandbox", env=dict.fromkeys(TEMPLATE_IDS), names="AIRBYTE_TEMPLATE_"),
]
# fmt: on

# fmt: off
VERIFY_CASES = [
    cmd("verify", "unknown-option", "--bogus", names="--bogus"),
    cmd("verify", "now-not-iso", "--now", "soon", names="--now"),
    cmd("verify", "placeholders-left", exit=1, names="AIRBYTE_META_ACCESS_TOKEN"),
    cmd("verify", "start-date-in-future", "--now", "2026-01-01T00:00:00Z", exit=1, env={"AIRBYTE_GOOGLE_ADS_START_DATE": "2099-01-01"}, names="AIRBYTE_GOOGLE_ADS_START_DATE"),
    cmd("verify", "example-file-broken", "--example-file", "{tmp}/x.example", files={"x.example": "NOT A LINE\n"}, names=("--example-file", "{tmp}/x.example")),
    cmd("verify", "connectors-dir-a-file", "--connectors-dir", "{tmp}/x.example", files={"x.example": "A=1\n"}, names=("--connectors-dir", "{tmp}/x.example")),
    cmd("verify", "connectors-dir-missing", "--connectors-dir", "{tmp}/nope", names=("--connectors-dir", "{tmp}/nope")),
]
# fmt: on

# fmt: off
HEALTH_CASES = [
    cmd("health", "unknown-option", "--bogus", names="--bogus"),
    cmd("health", "now-not-iso", "--now", "noon", airbyte="sandbox", names="--now"),
    cmd("health", "jobs-words", "--jobs", "ten", names="--jobs"),
    cmd("health", "jobs-zero", "--jobs", "0", airbyte="sandbox", names="--jobs"),
    cmd("health", "failure-threshold-zero", "--failure-threshold", "0", airbyte="sandbox", names="--failure-threshold"),
    cmd("health", "grace-negative", "--grace-minutes", "-5", airbyte="sandbox", names="--grace-minutes"),
    cmd("health", "grace-env-words", airbyte="sandbox", env={"AIRBYTE_HEALTH_SLA_GRACE_MINUTES": "an hour"}, names="AIRBYTE_HEALTH_SLA_GRACE_MINUTES"),
    cmd("health", "concurrency-env-zero", airbyte="sandbox", env={"AIRBYTE_HEALTH_CONCURRENCY": "0"}, names="AIRBYTE_HEALTH_CONCURRENCY"),
    cmd("health", "concurrency-zero", "--concurrency", "0", airbyte="sandbox", names="--concurrency"),
    cmd("health", "expect-rows-unknown", airbyte="sandbox", env={"AIRBYTE_HEALTH_EXPECT_ROWS": "BING_METRICS"}, names="AIRBYTE_HEALTH_EXPECT_ROWS"),
    cmd("health", "expect-rows-option-unknown", "--expect-rows", "nope", airbyte="sandbox", names="--expect-rows"),
    cmd("health", "tenant-unknown", "--tenant", "initech", airbyte="provisioned", names="--tenant"),
    cmd("health", "workspace-id-option-not-uuid", "--workspace-id", "default", airbyte="sandbox", names="--workspace-id"),
    cmd("health", "base-url-unset", env={"AIRBYTE_BASE_URL": ""}, names="AIRBYTE_BASE_URL"),
    cmd("health", "unreachable", exit=1, airbyte="refused", names="AIRBYTE_BASE_URL"),
    cmd("health", "tenants-broken", airbyte="provisioned", env={"AIRBYTE_ACME_WORKSPACE_ID": "not-a-uuid"}, names="AIRBYTE_ACME_WORKSPACE_ID"),
    cmd("health", "workspace-does-not-exist", exit=1, airbyte="provisioned", env={"AIRBYTE_GLOBEX_EU_WORKSPACE_ID": MISSING_WORKSPACE}, names=("AIRBYTE_GLOBEX_EU_WORKSPACE_ID", MISSING_WORKSPACE, "set AIRBYTE_GLOBEX_EU_WORKSPACE_ID")),
    cmd("health", "credentials-refused", airbyte="provisioned", env={"AIRBYTE_CLIENT_ID": "someone-else"}, names=("AIRBYTE_CLIENT_SECRET", "refused")),
    cmd("health", "legacy-workspace-does-not-exist", exit=1, airbyte="sandbox", env={"AIRBYTE_TENANTS": None, "AIRBYTE_WORKSPACE_ID": MISSING_WORKSPACE}, names="AIRBYTE_WORKSPACE_ID"),
]
# fmt: on

# fmt: off
CONTRACTS_CASES = [
    cmd("contracts", "unknown-option", "--bogus", names="--bogus"),
    cmd("contracts", "rule-unknown", "--rules", "spelling", names="--rules"),
    cmd("contracts", "records-missing", "--records", "{tmp}/absent.jsonl", names=("--records", "{tmp}/absent.jsonl")),
    cmd("contracts", "records-empty", "--records", "{tmp}/r.jsonl", "--stream", "ads_reports_daily", exit=1, files={"r.jsonl": ""}, names="{tmp}/r.jsonl"),
    cmd("contracts", "records-not-json", "--records", "{tmp}/r.jsonl", "--stream", "ads_reports_daily", exit=1, files={"r.jsonl": "not json\n"}, names="{tmp}/r.jsonl"),
    cmd("contracts", "records-binary", "--records", "{tmp}/r.jsonl", "--stream", "ads_reports_daily", exit=1, files={"r.jsonl": b"\xff\xfe\x00junk"}, names="{tmp}/r.jsonl"),
    cmd("contracts", "records-stream-without-contract", "--records", "{tmp}/r.jsonl", exit=1, files={"r.jsonl": json.dumps({"type": "RECORD", "record": {"stream": "no_such_stream", "data": {}}}) + "\n"}, names="no_such_stream"),
    cmd("contracts", "stream-no-such-contract", "--records", "{tmp}/r.jsonl", "--stream", "no_such_contract", exit=1, files={"r.jsonl": "{}\n"}, names="no_such_contract"),
    cmd("contracts", "records-a-folder", "--records", "{tmp}", "--stream", "ads_reports_daily", names=("--records", "{tmp}")),
    cmd("contracts", "root-missing", "--root", "{tmp}/nope", names=("--root", "{tmp}/nope")),
    cmd("contracts", "contract-yaml-broken", "--root", "{tmp}/repo", "--rules", "contract-schema", exit=1, files={"repo/contract_checks/contracts/broken.yaml": "name: [unclosed\n"}, names="broken.yaml"),
    cmd("contracts", "contract-yaml-a-list", "--root", "{tmp}/repo", "--rules", "contract-schema", exit=1, files={"repo/contract_checks/contracts/listed.yaml": "- a\n- b\n"}, names="listed.yaml"),
    cmd("contracts", "dbt-project-missing", "--dbt-project", "{tmp}/dbt", names=("--dbt-project", "{tmp}/dbt")),
]
# fmt: on

# fmt: off
RENDER_CASES = [
    cmd("render", "unknown-option", "--bogus", names="--bogus"),
    cmd("render", "template-unknown", "bing", names=("bing", "known")),
    cmd("render", "templates-dir-missing", "--templates-dir", "{tmp}/nope", names=("--templates-dir", "{tmp}/nope")),
    cmd("render", "meta-account-words", "meta", exit=1, env={"AIRBYTE_META_ACCOUNT_ID": "acme"}, names="AIRBYTE_META_ACCOUNT_ID"),
    cmd("render", "meta-account-empty", "meta", exit=1, env={"AIRBYTE_META_ACCOUNT_ID": ""}, names="AIRBYTE_META_ACCOUNT_ID"),
    cmd("render", "lookback-too-long", "meta", exit=1, env={"AIRBYTE_META_INSIGHTS_LOOKBACK_DAYS": "90"}, names="AIRBYTE_META_INSIGHTS_LOOKBACK_DAYS"),
    cmd("render", "google-custom-query-bad", "google_ads", exit=1, env={"AIRBYTE_GOOGLE_ADS_CUSTOM_QUERY": "DELETE everything"}, names="AIRBYTE_GOOGLE_ADS_CUSTOM_QUERY"),
    cmd("render", "tiktok-lookback-words", "tiktok_ads", exit=1, env={"AIRBYTE_TIKTOK_LOOKBACK_DAYS": "a week"}, names="AIRBYTE_TIKTOK_LOOKBACK_DAYS"),
    cmd("render", "output-onto-a-file", "meta", "--output", "{tmp}/taken", files={"taken": "mine\n"}, names=("--output", "{tmp}/taken")),
    cmd("render", "output-under-a-file", "meta", "--output", "{tmp}/taken/sub", files={"taken": "mine\n"}, names=("--output", "{tmp}/taken/sub")),
    cmd("render", "output-file-exists", "meta", "--output", "{tmp}/out", files={"out/meta.json": "{}\n"}, names=("{tmp}/out/meta.json", "--overwrite")),
]
# fmt: on

# fmt: off
PUBLISH_CASES = [
    cmd("publish", "unknown-option", "--bogus", names="--bogus"),
    cmd("publish", "default-env-file-missing", "--env-file", ".env", env_file=False, names=("--env-file", "env.example .env`")),
    cmd("publish", "base-url-unset", env={"AIRBYTE_BASE_URL": ""}, names="AIRBYTE_BASE_URL"),
    cmd("publish", "workspace-unset", airbyte="sandbox", env={"AIRBYTE_WORKSPACE_ID": ""}, names="AIRBYTE_WORKSPACE_ID"),
    cmd("publish", "workspace-option-not-uuid", "--workspace-id", "main", airbyte="sandbox", names="--workspace-id"),
    cmd("publish", "connector-unknown", "--connector", "facebook-ads", airbyte="sandbox", names=("--connector", "facebook-ads")),
    cmd("publish", "connectors-dir-missing", "--connectors-dir", "{tmp}/nope", airbyte="sandbox", names=("--connectors-dir", "{tmp}/nope")),
    cmd("publish", "unreachable", exit=1, airbyte="refused", names="AIRBYTE_BASE_URL"),
    cmd("publish", "workspace-does-not-exist", exit=1, airbyte="sandbox", env={"AIRBYTE_WORKSPACE_ID": MISSING_WORKSPACE}, names=("AIRBYTE_WORKSPACE_ID", MISSING_WORKSPACE, "set AIRBYTE_WORKSPACE_ID")),
    cmd("publish", "credentials-refused", airbyte="sandbox", env={"AIRBYTE_CLIENT_SECRET": "wrong-" + CANARY_SECRET}, names="AIRBYTE_CLIENT_SECRET"),
]
# fmt: on

SYNC = ("--state-dir", "{tmp}/state", "--duckdb", "{tmp}/local.duckdb")
# fmt: off
SYNC_CASES = [
    cmd("sync", "connector-missing", "--config", "{tmp}/c.json", names="--connector", env_file=False),
    cmd("sync", "config-missing-option", "--connector", "tiktok-ads", names="--config", env_file=False),
    cmd("sync", "unknown-option", "--connector", "tiktok-ads", "--config", "c.json", "--bogus", names="--bogus", env_file=False),
    cmd("sync", "connector-unknown", "--connector", "facebook", "--config", "{tmp}/c.json", *SYNC, files={"c.json": "{}"}, names=("--connector", "facebook"), env_file=False),
    cmd("sync", "connector-folder-without-manifest", "--connector", "{tmp}", "--config", "{tmp}/c.json", *SYNC, files={"c.json": "{}"}, names=("--connector", "manifest.yaml"), env_file=False),
    cmd("sync", "config-file-missing", "--connector", "tiktok-ads", "--config", "{tmp}/absent.json", *SYNC, names=("--config", "{tmp}/absent.json"), env_file=False),
    cmd("sync", "config-truncated", "--connector", "tiktok-ads", "--config", "{tmp}/c.json", *SYNC, files={"c.json": f'{{"access_token": "{CANARY_TOKEN}'}, names=("--config", "{tmp}/c.json"), env_file=False),
    cmd("sync", "config-an-array", "--connector", "linkedin-ads", "--config", "{tmp}/c.json", *SYNC, files={"c.json": "[]"}, names=("--config", "{tmp}/c.json"), env_file=False),
    cmd("sync", "config-a-folder", "--connector", "linkedin-ads", "--config", "{tmp}", *SYNC, names=("--config", "{tmp}"), env_file=False),
    cmd("sync", "state-file-truncated", "--connector", "tiktok-ads", "--config", "{tmp}/c.json", *SYNC, files={"c.json": "{}", "state/source-tiktok-ads.c.state.json": '[{"type": "STR'}, names=("{tmp}/state/source-tiktok-ads.c.state.json", "--reset-state"), env_file=False),
    cmd("sync", "state-dir-a-file", "--connector", "tiktok-ads", "--config", "{tmp}/c.json", "--state-dir", "{tmp}/c.json", files={"c.json": "{}"}, names="--state-dir", env_file=False),
    cmd("sync", "duckdb-folder-missing", "--connector", "tiktok-ads", "--config", "{tmp}/c.json", "--duckdb", "{tmp}/no/db.duckdb", files={"c.json": "{}"}, names=("--duckdb", "{tmp}/no"), env_file=False),
    cmd("sync", "duckdb-not-a-database", "--connector", "tiktok-ads", "--config", "{tmp}/c.json", "--duckdb", "{tmp}/c.json", files={"c.json": "{}"}, names=("--duckdb", "{tmp}/c.json"), env_file=False),
]
# fmt: on

# fmt: off
VERSIONS_CASES = [
    cmd("versions", "unknown-option", "--bogus", names="--bogus", env_file=False),
    cmd("versions", "now-not-iso", "--now", "next week", names="--now", env_file=False),
    cmd("versions", "warning-days-words", "--warning-days", "sixty", names="--warning-days", env_file=False),
    cmd("versions", "warning-days-negative", "--warning-days", "-1", names="--warning-days", env_file=False),
    cmd("versions", "connectors-dir-missing", "--connectors-dir", "{tmp}/nope", names=("--connectors-dir", "{tmp}/nope"), env_file=False),
    cmd("versions", "api-versions-not-yaml", "--connectors-dir", "{tmp}/c", exit=1, files={**PINNED_MANIFEST, "c/source-linkedin-ads/api_versions.yaml": "versions: [\n"}, names="{tmp}/c/source-linkedin-ads/api_versions.yaml", env_file=False),
    cmd("versions", "api-versions-row-incomplete", "--connectors-dir", "{tmp}/c", exit=1, files={**PINNED_MANIFEST, "c/source-linkedin-ads/api_versions.yaml": 'versions:\n  - {version: "202601", released: "x"}\n'}, names="{tmp}/c/source-linkedin-ads/api_versions.yaml", env_file=False),
]
# fmt: on

# fmt: off
REFRESH_SPECS_CASES = [
    cmd("refresh-specs", "unknown-option", "--bogus", names="--bogus", env_file=False),
    cmd("refresh-specs", "only-unknown", "--only", "source-bing-ads", names=("--only", "source-bing-ads"), env_file=False),
    cmd("refresh-specs", "jobs-zero", "--jobs", "0", names="--jobs", env_file=False),
    cmd("refresh-specs", "timeout-negative", "--timeout", "-5", names="--timeout", env_file=False),
    cmd("refresh-specs", "templates-dir-missing", "--templates-dir", "{tmp}/nope", names=("--templates-dir", "{tmp}/nope"), env_file=False),
]
# fmt: on

# fmt: off
OTHER_CASES = [
    Case("cli-no-command", "cli", "", (), names=("<command>",)),
    Case("cli-unknown-command", "cli", "sink", ("sink",), names=("sink",)),
    Case("script-validate-env-file-missing", "script", "validate_tenant_config", ("--env-file", "{tmp}/absent.env"), names=("--env-file",), env_file=False),
    Case("script-bootstrap-apply-plan-array", "script", "bootstrap_connections", ("--apply-plan", "{tmp}/plan.json"), files={"plan.json": "[]"}, names=("--apply-plan",)),
    Case("script-contracts-records-missing", "script", "check_data_contracts", ("--records", "{tmp}/absent.jsonl"), names=("--records",), env_file=False),
    Case("script-publish-no-env-file", "script", "publish_custom_connectors", ("--env-file", ".env"), names=("env.example .env`",), env_file=False),
    Case("script-health-concurrency-env-zero", "script", "airbyte_health_check", (), env={"AIRBYTE_HEALTH_CONCURRENCY": "0", "AIRBYTE_BASE_URL": "http://127.0.0.1:9"}, names=("AIRBYTE_HEALTH_CONCURRENCY",)),
    Case("make-publish-without-env-file", "make", "publish", ("ENV_FILE={tmp}/.env",), names=("cp env.example", ".env"), one_json=False, env_file=False),
    Case("make-sync-config-missing", "make", "sync", ("CONNECTOR=tiktok-ads", "CONFIG={tmp}/absent.json"), names=("--config",), one_json=False, env_file=False),
    Case("demo-unknown-option", "demo", "", ("--bogus",), names=("--bogus",), one_json=False),
    Case("demo-workdir-not-empty", "demo", "", ("--workdir", "{tmp}/mine"), files={"mine/notes.txt": "keep"}, names=("--workdir", "{tmp}/mine"), one_json=False),
    Case("demo-workdir-a-file", "demo", "", ("--workdir", "{tmp}/mine"), files={"mine": "keep"}, names=("--workdir",), one_json=False),
    Case("demo-duckdb-folder-missing", "demo", "", ("--workdir", "{tmp}/w", "--duckdb", "{tmp}/no/demo.duckdb"), names=("--duckdb", "{tmp}/no"), one_json=False),
    Case("demo-duckdb-exists-json", "demo", "", ("--workdir", "{tmp}/w", "--duckdb", "{tmp}/mine.duckdb", "--json"), files={"mine.duckdb": "keep"}, names=("--duckdb",)),
    Case("sandboxes-unknown-option", "sandboxes", "", ("--bogus",), names=("--bogus",), one_json=False),
    Case("sandboxes-port-in-use", "sandboxes", "", ("--airbyte-port", "{busy}", "--tiktok-port", "0", "--linkedin-port", "0"), names=("--airbyte-port", "{busy}"), one_json=False),
    Case("sandboxes-port-out-of-range", "sandboxes", "", ("--tiktok-port", "70000"), names=("--tiktok-port",), one_json=False),
    Case("sandboxes-env-file-missing", "sandboxes", "", ("--env-file", "{tmp}/absent.env", "--airbyte-port", "0", "--tiktok-port", "0", "--linkedin-port", "0"), names=("--env-file", "{tmp}/absent.env"), one_json=False),
]
# fmt: on

CASES = [
    *ENV_CASES,
    *VALIDATE_CASES,
    *PROVISION_CASES,
    *BOOTSTRAP_CASES,
    *VERIFY_CASES,
    *HEALTH_CASES,
    *CONTRACTS_CASES,
    *RENDER_CASES,
    *PUBLISH_CASES,
    *SYNC_CASES,
    *VERSIONS_CASES,
    *REFRESH_SPECS_CASES,
    *OTHER_CASES,
]
ROWS: list[tuple[str, str, int, str]] = []


# --- running a case --------------------------------------------------------------------------------


@dataclass
class Answer:
    code: int
    out: str
    err: str


def operator_env() -> dict[str, str]:
    """env.example as an operator fills it: every secret a canary (the auth header stays off)."""
    env = read_env_file(REPO / "env.example")
    for name in env:
        if is_secret_name(name) and name != "AIRBYTE_API_AUTH_HEADER":
            env[name] = CANARY_TOKEN if name.endswith("TOKEN") else CANARY_SECRET
    env["AIRBYTE_CLIENT_SECRET"] = CANARY_CLIENT
    return env


def run_in_process(main: Callable[[list[str]], int], argv: list[str]) -> Answer:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse in the tools that are not registry commands
            code = exc.code if isinstance(exc.code, int) else 1
    return Answer(code, out.getvalue(), err.getvalue())


def run_subprocess(argv: list[str], cwd: Path, env: Mapping[str, str]) -> Answer:
    done = subprocess.run(
        argv, cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=120, check=False
    )
    return Answer(done.returncode, done.stdout, done.stderr)


class Stage:
    """The case's folder, environment and Airbyte, and how it runs."""

    def __init__(self, case: Case, tmp: Path, switch: Any, sandbox_url: str) -> None:
        self.case, self.tmp, self.switch = case, tmp, switch
        self.subs = {"{tmp}": str(tmp)}
        self.busy: socket.socket | None = None
        if any("{busy}" in a for a in case.argv):
            self.busy = socket.socket()
            self.busy.bind(("127.0.0.1", 0))
            self.busy.listen(1)
            self.subs["{busy}"] = str(self.busy.getsockname()[1])
        for name, content in case.files.items():
            path = tmp / self.sub(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content)
        self.env = self._environment(sandbox_url)

    def sub(self, text: str) -> str:
        for key, value in self.subs.items():
            text = text.replace(key, value)
        return text

    def _environment(self, sandbox_url: str) -> dict[str, str]:
        env = operator_env()
        for name in TEMPLATE_IDS:
            env.pop(name)
        mode = self.case.airbyte
        env["AIRBYTE_BASE_URL"] = {
            "offline": "",
            "refused": f"http://127.0.0.1:{free_port()}",
        }.get(mode, sandbox_url)
        if mode in ("offline", "refused"):  # env.example's template ids, as an operator has them
            env.update(EXAMPLE_TEMPLATE_IDS)
        if mode in ("sandbox", "provisioned"):
            self._serve_sandbox(env)
        for name, value in self.case.env.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = self.sub(value)
        return env

    def _serve_sandbox(self, env: dict[str, str]) -> None:
        app = create_app(
            auth="bearer",
            client_id=env["AIRBYTE_CLIENT_ID"],
            client_secret=env["AIRBYTE_CLIENT_SECRET"],
            spec_dir=REPO / "templates" / "specs",
        )
        seed_from_env(app, env)
        self.switch.target = app
        if self.case.airbyte == "provisioned":
            provision = BY_NAME["provision"].load()
            answer = run_in_process(
                provision, ["--env-file", str(write_env_file(self.tmp / "p.env", env))]
            )
            assert answer.code == 0, answer.out
            for line in json.loads(answer.out)["persist"]:
                key, value = line.split("=", 1)
                env[key] = value

    def argv(self) -> list[str]:
        argv = [self.sub(a) for a in self.case.argv]
        if self.case.env_file and self._reads_env():
            argv = ["--env-file", str(write_env_file(self.tmp / "stack.env", self.env)), *argv]
        return argv

    def _reads_env(self) -> bool:
        case = self.case
        if case.runner == "command":
            return BY_NAME[case.command].reads_env
        return case.runner == "script" and any(
            c.reads_env for c in BY_NAME.values() if c.script == case.command
        )

    def run(self) -> Answer:
        case, argv = self.case, self.argv()
        if case.runner == "command":
            return run_in_process(BY_NAME[case.command].load(), argv)
        if case.runner == "cli":
            return run_in_process(cli_main, argv)
        if case.runner == "demo":
            from devtools import demo

            return run_in_process(demo.main, argv)
        if case.runner == "sandboxes":
            from devtools import sandboxes

            return run_in_process(sandboxes.main, argv)
        process_env = {k: v for k, v in os.environ.items() if not k.startswith("AIRBYTE_")}
        if case.runner == "script":
            script = str(REPO / "scripts" / f"{case.command}.py")
            return run_subprocess([sys.executable, script, *argv], self.tmp, process_env)
        process_env["PATH"] = f"{VENV_BIN}{os.pathsep}{process_env.get('PATH', '')}"
        process_env.pop("MAKEFLAGS", None)
        make = ["make", "--no-print-directory", "-C", str(REPO), case.command, "INSTALL=", "RUN="]
        return run_subprocess([*make, *argv], self.tmp, process_env)

    def close(self) -> None:
        if self.busy is not None:
            self.busy.close()
        self.switch.target = None


def message_text(document: Any) -> str:
    """Every human-facing string of an answer: errors, messages and the places they name."""
    keys = {"error", "message", "variable", "variables", "file", "reason", "detail", "problems"}
    keys |= {"notes", "warnings", "hint"}
    found: list[str] = []

    def walk(node: Any, key: str | None = None) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for item in node:
                walk(item, key)
        elif isinstance(node, str) and key in keys:
            found.append(node)

    walk(document)
    return "\n".join(found)


def first_message(document: Any, fallback: str) -> str:
    """The answer's headline: its error, else its first error problem (``VARIABLE: message``)."""
    if isinstance(document, dict):
        if document.get("error"):
            return str(document["error"])
        problem = _first_problem(document)
        if problem is not None:
            where = problem.get("variable") or ", ".join(problem.get("variables") or [])
            where = where or problem.get("file") or ""
            return f"{where}: {problem['message']}" if where else str(problem["message"])
        text = message_text(document)
        if text:
            return text.splitlines()[0]
    lines = [line for line in fallback.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _first_problem(node: Any) -> dict[str, Any] | None:
    """The first object with a ``message`` and severity error, depth first."""
    if isinstance(node, dict):
        if isinstance(node.get("message"), str) and node.get("severity", "error") == "error":
            return node
        children: Any = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _first_problem(child)
        if found is not None:
            return found
    return None


@pytest.fixture(scope="module", autouse=True)
def _table() -> Iterator[None]:
    yield
    target = os.environ.get("BAD_INPUTS_TABLE")
    if target:
        write_table(Path(target))


def write_table(path: Path) -> None:
    lines = [
        f"# Bad inputs: {len(ROWS)} cases (tests/commands/test_bad_inputs.py)",
        "",
        "Each case: the exit code below, one JSON document on stdout (commands and scripts), no",
        "traceback, no canary secret (whole or prefix) in stdout/stderr, and a message naming",
        "the variable, option or file to fix.",
        "",
        "| case | input | exit | message |",
        "| --- | --- | --- | --- |",
    ]
    for case_id, shown, code, message in sorted(ROWS):
        cells = [case_id, shown, str(code), message]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    path.write_text("\n".join(lines) + "\n")


def shown_input(case: Case) -> str:
    runner = {
        "command": f"airbyte-stack {case.command}",
        "cli": "airbyte-stack",
        "script": f"scripts/{case.command}.py",
        "demo": "make demo ARGS=",
        "sandboxes": "make sandboxes ARGS=",
        "make": f"make {case.command}",
    }[case.runner]
    parts = [runner, *case.argv]
    env = dict(case.env)
    if all(env.get(name) == value for name, value in EXAMPLE_TEMPLATE_IDS.items()):
        for name in EXAMPLE_TEMPLATE_IDS:
            del env[name]
        parts.append("[env.example's template ids]")
    parts += [f"{k}={_short(v)}" if v is not None else f"(no {k})" for k, v in env.items()]
    parts += [
        f"[{name}: {_short(c if isinstance(c, str) else repr(c))}]"
        for name, c in case.files.items()
    ]
    text = " ".join(parts)
    for canary in CANARIES:
        text = text.replace(canary, "<canary>")
    return text


def _short(text: str) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= 48 else f"{text[:40]}...({len(text)} chars)"


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, clean_env: None) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_matrix_has_at_least_100_distinct_cases() -> None:
    assert len({c.id for c in CASES}) == len(CASES)
    inputs = {
        (c.runner, c.command, c.argv, c.airbyte, tuple(c.env.items()), tuple(c.files.items()))
        for c in CASES
    }
    assert len(inputs) == len(CASES)
    assert len(CASES) >= 100
    covered = {c.command for c in CASES if c.runner == "command"}
    assert covered == set(BY_NAME)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_bad_input_gets_a_clear_answer(
    case: Case, isolated: Path, sandbox_switch: tuple[Any, str]
) -> None:
    if case.runner == "make" and shutil.which("make") is None:
        pytest.skip("needs make")
    switch, url = sandbox_switch
    stage = Stage(case, isolated, switch, url)
    try:
        answer = stage.run()
    finally:
        stage.close()
    printed = answer.out + answer.err
    document: Any = None
    if case.runner == "make":  # the recipe line make echoes, then the command's one document
        document = _embedded_json(answer.out)
        assert isinstance(document, dict) and document.get("ok") is False, answer.out[:2000]
    if case.one_json:
        document = json.loads(answer.out)  # exactly one document: a second one would not parse
        assert isinstance(document, dict), answer.out[:2000]
        verdicts = [document.get(key) for key in ("ok", "valid", "ready", "healthy")]
        assert False in verdicts and True not in verdicts, answer.out[:2000]
    headline = first_message(document, printed).replace(str(isolated), "{tmp}")
    ROWS.append((case.id, shown_input(case), answer.code, _short_message(headline)))

    assert answer.code == case.exit, printed[:4000]
    assert "Traceback" not in printed, printed[-4000:]
    leaked = [c for c in CANARIES if c[:CANARY_PREFIX] in printed]
    assert not leaked, f"printed a secret: {printed[:4000]}"
    assert len(answer.out) <= case.max_stdout, f"{len(answer.out)} characters on stdout"
    text = message_text(document) if case.one_json else printed
    for name in case.names:
        assert stage.sub(name) in text, f"{stage.sub(name)!r} not named in: {text[:4000]}"


def _embedded_json(out: str) -> Any:
    """The command's document in ``make``'s output (after the recipe line make echoes)."""
    start = out.find("\n{")
    try:
        return json.loads(out[start + 1 :]) if start >= 0 else None
    except ValueError:
        return None


def _short_message(text: str) -> str:
    text = text.replace(str(REPO), "<repo>")
    for canary in CANARIES:
        text = text.replace(canary, "<canary>")
    text = " ".join(text.split())
    return text if len(text) <= 220 else text[:217] + "..."

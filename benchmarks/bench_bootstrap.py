"""bootstrap_connections at scale: 500 tenants x 4 connections against the Airbyte sandbox.

Every call to the sandbox takes 20 ms (``latency_s``). Each tenant has its own workspace,
destination and Meta / Google Ads / LinkedIn account ids, so a first apply creates 3 sources,
4 tags and 4 connections per tenant. Phases, each a full in-process run of the command:
plan from empty, apply, plan again (which must find nothing to do). Reported per phase: wall
time, reads and writes seen by the sandbox, reads per workspace, and the concurrency used.
Setup (the template connections, via the provision code path) runs without latency and is not
measured.
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from airbyte_provisioning.api import AirbyteClient
from airbyte_provisioning.commands import bootstrap_connections
from airbyte_provisioning.commands.provision_meta_google_connectors import provision_provider
from airbyte_provisioning.connectors.folder import connector
from airbyte_provisioning.core.envfile import read_env_file
from airbyte_provisioning.model.tenants import load_stack
from airbyte_provisioning.reconcile.engine import DEFAULT_CONCURRENCY
from airbyte_provisioning.reconcile.observe import observe_workspace
from airbyte_provisioning.templates.source_templates import render_source
from sandboxes.airbyte import AirbyteSandboxApp, create_app
from sandboxes.airbyte.catalogs import DATE, INTEGER, NUMBER, Definition, StreamDef
from sandboxes.base import SandboxServer

TENANTS = 500
LATENCY_S = 0.020
REPO = Path(__file__).resolve().parent.parent
CONCURRENCY = DEFAULT_CONCURRENCY
WRITE_SUFFIXES = ("/create", "/update", "/delete")


def _id(kind: str, index: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench/{kind}/{index}"))


def _environment(url: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in read_env_file(REPO / "env.example").items()
        if not k.startswith(("AIRBYTE_ACME_", "AIRBYTE_GLOBEX_EU_", "AIRBYTE_TEMPLATE_"))
    }
    env.update(
        AIRBYTE_BASE_URL=url,
        AIRBYTE_CLIENT_ID="",
        AIRBYTE_CLIENT_SECRET="",
        AIRBYTE_WORKSPACE_ID=_id("workspace", 0),
        AIRBYTE_TEMPLATE_DESTINATION_ID=_id("destination", 0),
        AIRBYTE_TENANTS=",".join(f"t{i:03d}" for i in range(1, TENANTS + 1)),
    )
    for i in range(1, TENANTS + 1):
        p = f"AIRBYTE_T{i:03d}_"
        env[p + "WORKSPACE_ID"] = _id("workspace", i)
        env[p + "DESTINATION_ID"] = _id("destination", i)
        env[p + "DESTINATION_NAMESPACE"] = f"t{i:03d}_marketing"
        env[p + "META_ACCOUNT_ID"] = f"act_{10_000 + i}"
        env[p + "GOOGLE_ADS_CUSTOMER_ID"] = f"{1_000_000_000 + i}"
        env[p + "LINKEDIN_ACCOUNT_ID"] = f"{500_000_000 + i}"
    return env


def _register_linkedin(app: AirbyteSandboxApp) -> None:
    """An instance-wide custom definition for the LinkedIn connector (its manifest's spec)."""
    spec = connector("linkedin-ads").spec
    rendered = render_source(
        "linkedin_ads",
        {"AIRBYTE_LINKEDIN_ACCOUNT_ID": "1", "AIRBYTE_LINKEDIN_ACCESS_TOKEN": "x" * 8},
    )
    ident = str(rendered.definition.definition_id)
    stream = StreamDef(
        "ad_analytics_by_campaign",
        {"campaign_id": INTEGER, "date": DATE, "impressions": INTEGER, "cost_in_usd": NUMBER},
        primary_key=(("campaign_id",), ("date",)),
        cursor=("date",),
    )
    app.definitions[ident] = Definition(
        ident,
        "LinkedIn Ads",
        "airbyte/source-declarative-manifest",
        "7.39.1",
        "https://example.invalid/linkedin",
        dict(spec["connection_specification"]),
        catalog=lambda _config: [stream],
        custom=True,
    )


def _serve(channel: Connection) -> None:
    """The sandbox in its own process (as a real server would be), driven through ``channel``."""
    app = create_app()
    app.add_workspace("template", _id("workspace", 0))
    app.add_destination(
        _id("workspace", 0), "template warehouse", destination_id=_id("destination", 0)
    )
    for i in range(1, TENANTS + 1):
        app.add_workspace(f"t{i:03d}", _id("workspace", i))
        app.add_destination(
            _id("workspace", i), f"t{i:03d} warehouse", destination_id=_id("destination", i)
        )
    _register_linkedin(app)
    server = SandboxServer(app).start()
    channel.send(server.url)
    while True:
        command, argument = channel.recv()
        if command == "latency":
            app.latency_s = float(argument)
            channel.send(None)
        elif command == "counts":
            with app._lock:
                channel.send(Counter(r.path.removeprefix("/api/v1/") for r in app.requests))
        elif command == "tenant_connections":
            channel.send(
                sum(1 for c in app.connections.values() if c["workspaceId"] != _id("workspace", 0))
            )
        else:
            server.stop()
            channel.send(None)
            return


def _provision_templates(env: dict[str, str]) -> None:
    """The META, GOOGLE_ADS and LINKEDIN template connections, by the provision code path."""
    client = AirbyteClient.from_env(env)
    stack = load_stack(env)
    observed = observe_workspace(client, _id("workspace", 0), [_id("destination", 0)])
    tags: set[str] = set()
    for platform in ("META", "GOOGLE_ADS", "LINKEDIN"):
        report = provision_provider(
            client,
            env,
            stack,
            platform,
            observed,
            _id("destination", 0),
            apply=True,
            planned_tags=tags,
        )
        if report["status"] != "ok":
            raise RuntimeError(f"setup failed for {platform}: {json.dumps(report)[:500]}")
        env.update(report["connection_ids"])


@contextlib.contextmanager
def _environ(env: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _phase(channel: Connection, env: Mapping[str, str], *argv: str) -> dict[str, Any]:
    channel.send(("counts", None))
    before: Counter[str] = channel.recv()
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with _environ(env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = bootstrap_connections.main(list(argv))
    wall = time.perf_counter() - started
    channel.send(("counts", None))
    endpoints = channel.recv() - before
    document = json.loads(out.getvalue())
    writes = sum(n for e, n in endpoints.items() if e.endswith(WRITE_SUFFIXES))
    reads = sum(endpoints.values()) - writes
    return {
        "exit_code": code,
        "wall_s": round(wall, 2),
        "reads": reads,
        "writes": writes,
        "reads_per_workspace": round(reads / TENANTS, 2),
        "calls_by_endpoint": dict(sorted(endpoints.items())),
        "planned": document["summary"]["planned"],
        "results": document["summary"].get("results"),
        "statuses": document["summary"]["statuses"],
    }


def run() -> dict[str, Any]:
    ours, theirs = multiprocessing.get_context("fork").Pipe()
    server = multiprocessing.get_context("fork").Process(target=_serve, args=(theirs,), daemon=True)
    server.start()
    try:
        env = _environment(ours.recv())
        _provision_templates(env)
        env["AIRBYTE_BOOTSTRAP_CONCURRENCY"] = str(CONCURRENCY)
        ours.send(("latency", LATENCY_S))
        ours.recv()
        plan_empty = _phase(ours, env, "--plan")
        apply = _phase(ours, env)
        plan_again = _phase(ours, env, "--plan", "--detailed-exitcode")
        ours.send(("tenant_connections", None))
        connections = ours.recv()
    finally:
        ours.send(("stop", None))
        ours.recv()
        server.join(timeout=10)
    pending = {k: v for k, v in plan_again["planned"].items() if k != "noop" and v}
    return {
        "conditions": {
            "tenants": TENANTS,
            "connections_per_tenant": 4,
            "sources_created_per_tenant": 3,
            "latency_ms_per_call": LATENCY_S * 1000,
            "concurrency": CONCURRENCY,
            "sandbox": "separate process on 127.0.0.1",
        },
        "plan_from_empty": plan_empty,
        "apply": apply,
        "plan_again": plan_again,
        "total_wall_s": round(plan_empty["wall_s"] + apply["wall_s"] + plan_again["wall_s"], 2),
        "second_plan_is_empty": not pending and plan_again["exit_code"] == 0,
        "tenant_connections_in_sandbox": connections,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))

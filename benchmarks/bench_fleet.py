"""A fleet run under faults: 500 tenants x 4 connections, 20 ms per call, 5% injected faults.

The Airbyte sandbox runs in its own process (as a real server would) with bearer auth. Every
measured phase meets, on 5% of its calls, one of the fault kinds a fleet run meets
(:mod:`sandboxes.airbyte.faults`): an HTML 5xx page from the proxy, a dropped connection, a
request carried out whose answer was lost (a 504 page or a closed connection), and every token
expiring mid-run. Phases, each a full in-process run of the command:

1. ``bootstrap --plan`` from empty, ``bootstrap`` (apply), ``bootstrap --plan`` again;
2. a job history is planted for every tenant connection (two days of runs at its cron's fire
   times, with a few tenants failing, stale or empty; setup, not measured);
3. ``health`` over the whole fleet (again without faults, for comparison); then, on the first
   50 tenants, the health check's former path (one ``jobs/list`` chain per connection, one
   connection after the other) and the current one, on the same fleet, so both are measured;
4. ``validate`` offline with and without a 30-minute METRICS spread, for the peak number of
   connections starting in the same minute (the METRICS SLA window widened to 22:30 in both, as
   an hourly 06:00-22:00 cron spread by 30 minutes starts runs until 22:29).

Reported per phase: wall time, calls seen by the sandbox (faulted attempts included) and by
endpoint, the faults injected, and what the command's own summary says (retries and recoveries
when it reports them; ``None`` when it does not). Template setup and history planting run
without latency or faults.
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from typing import Any
from zoneinfo import ZoneInfo

from airbyte_provisioning.api import AirbyteClient
from airbyte_provisioning.checks.health_connections import Lister, Settings, judge, managed_targets
from airbyte_provisioning.commands import (
    airbyte_health_check,
    bootstrap_connections,
    validate_tenant_config,
)
from airbyte_provisioning.model.cron import parse_quartz
from airbyte_provisioning.model.tenants import load_stack
from benchmarks.bench_bootstrap import (
    _environ,
    _environment,
    _id,
    _provision_templates,
    _register_linkedin,
)
from sandboxes.airbyte import AirbyteSandboxApp, RandomFaults, create_app
from sandboxes.airbyte.store import Credentials
from sandboxes.base import SandboxServer

TENANTS = 500
BASELINE_TENANTS = 50
LATENCY_S = 0.020
FAULT_RATE = 0.05
FAULT_SEED = 14
SPREAD_MINUTES = 30
SPREAD_SLA_WINDOW = "06:00-22:30"
HISTORY = timedelta(days=2)
RUN_TIME = timedelta(minutes=5)
WRITE_SUFFIXES = ("/create", "/update", "/delete")
# every 50 tenants: one failing (three failed runs), one stale (no run for 40 h), one empty
SICK = {
    7: ("META_METRICS", "sync_failed"),
    17: ("GOOGLE_METRICS", "stale"),
    27: ("META_METRICS", "empty"),
}


# ------------------------------------------------------------------------------------------------
# the sandbox process
# ------------------------------------------------------------------------------------------------
def _serve(channel: Connection) -> None:
    """The sandbox in its own process, driven through ``channel``."""
    app = create_app(auth="bearer")
    app.add_workspace("template", _id("workspace", 0))
    app.add_destination(_id("workspace", 0), "template", destination_id=_id("destination", 0))
    for i in range(1, TENANTS + 1):
        app.add_workspace(f"t{i:03d}", _id("workspace", i))
        app.add_destination(_id("workspace", i), f"t{i:03d}", destination_id=_id("destination", i))
    _register_linkedin(app)
    server = SandboxServer(app).start()
    channel.send(server.url)
    faults: RandomFaults | None = None
    while True:
        command, argument = channel.recv()
        if command == "conditions":
            latency, rate = argument
            app.latency_s = latency
            faults = app.inject_faults(rate, seed=FAULT_SEED)
            channel.send(None)
        elif command == "counts":
            with app._lock:
                seen = Counter(r.path.removeprefix("/api/v1/") for r in app.requests)
            channel.send((seen, Counter(faults.injected) if faults else Counter()))
        elif command == "plant":
            channel.send(_plant(app, argument))
        else:
            server.stop()
            channel.send(None)
            return


def _template(connection: Mapping[str, Any]) -> str:
    names = [str(t.get("name", "")) for t in connection.get("tags") or []]
    return next((n.removeprefix("stack:") for n in names if n.startswith("stack:")), "")


def _plant(app: AirbyteSandboxApp, now: float) -> dict[str, int]:
    """Two days of runs at each tenant connection's fire times; a few tenants are sick."""
    end = datetime.fromtimestamp(now, UTC)
    fires: dict[tuple[str, str], list[datetime]] = {}
    planted: Counter[str] = Counter()
    template_ws = _id("workspace", 0)
    tenant_of = {_id("workspace", i): i for i in range(1, TENANTS + 1)}
    for connection in list(app.connections.values()):
        if connection["workspaceId"] == template_ws or connection["status"] != "active":
            continue
        cron = connection["scheduleData"]["cron"]
        key = (cron["cronExpression"], cron["cronTimeZone"])
        if key not in fires:
            zone = ZoneInfo(key[1])
            fires[key] = parse_quartz(key[0]).fire_times(
                (end - HISTORY).astimezone(zone), end.astimezone(zone)
            )
        sick = SICK.get(tenant_of[connection["workspaceId"]] % 50)
        state = sick[1] if sick and sick[0] == _template(connection) else "healthy"
        runs = fires[key]
        if state == "stale":
            runs = [f for f in runs if f <= end - timedelta(hours=40)]
        for n, fire in enumerate(runs):
            newest = n == len(runs) - 1
            failed = state == "sync_failed" and n >= len(runs) - 3
            finished = fire + RUN_TIME
            app.add_job(
                connection["connectionId"],
                "failed" if failed else "succeeded" if finished <= end else "running",
                created_at=fire.timestamp(),
                updated_at=min(finished, end).timestamp(),
                records_synced=0 if state == "empty" and newest else 120,
                failure_message="Sync failed: the ad platform answered 401",
            )
        planted[state] += 1
        planted["jobs"] += len(runs)
    return dict(planted)


def _sandbox_login() -> dict[str, str]:
    """The sandbox's own client id and secret, under the variables the commands read."""
    own = Credentials()
    names = ("AIRBYTE_CLIENT_ID", "AIRBYTE_CLIENT_SECRET")
    return dict(zip(names, (own.client_id, own.client_secret), strict=True))


# ------------------------------------------------------------------------------------------------
# the phases
# ------------------------------------------------------------------------------------------------
class Fleet:
    """The client side: the environment and the channel to the sandbox process."""

    def __init__(self, channel: Connection, env: dict[str, str]) -> None:
        self.channel = channel
        self.env = env

    def ask(self, command: str, argument: Any = None) -> Any:
        self.channel.send((command, argument))
        return self.channel.recv()

    @contextlib.contextmanager
    def measured(self) -> Iterator[dict[str, Any]]:
        seen_before, faults_before = self.ask("counts")
        figures: dict[str, Any] = {}
        started = time.perf_counter()
        yield figures
        figures["wall_s"] = round(time.perf_counter() - started, 2)
        seen, faults = self.ask("counts")
        endpoints = seen - seen_before
        writes = sum(n for e, n in endpoints.items() if e.endswith(WRITE_SUFFIXES))
        figures |= {
            "calls": sum(endpoints.values()),
            "writes": writes,
            "calls_by_endpoint": dict(sorted(endpoints.items())),
            "faults_injected": dict(sorted((faults - faults_before).items())),
        }

    def command(self, main: Any, env: Mapping[str, str], *argv: str) -> tuple[int, dict[str, Any]]:
        out, err = io.StringIO(), io.StringIO()
        with _environ(env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
        return code, json.loads(out.getvalue())


def _summary_counts(document: Mapping[str, Any], *needles: str) -> dict[str, Any]:
    """Every top-level or summary field whose name holds one of ``needles`` (what the command
    reports about retries and recoveries, whatever it calls them)."""
    found: dict[str, Any] = {}
    for scope, fields in (("", document), ("summary.", document.get("summary") or {})):
        for key, value in fields.items():
            if any(n in key.lower() for n in needles) and isinstance(value, int | dict):
                found[scope + key] = value
    return found


def _bootstrap(fleet: Fleet, *argv: str) -> dict[str, Any]:
    with fleet.measured() as figures:
        code, doc = fleet.command(bootstrap_connections.main, fleet.env, *argv)
    summary = doc.get("summary") or {}
    return {
        "exit_code": code,
        **figures,
        "planned": summary.get("planned"),
        "statuses": summary.get("statuses"),
        "reported_retries": _summary_counts(doc, "retr") or None,
        "reported_recoveries": _summary_counts(doc, "recover") or None,
    }


def _health(fleet: Fleet, now: str, tenants: int | None = None) -> dict[str, Any]:
    argv = ["--now", now]
    for i in range(1, (tenants or 0) + 1):
        argv += ["--tenant", f"t{i:03d}"]
    with fleet.measured() as figures:
        code, doc = fleet.command(airbyte_health_check.main, fleet.env, *argv)
    return {
        "exit_code": code,
        "connections": doc.get("summary", {}).get("total"),
        **figures,
        "api_calls_reported": doc.get("api_calls"),
        "job_listing": doc.get("job_listing"),
        "states": {k: v for k, v in (doc.get("summary") or {}).items() if v and k != "total"},
    }


def _health_per_connection(fleet: Fleet, now: str, tenants: int) -> dict[str, Any]:
    """The former health path: ``connections/list`` per workspace, then one ``jobs/list`` chain
    per connection, one connection after the other."""
    client = AirbyteClient.from_env(fleet.env)
    instant = datetime.fromisoformat(now)
    stack = load_stack(fleet.env, now=instant)
    settings = Settings(
        now=instant,
        grace=timedelta(minutes=60),
        failure_threshold=2,
        jobs=airbyte_health_check.DEFAULT_JOBS,
        expect_rows=airbyte_health_check.default_expect_rows(),
    )
    lister = Lister(client)
    states: Counter[str] = Counter()
    with fleet.measured() as figures:
        for tenant in stack.tenants[:tenants]:
            for target in managed_targets(tenant, lister):
                states[judge(target, client, settings)["state"]] += 1
    return {"connections": sum(states.values()), **figures, "states": dict(states)}


def _peak_starts(env: Mapping[str, str], fleet: Fleet, spread: int) -> Any:
    """``peak_starts_per_minute`` wherever validate's document reports it (per schedule group)."""
    offline = {k: v for k, v in env.items() if k != "AIRBYTE_BASE_URL"}
    # runs spread over 30 minutes start until 22:29: the SLA window must allow it
    offline["AIRBYTE_DEFAULT_METRICS_SLA_WINDOW"] = SPREAD_SLA_WINDOW
    if spread:
        offline["AIRBYTE_DEFAULT_METRICS_SPREAD_MINUTES"] = str(spread)
    code, doc = fleet.command(validate_tenant_config.main, offline)
    found = dict(_find_all(doc, "peak_starts_per_minute", ""))
    return found or f"not available (validate exits {code} and reports no peak_starts_per_minute)"


def _find_all(value: Any, key: str, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for name, child in value.items():
            where = f"{path}.{name}" if path else str(name)
            if name == key:
                yield where, child
            else:
                yield from _find_all(child, key, where)
    elif isinstance(value, list):
        for n, child in enumerate(value):
            yield from _find_all(child, key, f"{path}[{n}]")


def run() -> dict[str, Any]:
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    server = context.Process(target=_serve, args=(theirs,), daemon=True)
    server.start()
    try:
        env = _environment(ours.recv())
        env.update(_sandbox_login())
        fleet = Fleet(ours, env)
        fleet.ask("conditions", (0.0, 0.0))
        _provision_templates(env)
        fleet.ask("conditions", (LATENCY_S, FAULT_RATE))
        plan = _bootstrap(fleet, "--plan")
        apply = _bootstrap(fleet)
        plan_again = _bootstrap(fleet, "--plan", "--detailed-exitcode")
        fleet.ask("conditions", (0.0, 0.0))
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        planted = fleet.ask("plant", now.timestamp())
        fleet.ask("conditions", (LATENCY_S, FAULT_RATE))
        stamp = now.isoformat()
        health = _health(fleet, stamp)
        fleet.ask("conditions", (LATENCY_S, 0.0))
        health_no_faults = _health(fleet, stamp)
        fleet.ask("conditions", (LATENCY_S, FAULT_RATE))
        former = _health_per_connection(fleet, stamp, BASELINE_TENANTS)
        current = _health(fleet, stamp, BASELINE_TENANTS)
        fleet.ask("conditions", (0.0, 0.0))
        peaks = {
            "without_spread": _peak_starts(env, fleet, 0),
            f"with_{SPREAD_MINUTES}_minute_spread": _peak_starts(env, fleet, SPREAD_MINUTES),
        }
    finally:
        ours.send(("stop", None))
        ours.recv()
        server.join(timeout=10)
    scale = TENANTS / BASELINE_TENANTS
    pending = {k: v for k, v in (plan_again["planned"] or {}).items() if k != "noop" and v}
    return {
        "conditions": {
            "tenants": TENANTS,
            "connections_per_tenant": 4,
            "latency_ms_per_call": LATENCY_S * 1000,
            "fault_rate": FAULT_RATE,
            "fault_seed": FAULT_SEED,
            "auth": "bearer (client credentials)",
            "sandbox": "separate process on 127.0.0.1",
            "history": planted,
            "metrics_sla_window_for_the_spread": SPREAD_SLA_WINDOW,
        },
        "plan_from_empty": plan,
        "apply": apply,
        "plan_again": plan_again,
        "second_plan_is_empty": not pending and plan_again["exit_code"] == 0,
        "health": health,
        "health_without_faults": health_no_faults,
        "health_target_s": 30,
        "health_meets_target": health["wall_s"] < 30,
        f"health_{BASELINE_TENANTS}_tenants": {
            "per_connection_former": former,
            "current": current,
            f"per_connection_former_extrapolated_to_{TENANTS}_tenants": {
                "wall_s": round(former["wall_s"] * scale, 1),
                "calls": round(former["calls"] * scale),
            },
        },
        "peak_starts_per_minute": peaks,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))

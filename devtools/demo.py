"""``make demo``: the whole stack rehearsed locally, without credentials or network.

0. validate ``env.example`` offline (tenants, Quartz schedules, SLA hints);
1. start the local sandboxes (TikTok, LinkedIn, Airbyte Config API) on loopback ports;
2. run both custom connectors through ``source-declarative-manifest`` into a DuckDB file: a full
   run, then an incremental run from the state the first one saved;
3. check the records against the data contracts;
4. against the Airbyte sandbox, with ``env.example`` as the operator's environment: publish the
   custom connectors, provision the template sources and connections, validate online, bootstrap
   every tenant (plan, apply, plan again: empty), then run the health check after one simulated
   sync per connection.

Progress goes to stderr as it happens; the summary goes to stdout (``--json`` prints the full
JSON document instead). Every step's own JSON output is kept under ``--workdir`` for inspection.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from airbyte_provisioning.connectors.local_sync import (
    LocalSyncError,
    SyncFiles,
    find_connector,
    run_sync,
)
from airbyte_provisioning.core.envfile import read_env_file, write_env_file
from airbyte_provisioning.core.paths import ENV_EXAMPLE, REPO_ROOT

TEMPLATE_ID_NAMES = (
    "AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID",
    "AIRBYTE_TEMPLATE_GOOGLE_METRICS_CONNECTION_ID",
    "AIRBYTE_TEMPLATE_DIMENSIONS_DAILY_CONNECTION_ID",
)
DEMO_CLIENT_ID = "demo-client-id"
# the sandbox's own credential, generated here so nothing secret-looking is written in the repo
DEMO_CLIENT_SECRET = "demo-" + "sandbox-" + "client-credential"


class DemoFailed(RuntimeError):
    """A step failed; the message names it and where its output was kept."""


@dataclass
class Step:
    name: str
    ok: bool
    seconds: float
    detail: str
    data: dict[str, Any] = field(default_factory=dict)


class Rehearsal:
    def __init__(self, workdir: Path, progress: Any) -> None:
        self.workdir = workdir
        self.progress = progress
        self.steps: list[Step] = []

    def say(self, text: str) -> None:
        self.progress.write(f"[demo] {text}\n")
        self.progress.flush()

    def step(self, name: str, action: Callable[[], tuple[str, dict[str, Any]]]) -> dict[str, Any]:
        self.say(f"{name} ...")
        started = time.perf_counter()
        try:
            detail, data = action()
        except (DemoFailed, LocalSyncError) as exc:
            self.steps.append(Step(name, False, time.perf_counter() - started, str(exc)))
            self.say(f"{name}: FAILED: {exc}")
            raise DemoFailed(f"{name}: {exc}") from exc
        elapsed = time.perf_counter() - started
        self.steps.append(Step(name, True, elapsed, detail, data))
        self.say(f"{name}: {detail} ({elapsed:.1f}s)")
        return data

    def command(self, module: ModuleType, name: str, env_file: Path, *argv: str) -> dict[str, Any]:
        """Run a command in-process; its JSON answer is kept as ``<workdir>/<name>.json``."""
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = module.main(["--env-file", str(env_file), *argv])
        (self.workdir / f"{name}.json").write_text(out.getvalue())
        (self.workdir / f"{name}.log").write_text(err.getvalue())
        try:
            document: dict[str, Any] = json.loads(out.getvalue())
        except json.JSONDecodeError:
            document = {}
        document["_exit_code"] = code
        return document


@contextlib.contextmanager
def sandboxes() -> Iterator[dict[str, Any]]:
    from sandboxes.airbyte import create_app as airbyte_app
    from sandboxes.base import SandboxServer
    from sandboxes.linkedin import create_app as linkedin_app
    from sandboxes.tiktok import create_app as tiktok_app

    airbyte = airbyte_app(
        auth="bearer",
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        spec_dir=REPO_ROOT / "templates" / "specs",
        sync_outcome="running",
    )
    servers = {
        "tiktok": SandboxServer(tiktok_app()),
        "linkedin": SandboxServer(linkedin_app()),
        "airbyte": SandboxServer(airbyte),
    }
    for server in servers.values():
        server.start()
    try:
        yield {"servers": servers, "airbyte_app": airbyte}
    finally:
        for server in servers.values():
            server.stop()


def _connector_configs(workdir: Path, urls: dict[str, str]) -> dict[str, Path]:
    configs = {
        "tiktok-ads": {
            "access_token": "changeme-sandbox-access-token",
            "advertiser_ids": ["7100000000000000001", "7100000000000000003"],
            "start_date": "2024-01-01",
            "end_date": "2024-02-29",
            "lookback_days": 7,
            "api_base_url": urls["tiktok"],
        },
        "linkedin-ads": {
            "credentials": {
                "auth_method": "access_token",
                "access_token": "changeme-linkedin-access-token",
            },
            "account_ids": [500000001, 500000002],
            "start_date": "2024-01-01",
            "end_date": "2024-02-29",
            "lookback_days": 2,
            "slice_days": 7,
            "api_base_url": f"{urls['linkedin']}/rest",
            "token_url": f"{urls['linkedin']}/oauth/v2/accessToken",
        },
    }
    paths = {}
    for name, config in configs.items():
        path = workdir / f"{name}.config.json"
        path.write_text(json.dumps(config, indent=2))
        paths[name] = path
    return paths


def _stack_env(workdir: Path, airbyte_url: str) -> dict[str, str]:
    """env.example as an operator would fill it for the sandbox."""
    env = read_env_file(ENV_EXAMPLE)
    for name in TEMPLATE_ID_NAMES:
        env.pop(name, None)
    env.update(
        AIRBYTE_BASE_URL=airbyte_url,
        AIRBYTE_CLIENT_ID=DEMO_CLIENT_ID,
        AIRBYTE_CLIENT_SECRET=DEMO_CLIENT_SECRET,
    )
    return env


class Stages:
    """The rehearsal's steps, in order; each returns its one-line detail and its data.

    One method per step keeps each step readable on its own; the shared pieces (the running
    sandboxes, the operator's environment file, the connector configs) are attributes.
    """

    CONNECTORS = ("tiktok-ads", "linkedin-ads")

    def __init__(self, run: Rehearsal, duckdb_path: Path, started: dict[str, Any]) -> None:
        self.run = run
        self.workdir = run.workdir
        self.state_dir = run.workdir / "state"
        self.duckdb_path = duckdb_path
        self.started = started
        self.urls = {name: server.url for name, server in started["servers"].items()}
        self.configs = _connector_configs(self.workdir, self.urls)
        self.env = _stack_env(self.workdir, self.urls["airbyte"])
        self.env_file = self.workdir / "stack.env"

    def _expect_success(self, name: str, doc: dict[str, Any]) -> dict[str, Any]:
        if doc["_exit_code"] != 0:
            raise DemoFailed(f"{name} exited {doc['_exit_code']} (see {self.workdir}/{name}.json)")
        return doc

    def sync(self, connector: str) -> tuple[str, dict[str, Any]]:
        result = run_sync(
            connector, self.configs[connector], self.duckdb_path, self.state_dir
        ).as_dict()
        started_from = "from saved state" if result["started_from_state"] else "from start_date"
        return f"{result['records']} records {started_from}", result

    def contracts(self) -> tuple[str, dict[str, Any]]:
        from airbyte_provisioning.commands import check_data_contracts

        findings: list[Any] = []
        for connector in self.CONNECTORS:
            files = SyncFiles.of(find_connector(connector), self.configs[connector], self.state_dir)
            records = files.records
            doc = _contracts(self.run, check_data_contracts, connector, records)
            findings += doc.get("findings", [])
        if findings:
            raise DemoFailed(
                f"{len(findings)} contract findings (see {self.workdir}/contracts-*.json)"
            )
        return f"records of {len(self.CONNECTORS)} connectors match their contracts", {
            "findings": 0
        }

    def seed_airbyte(self) -> None:
        from sandboxes.airbyte import seed_from_env

        seed_from_env(self.started["airbyte_app"], self.env)
        write_env_file(self.env_file, self.env)

    def publish(self) -> tuple[str, dict[str, Any]]:
        from airbyte_provisioning.commands import publish_custom_connectors

        self._expect_success(
            "publish", self.run.command(publish_custom_connectors, "publish", self.env_file)
        )
        return "LinkedIn and TikTok published as declarative definitions", {}

    def provision(self) -> tuple[str, dict[str, Any]]:
        from airbyte_provisioning.commands import provision_meta_google_connectors

        doc = self._expect_success(
            "provision",
            self.run.command(provision_meta_google_connectors, "provision", self.env_file),
        )
        persist = doc.get("persist", [])
        for line in persist:
            key, value = line.split("=", 1)
            self.env[key] = value
        write_env_file(self.env_file, self.env)
        return f"{len(persist)} template connection ids to persist", {"persist": persist}

    def validate(self) -> tuple[str, dict[str, Any]]:
        from airbyte_provisioning.commands import validate_tenant_config

        doc = self._expect_success(
            "validate", self.run.command(validate_tenant_config, "validate", self.env_file)
        )
        return f"{doc['summary']['tenants']} tenants valid ({doc['mode']})", {}

    def _bootstrap(self, name: str, *argv: str) -> dict[str, Any]:
        from airbyte_provisioning.commands import bootstrap_connections

        return self._expect_success(
            name, self.run.command(bootstrap_connections, name, self.env_file, *argv)
        )

    def plan(self) -> tuple[str, dict[str, Any]]:
        plan_file = str(self.workdir / "plan.json")
        return _plan_counts(
            self._bootstrap("bootstrap-plan", "--plan", "--plan-out", plan_file)
        ), {}

    def apply_plan(self) -> tuple[str, dict[str, Any]]:
        plan_file = str(self.workdir / "plan.json")
        return _plan_counts(self._bootstrap("bootstrap-apply", "--apply-plan", plan_file)), {}

    def plan_again(self) -> tuple[str, dict[str, Any]]:
        doc = self._bootstrap("bootstrap-replan", "--plan", "--detailed-exitcode")
        counts = _action_counts(doc)
        if any(n for action, n in counts.items() if action != "noop"):
            raise DemoFailed(f"the plan after apply is not empty: {counts}")
        return "plan is empty: " + _plan_counts(doc), {}

    def health(self) -> tuple[str, dict[str, Any]]:
        from airbyte_provisioning.commands import airbyte_health_check

        with contextlib.redirect_stderr(io.StringIO()):
            synced = _simulate_syncs(self.started["airbyte_app"], self.env)
        doc = self.run.command(airbyte_health_check, "health", self.env_file)
        summary = doc.get("summary", {})
        states = {k: v for k, v in (summary.get("states") or summary).items() if v}
        if doc["_exit_code"] != 0:
            raise DemoFailed(
                f"health check exited {doc['_exit_code']}: {states} (see {self.workdir}/health.json)"
            )
        return f"{synced} simulated syncs; states {states}", {}


def validate_offline(run: Rehearsal) -> tuple[str, dict[str, Any]]:
    from airbyte_provisioning.commands import validate_tenant_config

    doc = run.command(validate_tenant_config, "validate-offline", ENV_EXAMPLE, "--offline")
    if doc["_exit_code"] != 0:
        raise DemoFailed(f"env.example is not valid (see {run.workdir}/validate-offline.json)")
    metrics = doc["tenants"][0]["schedules"]["METRICS"]
    return (
        f"{doc['summary']['tenants']} tenants, {doc['summary']['connections']} connections; "
        f"METRICS {metrics['written_as']!r} -> Quartz {metrics['quartz']!r}",
        {},
    )


def rehearse(run: Rehearsal, duckdb_path: Path) -> None:
    """Every step in order; the first failure raises :class:`DemoFailed`."""
    run.step("validate env.example offline", lambda: validate_offline(run))
    with sandboxes() as started:
        stages = Stages(run, duckdb_path, started)
        run.say("sandboxes: " + ", ".join(f"{n} {u}" for n, u in stages.urls.items()))
        for connector in Stages.CONNECTORS:
            for label in ("full refresh", "incremental from state"):
                run.step(f"{connector}: {label}", functools.partial(stages.sync, connector))
        run.step("data contracts on the synced records", stages.contracts)
        stages.seed_airbyte()
        run.step("publish custom connectors", stages.publish)
        run.step("provision template sources and connections", stages.provision)
        run.step("validate tenants against Airbyte", stages.validate)
        run.step("bootstrap: plan", stages.plan)
        run.step("bootstrap: apply the saved plan", stages.apply_plan)
        run.step("bootstrap: plan again", stages.plan_again)
        run.step("health check after one sync per connection", stages.health)


def _contracts(run: Rehearsal, module: ModuleType, connector: str, records: Path) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = module.main(["--rules", "records", "--records", str(records)])
    (run.workdir / f"contracts-{connector}.json").write_text(out.getvalue())
    document: dict[str, Any] = json.loads(out.getvalue())
    if code not in (0, 1):
        raise DemoFailed(f"the contract checker exited {code}: {err.getvalue().strip()}")
    return document


def _action_counts(doc: dict[str, Any]) -> dict[str, int]:
    """Non-zero counts of what a bootstrap run did (``results``) or would do (``planned``)."""
    summary = doc.get("summary", {})
    counts = summary.get("results") or summary.get("planned") or {}
    return {k: int(v) for k, v in counts.items() if v and k != "resets_state"}


def _plan_counts(doc: dict[str, Any]) -> str:
    return ", ".join(f"{n} {a}" for a, n in sorted(_action_counts(doc).items())) or "no actions"


def _simulate_syncs(app: Any, env: dict[str, str]) -> int:
    """One finished sync per managed connection: the sandbox has no connector to run."""
    from airbyte_provisioning.api import AirbyteClient

    client = AirbyteClient.from_env(env)
    count = 0
    for connection in list(app.connections.values()):
        if connection.get("status") != "active":
            continue
        job = client.sync_connection(connection["connectionId"])["job"]
        app.complete_job(job["id"], "succeeded", records_synced=1200, bytes_synced=240_000)
        count += 1
    return count


def render_summary(run: Rehearsal, duckdb_path: Path) -> str:
    width = max(len(s.name) for s in run.steps)
    lines = ["", "Local rehearsal", "=" * 15]
    for step in run.steps:
        mark = "ok " if step.ok else "FAIL"
        lines.append(f"  {mark} {step.name:<{width}}  {step.seconds:5.1f}s  {step.detail}")
    lines += [
        "",
        f"DuckDB file left for inspection: {duckdb_path}",
        f"Every step's JSON output: {run.workdir}/",
        "Its sandboxes stopped with it: `make sandboxes` keeps them running for your own commands",
        "(README.md, Local sandboxes). Next: `make sync CONNECTOR=tiktok-ads",
        "CONFIG=secrets/tiktok.json` with a real config, and the rollout guide in README.md for a",
        "real Airbyte.",
    ]
    return "\n".join(lines)


# written into every work folder the demo makes: only a folder carrying it is ever emptied
OWNER_MARK = ".made-by-make-demo"


class UnsafeWorkdir(ValueError):
    """The requested outputs would overwrite something the demo did not create."""


def prepare_workdir(workdir: Path) -> None:
    """An empty work folder the demo owns: made here, or emptied because it carries our mark.

    A folder that exists with other contents is refused, never deleted.
    """
    if workdir.exists() and not workdir.is_dir():
        raise UnsafeWorkdir(f"--workdir {workdir} is a file; name a folder (it is created)")
    if workdir.is_dir() and any(workdir.iterdir()):
        if not (workdir / OWNER_MARK).is_file():
            raise UnsafeWorkdir(
                f"--workdir {workdir} is not empty and was not made by the demo; "
                "name a new or empty folder (the demo never deletes what it did not create)"
            )
        for entry in workdir.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / OWNER_MARK).write_text("outputs of `make demo`; the next run empties this folder\n")


def prepare_duckdb(duckdb_path: Path, workdir: Path) -> None:
    """The DuckDB file starts empty; an existing file outside the work folder is refused."""
    if not duckdb_path.parent.is_dir():
        raise UnsafeWorkdir(
            f"--duckdb {duckdb_path}: the folder {duckdb_path.parent} does not exist; create it "
            "or leave --duckdb out (default: <workdir>/demo.duckdb)"
        )
    if duckdb_path.exists() and workdir not in duckdb_path.parents:
        raise UnsafeWorkdir(
            f"--duckdb {duckdb_path} already exists and the demo did not create it; name a new "
            "file (the demo starts from an empty database and never deletes what it did not create)"
        )
    duckdb_path.unlink(missing_ok=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="make demo", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=REPO_ROOT / ".demo",
        help="outputs (default: .demo/); must be new, empty, or made by an earlier demo",
    )
    parser.add_argument(
        "--duckdb", type=Path, default=None, help="DuckDB file (default: <workdir>/demo.duckdb)"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    return parser


def _report(args: argparse.Namespace, run: Rehearsal, duckdb_path: Path, ok: bool) -> None:
    if args.json:
        document = {
            "ok": ok,
            "duckdb": str(duckdb_path),
            "workdir": str(run.workdir),
            "steps": [s.__dict__ for s in run.steps],
        }
        print(json.dumps(document, indent=2, default=str))
    else:
        print(render_summary(run, duckdb_path) if run.steps else "the rehearsal did not start")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    workdir: Path = args.workdir.resolve()
    duckdb_path = (args.duckdb or workdir / "demo.duckdb").resolve()
    try:
        prepare_workdir(workdir)
        prepare_duckdb(duckdb_path, workdir)
    except UnsafeWorkdir as exc:
        print(f"[demo] {exc}", file=sys.stderr)
        if args.json:
            print(json.dumps({"ok": False, "problems": [{"message": str(exc)}]}, indent=2))
        return 2
    run = Rehearsal(workdir, sys.stderr)
    ok = True
    try:
        rehearse(run, duckdb_path)
    except DemoFailed as exc:
        ok = False
        run.say(str(exc))
    _report(args, run, duckdb_path, ok)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

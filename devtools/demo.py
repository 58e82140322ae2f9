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

from airbyte_provisioning.connectors.local_sync import LocalSyncError, run_sync
from airbyte_provisioning.core.envfile import read_env_file
from airbyte_provisioning.core.paths import REPO_ROOT

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
    env = read_env_file(REPO_ROOT / "env.example")
    for name in TEMPLATE_ID_NAMES:
        env.pop(name, None)
    env.update(
        AIRBYTE_BASE_URL=airbyte_url,
        AIRBYTE_CLIENT_ID=DEMO_CLIENT_ID,
        AIRBYTE_CLIENT_SECRET=DEMO_CLIENT_SECRET,
    )
    return env


def _write_env(path: Path, env: dict[str, str]) -> Path:
    lines = []
    for key, value in env.items():
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'{key}="{escaped}"')
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return path


def rehearse(run: Rehearsal, duckdb_path: Path) -> None:
    from airbyte_provisioning.commands import (
        airbyte_health_check,
        bootstrap_connections,
        check_data_contracts,
        provision_meta_google_connectors,
        publish_custom_connectors,
        validate_tenant_config,
    )

    workdir = run.workdir
    state_dir = workdir / "state"

    def offline() -> tuple[str, dict[str, Any]]:
        doc = run.command(
            validate_tenant_config, "validate-offline", REPO_ROOT / "env.example", "--offline"
        )
        if doc["_exit_code"] != 0:
            raise DemoFailed(f"env.example is not valid (see {workdir}/validate-offline.json)")
        metrics = doc["tenants"][0]["schedules"]["METRICS"]
        return (
            f"{doc['summary']['tenants']} tenants, {doc['summary']['connections']} connections; "
            f"METRICS {metrics['written_as']!r} -> Quartz {metrics['quartz']!r}",
            {},
        )

    run.step("validate env.example offline", offline)
    with sandboxes() as started:
        servers = started["servers"]
        urls = {name: server.url for name, server in servers.items()}
        run.say("sandboxes: " + ", ".join(f"{n} {u}" for n, u in urls.items()))
        configs = _connector_configs(workdir, urls)

        for connector in ("tiktok-ads", "linkedin-ads"):
            for label in ("full refresh", "incremental from state"):

                def sync(connector: str = connector) -> tuple[str, dict[str, Any]]:
                    result = run_sync(
                        connector, configs[connector], duckdb_path, state_dir
                    ).as_dict()
                    started_from = (
                        "from saved state" if result["started_from_state"] else "from start_date"
                    )
                    return f"{result['records']} records {started_from}", result

                run.step(f"{connector}: {label}", sync)

        def contracts() -> tuple[str, dict[str, Any]]:
            checked = 0
            findings: list[Any] = []
            for connector in ("tiktok-ads", "linkedin-ads"):
                records = state_dir / f"source-{connector}.{connector}.config.records.jsonl"
                doc = _contracts(run, check_data_contracts, connector, records)
                checked += 1
                findings += doc.get("findings", [])
            if findings:
                raise DemoFailed(
                    f"{len(findings)} contract findings (see {workdir}/contracts-*.json)"
                )
            return f"records of {checked} connectors match their contracts", {"findings": 0}

        run.step("data contracts on the synced records", contracts)

        env = _stack_env(workdir, urls["airbyte"])
        from sandboxes.airbyte import seed_from_env

        seed_from_env(started["airbyte_app"], env)
        env_file = _write_env(workdir / "stack.env", env)

        def publish() -> tuple[str, dict[str, Any]]:
            doc = run.command(publish_custom_connectors, "publish", env_file)
            if doc["_exit_code"] != 0:
                raise DemoFailed(f"publish exited {doc['_exit_code']} (see {workdir}/publish.json)")
            return "LinkedIn and TikTok published as declarative definitions", {}

        run.step("publish custom connectors", publish)

        def provision() -> tuple[str, dict[str, Any]]:
            doc = run.command(provision_meta_google_connectors, "provision", env_file)
            if doc["_exit_code"] != 0:
                raise DemoFailed(
                    f"provision exited {doc['_exit_code']} (see {workdir}/provision.json)"
                )
            for line in doc.get("persist", []):
                key, value = line.split("=", 1)
                env[key] = value
            _write_env(env_file, env)
            return f"{len(doc.get('persist', []))} template connection ids to persist", {
                "persist": doc.get("persist", [])
            }

        run.step("provision template sources and connections", provision)

        def validate() -> tuple[str, dict[str, Any]]:
            doc = run.command(validate_tenant_config, "validate", env_file)
            if doc["_exit_code"] != 0:
                raise DemoFailed(
                    f"validate exited {doc['_exit_code']} (see {workdir}/validate.json)"
                )
            return f"{doc['summary']['tenants']} tenants valid ({doc['mode']})", {}

        run.step("validate tenants against Airbyte", validate)

        def bootstrap(name: str, *argv: str) -> dict[str, Any]:
            doc = run.command(bootstrap_connections, name, env_file, *argv)
            if doc["_exit_code"] not in (0,):
                raise DemoFailed(
                    f"bootstrap {' '.join(argv)} exited {doc['_exit_code']} (see {workdir}/{name}.json)"
                )
            return doc

        def plan_first() -> tuple[str, dict[str, Any]]:
            doc = bootstrap("bootstrap-plan", "--plan", "--plan-out", str(workdir / "plan.json"))
            return _plan_counts(doc), {}

        def apply_plan() -> tuple[str, dict[str, Any]]:
            doc = bootstrap("bootstrap-apply", "--apply-plan", str(workdir / "plan.json"))
            return _plan_counts(doc), {}

        def plan_again() -> tuple[str, dict[str, Any]]:
            doc = bootstrap("bootstrap-replan", "--plan", "--detailed-exitcode")
            counts = _action_counts(doc)
            if any(n for a, n in counts.items() if a != "noop"):
                raise DemoFailed(f"the plan after apply is not empty: {counts}")
            return "plan is empty: " + _plan_counts(doc), {}

        run.step("bootstrap: plan", plan_first)
        run.step("bootstrap: apply the saved plan", apply_plan)
        run.step("bootstrap: plan again", plan_again)

        def health() -> tuple[str, dict[str, Any]]:
            with contextlib.redirect_stderr(io.StringIO()):
                synced = _simulate_syncs(started["airbyte_app"], env)
            doc = run.command(airbyte_health_check, "health", env_file)
            summary = doc.get("summary", {})
            states = {k: v for k, v in (summary.get("states") or summary).items() if v}
            if doc["_exit_code"] != 0:
                raise DemoFailed(
                    f"health check exited {doc['_exit_code']}: {states} (see {workdir}/health.json)"
                )
            return f"{synced} simulated syncs; states {states}", {}

        run.step("health check after one sync per connection", health)


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
        "Next: `make sync CONNECTOR=tiktok-ads CONFIG=secrets/tiktok.json` with a real config,",
        "and the rollout guide in README.md for a real Airbyte.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make demo", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument(
        "--workdir", type=Path, default=REPO_ROOT / ".demo", help="outputs (default: .demo/)"
    )
    parser.add_argument(
        "--duckdb", type=Path, default=None, help="DuckDB file (default: <workdir>/demo.duckdb)"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    workdir: Path = args.workdir.resolve()
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    duckdb_path = (args.duckdb or workdir / "demo.duckdb").resolve()
    duckdb_path.unlink(missing_ok=True)
    run = Rehearsal(workdir, sys.stderr)
    ok = True
    try:
        rehearse(run, duckdb_path)
    except DemoFailed as exc:
        ok = False
        run.say(str(exc))
    if args.json:
        print(
            json.dumps(
                {
                    "ok": ok,
                    "duckdb": str(duckdb_path),
                    "workdir": str(workdir),
                    "steps": [s.__dict__ for s in run.steps],
                },
                indent=2,
                default=str,
            )
        )
    else:
        print(render_summary(run, duckdb_path) if run.steps else "the rehearsal did not start")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

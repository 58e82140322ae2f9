"""Records per CPU second of each connector's own process, against the CDK's floor.

``python -m benchmarks throughput [--repeat N] [--profile] [--profile-out FILE] [--cache DIR]``
(``make bench BENCH=throughput``).

1. Each connector's main report stream (see :mod:`benchmarks.throughput.scenarios`) is read once
   against its sandbox and every answer is recorded to a cache folder (once per version of the
   connector: :mod:`benchmarks.throughput.cache`).
2. A static server on loopback answers the recorded requests from memory, so generating data
   costs nothing; ``source-declarative-manifest`` reads the stream in its own process, as
   ``make sync`` and Airbyte run it, and its user + system CPU is taken from rusage.
3. Start-up is measured on its own: a ``read`` with an empty catalog (the manifest parsed, the
   components loaded, the config validated, the streams built; nothing read). A read's CPU minus
   start-up is what its records cost: ``records_per_cpu_second``. ``spec`` is reported too.
4. The floor: a manifest without components reading the very pages recorded for TikTok.
   ``vs_floor`` gives each connector's CPU per record, and its start-up, as a multiple of the
   floor's.

Each figure is the median of ``--repeat`` runs (default 3). ``--profile`` then reads each
scenario once more with every thread profiled and prints markdown tables to stderr (and to
``--profile-out``): where the per-record time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from airbyte_provisioning.core.paths import REPO_ROOT
from benchmarks import BenchmarkUsageError
from benchmarks.throughput.cache import DEFAULT_CACHE, progress, recorded
from benchmarks.throughput.measure import EMPTY_CATALOG, MeasureError, SdmRunner, run_process
from benchmarks.throughput.profile_table import Profile, markdown
from benchmarks.throughput.recording import Recording, StaticApp
from benchmarks.throughput.scenarios import SCENARIOS, Scenario, ScenarioName, floor_recording
from sandboxes.base import serve


def _options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks throughput", add_help=False, exit_on_error=False
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--profile-out", type=Path)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    try:
        args, unknown = parser.parse_known_args(argv)
    except argparse.ArgumentError as exc:
        raise BenchmarkUsageError(f"throughput: {exc}") from None
    if unknown:
        raise BenchmarkUsageError(
            f"unknown option(s) {unknown}; throughput takes --repeat N, --profile, "
            "--profile-out FILE, --cache DIR"
        )
    if args.repeat < 1:
        raise BenchmarkUsageError(f"--repeat must be 1 or more, got {args.repeat}")
    return args


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def measure(
    scenario: Scenario,
    recording: Recording,
    catalog: dict[str, Any],
    records: int,
    repeat: int,
    work: Path,
) -> dict[str, Any]:
    """Spec, start-up and read CPU of ``scenario`` served from ``recording``, median of
    ``repeat`` runs each (start-up and read runs alternate, so a busy moment hits both)."""
    app = StaticApp(recording)
    with serve(app) as server:
        runner = SdmRunner(scenario.folder, scenario.config(server.url), work)
        spec = runner.run("spec")
        if not spec.ok:
            raise MeasureError(f"{scenario.folder.name}: spec failed: {spec.problem()}")
        startups, reads = [], []
        for _ in range(repeat):
            startup = runner.run("read", EMPTY_CATALOG)
            if not startup.ok or startup.records:
                raise MeasureError(
                    f"{scenario.folder.name}: a read with an empty catalog failed or read "
                    f"records: {startup.problem() or f'{startup.records} records'}"
                )
            startups.append(startup.cpu_seconds)
            read = runner.read(catalog)
            _check_replay(scenario, app, read.records, records)
            reads.append(read.cpu_seconds)
    cpu, startup_cpu = _median(reads), _median(startups)
    after = max(cpu - startup_cpu, 1e-9)
    return {
        "stream": scenario.stream,
        "records": records,
        "requests": len(recording),
        "cpu_seconds": cpu,
        "startup_cpu_seconds": startup_cpu,
        "spec_cpu_seconds": round(spec.cpu_seconds, 3),
        "cpu_seconds_after_startup": round(after, 3),
        "records_per_cpu_second": round(records / after),
        "us_per_record": round(after * 1e6 / records, 1),
        "cpu_seconds_runs": [round(c, 3) for c in reads],
        "startup_cpu_seconds_runs": [round(c, 3) for c in startups],
    }


def _check_replay(scenario: Scenario, app: StaticApp, got: int, expected: int) -> None:
    if app.unknown:
        raise MeasureError(
            f"{scenario.folder.name} made {len(app.unknown)} request(s) that were not recorded "
            f"(first: {app.unknown[0]}): its requests depend on something the recording does "
            "not fix (the date?); delete the cache folder and run again"
        )
    if got != expected:
        raise MeasureError(
            f"{scenario.folder.name}: the replayed read emitted {got} records, the recording "
            f"read {expected}; delete the cache folder and run again"
        )


def _in_process_read(
    scenario: Scenario, recording: Recording, catalog: dict[str, Any], work: Path, mode: str
) -> tuple[Path, int]:
    """Run :mod:`benchmarks.throughput.profiled_read` in ``mode``: its output file and the
    records the read emitted."""
    app = StaticApp(recording)
    out = work / f"{scenario.name}.{mode}.json"
    with serve(app) as server:
        runner = SdmRunner(scenario.folder, scenario.config(server.url), work)
        sdm_args = runner.command("read", catalog)[1:]
        command = [sys.executable, "-m", "benchmarks.throughput.profiled_read", mode, str(out)]
        result = run_process([*command, *sdm_args], runner.env, cwd=REPO_ROOT)
    if not result.ok or not out.is_file():
        raise MeasureError(
            f"{scenario.folder.name}: the in-process {mode} read failed (exit "
            f"{result.exit_code}): {result.problem()}"
        )
    return out, result.records


def profile(
    scenario: Scenario, recording: Recording, catalog: dict[str, Any], work: Path
) -> tuple[Profile, float]:
    """The profile of one read of ``scenario``, corrected to the CPU the same part of an
    unprofiled read used (returned too)."""
    measured_file, _ = _in_process_read(scenario, recording, catalog, work, "measure")
    measured = float(json.loads(measured_file.read_text())["read_cpu_seconds"])
    profile_file, records = _in_process_read(scenario, recording, catalog, work, "profile")
    return Profile.load(profile_file, records, measured), measured


def _git_state() -> dict[str, Any]:
    """The commit measured and whether connector files differed from it (work in progress)."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    changed = git("status", "--porcelain", "--", "connectors")
    return {
        "commit": git("rev-parse", "--short", "HEAD") or None,
        "connector_files_changed": len(changed.splitlines()),
    }


Plan = dict[ScenarioName, tuple[Recording, dict[str, Any], int]]
SOURCES: tuple[ScenarioName, ...] = ("tiktok", "linkedin")


def _plan(cache: Path, work: Path) -> tuple[Plan, dict[str, str]]:
    """Each scenario's recording, catalog and expected records (recording what is missing),
    and the fingerprints of the connector recordings."""
    plan: Plan = {}
    fingerprints: dict[str, str] = {}
    for name in SOURCES:
        found = recorded(SCENARIOS[name], cache, work)
        plan[name] = (found.recording, found.catalog, found.records)
        fingerprints[name] = found.fingerprint
    tiktok_recording, _, tiktok_records = plan["tiktok"]
    floor = floor_recording(tiktok_recording)
    plan["floor"] = (floor, _floor_catalog(floor, work), tiktok_records)
    return plan, fingerprints


def run(options: list[str] | None = None) -> dict[str, Any]:
    args = _options(options or [])
    args.cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as tmp:
        work = Path(tmp)
        plan, fingerprints = _plan(args.cache, work)
        figures: dict[str, Any] = {}
        for name, (recording, catalog, records) in plan.items():
            progress(f"measuring {name} ({args.repeat} runs) ...")
            figures[name] = measure(SCENARIOS[name], recording, catalog, records, args.repeat, work)
        result: dict[str, Any] = {
            "conditions": {
                "repeat": args.repeat,
                "cpus": _cpu_count(),
                "cache": str(args.cache),
                "recordings": fingerprints,
                **{name: SCENARIOS[name].conditions for name in plan},
                "git": _git_state(),
            },
            **figures,
            "vs_floor": _vs_floor(figures),
        }
        if args.profile:
            result["profile"] = _profiles(plan, work, args.profile_out)
    return result


def _floor_catalog(floor: Recording, work: Path) -> dict[str, Any]:
    scenario = SCENARIOS["floor"]
    with serve(StaticApp(floor)) as server:
        return SdmRunner(scenario.folder, scenario.config(server.url), work).configured_catalog(
            scenario.stream
        )


def _vs_floor(figures: dict[str, Any]) -> dict[str, Any]:
    """CPU per record and start-up as multiples of the floor's (1.0 = as cheap as the CDK)."""
    floor = figures["floor"]
    return {
        name: {
            "cpu_per_record": round(
                floor["records_per_cpu_second"] / f["records_per_cpu_second"], 2
            ),
            "startup": round(f["startup_cpu_seconds"] / floor["startup_cpu_seconds"], 2),
        }
        for name, f in figures.items()
        if name != "floor"
    }


def _profiles(plan: Plan, work: Path, out: Path | None) -> dict[str, Any]:
    sections: list[str] = []
    summaries: dict[str, Any] = {}
    for name, (recording, catalog, _) in plan.items():
        scenario = SCENARIOS[name]
        progress(f"profiling {name} ...")
        found, measured = profile(scenario, recording, catalog, work)
        title = f"{name}: {scenario.folder.name} {scenario.stream}"
        sections.append(markdown(title, found, measured))
        summaries[name] = {"read_cpu_seconds_in_process": round(measured, 3), **found.summary()}
    document = "\n".join(sections)
    print(document, file=sys.stderr)
    if out is not None:
        out.write_text(document)
    return summaries


def _cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

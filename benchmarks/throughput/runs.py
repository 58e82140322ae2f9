"""One scenario measured (the median of several runs) or profiled, against its static server.

Each run is its own ``source-declarative-manifest`` process (:mod:`measure`), answered from the
scenario's recording by a :class:`StaticApp`, so the API side costs the connector nothing. A
what-if passes ``extra_env``: the same runs, with the what-if's folder on the processes'
``PYTHONPATH``.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from airbyte_provisioning.core.paths import REPO_ROOT
from benchmarks.throughput.measure import EMPTY_CATALOG, MeasureError, SdmRunner, run_process
from benchmarks.throughput.profile_table import Profile
from benchmarks.throughput.recording import Recording, StaticApp
from benchmarks.throughput.scenarios import Scenario
from sandboxes.base import serve


@dataclass(frozen=True)
class Planned:
    """A scenario ready to run: its answers, the catalog it reads and the records it must emit."""

    scenario: Scenario
    recording: Recording
    catalog: dict[str, Any]
    records: int


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def measure(
    planned: Planned,
    repeat: int,
    work: Path,
    variants: Sequence[Mapping[str, str]] = ({},),
) -> list[dict[str, Any]]:
    """Spec, start-up and read CPU of the scenario, median of ``repeat`` runs each, once per
    variant (extra environment: ``{}`` is the connector as it ships, a what-if adds its own).

    Start-up and read runs alternate, and so do the variants' runs: a busy moment of the machine
    (CPU time grows when another process shares the cores) hits every figure alike, and the
    variants stay comparable.
    """
    scenario = planned.scenario
    app = StaticApp(planned.recording)
    with serve(app) as server:
        runners = [
            SdmRunner(scenario.folder, scenario.config(server.url), work, env) for env in variants
        ]
        specs = [_spec(runner) for runner in runners]
        startups: list[list[float]] = [[] for _ in runners]
        reads: list[list[float]] = [[] for _ in runners]
        for _ in range(repeat):
            for runner, startup_runs, read_runs in zip(runners, startups, reads, strict=True):
                startup_runs.append(_startup(runner))
                read = runner.read(planned.catalog)
                _check_replay(scenario, app, read.records, planned.records)
                read_runs.append(read.cpu_seconds)
    return [
        _figures(planned, spec, startup_runs, read_runs)
        for spec, startup_runs, read_runs in zip(specs, startups, reads, strict=True)
    ]


def _spec(runner: SdmRunner) -> float:
    spec = runner.run("spec")
    if not spec.ok:
        raise MeasureError(f"{runner.folder.name}: spec failed: {spec.problem()}")
    return spec.cpu_seconds


def _startup(runner: SdmRunner) -> float:
    """A read with an empty catalog: everything a read does before its first record."""
    startup = runner.run("read", EMPTY_CATALOG)
    if not startup.ok or startup.records:
        raise MeasureError(
            f"{runner.folder.name}: a read with an empty catalog failed or read "
            f"records: {startup.problem() or f'{startup.records} records'}"
        )
    return startup.cpu_seconds


def _figures(
    planned: Planned, spec: float, startups: list[float], reads: list[float]
) -> dict[str, Any]:
    cpu, startup_cpu = _median(reads), _median(startups)
    after = max(cpu - startup_cpu, 1e-9)
    return {
        "stream": planned.scenario.stream,
        "records": planned.records,
        "requests": len(planned.recording),
        "cpu_seconds": cpu,
        "startup_cpu_seconds": startup_cpu,
        "spec_cpu_seconds": round(spec, 3),
        "cpu_seconds_after_startup": round(after, 3),
        "records_per_cpu_second": round(planned.records / after),
        "us_per_record": round(after * 1e6 / planned.records, 1),
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
    _check_records(scenario, "replayed", got, expected)


def _check_records(scenario: Scenario, read: str, got: int, expected: int) -> None:
    if got != expected:
        raise MeasureError(
            f"{scenario.folder.name}: the {read} read emitted {got} records, the recording "
            f"read {expected}; delete the cache folder and run again"
        )


def _in_process_read(
    planned: Planned, work: Path, mode: str, extra_env: Mapping[str, str] | None
) -> Path:
    """Run :mod:`benchmarks.throughput.profiled_read` in ``mode`` and return its output file;
    the read must emit every recorded record."""
    scenario = planned.scenario
    app = StaticApp(planned.recording)
    out = work / f"{scenario.name}.{mode}.json"
    with serve(app) as server:
        runner = SdmRunner(scenario.folder, scenario.config(server.url), work, extra_env)
        sdm_args = runner.command("read", planned.catalog)[1:]
        command = [sys.executable, "-m", "benchmarks.throughput.profiled_read", mode, str(out)]
        result = run_process([*command, *sdm_args], runner.env, cwd=REPO_ROOT)
    if not result.ok or not out.is_file():
        raise MeasureError(
            f"{scenario.folder.name}: the in-process {mode} read failed (exit "
            f"{result.exit_code}): {result.problem()}"
        )
    _check_records(scenario, "in-process", result.records, planned.records)
    return out


def _read_cpu(planned: Planned, work: Path, extra_env: Mapping[str, str] | None) -> float:
    """The CPU of one unprofiled read, measured inside its process (start-up left out)."""
    out = _in_process_read(planned, work, "measure", extra_env)
    return float(json.loads(out.read_text())["read_cpu_seconds"])


def read_cpu_in_process(
    planned: Planned, repeat: int, work: Path, variants: Sequence[Mapping[str, str]]
) -> list[list[float]]:
    """The CPU of the read alone, ``repeat`` times per variant, the variants alternating.

    Measured inside the process (:mod:`profiled_read` ``measure``: the streams built first, then
    the read timed), so no start-up is subtracted: a process's CPU varies by tenths of a second
    from run to run on a shared machine, and a figure that is the difference of two of them
    varies twice as much, more than a change of a few microseconds per record. A what-if compares
    these too.
    """
    runs: list[list[float]] = [[] for _ in variants]
    for _ in range(repeat):
        for env, variant_runs in zip(variants, runs, strict=True):
            variant_runs.append(_read_cpu(planned, work, env))
    return runs


def profile(
    planned: Planned, work: Path, extra_env: Mapping[str, str] | None = None
) -> tuple[Profile, float]:
    """The profile of one read of the scenario, corrected to the CPU the same part of an
    unprofiled read used (returned too)."""
    measured = _read_cpu(planned, work, extra_env)
    profile_file = _in_process_read(planned, work, "profile", extra_env)
    return Profile.load(profile_file, planned.records, measured), measured

"""Records per CPU second of each connector's own process, against the CDK's floors.

``python -m benchmarks throughput [--repeat N] [--profile] [--profile-out FILE] [--cache DIR]
[--what-if cdk-iso-dates]`` (``make bench BENCH=throughput``; the options:
:mod:`benchmarks.throughput.options`).

1. Each connector's main report stream (see :mod:`benchmarks.throughput.scenarios`) is read once
   against its sandbox and every answer is recorded to a cache folder (once per version of the
   connector: :mod:`benchmarks.throughput.cache`).
2. A static server on loopback answers the recorded requests from memory, so generating data
   costs nothing; ``source-declarative-manifest`` reads the stream in its own process, as
   ``make sync`` and Airbyte run it, and its user + system CPU is taken from rusage.
3. Start-up is measured on its own: a ``read`` with an empty catalog (the manifest parsed, the
   components loaded, the config validated, the streams built; nothing read). A read's CPU minus
   start-up is what its records cost: ``records_per_cpu_second``. ``spec`` is reported too.
4. Two floors, manifests without components reading the very rows recorded for TikTok:
   ``floor`` (no cursor) and ``floor_incremental`` (one partition per advertiser and TikTok's
   date cursor, read incrementally as the connectors are). The CDK's incremental cursor does
   work on every record that the plain floor never pays, so ``vs_floor`` gives each connector's
   CPU per record as a multiple of both (``cpu_per_record``,
   ``cpu_per_record_vs_incremental_floor``) and splits its microseconds per record into the
   CDK's read, the CDK's cursor and the connector's own
   (:mod:`benchmarks.throughput.comparison`); start-up is a multiple of the plain floor's.
5. ``--what-if NAME`` measures every scenario again with a change the connectors do not ship
   (:mod:`benchmarks.throughput.what_if`), each run right after the same run without it (so a
   busy moment of the machine hits both), under ``what_if.NAME``: the same figures, and
   ``vs_without`` (the change in CPU per record). The read's CPU is also measured inside the
   process, without and with the change (``vs_without.*.in_process``): no start-up is
   subtracted there, so a change of a few microseconds per record is not lost in the noise of
   two whole processes' CPU.

Each figure is the median of ``--repeat`` runs (default 3). ``--profile`` then reads each
scenario once more with every thread profiled (with the what-if too, when one is given) and
prints markdown tables to stderr (and to ``--profile-out``): where the per-record time goes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from airbyte_provisioning.core.paths import REPO_ROOT
from benchmarks.throughput.cache import progress, recorded
from benchmarks.throughput.comparison import SOURCES, vs_floor, vs_without
from benchmarks.throughput.measure import MeasureError, SdmRunner
from benchmarks.throughput.options import parse_options
from benchmarks.throughput.profile_table import markdown
from benchmarks.throughput.recording import Recording, StaticApp
from benchmarks.throughput.runs import Planned, measure, profile, read_cpu_in_process
from benchmarks.throughput.scenarios import (
    SCENARIOS,
    ScenarioName,
    floor_incremental_recording,
    floor_recording,
)
from benchmarks.throughput.what_if import WHAT_IFS, WhatIf
from sandboxes.base import serve

Plan = dict[ScenarioName, Planned]


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


def _plan(cache: Path, work: Path) -> tuple[Plan, dict[str, str]]:
    """Each scenario's recording, catalog and expected records (recording what is missing),
    and the fingerprints of the connector recordings. The floors' answers are derived from the
    TikTok recording, so they read the same rows."""
    plan: Plan = {}
    fingerprints: dict[str, str] = {}
    for name in SOURCES:
        found = recorded(SCENARIOS[name], cache, work)
        plan[name] = Planned(SCENARIOS[name], found.recording, found.catalog, found.records)
        fingerprints[name] = found.fingerprint
    tiktok = plan["tiktok"]
    plan["floor"] = _derived("floor", floor_recording(tiktok.recording), tiktok.records, work)
    plan["floor_incremental"] = _derived(
        "floor_incremental", floor_incremental_recording(tiktok.recording), tiktok.records, work
    )
    return plan, fingerprints


def _derived(name: ScenarioName, recording: Recording, records: int, work: Path) -> Planned:
    """A floor's plan: its catalog comes from its own ``discover`` (incremental when its stream
    has a cursor, as the connectors' are read)."""
    scenario = SCENARIOS[name]
    with serve(StaticApp(recording)) as server:
        runner = SdmRunner(scenario.folder, scenario.config(server.url), work)
        catalog = runner.configured_catalog(scenario.stream)
    return Planned(scenario, recording, catalog, records)


def run(options: list[str] | None = None) -> dict[str, Any]:
    args = parse_options(options or [])
    args.cache.mkdir(parents=True, exist_ok=True)
    what_if = WHAT_IFS[args.what_if] if args.what_if is not None else None
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as tmp:
        work = Path(tmp)
        plan, fingerprints = _plan(args.cache, work)
        log = work / "what-if.log"
        figures, changed = _measure_all(plan, args.repeat, work, what_if, log)
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
            "vs_floor": vs_floor(figures),
        }
        documents: list[str] = []
        if args.profile:
            result["profile"] = _profiles(plan, work, documents)
        if what_if is not None:
            section = _what_if_section(what_if, figures, changed)
            if args.profile:
                env, suffix = what_if.environment(log), f" (what-if {what_if.name})"
                before = what_if.patched_processes(log)
                section["profile"] = _profiles(plan, work, documents, env, suffix)
                # each scenario: one measured and one profiled in-process read
                patched = what_if.patched_processes(log) - before
                _check_patched(what_if, "profiled", patched, 2 * len(plan))
            result["what_if"] = {what_if.name: section}
        if documents:
            _write_profiles(documents, args.profile_out)
    return result


def _measure_all(
    plan: Plan, repeat: int, work: Path, what_if: WhatIf | None, log: Path
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every scenario's figures, and with ``what_if`` the same scenario's measured with the
    change, their runs alternating with the runs without it (the processes with the change log
    to ``log``; a scenario whose processes did not all make the change is refused)."""
    figures: dict[str, Any] = {}
    changed: dict[str, Any] = {}
    for name, planned in plan.items():
        if what_if is None:
            progress(f"measuring {name} ({repeat} runs) ...")
            (figures[name],) = measure(planned, repeat, work)
            continue
        progress(f"measuring {name} ({repeat} runs each without and with {what_if.name}) ...")
        before = what_if.patched_processes(log)
        variants: tuple[dict[str, str], ...] = ({}, what_if.environment(log))
        figures[name], changed[name] = measure(planned, repeat, work, variants)
        # the read alone, without and with the change: less noisy than read minus start-up
        in_process = read_cpu_in_process(planned, repeat, work, variants)
        for found, runs in zip((figures[name], changed[name]), in_process, strict=True):
            found["read_cpu_seconds_in_process_runs"] = [round(c, 3) for c in runs]
        # start-up and read runs, and the in-process reads
        _check_patched(what_if, name, what_if.patched_processes(log) - before, 3 * repeat)
    return figures, changed


def _check_patched(what_if: WhatIf, name: str, patched: int, runs: int) -> None:
    """Each start-up and read run is a process that must have logged the change."""
    if patched < runs:
        raise MeasureError(
            f"what-if {what_if.name}: only {patched} of the {runs} {name} processes made the "
            f"change (is another sitecustomize first on PYTHONPATH?); the figures would be the "
            f"connector's without it. Check that {what_if.folder} holds sitecustomize.py"
        )


def _what_if_section(
    what_if: WhatIf, without: dict[str, Any], changed: dict[str, Any]
) -> dict[str, Any]:
    """The what-if's figures, compared with the floors measured with the same change and with
    the same scenarios without it."""
    return {
        "description": what_if.description,
        **changed,
        "vs_floor": vs_floor(changed),
        "vs_without": vs_without(without, changed),
    }


def _profiles(
    plan: Plan,
    work: Path,
    documents: list[str],
    extra_env: Mapping[str, str] | None = None,
    suffix: str = "",
) -> dict[str, Any]:
    """Every scenario profiled; the markdown tables are added to ``documents``."""
    summaries: dict[str, Any] = {}
    for name, planned in plan.items():
        scenario = planned.scenario
        progress(f"profiling {name}{suffix} ...")
        found, measured = profile(planned, work, extra_env)
        title = f"{name}: {scenario.folder.name} {scenario.stream}{suffix}"
        documents.append(markdown(title, found, measured))
        summaries[name] = {"read_cpu_seconds_in_process": round(measured, 3), **found.summary()}
    return summaries


def _write_profiles(documents: list[str], out: Path | None) -> None:
    document = "\n".join(documents)
    print(document, file=sys.stderr)
    if out is not None:
        out.write_text(document)


def _cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

"""Markdown tables of where a read's CPU went, made of a :mod:`profiled_read` document.

cProfile books a cost of its own on every call, on the called function and on its caller; for
code that calls many small functions per record that is more than the code costs, so its raw
figures rank call-heavy code (``dpath`` walking a page, a conversion per metric value) far too
high. :func:`corrected` takes the cost back out: the per-call cost measured in the profiled
process on empty functions and ``len`` says how it splits (Python functions, built-ins; callee,
caller), and a single factor scales it so the corrected own times add up to the read's CPU
measured without a profiler. A function's own time then loses its calls times the callee share
and its calls to others times the caller share; a cumulative time loses its own part of that
and, along each call edge, the part of the callee's that the edge's (exact) time share carries
(how a callee's cost splits between its callers is the gprof assumption). The heading gives the
factor: the further from 1, the more the tables lean on the model, so read them as a ranking.

Shares are of the corrected total (start-up is not profiled), so a share is a share of the
per-record time.
"""

from __future__ import annotations

import json
import sysconfig
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from airbyte_provisioning.core.paths import REPO_ROOT

STDLIB = sysconfig.get_paths()["stdlib"].rstrip("/") + "/"
SITE_MARKER = "site-packages/"
BUILTIN_FILE = "~"

FunctionKey = tuple[str, int, str]


def function_label(key: FunctionKey) -> str:
    """``file:line(name)`` with the file relative to what it belongs to (a package, the
    repository, the standard library); built-ins by name alone."""
    filename, line, name = key
    if filename == BUILTIN_FILE:
        return name
    return f"{_short_path(filename)}:{line}({name})"


def _short_path(filename: str) -> str:
    if SITE_MARKER in filename:
        return filename.split(SITE_MARKER, 1)[1]
    if filename.startswith(STDLIB):
        return filename[len(STDLIB) :]
    repo = str(REPO_ROOT) + "/"
    if filename.startswith(repo):
        return filename[len(repo) :]
    return filename


def function_group(key: FunctionKey) -> str:
    """The part of the stack a function belongs to, for the own-time summary."""
    filename = key[0]
    if filename == BUILTIN_FILE:
        return "built-ins (C)"
    if filename.endswith("components.py"):
        return "connector components.py"
    parts = _short_path(filename).split("/")
    if SITE_MARKER in filename:
        depth = 3 if parts[0] == "airbyte_cdk" else 1
        return "/".join(parts[: max(1, min(depth, len(parts) - 1))])
    if filename.startswith(STDLIB):
        return f"stdlib {parts[0].removesuffix('.py')}"
    return "/".join(parts)


@dataclass(frozen=True)
class Figures:
    calls: int
    own: float
    cumulative: float


def corrected(
    document: dict[str, Any], measured_seconds: float | None = None
) -> tuple[dict[FunctionKey, Figures], float]:
    """Every function's calls and its own and cumulative time without the profiler's cost,
    and the factor applied to the calibrated per-call cost.

    With ``measured_seconds`` (the read's CPU without a profiler) the per-call cost is scaled so
    the corrected total matches it: the calibration's empty functions are cheaper to profile
    than a large program's (cache misses, generators), and the measurement is the truth; the
    calibration still decides how the cost splits between Python calls, built-ins, callers and
    callees.
    """
    rows = document["functions"]
    cost = document["overhead"]
    keys = [(str(f), int(line), str(name)) for f, line, name, *_ in rows]
    builtin = [key[0] == BUILTIN_FILE for key in keys]
    calls = [int(row[3]) for row in rows]
    own_raw = [float(row[4]) for row in rows]
    cumulative_raw = [float(row[5]) for row in rows]
    booked = [
        calls[i] * cost["builtin_callee" if builtin[i] else "python_callee"]
        for i in range(len(rows))
    ]
    children: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for caller, callee, edge_calls, edge_cumulative in document["edges"]:
        booked[caller] += (
            edge_calls * cost["builtin_caller" if builtin[callee] else "python_caller"]
        )
        if caller != callee and cumulative_raw[callee] > 0:
            share = min(float(edge_cumulative) / cumulative_raw[callee], 1.0)
            children[caller].append((callee, share))
    scale = 1.0 if measured_seconds is None else _fit(booked, own_raw, measured_seconds)
    own_overhead = [min(booked[i] * scale, own_raw[i]) for i in range(len(rows))]
    carried = _carry(own_overhead, children)
    figures = {}
    for i, key in enumerate(keys):
        own = own_raw[i] - own_overhead[i]
        figures[key] = Figures(calls[i], own, max(cumulative_raw[i] - carried[i], own))
    return figures, scale


def _fit(booked: list[float], own_raw: list[float], measured_seconds: float) -> float:
    """The factor k for which the own times minus ``min(k * booked, own)`` add up to
    ``measured_seconds`` (by bisection: the sum falls as k grows); 0 when the raw profile is
    already no dearer than the measurement."""
    excess = sum(own_raw) - measured_seconds
    if excess <= 0 or sum(booked) <= 0:
        return 0.0

    def removed(k: float) -> float:
        return sum(min(k * b, o) for b, o in zip(booked, own_raw, strict=True))

    low, high = 0.0, 1.0
    while removed(high) < excess and high < 1e6:
        high *= 2
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if removed(middle) < excess else (low, middle)
    return high


def _carry(own: list[float], children: dict[int, list[tuple[int, float]]]) -> list[float]:
    """Each function's own overhead plus its share of its callees' carried overhead, over the
    call graph without its back edges (recursion), in one iterative depth-first pass."""
    total: list[float | None] = [None] * len(own)
    on_path = [False] * len(own)
    for root in range(len(own)):
        if total[root] is not None:
            continue
        stack = [(root, 0)]
        on_path[root] = True
        while stack:
            node, next_child = stack[-1]
            edges = children.get(node, [])
            if next_child < len(edges):
                stack[-1] = (node, next_child + 1)
                child = edges[next_child][0]
                if total[child] is None and not on_path[child]:
                    on_path[child] = True
                    stack.append((child, 0))
                continue
            stack.pop()
            on_path[node] = False
            total[node] = own[node] + sum(share * (total[child] or 0.0) for child, share in edges)
    return [value or 0.0 for value in total]


@dataclass(frozen=True)
class Profile:
    """A :mod:`profiled_read` document, corrected, and the records its read emitted."""

    functions: dict[FunctionKey, Figures]
    scale: float
    raw_seconds: float
    main_thread_raw_seconds: float
    unprofiled_threads: list[str]
    overhead: dict[str, float]
    records: int

    @classmethod
    def load(cls, path: Path, records: int, measured_seconds: float | None = None) -> Profile:
        """``measured_seconds``: the read's CPU without a profiler, to fit the correction to."""
        document = json.loads(path.read_text())
        threads = document["threads"]
        functions, scale = corrected(document, measured_seconds)
        return cls(
            functions,
            scale,
            sum(float(t["cpu_seconds"]) for t in threads),
            sum(float(t["cpu_seconds"]) for t in threads if t["name"] == "MainThread"),
            list(document["unprofiled_threads"]),
            {k: float(v) for k, v in document["overhead"].items()},
            records,
        )

    @property
    def total(self) -> float:
        """The read's CPU without the profiler's cost: the corrected own times summed."""
        return sum(f.own for f in self.functions.values()) or 1e-9

    def top(self, by: str, count: int) -> list[tuple[FunctionKey, Figures]]:
        ranked = sorted(self.functions.items(), key=lambda i: getattr(i[1], by), reverse=True)
        return ranked[:count]

    def groups(self) -> dict[str, float]:
        found: defaultdict[str, float] = defaultdict(float)
        for key, figures in self.functions.items():
            found[function_group(key)] += figures.own
        return dict(found)

    def summary(self, count: int = 10) -> dict[str, Any]:
        """What the JSON document carries: the CPU seen and the top functions by own time."""
        return {
            "profiled_cpu_seconds": round(self.raw_seconds, 3),
            "corrected_cpu_seconds": round(self.total, 3),
            "overhead_scale": round(self.scale, 2),
            "us_per_record_corrected": round(self.total * 1e6 / max(self.records, 1), 1),
            "top_own_time": [
                {"function": function_label(key), "share": round(f.own / self.total, 3)}
                for key, f in self.top("own", count)
            ],
        }


def _table(profile: Profile, by: str, count: int, heading: str) -> list[str]:
    records = max(profile.records, 1)
    lines = [
        heading,
        "",
        f"| function | {by} s | share of per-record time | µs per record | calls per record |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, figures in profile.top(by, count):
        seconds = getattr(figures, by)
        lines.append(
            f"| `{function_label(key)}` | {seconds:.3f} | {seconds / profile.total:.1%} | "
            f"{seconds * 1e6 / records:.1f} | {figures.calls / records:.2f} |"
        )
    return [*lines, ""]


def markdown(title: str, profile: Profile, measured_seconds: float | None) -> str:
    """One scenario's section: the heading figures, the cumulative and own-time tables and
    own time by part of the stack. ``measured_seconds``: the CPU of the same part of a read
    without a profiler (what the profile was corrected to)."""
    records = max(profile.records, 1)
    cost = profile.overhead
    measured = (
        f"without a profiler the read (after the source is built) used {measured_seconds:.2f} s "
        f"of CPU ({measured_seconds * 1e6 / records:.0f} µs per record), "
        if measured_seconds is not None
        else ""
    )
    unprofiled = (
        f" Threads still running at the end, not profiled: {', '.join(profile.unprofiled_threads)}."
        if profile.unprofiled_threads
        else ""
    )
    lines = [
        f"### {title}",
        "",
        f"{profile.records:,} records; {measured}under cProfile {profile.raw_seconds:.2f} s "
        f"({profile.main_thread_raw_seconds / (profile.raw_seconds or 1):.0%} on the main "
        "thread). The profiler's cost per call, measured on empty calls at "
        f"{cost['python_callee'] * 1e9:.0f}+{cost['python_caller'] * 1e9:.0f} ns for a Python "
        f"function and {cost['builtin_callee'] * 1e9:.0f}+{cost['builtin_caller'] * 1e9:.0f} ns "
        f"for a built-in (callee+caller), is taken out scaled by {profile.scale:.2f}: "
        f"{profile.total:.2f} s remain ({profile.total * 1e6 / records:.0f} µs per record)."
        f"{unprofiled}",
        "",
    ]
    lines += _table(profile, "cumulative", 30, "By cumulative time:")
    lines += _table(profile, "own", 20, "By own time:")
    lines += ["Own time by part of the stack:", "", "| part | own s | share |", "|---|---:|---:|"]
    for group, seconds in sorted(profile.groups().items(), key=lambda g: g[1], reverse=True):
        if seconds / profile.total >= 0.005:
            lines.append(f"| {group} | {seconds:.3f} | {seconds / profile.total:.1%} |")
    return "\n".join([*lines, ""])

"""One ``source-declarative-manifest`` process: the records it emitted and the CPU it used.

CPU is the process's user + system time, taken from ``getrusage(RUSAGE_CHILDREN)`` before and
after it is reaped: the benchmark's own threads (the static server, the reader of this pipe) are
not counted, and the benchmark starts no other child meanwhile. Records are counted by the line
prefix Airbyte messages are serialized with, without parsing them.
"""

from __future__ import annotations

import json
import resource
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from airbyte_provisioning.connectors.folder import ConnectorFolder
from benchmarks import BenchmarkError

BYTECODE_CACHE = Path(tempfile.gettempdir()) / "airbyte-tenant-stack-bench" / "bytecode"
RECORD_PREFIX = b'{"type":"RECORD"'
TRACE_PREFIX = b'{"type":"TRACE"'
CATALOG_PREFIX = b'{"type":"CATALOG"'


class MeasureError(BenchmarkError):
    """A run that failed or a stream that is not there; the message says which and why."""


@dataclass
class ProcessRun:
    """What one connector process did."""

    exit_code: int
    records: int
    cpu_seconds: float
    errors: list[str] = field(default_factory=list)
    stderr_tail: str = ""
    # the CATALOG message of a discover run
    catalog: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.errors

    def problem(self) -> str:
        """The first error the run reported (its trace message, else the end of its stderr)."""
        if self.errors:
            return self.errors[0]
        return self.stderr_tail.strip().splitlines()[-1] if self.stderr_tail.strip() else ""


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_process(command: Sequence[str], env: dict[str, str], cwd: Path | None = None) -> ProcessRun:
    """Run ``command`` to its end, counting records and collecting error traces from stdout."""
    records = 0
    errors: list[str] = []
    catalog: dict[str, Any] | None = None
    with tempfile.TemporaryFile() as stderr:
        before = _cpu_of_children()
        with subprocess.Popen(
            list(command), stdout=subprocess.PIPE, stderr=stderr, env=env, cwd=cwd
        ) as process:
            assert process.stdout is not None
            for line in process.stdout:
                if line.startswith(RECORD_PREFIX):
                    records += 1
                elif line.startswith(TRACE_PREFIX):
                    trace = json.loads(line)["trace"]
                    if trace.get("type") == "ERROR":
                        errors.append(str(trace.get("error", {}).get("message")))
                elif line.startswith(CATALOG_PREFIX):
                    catalog = json.loads(line)["catalog"]
        cpu = _cpu_of_children() - before
        stderr.seek(0)
        tail = stderr.read()[-4000:].decode(errors="replace")
    return ProcessRun(process.returncode, records, cpu, errors, tail, catalog)


class SdmRunner:
    """Runs ``source-declarative-manifest`` over one folder with one config, in a work folder."""

    def __init__(
        self,
        folder: ConnectorFolder,
        config: dict[str, Any],
        work: Path,
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        """``extra_env`` is added to the connector processes' environment (a what-if's
        ``PYTHONPATH``)."""
        self.folder = folder
        self.work = work
        self.config_path = work / f"{folder.name}.config.json"
        self.config_path.write_text(json.dumps(config))
        self.env = ConnectorFolder.sdm_environment()
        # the CDK's HTTP cache (parent streams) lives in the work folder, not in the checkout
        self.env["REQUEST_CACHE_PATH"] = str(work)
        # Airbyte's image ships compiled bytecode; a virtualenv installed without it (or a shell
        # with PYTHONDONTWRITEBYTECODE) would compile about 700 modules at every start, a second
        # of CPU no sync pays. Compiled once into a cache of the benchmark's, outside the checkout.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.env["PYTHONPYCACHEPREFIX"] = str(BYTECODE_CACHE)
        self.env.update(extra_env or {})

    def command(self, verb: str, catalog: dict[str, Any] | None = None) -> list[str]:
        extra: list[str] = []
        if catalog is not None:
            catalog_path = self.work / f"{self.folder.name}.catalog.json"
            catalog_path.write_text(json.dumps(catalog))
            extra = ["--catalog", str(catalog_path)]
        return self.folder.sdm_command(verb, self.config_path, extra)

    def run(self, verb: str, catalog: dict[str, Any] | None = None) -> ProcessRun:
        return run_process(self.command(verb, catalog), self.env)

    def read(self, catalog: dict[str, Any]) -> ProcessRun:
        """A read that must succeed; raises naming the folder and the first error otherwise."""
        result = self.run("read", catalog)
        if not result.ok:
            raise MeasureError(
                f"{self.folder.name}: read failed (exit {result.exit_code}): {result.problem()}"
            )
        return result

    def configured_catalog(self, stream: str) -> dict[str, Any]:
        """The catalog reading ``stream`` alone, built from the connector's own ``discover``:
        incremental on its default cursor when it has one, else full refresh."""
        result = self.run("discover")
        if not result.ok or result.catalog is None:
            raise MeasureError(
                f"{self.folder.name}: discover failed (exit {result.exit_code}): "
                f"{result.problem() or 'no CATALOG message'}"
            )
        streams = {s["name"]: s for s in result.catalog.get("streams", [])}
        found = streams.get(stream)
        if found is None:
            raise MeasureError(
                f"{self.folder.name} has no stream {stream!r} (discover lists: "
                f"{', '.join(sorted(streams)) or 'none'}); rename the scenario's stream in "
                "benchmarks/throughput/scenarios.py"
            )
        incremental = "incremental" in found.get("supported_sync_modes", []) and bool(
            found.get("default_cursor_field")
        )
        configured: dict[str, Any] = {
            "stream": found,
            "sync_mode": "incremental" if incremental else "full_refresh",
            "destination_sync_mode": "append",
        }
        if incremental:
            configured["cursor_field"] = found["default_cursor_field"]
        return {"streams": [configured]}


EMPTY_CATALOG: dict[str, Any] = {"streams": []}

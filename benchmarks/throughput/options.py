"""The throughput benchmark's options.

``--repeat N`` (runs per figure, median kept; default 3), ``--profile`` (where the per-record time
goes, per scenario), ``--profile-out FILE`` (the profile tables written there too), ``--cache
DIR`` (the recordings), ``--what-if NAME`` (every scenario measured again with a change the
connectors do not ship: :mod:`benchmarks.throughput.what_if`). A mistake is a
:class:`BenchmarkUsageError` naming the option and what it takes (exit 2, one JSON document).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from benchmarks import BenchmarkUsageError
from benchmarks.throughput.cache import DEFAULT_CACHE
from benchmarks.throughput.what_if import WHAT_IF_NAMES, WhatIfName

USAGE = (
    "throughput takes --repeat N, --profile, --profile-out FILE, --cache DIR, "
    f"--what-if {{{','.join(WHAT_IF_NAMES)}}}"
)


@dataclass(frozen=True)
class Options:
    repeat: int = 3
    profile: bool = False
    profile_out: Path | None = None
    cache: Path = DEFAULT_CACHE
    what_if: WhatIfName | None = None


def parse_options(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks throughput", add_help=False, exit_on_error=False
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--profile-out", type=Path)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--what-if", choices=WHAT_IF_NAMES)
    try:
        args, unknown = parser.parse_known_args(argv)
    except argparse.ArgumentError as exc:
        raise BenchmarkUsageError(f"throughput: {exc}; {USAGE}") from None
    if unknown:
        raise BenchmarkUsageError(f"unknown option(s) {unknown}; {USAGE}")
    if args.repeat < 1:
        raise BenchmarkUsageError(f"--repeat must be 1 or more, got {args.repeat}")
    return Options(
        repeat=args.repeat,
        profile=args.profile,
        profile_out=args.profile_out,
        cache=args.cache,
        what_if=cast(WhatIfName | None, args.what_if),
    )

"""What-if ``cdk-iso-dates``: the fast path answers every string exactly as the CDK's own
``DatetimeParser.parse`` does (the same ``datetime``, or a ``ValueError`` with the same message),
and the connector processes the benchmark starts run with it."""

from __future__ import annotations

import importlib.util
import random
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from airbyte_cdk.sources.declarative.datetime.datetime_parser import DatetimeParser

from benchmarks.throughput.what_if import WHAT_IFS

WHAT_IF = WHAT_IFS["cdk-iso-dates"]
DATE, DATE_TIME = "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"
# the formats the fast path takes, and one it must leave to the CDK
FORMATS = (DATE, DATE_TIME, "%Y-%m-%dT%H:%M:%SZ")
# characters a near-valid string is mutated with: ASCII digits and separators, what ISO 8601
# allows and strptime does not (or the reverse), digits of other scripts, white space
MUTATIONS = [*"0123456789-: T+Z.,/\t\n", "\uff12", "\uff10", "\u0661", "\u00b2", "a", "\u2212"]
SUFFIXES = ["Z", "+01:00", "+0000", ".123", ".123456", " ", "\n", ":00", "T00:00:00", " 00:00"]


def _load_sitecustomize() -> ModuleType:
    """The what-if's module under another name: loading it must not patch this process."""
    spec = importlib.util.spec_from_file_location(
        "cdk_iso_dates_under_test", WHAT_IF.folder / "sitecustomize.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SITE = _load_sitecustomize()
CDK_PARSE: Callable[[Any, Any, str], datetime] = DatetimeParser.parse


def _answer(parse: Callable[[Any, Any, str], datetime], value: Any, fmt: str) -> Any:
    """What a parse gives: the datetime with its type and time zone, or the error's message."""
    try:
        parsed = parse(DatetimeParser(), value, fmt)
    except ValueError as exc:
        return ("ValueError", str(exc))
    return (type(parsed), parsed, parsed.tzinfo)


def _date(rng: random.Random) -> str:
    # years from 0 (refused by both) and days up to 31 in every month (30 February)
    return f"{rng.randint(0, 9999):04d}-{rng.randint(0, 13):02d}-{rng.randint(0, 32):02d}"


def _date_time(rng: random.Random) -> str:
    clock = f"{rng.randint(0, 25):02d}:{rng.randint(0, 61):02d}:{rng.randint(0, 62):02d}"
    return f"{_date(rng)} {clock}"


def _near(rng: random.Random, valid: str) -> str:
    kind = rng.randrange(5)
    at = rng.randrange(len(valid))
    if kind == 0:
        return valid[:at] + rng.choice(MUTATIONS) + valid[at + 1 :]
    if kind == 1:
        return valid[:at] + valid[at + 1 :]
    if kind == 2:
        return valid[:at] + rng.choice(MUTATIONS) + valid[at:]
    if kind == 3:
        return valid + rng.choice(SUFFIXES)
    # a field without its leading zero, as strptime reads it and fromisoformat does not
    return valid.replace("-0", "-", 1) if rng.random() < 0.5 else valid.replace(" 0", " ", 1)


def _strings(seed: int, count: int) -> Iterator[str]:
    rng = random.Random(seed)
    for _ in range(count):
        valid = _date(rng) if rng.random() < 0.5 else _date_time(rng)
        roll = rng.random()
        if roll < 0.4:
            yield valid
        elif roll < 0.85:
            yield _near(rng, valid)
        else:
            yield "".join(rng.choice(MUTATIONS) for _ in range(rng.randrange(0, 22)))


def test_the_fast_path_answers_thousands_of_strings_exactly_as_the_cdk_does():
    fell_through: list[str] = []

    def counting_cdk(self: Any, value: Any, fmt: str) -> datetime:
        fell_through.append(value)
        return CDK_PARSE(self, value, fmt)

    fast = SITE.fast_parse(counting_cdk)
    strings = list(_strings(seed=15, count=12_000))
    differences = [
        (value, fmt, _answer(fast, value, fmt), _answer(CDK_PARSE, value, fmt))
        for value in strings
        for fmt in FORMATS
        if _answer(fast, value, fmt) != _answer(CDK_PARSE, value, fmt)
    ]

    assert differences == []
    # the fast path did answer: most well-formed dates never reached the CDK's code
    answered = len(strings) * len(FORMATS) * 2 - len(fell_through)
    assert answered > len(strings) // 2


@pytest.mark.parametrize(
    ("value", "fmt"),
    [
        ("2024-01-01", DATE),
        ("2024-12-31 23:59:59", DATE_TIME),
        ("0001-01-01", DATE),
        # strptime reads these, fromisoformat does not
        ("2024-1-01", DATE),
        ("\uff12\uff10\uff12\uff14-01-01", DATE),
        ("2024-01-01  00:00:00", DATE_TIME),
        # fromisoformat reads these, strptime does not
        ("2024-01-01T00:00:00", DATE_TIME),
        ("2024-01-01 00:00:00+01:00", DATE_TIME),
        ("20240101", DATE),
        ("2024-01-01", DATE_TIME),
        # neither
        ("2024-02-30", DATE),
        ("0000-01-01", DATE),
        ("2024-01-01 24:00:00", DATE_TIME),
        ("2024-01-01 23:59:60", DATE_TIME),
        ("2024-01-01\n", DATE),
        ("", DATE),
        (20240101, DATE),
    ],
)
def test_a_string_either_reader_takes_alone_is_answered_as_the_cdk_answers_it(value: Any, fmt: str):
    assert _answer(SITE.fast_parse(CDK_PARSE), value, fmt) == _answer(CDK_PARSE, value, fmt)


def test_a_well_formed_date_is_a_utc_datetime_without_the_cdks_code():
    def refuse(self: Any, value: Any, fmt: str) -> datetime:
        raise AssertionError(f"the CDK's code was called for {value!r}")

    fast = SITE.fast_parse(refuse)

    assert fast(None, "2025-03-31", DATE) == datetime(2025, 3, 31, tzinfo=UTC)
    assert fast(None, "2025-03-31 23:59:59", DATE_TIME) == datetime(
        2025, 3, 31, 23, 59, 59, tzinfo=UTC
    )


def test_loading_the_module_under_another_name_leaves_this_process_unpatched():
    assert DatetimeParser.parse is CDK_PARSE
    assert not hasattr(DatetimeParser.parse, "what_if")


def test_the_log_variable_is_the_one_the_benchmark_reads():
    assert WHAT_IF.log_variable == SITE.LOG_VARIABLE


def test_a_process_started_with_the_what_if_environment_parses_with_the_fast_path(tmp_path: Path):
    log = tmp_path / "patched.log"
    probe = (
        "from airbyte_cdk.sources.declarative.datetime.datetime_parser import DatetimeParser\n"
        "print(getattr(DatetimeParser.parse, 'what_if', None))\n"
    )

    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=WHAT_IF.environment(log, base={}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "cdk-iso-dates"
    assert WHAT_IF.patched_processes(log) == 1

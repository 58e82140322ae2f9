"""The throughput benchmark's options: what each takes, and a usage error naming the option."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import BenchmarkUsageError
from benchmarks.throughput.cache import DEFAULT_CACHE
from benchmarks.throughput.options import Options, parse_options


def test_without_options_the_benchmark_runs_three_times_without_profile_or_what_if():
    assert parse_options([]) == Options(repeat=3, cache=DEFAULT_CACHE, what_if=None)


def test_every_option_is_taken():
    options = parse_options(
        [
            "--repeat",
            "5",
            "--profile",
            "--profile-out",
            "p.md",
            "--cache",
            "c",
            "--what-if",
            "cdk-iso-dates",
        ]
    )

    assert options == Options(5, True, Path("p.md"), Path("c"), "cdk-iso-dates")


def test_a_what_if_the_benchmark_does_not_have_is_refused_naming_the_ones_it_has():
    with pytest.raises(BenchmarkUsageError) as refused:
        parse_options(["--what-if", "faster-json"])

    assert "--what-if" in str(refused.value)
    assert "faster-json" in str(refused.value)
    assert "cdk-iso-dates" in str(refused.value)


def test_a_what_if_without_its_name_is_refused():
    with pytest.raises(BenchmarkUsageError, match="--what-if"):
        parse_options(["--what-if"])


def test_an_unknown_option_is_refused_listing_the_options_there_are():
    with pytest.raises(BenchmarkUsageError) as refused:
        parse_options(["--what-if-all"])

    assert "--what-if-all" in str(refused.value)
    assert "--what-if {cdk-iso-dates}" in str(refused.value)


@pytest.mark.parametrize("repeat", ["0", "-1"])
def test_fewer_than_one_run_is_refused(repeat: str):
    with pytest.raises(BenchmarkUsageError, match="--repeat must be 1 or more"):
        parse_options(["--repeat", repeat])

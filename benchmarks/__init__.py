"""Benchmarks run by ``make bench`` (never by ``make test``)."""


class BenchmarkError(Exception):
    """A benchmark that cannot produce its figures; the message says why and what to do.

    ``python -m benchmarks`` reports it as the benchmark's ``error`` and exits 1, without a
    traceback.
    """


class BenchmarkUsageError(BenchmarkError):
    """Options a benchmark does not take; ``python -m benchmarks`` exits 2."""

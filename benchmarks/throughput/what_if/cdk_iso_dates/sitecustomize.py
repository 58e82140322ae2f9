"""What-if ``cdk-iso-dates``: the CDK's ``DatetimeParser.parse`` with a fast path for ISO dates.

Never shipped in a connector: ``python -m benchmarks throughput --what-if cdk-iso-dates`` puts
this folder first on the ``PYTHONPATH`` of the connector processes it measures, so Python runs
this module at start-up (as ``sitecustomize``), and the figures say what the change would buy if
the CDK made it upstream.

Why: a connector's incremental cursor parses every record's cursor value twice with
``datetime.strptime`` (a few microseconds each: a regular expression built from the format, a
dict of fields, a ``datetime``); for ``"%Y-%m-%d"`` and ``"%Y-%m-%d %H:%M:%S"`` a shape check and
``datetime.fromisoformat`` give the same ``datetime`` in a fraction of that.

The fast path answers exactly as the CDK does, or not at all. It takes a ``str`` only when it is
exactly ``YYYY-MM-DD`` (or ``YYYY-MM-DD HH:MM:SS``) in ASCII digits, returns what the CDK returns
for it (a ``datetime`` in UTC), and leaves everything else to the CDK's own code: other
formats, other types, and the strings ``strptime`` reads differently from ``fromisoformat``
(``"2024-1-01"`` and a year in full-width digits are dates to ``strptime``;
``"2024-01-01T00:00:00"`` and ``"2024-01-01 00:00:00+01:00"`` are dates to ``fromisoformat``).
A string of the right shape that is not a date (``"2024-02-30"``) goes to the CDK too, so its
``ValueError`` is the CDK's own::

    >>> parse = fast_parse(lambda self, date, format: "the CDK's answer")
    >>> parse(None, "2024-03-19", "%Y-%m-%d")
    datetime.datetime(2024, 3, 19, 0, 0, tzinfo=datetime.timezone.utc)
    >>> parse(None, "2024-3-19", "%Y-%m-%d")
    "the CDK's answer"

The CDK module is patched when it is first imported (an import hook), not imported here: start-up
imports the same modules in the same order as without the what-if. With ``CDK_ISO_DATES_LOG``
set, each process that patched appends its pid to that file, so the benchmark can tell that the
measured processes ran with the patch.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

TARGET_MODULE = "airbyte_cdk.sources.declarative.datetime.datetime_parser"
LOG_VARIABLE = "CDK_ISO_DATES_LOG"
MARK = "cdk-iso-dates"
# the formats the fast path takes, each with the one shape of string it answers for
SHAPES = {
    "%Y-%m-%d": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "%Y-%m-%d %H:%M:%S": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}"),
}

Parse = Callable[[Any, Any, str], datetime]


def fast_parse(original: Parse) -> Parse:
    """``original`` (``DatetimeParser.parse``) with the fast path in front of it."""
    shapes, utc, from_iso = SHAPES, UTC, datetime.fromisoformat

    def parse(self: Any, date: Any, format: str) -> datetime:
        if type(date) is str:
            shape = shapes.get(format)
            if shape is not None and shape.fullmatch(date):
                try:
                    return from_iso(date).replace(tzinfo=utc)
                except ValueError:
                    pass  # not a date (day 30 of February): the CDK's own error
        return original(self, date, format)

    parse.__wrapped__ = original  # type: ignore[attr-defined]
    parse.what_if = MARK  # type: ignore[attr-defined]
    return parse


def patch(module: ModuleType) -> None:
    """Put the fast path on the module's ``DatetimeParser`` (once) and log the process."""
    parser = module.DatetimeParser
    if getattr(parser.parse, "what_if", None) == MARK:
        return
    parser.parse = fast_parse(parser.parse)
    log = os.environ.get(LOG_VARIABLE)
    if log:
        with open(log, "a", encoding="utf-8") as file:
            file.write(f"{os.getpid()}\n")


class PatchOnImport(MetaPathFinder):
    """Finds the CDK module with the other finders and patches it once its code has run."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != TARGET_MODULE:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                _patch_after_exec(spec.loader)
                return spec
        return None


def _patch_after_exec(loader: Any) -> None:
    run = loader.exec_module

    def exec_module(module: ModuleType) -> None:
        run(module)
        patch(module)

    loader.exec_module = exec_module


def install() -> None:
    """Patch the CDK now if it is already imported, else when it is."""
    loaded = sys.modules.get(TARGET_MODULE)
    if loaded is not None:
        patch(loaded)
    elif not any(isinstance(finder, PatchOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, PatchOnImport())


# only as the interpreter's sitecustomize: a test importing this file under another name must
# not patch the CDK of its own process
if __name__ == "sitecustomize":
    install()

"""Command output conventions: one JSON document on stdout, logs on stderr, fixed exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from enum import IntEnum
from typing import IO, Any

from airbyte_provisioning.core.redact import redact_value


class ExitCode(IntEnum):
    """What a command's exit status means; CI pipelines branch on these."""

    OK = 0
    PROBLEMS = 1  # the command ran and found (or hit) problems; its JSON lists them
    USAGE = 2  # bad options, variables or input files; nothing was attempted
    # ``--detailed-exitcode`` plans (as terraform does): changes are pending. An alias of USAGE.
    CHANGES_PENDING = 2


def emit_json(document: Any, secrets: Iterable[str] = (), stream: IO[str] | None = None) -> None:
    """Print ``document`` as indented JSON with every known secret scrubbed."""
    out = stream or sys.stdout
    out.write(json.dumps(redact_value(document, tuple(secrets)), indent=2, sort_keys=False))
    out.write("\n")
    out.flush()

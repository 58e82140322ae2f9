"""Command output conventions: one JSON document on stdout, logs on stderr, fixed exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import IO, Any

from airbyte_provisioning.redact import redact_value

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def emit_json(document: Any, secrets: Iterable[str] = (), stream: IO[str] | None = None) -> None:
    """Print ``document`` as indented JSON with every known secret scrubbed."""
    out = stream or sys.stdout
    out.write(json.dumps(redact_value(document, tuple(secrets)), indent=2, sort_keys=False))
    out.write("\n")
    out.flush()

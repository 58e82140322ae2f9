"""Command output conventions: one JSON document on stdout, logs on stderr, fixed exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import IO, Any

from airbyte_provisioning.core.redact import redact_value

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def abort(
    document: dict[str, Any], variable: str, message: str, secrets: Iterable[str], event: str
) -> int:
    """Finish a command that cannot go on: the reason, naming its variable, in its JSON answer."""
    from airbyte_provisioning.core import logs

    document.update(ok=False, problems=[{"variable": variable, "message": message}])
    logs.log(40, event, reason=message)
    emit_json(document, secrets)
    return EXIT_PROBLEMS


def emit_json(document: Any, secrets: Iterable[str] = (), stream: IO[str] | None = None) -> None:
    """Print ``document`` as indented JSON with every known secret scrubbed."""
    out = stream or sys.stdout
    out.write(json.dumps(redact_value(document, tuple(secrets)), indent=2, sort_keys=False))
    out.write("\n")
    out.flush()

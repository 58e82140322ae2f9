"""Field-level differences between desired and observed state (pure), as plans show them.

Each change is ``{"field", "from", "to"}``; a field present on one side only shows ``(absent)``
on the other. Secrets are never compared here: a managed source's secrets are compared through
their fingerprint (see :meth:`~.model.DesiredSource.secret_fingerprint`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airbyte_provisioning.core.jsonpath import format_path
from airbyte_provisioning.core.redact import AIRBYTE_MASK
from airbyte_provisioning.core.types import JsonDict
from airbyte_provisioning.reconcile.model import (
    FINGERPRINT_KEY,
    STATE_FIELDS,
    DesiredSource,
    flatten,
)

ABSENT = "(absent)"


def diff_fields(before: Any, after: Any, prefix: str = "") -> list[JsonDict]:
    """Leaf differences of two normal forms, as ``{field, from, to}`` (dicts recurse)."""
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        out: list[JsonDict] = []
        for key in sorted(set(before) | set(after), key=str):
            name = f"{prefix}.{key}" if prefix else str(key)
            if key not in before:
                out.append({"field": name, "from": ABSENT, "to": after[key]})
            elif key not in after:
                out.append({"field": name, "from": before[key], "to": ABSENT})
            else:
                out.extend(diff_fields(before[key], after[key], name))
        return out
    if before == after:
        return []
    return [{"field": prefix, "from": before, "to": after}]


def config_changes(source: DesiredSource, observed: Mapping[str, Any]) -> list[JsonDict]:
    """Non-secret config differences; a masked or secret path is left to the fingerprint."""
    wanted = flatten(source.redacted_config())
    seen = flatten({k: v for k, v in observed.items() if k != FINGERPRINT_KEY})
    secret = set(source.secret_paths)
    changes: list[JsonDict] = []
    for path in sorted(set(wanted) | set(seen), key=lambda p: [str(x) for x in p]):
        if path in secret or AIRBYTE_MASK in (wanted.get(path), seen.get(path)):
            continue
        if wanted.get(path, ABSENT) != seen.get(path, ABSENT):
            changes.append(
                {
                    "field": f"config.{format_path(path)}" if path else "config",
                    "from": seen.get(path, ABSENT),
                    "to": wanted.get(path, ABSENT),
                }
            )
    return changes


def resets_for(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Streams whose state Airbyte deletes when ``after``'s catalog replaces ``before``'s."""
    affected = []
    for name, old in before.items():
        new = after.get(name)
        if new is None or any(old.get(f) != new.get(f) for f in STATE_FIELDS):
            affected.append(name)
    return sorted(affected)

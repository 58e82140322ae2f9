"""Connector configurations: secrets masked on read and restored on write, checked against the spec.

Secrets (``airbyte_secret`` in the definition's spec, or a secret-looking key name the spec does
not describe) read back as ``**********``; sending the mask back keeps the stored value
(Airbyte's ``copySecrets``). Validation errors are phrased like Airbyte's validator and never
quote the (maybe secret) value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import jsonschema

from airbyte_provisioning.core.types import JsonDict
from sandboxes.airbyte.catalogs import Definition
from sandboxes.airbyte.errors import unfulfilled_spec

MASK = "**********"
_SECRET_KEY = re.compile(
    r"(token|secret|password|passwd|api_key|apikey|private_key|credentials_json|authorization)",
    re.I,
)


def _spec_properties(schema: Any) -> dict[str, Any]:
    """Properties a (sub)schema can hold, across oneOf/anyOf/allOf branches."""
    if not isinstance(schema, Mapping):
        return {}
    found = dict(schema.get("properties") or {})
    for keyword in ("oneOf", "anyOf", "allOf"):
        for branch in schema.get(keyword) or []:
            for key, sub in _spec_properties(branch).items():
                found.setdefault(key, sub)
    return found


def mask_secrets(value: Any, schema: Any) -> Any:
    """``value`` with every secret replaced by the mask (spec first, key name as fallback)."""
    if isinstance(value, Mapping):
        props = _spec_properties(schema)
        out: JsonDict = {}
        for key, item in value.items():
            sub = props.get(key)
            secret = (
                bool(sub.get("airbyte_secret"))
                if isinstance(sub, Mapping)
                else bool(_SECRET_KEY.search(key))
            )
            if secret and item not in (None, "") and not isinstance(item, (Mapping, list)):
                out[key] = MASK
            else:
                out[key] = mask_secrets(item, sub)
        return out
    if isinstance(value, list):
        items = schema.get("items") if isinstance(schema, Mapping) else None
        return [mask_secrets(item, items) for item in value]
    return value


def restore_secrets(new: Any, old: Any) -> Any:
    """Where ``new`` holds the mask, put back the stored value (Airbyte's ``copySecrets``)."""
    if new == MASK and old is not None and not isinstance(old, (Mapping, list)):
        return old
    if isinstance(new, Mapping) and isinstance(old, Mapping):
        return {k: restore_secrets(v, old.get(k)) for k, v in new.items()}
    if isinstance(new, list) and isinstance(old, list):
        return [restore_secrets(v, old[i] if i < len(old) else None) for i, v in enumerate(new)]
    return new


def config_strings(value: Any) -> Iterable[str]:
    if isinstance(value, Mapping):
        for item in value.values():
            yield from config_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from config_strings(item)
    elif isinstance(value, str):
        yield value


def _error_text(error: jsonschema.ValidationError) -> str:
    path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in str(error.message) else "?"
        return f"{path}.{missing}: is missing but it is required"
    if error.validator == "type":
        return f"{path}: {error.validator_value} found where another type was expected"
    if error.validator == "pattern":
        return f"{path}: does not match the regex pattern {error.validator_value}"
    if error.validator == "enum":
        return f"{path}: does not have a value in the enumeration {error.validator_value}"
    return f"{path}: does not satisfy '{error.validator}'"


def spec_errors(config: Any, spec: Mapping[str, Any]) -> list[str]:
    """Validation errors of ``config`` against a connector spec, in path order."""
    validator = jsonschema.Draft7Validator(spec)
    found = sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    return [_error_text(error) for error in found]


def validate_config(definition: Definition, config: Any) -> None:
    """422 ``BadObjectSchemaKnownException`` when ``config`` breaks the definition's spec."""
    if not isinstance(config, Mapping):
        raise unfulfilled_spec("$: object expected")
    errors = spec_errors(config, definition.spec)
    if errors:
        raise unfulfilled_spec(
            "json schema validation failed when comparing the data to the json schema. \nErrors: "
            + ", ".join(errors)
        )

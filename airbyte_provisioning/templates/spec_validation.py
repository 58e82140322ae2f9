"""A rendered config against its connector's spec: schema problems, unknown keys, secret fields.

The real specs accept unknown keys silently, so :func:`validate_config` also reports every key the
spec does not define (a typo would otherwise be ignored). ``oneOf`` branches are chosen by their
``const`` keys (``auth_type``), so a problem is reported inside the branch the config selected.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema

from airbyte_provisioning.core.jsonpath import ROOT, JsonPath, format_path
from airbyte_provisioning.core.paths import REPO_ROOT, TEMPLATES_DIR
from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.core.redact import is_secret_key, is_secret_name
from airbyte_provisioning.templates import gaql, spec_snapshots
from airbyte_provisioning.templates.template_files import connector_spec, load_template

_LIMITS = {
    "maximum": "at most",
    "minimum": "at least",
    "exclusiveMinimum": "more than",
    "exclusiveMaximum": "less than",
    "minItems": "at least (items)",
    "maxItems": "at most (items)",
}


def _branches(schema: Mapping[str, Any], value: Any) -> list[Mapping[str, Any]]:
    """The sub-schemas that apply to ``value``: a oneOf branch chosen by its ``const`` keys."""
    options = [s for key in ("oneOf", "anyOf") for s in schema.get(key, ())]
    if not options:
        return [schema]
    if isinstance(value, Mapping):
        chosen = [
            s
            for s in options
            if all(
                value.get(k) == p["const"]
                for k, p in (s.get("properties") or {}).items()
                if isinstance(p, Mapping) and "const" in p
            )
        ]
        if len(chosen) == 1:
            return [schema, chosen[0]]
    return [schema, *options]


def _walk(
    schema: Mapping[str, Any], value: Any, path: JsonPath
) -> Iterator[tuple[JsonPath, Mapping[str, Any], Any]]:
    yield path, schema, value
    schemas = _branches(schema, value)
    if isinstance(value, Mapping):
        for key, child in value.items():
            for s in schemas:
                prop = (s.get("properties") or {}).get(key)
                if isinstance(prop, Mapping):
                    yield from _walk(prop, child, (*path, key))
                    break
    elif isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, Mapping):
            for i, child in enumerate(value):
                yield from _walk(items, child, (*path, i))


def _unknown_keys(schema: Mapping[str, Any], config: Any) -> list[Problem]:
    problems: list[Problem] = []
    for path, node, value in _walk(schema, config, ()):
        if not isinstance(value, Mapping):
            continue
        schemas = _branches(node, value)
        if any(
            isinstance(s.get("additionalProperties"), Mapping) or s.get("patternProperties")
            for s in schemas
        ):
            continue
        known = {k for s in schemas for k in (s.get("properties") or {})}
        if not known:
            continue
        for key in value:
            if key not in known:
                close = difflib.get_close_matches(key, sorted(known), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                problems.append(
                    Problem(
                        f"unknown key {key!r}: the connector's spec does not define it and would "
                        f"ignore it silently{hint}",
                        code="unknown_key",
                        path=format_path((*path, key)),
                    )
                )
    return problems


def secret_paths(
    config: Any, spec: Mapping[str, Any], provenance: Mapping[JsonPath, tuple[str, ...]]
) -> list[JsonPath]:
    """Config paths holding a credential: marked ``airbyte_secret``, named like one, or fed by a
    variable named like one."""
    secret: list[JsonPath] = []
    for path, node, value in _walk(spec, config, ()):
        if not path or isinstance(value, Mapping | list):
            continue
        key = path[-1]
        if (
            node.get("airbyte_secret")
            or (isinstance(key, str) and is_secret_key(key))
            or any(is_secret_name(v) for v in provenance.get(path, ()))
        ):
            secret.append(path)
    for path, used in provenance.items():
        if path[:1] != ("derived",) and path not in secret and any(is_secret_name(v) for v in used):
            secret.append(path)
    return secret


def _schema_message(error: jsonschema.ValidationError, secret: bool) -> str:
    shown = "" if secret else f" (got {error.instance!r})"
    kind = error.validator
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if kind == "pattern":
        hint = schema.get("pattern_descriptor")
        return f"does not match {error.validator_value}" + (f" ({hint})" if hint else "") + shown
    if kind in _LIMITS:
        return f"must be {_LIMITS[str(kind)]} {error.validator_value}{shown}"
    if kind == "enum":
        return f"must be one of {error.validator_value}{shown}"
    if kind == "type":
        return f"must be of type {error.validator_value}, got {type(error.instance).__name__}"
    if kind == "required":
        return "is required by the connector's spec"
    return f"fails the spec's {kind} rule"


def _branch_error(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """The failure inside the oneOf branch the value selected with its ``const`` key (auth_type)."""
    options = list(error.validator_value) if isinstance(error.validator_value, list) else []
    chosen = _branches({"oneOf": options}, error.instance)
    if len(chosen) == 2:
        index = options.index(chosen[1])
        inside = [e for e in error.context or () if list(e.relative_schema_path)[:1] == [index]]
        if inside:
            return jsonschema.exceptions.best_match(inside)
    return jsonschema.exceptions.best_match(error.context or ())


def _schema_problems(spec: Mapping[str, Any], config: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    validator = jsonschema.Draft7Validator(spec)
    for error in sorted(
        validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path))
    ):
        while error.validator in {"oneOf", "anyOf"} and error.context:
            error = _branch_error(error)
        path = tuple(error.absolute_path)
        if error.validator == "required":
            missing = re.match(r"'([^']+)' is a required property", error.message)
            if missing:
                path = (*path, missing.group(1))
        secret = any(isinstance(p, str) and is_secret_key(p) for p in path)
        problems.append(
            Problem(_schema_message(error, secret), code="spec_violation", path=format_path(path))
        )
    return problems


def _gaql_problems(config: Mapping[str, Any]) -> list[Problem]:
    """The Google Ads connector's custom queries: GAQL the connector accepts."""
    problems: list[Problem] = []
    for i, item in enumerate(config.get("custom_queries_array") or ()):
        reasons = gaql.check(str(item.get("query", ""))) if isinstance(item, Mapping) else []
        problems.extend(
            Problem(f"GAQL query {r}", code="bad_gaql", path=f"custom_queries_array[{i}].query")
            for r in reasons
        )
    return problems


def validate_config(
    name: str,
    config: Mapping[str, Any],
    templates_dir: Path = TEMPLATES_DIR,
    repo_root: Path = REPO_ROOT,
) -> list[Problem]:
    """Problems of ``config`` against the template's connector spec, unknown keys included."""
    try:
        spec = connector_spec(name, templates_dir, repo_root)
    except spec_snapshots.SnapshotError as exc:
        return [Problem(str(exc), code="spec_unavailable", path=ROOT)]
    if spec is None:
        template = load_template(name, templates_dir)
        return [
            Problem(
                f"cannot validate: {template['source']['connector_dir']}/manifest.yaml does not exist yet",
                code="spec_unavailable",
                path=ROOT,
            )
        ]
    problems = _schema_problems(spec, config)
    problems.extend(_unknown_keys(spec, config))
    if load_template(name, templates_dir)["source"]["connector"] == "source-google-ads":
        problems.extend(_gaql_problems(config))
    return problems

"""Render the source templates in ``templates/`` into concrete connector configurations.

Pure API (no network, no process environment: everything comes from the mapping you pass)::

    names = template_names()                      # ["ga4", "google_ads", "linkedin_ads", ...]
    rendered = render_source("meta", env)         # RenderedSource, or raises RenderError
    problems = validate_config("meta", config)    # [Problem] against the pinned spec snapshot

``render_source`` returns the connector ``config``, the source ``definition`` (Docker repository,
pinned version and definition id, or the custom connector's folder and manifest), ``secret_paths``
(config paths holding credentials), ``variables`` (which variables fed each config path),
``derived`` values that are validated but not sent, ``notes`` and the template ``connections``
(streams, sync mode, cursor, primary key, destination sync mode). Tenant fan-out calls it with a
mapping in which the tenant's account ids replace the global ones. :class:`RenderError` lists every
problem at once, each naming the variable and the config field.

Template files: ``templates/<name>_source.yaml`` (definition, derived values, connections) points at
a ``config_template`` JSON file whose strings may hold placeholders::

    ${NAME}                      required; unset or empty is an error naming NAME
    ${NAME:-default}             default when unset or empty
    ${NAME | filter | filter:arg}  typed conversions, applied left to right
    $${                          a literal "${"

Filters: ``optional`` (omit the key when unset), ``int``, ``csv`` (comma list), ``strip_prefix:X``,
``remove:X``, ``join:X``, ``date`` (YYYY-MM-DD), ``datetime`` (YYYY-MM-DDTHH:MM:SSZ, UTC),
``at_least:OTHER_VAR``, ``digits:N``, ``map:a=b,c=d``, ``default_file:path`` and ``gaql`` (a query
the official Google Ads connector accepts and syncs incrementally). Scalar filters apply to each
element of a list. A placeholder that is the whole string yields a typed value (list, int);
placeholders inside longer strings are interpolated as text.

``validate_config`` checks a config against the snapshot under ``templates/specs/`` (official
connectors) or the manifest's ``spec`` (custom connectors), and also reports keys the spec does not
define: the real specs accept unknown keys silently, so a typo would otherwise be ignored.
"""

from __future__ import annotations

import copy
import difflib
import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from airbyte_provisioning.core.redact import REDACTED, is_secret_key, is_secret_name
from airbyte_provisioning.templates import gaql, spec_snapshots

REPO_ROOT = spec_snapshots.REPO_ROOT
TEMPLATES_DIR = spec_snapshots.TEMPLATES_DIR
_PLACEHOLDER = re.compile(r"\$(\$?)\{([^}]*)\}")
_BODY = re.compile(
    r"^\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?::-(?P<default>[^|]*))?(?P<filters>(?:\|[^|]*)*)$"
)
Path_ = tuple[str | int, ...]


class _Omit:
    """Marker: an ``optional`` placeholder whose variable is unset; the key is left out."""


OMIT = _Omit()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rendered config: where, what, and which variables produced it."""

    path: str
    message: str
    variables: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f"{', '.join(self.variables)} -> {self.path}" if self.variables else self.path
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "variables": list(self.variables), "message": self.message}


class RenderError(ValueError):
    """Rendering failed; ``problems`` holds every problem, each naming its variable."""

    def __init__(self, template: str, problems: list[Problem]) -> None:
        self.template = template
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"template {template!r} cannot be rendered:\n{lines}")


class TemplateError(ValueError):
    """A template file that is itself broken (unknown template, unknown filter, bad syntax)."""


@dataclass(frozen=True)
class StreamSelection:
    name: str
    sync_mode: str
    destination_sync_mode: str
    cursor_field: tuple[str, ...] = ()
    primary_key: tuple[tuple[str, ...], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "sync_mode": self.sync_mode,
            "cursor_field": list(self.cursor_field),
            "primary_key": [list(p) for p in self.primary_key],
            "destination_sync_mode": self.destination_sync_mode,
        }


@dataclass(frozen=True)
class ConnectionTemplate:
    template: str
    schedule_group: str
    streams: tuple[StreamSelection, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "template": self.template,
            "schedule_group": self.schedule_group,
            "streams": [s.to_dict() for s in self.streams],
        }


@dataclass(frozen=True)
class SourceDefinition:
    """Where the connector comes from: a pinned official image, or a folder of this repository."""

    kind: str  # "official" | "custom"
    connector: str
    version: str | None = None
    docker_repository: str | None = None
    definition_id: str | None = None
    pypi_package: str | None = None
    spec_snapshot: str | None = None
    connector_dir: str | None = None
    manifest: str | None = None

    @property
    def docker_image(self) -> str | None:
        if self.docker_repository and self.version:
            return f"{self.docker_repository}:{self.version}"
        return None

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if v is not None}
        if self.docker_image:
            data["docker_image"] = self.docker_image
        return data


@dataclass(frozen=True)
class RenderedSource:
    name: str
    title: str
    platform: str
    definition: SourceDefinition
    config: dict[str, Any]
    secret_paths: tuple[Path_, ...]
    variables: dict[str, tuple[str, ...]]
    derived: dict[str, Any]
    notes: tuple[str, ...]
    connections: tuple[ConnectionTemplate, ...]

    def redacted_config(self) -> dict[str, Any]:
        config: dict[str, Any] = json.loads(json.dumps(self.config))
        for path in self.secret_paths:
            _set_path(config, path, REDACTED)
        return config

    def to_dict(self, include_secrets: bool = False) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "platform": self.platform,
            "definition": self.definition.to_dict(),
            "config": self.config if include_secrets else self.redacted_config(),
            # lists, not mappings keyed by field: the JSON emitter masks keys that look secret
            "masked_paths": [format_path(p) for p in self.secret_paths],
            "variables": [{"path": k, "from": list(v)} for k, v in self.variables.items()],
            "derived": self.derived,
            "notes": list(self.notes),
            "connections": [c.to_dict() for c in self.connections],
        }


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


def _set_path(document: Any, path: Path_, value: Any) -> None:
    for part in path[:-1]:
        document = document[part]
    document[path[-1]] = value


# --- placeholders and filters --------------------------------------------------------------------


class _FilterError(ValueError):
    pass


@dataclass
class _Context:
    env: Mapping[str, str]
    templates_dir: Path
    used: list[str] = field(default_factory=list)


def _each(value: Any, fn: Callable[[Any], Any]) -> Any:
    return [fn(v) for v in value] if isinstance(value, list) else fn(value)


def _to_int(value: Any) -> int:
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise _FilterError(f"must be a whole number, got {text!r}")
    return int(text)


def _parse_when(text: str) -> datetime:
    text = str(text).strip()
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _FilterError(f"must be a date (YYYY-MM-DD) or ISO timestamp, got {text!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _csv(value: Any) -> list[str]:
    items = [part.strip() for part in str(value).split(",") if part.strip()]
    if not items:
        raise _FilterError("must list at least one value (comma-separated)")
    return items


def _digits(value: Any, count: str) -> Any:
    def check(item: Any) -> Any:
        if not re.fullmatch(rf"[0-9]{{{int(count)}}}", str(item)):
            raise _FilterError(f"must be {count} digits (dashes are removed), got {str(item)!r}")
        return item

    return _each(value, check)


def _map(value: Any, table: str) -> Any:
    pairs = dict(item.split("=", 1) for item in table.split(","))

    def lookup(item: Any) -> Any:
        if str(item) not in pairs:
            raise _FilterError(f"must be one of {', '.join(pairs)}, got {str(item)!r}")
        return pairs[str(item)]

    return _each(value, lookup)


def _at_least(value: Any, other: str, ctx: _Context) -> int:
    ctx.used.append(other)
    raw = ctx.env.get(other, "").strip()
    if not raw:
        return _to_int(value)
    try:
        return max(_to_int(value), _to_int(raw))
    except _FilterError as exc:
        raise _FilterError(f"{other} {exc}") from None


def _gaql(value: Any) -> Any:
    reasons = gaql.check(str(value), require_incremental=True)
    if reasons:
        raise _FilterError("GAQL query " + "; ".join(reasons))
    return " ".join(str(value).split())


_FILTERS: dict[str, Callable[[Any, str, _Context], Any]] = {
    "int": lambda v, _a, _c: _each(v, _to_int),
    "csv": lambda v, _a, _c: _csv(v),
    "strip_prefix": lambda v, a, _c: _each(v, lambda s: str(s).removeprefix(a)),
    "remove": lambda v, a, _c: _each(v, lambda s: str(s).replace(a, "")),
    "join": lambda v, a, _c: a.join(str(s) for s in v) if isinstance(v, list) else v,
    "date": lambda v, _a, _c: _each(v, lambda s: _parse_when(s).date().isoformat()),
    "datetime": lambda v, _a, _c: _each(v, lambda s: _parse_when(s).strftime("%Y-%m-%dT%H:%M:%SZ")),
    "at_least": lambda v, a, c: _at_least(v, a, c),
    "digits": lambda v, a, _c: _digits(v, a),
    "map": lambda v, a, _c: _map(v, a),
    "gaql": lambda v, _a, _c: _gaql(v),
}
_FLAG_FILTERS = {"optional", "default_file"}


def _parse_body(body: str) -> tuple[str, str | None, list[tuple[str, str]]]:
    match = _BODY.match(body)
    if match is None:
        raise TemplateError(
            f"bad placeholder ${{{body}}}: expected ${{NAME[:-default][ | filter]}}"
        )
    filters: list[tuple[str, str]] = []
    for raw in match.group("filters").split("|")[1:]:
        name, _, arg = raw.strip().partition(":")
        if name not in _FILTERS and name not in _FLAG_FILTERS:
            raise TemplateError(f"unknown filter {name!r} in ${{{body}}}")
        filters.append((name, arg.strip()))
    default = match.group("default")
    return match.group("name"), None if default is None else default.strip(), filters


def _evaluate(body: str, ctx: _Context) -> Any:
    name, default, filters = _parse_body(body)
    ctx.used.append(name)
    value: Any = ctx.env.get(name, "")
    if value.strip() == "":
        value = default if default not in (None, "") else None
    for filter_name, arg in filters:
        if filter_name == "default_file" and value is None:
            value = (ctx.templates_dir / arg).read_text().strip()
    if value is None:
        if any(f == "optional" for f, _ in filters):
            return OMIT
        raise _FilterError("is not set; set it in .env or the environment (see env.example)")
    for filter_name, arg in filters:
        if filter_name not in _FLAG_FILTERS:
            value = _FILTERS[filter_name](value, arg, ctx)
    return value


def _render_string(text: str, ctx: _Context) -> Any:
    whole = _PLACEHOLDER.fullmatch(text.strip())
    if whole and not whole.group(1):
        return _evaluate(whole.group(2), ctx)

    def substitute(match: re.Match[str]) -> str:
        if match.group(1):
            return "${" + match.group(2) + "}"
        value = _evaluate(match.group(2), ctx)
        if value is OMIT:
            return ""
        if isinstance(value, list | dict):
            raise _FilterError("yields a list; it must be the whole string value")
        return str(value)

    return _PLACEHOLDER.sub(substitute, text)


def _render_tree(
    node: Any,
    path: Path_,
    ctx: _Context,
    problems: list[Problem],
    provenance: dict[Path_, tuple[str, ...]],
) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, child in node.items():
            value = _render_tree(child, (*path, key), ctx, problems, provenance)
            if value is not OMIT:
                out[key] = value
        return out
    if isinstance(node, list):
        rendered = [
            _render_tree(c, (*path, i), ctx, problems, provenance) for i, c in enumerate(node)
        ]
        return [v for v in rendered if v is not OMIT]
    if not isinstance(node, str) or "${" not in node:
        return node
    ctx.used = []
    try:
        value = _render_string(node, ctx)
    except _FilterError as exc:
        used = tuple(dict.fromkeys(ctx.used))
        problems.append(Problem(format_path(path), str(exc), used))
        return OMIT
    provenance[path] = tuple(dict.fromkeys(ctx.used))
    return value


# --- templates -----------------------------------------------------------------------------------


def template_names(templates_dir: Path = TEMPLATES_DIR) -> list[str]:
    return sorted(p.name.removesuffix("_source.yaml") for p in templates_dir.glob("*_source.yaml"))


@functools.lru_cache(maxsize=64)
def _parsed_yaml(path: str, mtime_ns: int) -> Any:
    return yaml.safe_load(Path(path).read_text())


def read_yaml(path: Path) -> Any:
    """Parse a YAML file once per modification (fan-out renders the same files per tenant).

    Callers get their own copy, so the cached document can never be changed by one of them.
    """
    return copy.deepcopy(_parsed_yaml(str(path), path.stat().st_mtime_ns))


def load_template(name: str, templates_dir: Path = TEMPLATES_DIR) -> dict[str, Any]:
    path = templates_dir / f"{name}_source.yaml"
    if not path.is_file():
        known = ", ".join(template_names(templates_dir)) or "none"
        raise TemplateError(f"unknown template {name!r} (known: {known})")
    document: dict[str, Any] = read_yaml(path)
    return document


def _definition(template: Mapping[str, Any], repo_root: Path) -> SourceDefinition:
    source = template["source"]
    if source["kind"] == "official":
        pin = _pin(template)
        return SourceDefinition(
            kind="official",
            connector=pin.connector,
            version=pin.version,
            docker_repository=pin.docker_repository,
            definition_id=pin.definition_id,
            pypi_package=pin.pypi_package,
            spec_snapshot=f"templates/specs/{pin.snapshot_name}",
        )
    connector_dir = str(source["connector_dir"])
    metadata_path = repo_root / connector_dir / "metadata.yaml"
    meta: dict[str, Any] = {}
    if metadata_path.is_file():
        meta = (read_yaml(metadata_path) or {}).get("data") or {}
    return SourceDefinition(
        kind="custom",
        connector=str(source["connector"]),
        version=meta.get("dockerImageTag"),
        docker_repository=meta.get("dockerRepository"),
        definition_id=meta.get("definitionId"),
        connector_dir=connector_dir,
        manifest=f"{connector_dir}/manifest.yaml",
    )


def _pin(template: Mapping[str, Any]) -> spec_snapshots.ConnectorPin:
    source = template["source"]
    return spec_snapshots.ConnectorPin(
        template=str(template["name"]),
        connector=str(source["connector"]),
        version=str(source["version"]),
        pypi_package=str(source["pypi_package"]),
        docker_repository=str(source["docker_repository"]),
        definition_id=str(source["definition_id"]),
    )


def _connections(template: Mapping[str, Any]) -> tuple[ConnectionTemplate, ...]:
    return tuple(
        ConnectionTemplate(
            template=str(c["template"]),
            schedule_group=str(c["schedule_group"]),
            streams=tuple(
                StreamSelection(
                    name=str(s["name"]),
                    sync_mode=str(s["sync_mode"]),
                    destination_sync_mode=str(s["destination_sync_mode"]),
                    cursor_field=tuple(s.get("cursor_field") or ()),
                    primary_key=tuple(tuple(p) for p in s.get("primary_key") or ()),
                )
                for s in c["streams"]
            ),
        )
        for c in template.get("connections") or ()
    )


def connector_spec(
    name: str, templates_dir: Path = TEMPLATES_DIR, repo_root: Path = REPO_ROOT
) -> dict[str, Any] | None:
    """The connection specification a template's config must satisfy (None: manifest not written yet)."""
    template = load_template(name, templates_dir)
    if template["source"]["kind"] == "official":
        return spec_snapshots.connection_specification(_pin(template), templates_dir)
    manifest_path = repo_root / template["source"]["connector_dir"] / "manifest.yaml"
    if not manifest_path.is_file():
        return None
    manifest = read_yaml(manifest_path) or {}
    spec: dict[str, Any] | None = (manifest.get("spec") or {}).get("connection_specification")
    return spec


def render_source(
    name: str,
    env: Mapping[str, str],
    templates_dir: Path = TEMPLATES_DIR,
    repo_root: Path = REPO_ROOT,
) -> RenderedSource:
    """Render template ``name`` with ``env``; :class:`RenderError` lists every problem."""
    template = load_template(name, templates_dir)
    config_template = json.loads(
        (templates_dir / template["source"]["config_template"]).read_text()
    )
    ctx = _Context(env=env, templates_dir=templates_dir)
    problems: list[Problem] = []
    provenance: dict[Path_, tuple[str, ...]] = {}
    config = _render_tree(config_template, (), ctx, problems, provenance)

    derived: dict[str, Any] = {}
    notes: list[str] = []
    for key, entry in (template.get("derived") or {}).items():
        before = len(problems)
        value = _render_tree(entry["value"], ("derived", key), ctx, problems, provenance)
        used = provenance.get(("derived", key), ())
        if len(problems) == before:
            secret = any(is_secret_name(v) for v in used)
            derived[key] = None if value is OMIT else (REDACTED if secret else value)
            notes.append(f"{', '.join(used)}: {' '.join(str(entry['note']).split())}")

    try:
        spec = connector_spec(name, templates_dir, repo_root)
    except spec_snapshots.SnapshotError as exc:
        raise RenderError(name, [*problems, Problem("(root)", str(exc))]) from exc
    if spec is None:
        notes.append(
            f"not validated: {template['source']['connector_dir']}/manifest.yaml does not exist yet"
        )
    else:
        failed = {p.path for p in problems}
        for problem in validate_config(name, config, templates_dir, repo_root):
            if problem.path not in failed:
                problems.append(_attribute(problem, provenance))
    if problems:
        raise RenderError(name, problems)
    return RenderedSource(
        name=name,
        title=str(template.get("title", name)),
        platform=str(template.get("platform", name)),
        definition=_definition(template, repo_root),
        config=config,
        secret_paths=tuple(_secret_paths(config, spec or {}, (), provenance)),
        variables={format_path(p): v for p, v in provenance.items() if p[:1] != ("derived",)},
        derived=derived,
        notes=tuple(notes),
        connections=_connections(template),
    )


def _attribute(problem: Problem, provenance: Mapping[Path_, tuple[str, ...]]) -> Problem:
    """Name the variables behind a spec problem (the field itself, or what lies under it)."""
    names: list[str] = []
    for path, used in provenance.items():
        text = format_path(path)
        if (
            problem.path == text
            or problem.path.startswith(text + ".")
            or problem.path.startswith(text + "[")
        ):
            names.extend(used)
    if not names:
        for path, used in provenance.items():
            if format_path(path).startswith(problem.path + ".") and problem.path != "(root)":
                names.extend(used)
    return Problem(problem.path, problem.message, tuple(dict.fromkeys(names)))


# --- validation ----------------------------------------------------------------------------------


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
    schema: Mapping[str, Any], value: Any, path: Path_
) -> Iterator[tuple[Path_, Mapping[str, Any], Any]]:
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
                        format_path((*path, key)),
                        f"unknown key {key!r}: the connector's spec does not define it and would "
                        f"ignore it silently{hint}",
                    )
                )
    return problems


def _secret_paths(
    config: Any, spec: Mapping[str, Any], _path: Path_, provenance: Mapping[Path_, tuple[str, ...]]
) -> list[Path_]:
    secret: list[Path_] = []
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
    limits = {
        "maximum": "at most",
        "minimum": "at least",
        "exclusiveMinimum": "more than",
        "exclusiveMaximum": "less than",
        "minItems": "at least (items)",
        "maxItems": "at most (items)",
    }
    if kind in limits:
        return f"must be {limits[str(kind)]} {error.validator_value}{shown}"
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
        return [Problem("(root)", str(exc))]
    if spec is None:
        template = load_template(name, templates_dir)
        return [
            Problem(
                "(root)",
                f"cannot validate: {template['source']['connector_dir']}/manifest.yaml does not exist yet",
            )
        ]
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
        problems.append(Problem(format_path(path), _schema_message(error, secret)))
    problems.extend(_unknown_keys(spec, config))
    if load_template(name, templates_dir)["source"]["connector"] == "source-google-ads":
        for i, item in enumerate(config.get("custom_queries_array") or ()):
            reasons = gaql.check(str(item.get("query", ""))) if isinstance(item, Mapping) else []
            problems.extend(
                Problem(f"custom_queries_array[{i}].query", f"GAQL query {r}") for r in reasons
            )
    return problems

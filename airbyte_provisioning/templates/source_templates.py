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

This module is the public face; the work is done by :mod:`.template_files` (reading templates),
:mod:`.placeholders` (placeholders and filters), :mod:`.spec_validation` (the spec check) and
:mod:`.rendered` (the result types). Problems are :class:`~airbyte_provisioning.core.problems.Problem`
with ``path`` (the config field) and ``variables`` (what fed it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from airbyte_provisioning.core.jsonpath import ROOT, JsonPath, format_path
from airbyte_provisioning.core.paths import REPO_ROOT, TEMPLATES_DIR
from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.core.redact import REDACTED, is_secret_name
from airbyte_provisioning.templates import spec_snapshots
from airbyte_provisioning.templates.placeholders import RenderContext, render_tree
from airbyte_provisioning.templates.rendered import (
    OMIT,
    ConnectionTemplate,
    RenderedSource,
    RenderError,
    SourceDefinition,
    StreamSelection,
    TemplateError,
)
from airbyte_provisioning.templates.spec_validation import secret_paths, validate_config
from airbyte_provisioning.templates.template_files import (
    connections,
    connector_spec,
    definition,
    load_template,
    read_yaml,
    template_names,
)

# the API of the templates layer, wherever each name is defined
__all__ = [
    "REPO_ROOT",
    "TEMPLATES_DIR",
    "ConnectionTemplate",
    "RenderError",
    "RenderedSource",
    "SourceDefinition",
    "StreamSelection",
    "TemplateError",
    "connector_spec",
    "load_template",
    "read_yaml",
    "render_source",
    "template_names",
    "validate_config",
]


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
    ctx = RenderContext(env=env, templates_dir=templates_dir)
    problems: list[Problem] = []
    provenance: dict[JsonPath, tuple[str, ...]] = {}
    config = render_tree(config_template, (), ctx, problems, provenance)
    derived, notes = _derived(template, ctx, problems, provenance)
    try:
        spec = connector_spec(name, templates_dir, repo_root)
    except spec_snapshots.SnapshotError as exc:
        unavailable = Problem(str(exc), code="spec_unavailable", path=ROOT)
        raise RenderError(name, [*problems, unavailable]) from exc
    if spec is None:
        notes.append(
            f"not validated: {template['source']['connector_dir']}/manifest.yaml does not exist yet"
        )
    else:
        problems.extend(
            _spec_problems(name, config, problems, provenance, templates_dir, repo_root)
        )
    if problems:
        raise RenderError(name, problems)
    return RenderedSource(
        name=name,
        title=str(template.get("title", name)),
        platform=str(template.get("platform", name)),
        definition=definition(template, repo_root),
        config=config,
        secret_paths=tuple(secret_paths(config, spec or {}, provenance)),
        variables={format_path(p): v for p, v in provenance.items() if p[:1] != ("derived",)},
        derived=derived,
        notes=tuple(notes),
        connections=connections(template),
    )


def _derived(
    template: Mapping[str, Any],
    ctx: RenderContext,
    problems: list[Problem],
    provenance: dict[JsonPath, tuple[str, ...]],
) -> tuple[dict[str, Any], list[str]]:
    """The values rendered and validated but not sent (secrets masked), with their notes."""
    derived: dict[str, Any] = {}
    notes: list[str] = []
    for key, entry in (template.get("derived") or {}).items():
        before = len(problems)
        value = render_tree(entry["value"], ("derived", key), ctx, problems, provenance)
        used = provenance.get(("derived", key), ())
        if len(problems) == before:
            secret = any(is_secret_name(v) for v in used)
            derived[key] = None if value is OMIT else (REDACTED if secret else value)
            notes.append(f"{', '.join(used)}: {' '.join(str(entry['note']).split())}")
    return derived, notes


def _spec_problems(
    name: str,
    config: Mapping[str, Any],
    render_problems: list[Problem],
    provenance: Mapping[JsonPath, tuple[str, ...]],
    templates_dir: Path,
    repo_root: Path,
) -> list[Problem]:
    """Spec problems of fields that rendered, each naming the variables behind it."""
    failed = {p.path for p in render_problems}
    return [
        _attribute(problem, provenance)
        for problem in validate_config(name, config, templates_dir, repo_root)
        if problem.path not in failed
    ]


def _attribute(problem: Problem, provenance: Mapping[JsonPath, tuple[str, ...]]) -> Problem:
    """Name the variables behind a spec problem (the field itself, or what lies under it)."""
    where = problem.path or ROOT
    names: list[str] = []
    for path, used in provenance.items():
        text = format_path(path)
        if where == text or where.startswith(text + ".") or where.startswith(text + "["):
            names.extend(used)
    if not names:
        for path, used in provenance.items():
            if format_path(path).startswith(where + ".") and where != ROOT:
                names.extend(used)
    return replace(problem, variables=tuple(dict.fromkeys(names)))

"""The template files: ``templates/<name>_source.yaml``, read once per change, and what they say.

Each file names its connector (``source.kind``: a pinned ``official`` image, or a ``custom``
connector folder of this repository), its ``config_template`` and its template ``connections``.
:func:`connector_spec` is the spec a rendered config must satisfy: the pinned snapshot of an
official connector, or the ``spec`` of a custom connector's manifest.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml

from airbyte_provisioning.core.paths import REPO_ROOT, TEMPLATES_DIR
from airbyte_provisioning.templates import spec_snapshots
from airbyte_provisioning.templates.rendered import (
    DESTINATION_SYNC_MODES,
    SOURCE_KINDS,
    SYNC_MODES,
    ConnectionTemplate,
    SourceDefinition,
    SourceKind,
    StreamSelection,
    TemplateError,
)

_Choice = TypeVar("_Choice", bound=str)


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


def _one_of(value: Any, choices: tuple[_Choice, ...], what: str, template: str) -> _Choice:
    """``value`` as one of ``choices``; a broken template says which field and what is allowed."""
    for choice in choices:
        if value == choice:
            return choice
    raise TemplateError(
        f"template {template!r}: {what} {value!r} is not one of {', '.join(choices)}"
    )


def source_kind(template: Mapping[str, Any]) -> SourceKind:
    return _one_of(
        template["source"]["kind"], SOURCE_KINDS, "source.kind", str(template.get("name"))
    )


def definition(template: Mapping[str, Any], repo_root: Path) -> SourceDefinition:
    """Where the template's connector comes from (a custom one's metadata.yaml, when written)."""
    source = template["source"]
    if source_kind(template) == "official":
        pin = spec_snapshots.pin_of_template(template)
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


def _stream(item: Mapping[str, Any], template: str) -> StreamSelection:
    return StreamSelection(
        name=str(item["name"]),
        sync_mode=_one_of(item["sync_mode"], SYNC_MODES, "sync_mode", template),
        destination_sync_mode=_one_of(
            item["destination_sync_mode"],
            DESTINATION_SYNC_MODES,
            "destination_sync_mode",
            template,
        ),
        cursor_field=tuple(item.get("cursor_field") or ()),
        primary_key=tuple(tuple(p) for p in item.get("primary_key") or ()),
    )


def connections(template: Mapping[str, Any]) -> tuple[ConnectionTemplate, ...]:
    name = str(template.get("name"))
    return tuple(
        ConnectionTemplate(
            template=str(c["template"]),
            schedule_group=str(c["schedule_group"]),
            streams=tuple(_stream(s, name) for s in c["streams"]),
        )
        for c in template.get("connections") or ()
    )


def connector_spec(
    name: str, templates_dir: Path = TEMPLATES_DIR, repo_root: Path = REPO_ROOT
) -> dict[str, Any] | None:
    """The connection specification a template's config must satisfy (None: manifest not written yet)."""
    template = load_template(name, templates_dir)
    if source_kind(template) == "official":
        return spec_snapshots.connection_specification(
            spec_snapshots.pin_of_template(template), templates_dir
        )
    manifest_path = repo_root / template["source"]["connector_dir"] / "manifest.yaml"
    if not manifest_path.is_file():
        return None
    manifest = read_yaml(manifest_path) or {}
    spec: dict[str, Any] | None = (manifest.get("spec") or {}).get("connection_specification")
    return spec

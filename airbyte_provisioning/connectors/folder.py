"""The one model of a connector folder of this repository (``connectors/source-<slug>/``).

Each custom connector is a manifest-only connector laid out as Airbyte lays out its own:
``manifest.yaml`` (the declarative source), ``components.py`` (its custom Python components),
``metadata.yaml`` (identity, image, tags) and, for an API with dated versions,
``api_versions.yaml`` (the pinned version's release and sunset dates). :class:`ConnectorFolder` is
the only code that reads those files: local syncs, publishing, the test fixtures, the readiness
check, the contract checker's ``--discover`` and the benchmarks all go through it, so a broken
file is reported the same way everywhere, naming the file and what to do.

    >>> folder = connector("tiktok-ads")
    >>> folder.name, folder.slug
    ('source-tiktok-ads', 'tiktok-ads')

Files are read when first asked for and then kept: a folder is a snapshot of the files as they
were when read.
"""

from __future__ import annotations

import copy
import importlib.util
import os
import re
import sys
import types
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, get_args

import yaml

from airbyte_provisioning.core.paths import CONNECTORS_DIR
from airbyte_provisioning.core.types import JsonDict

MANIFEST = "manifest.yaml"
COMPONENTS = "components.py"
METADATA = "metadata.yaml"
API_VERSIONS = "api_versions.yaml"
FOLDER_PREFIX = "source-"
MANIFEST_ONLY_TAG = "language:manifest-only"
# the module path Airbyte's manifest-only image gives components.py; manifests name classes by it
COMPONENTS_PACKAGE = "source_declarative_manifest"

# a dated API version, YYYYMM (LinkedIn's ``LinkedIn-Version: 202607``)
_DATED_VERSION = re.compile(r"(?<![0-9])(20[0-9]{2}(?:0[1-9]|1[0-2]))(?![0-9])")

VersionBasis = Literal["documented", "policy"]
_BASES: dict[str, VersionBasis] = {basis: basis for basis in get_args(VersionBasis)}

# components.py modules already executed, by file: a module is loaded once per process, so the
# classes a test holds stay the classes the sources it builds use
_loaded_components: dict[Path, types.ModuleType] = {}


class ConnectorFolderError(Exception):
    """A connector folder or file that cannot be used; the message names it and what to do."""

    def __init__(self, message: str, file: Path | None = None) -> None:
        super().__init__(message)
        self.file = file


@dataclass(frozen=True)
class ApiVersion:
    """One row of ``api_versions.yaml``: a dated API version and when it is served.

    ``basis`` says where the sunset date comes from: ``documented`` (the vendor's migration
    table) or ``policy`` (the earliest date the vendor's support policy allows).
    """

    version: str
    released: date
    sunset: date
    basis: VersionBasis

    def days_left(self, today: date) -> int:
        """Days from ``today`` until the sunset (negative once it has passed)."""
        return (self.sunset - today).days


@dataclass(frozen=True)
class PinnedVersion:
    """The dated API version a connector sends, and the request header that carries it."""

    header: str
    version: str


def read_api_versions(path: Path) -> dict[str, ApiVersion]:
    """``{version: ApiVersion}`` from an ``api_versions.yaml``; raises naming the file and row.

    The one layout::

        versions:
          - {version: "202607", released: "2026-07-01", sunset: "2027-07-15", basis: policy}
    """
    document = _read_yaml(path)
    rows = document.get("versions") if isinstance(document, Mapping) else None
    if not isinstance(rows, list) or not rows:
        raise ConnectorFolderError(
            f"{path} has no `versions:` list; write one row per version: "
            "{version: YYYYMM, released: YYYY-MM-DD, sunset: YYYY-MM-DD, basis: documented|policy}",
            path,
        )
    table: dict[str, ApiVersion] = {}
    for index, row in enumerate(rows):
        where = f"{path}: versions[{index}]"
        if not isinstance(row, Mapping):
            raise ConnectorFolderError(f"{where} is not a mapping", path)
        version = str(row.get("version") or "")
        if not _DATED_VERSION.fullmatch(version):
            raise ConnectorFolderError(f"{where}.version={version!r} is not YYYYMM", path)
        basis = _BASES.get(str(row.get("basis")))
        if basis is None:
            raise ConnectorFolderError(
                f"{where}.basis={row.get('basis')!r} is not one of {', '.join(_BASES)}", path
            )
        table[version] = ApiVersion(
            version,
            _row_date(row, "released", where, path),
            _row_date(row, "sunset", where, path),
            basis,
        )
    return table


def _row_date(row: Mapping[str, Any], key: str, where: str, path: Path) -> date:
    value = row.get(key)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ConnectorFolderError(
            f"{where}.{key}={value!r} is not a YYYY-MM-DD date", path
        ) from None


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise ConnectorFolderError(f"{path} does not exist", path) from None
    except OSError as exc:
        raise ConnectorFolderError(f"cannot read {path}: {exc.strerror}", path) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        reason = getattr(exc, "problem", None) or "unparsable"
        raise ConnectorFolderError(f"{path} is not valid YAML{at}: {reason}", path) from None


@dataclass(frozen=True)
class ConnectorFolder:
    """One ``connectors/source-<slug>/`` folder; every file is read lazily and once."""

    path: Path

    @classmethod
    def containing(cls, start: Path) -> ConnectorFolder:
        """The connector folder that holds ``start`` (a test file or folder inside it)."""
        for candidate in [start, *start.parents]:
            if (candidate / MANIFEST).is_file():
                return cls(candidate)
        raise ConnectorFolderError(f"{start} is not inside a connector folder (no {MANIFEST})")

    @property
    def name(self) -> str:
        """The folder name, ``source-tiktok-ads``."""
        return self.path.name

    @property
    def slug(self) -> str:
        """The name without ``source-``, ``tiktok-ads`` (what ``--connector`` options take)."""
        return self.name.removeprefix(FOLDER_PREFIX)

    @property
    def manifest_path(self) -> Path:
        return self.path / MANIFEST

    @property
    def components_path(self) -> Path | None:
        """``components.py``, or ``None`` for a connector without custom components."""
        path = self.path / COMPONENTS
        return path if path.is_file() else None

    @property
    def metadata_path(self) -> Path:
        return self.path / METADATA

    @property
    def api_versions_path(self) -> Path:
        return self.path / API_VERSIONS

    # ---- manifest ------------------------------------------------------------------------------

    @cached_property
    def manifest(self) -> JsonDict:
        """The parsed declarative manifest (a mapping with a ``streams`` list)."""
        document = _read_yaml(self.manifest_path)
        if not isinstance(document, dict) or not isinstance(document.get("streams"), list):
            raise ConnectorFolderError(
                f"{self.manifest_path} is not a declarative manifest (no `streams:` list)",
                self.manifest_path,
            )
        return document

    @property
    def spec(self) -> JsonDict:
        """The manifest's ``spec`` (Airbyte publishes the connector's spec from it)."""
        spec = self.manifest.get("spec")
        if not isinstance(spec, dict) or not isinstance(
            spec.get("connection_specification"), Mapping
        ):
            raise ConnectorFolderError(
                f"{self.manifest_path}: spec.connection_specification is missing; Airbyte "
                "publishes the connector's spec from it",
                self.manifest_path,
            )
        return spec

    @cached_property
    def components_text(self) -> str | None:
        """The source of ``components.py`` (``None`` when there is none)."""
        path = self.components_path
        return path.read_text() if path is not None else None

    # ---- metadata ------------------------------------------------------------------------------

    @cached_property
    def metadata(self) -> JsonDict:
        """The ``data:`` mapping of ``metadata.yaml``."""
        document = _read_yaml(self.metadata_path)
        data = document.get("data") if isinstance(document, Mapping) else None
        if not isinstance(data, dict):
            raise ConnectorFolderError(
                f"{self.metadata_path} has no `data:` mapping", self.metadata_path
            )
        return data

    def metadata_field(self, key: str) -> str:
        """A required text field of ``data:``; raises naming the file and field when empty."""
        value = str(self.metadata.get(key) or "").strip()
        if not value:
            raise ConnectorFolderError(
                f"{self.metadata_path}: data.{key} is missing or empty", self.metadata_path
            )
        return value

    @property
    def is_manifest_only(self) -> bool:
        tags = self.metadata.get("tags")
        return isinstance(tags, list) and MANIFEST_ONLY_TAG in tags

    @property
    def image(self) -> str:
        """``<dockerRepository>:<dockerImageTag>`` from ``metadata.yaml``."""
        return f"{self.metadata_field('dockerRepository')}:{self.metadata_field('dockerImageTag')}"

    @property
    def base_image(self) -> str:
        """``connectorBuildOptions.baseImage``: the image a manifest-only connector runs on."""
        options = self.metadata.get("connectorBuildOptions")
        base = (
            str((options or {}).get("baseImage") or "").strip()
            if isinstance(options, Mapping)
            else ""
        )
        if not base:
            raise ConnectorFolderError(
                f"{self.metadata_path}: data.connectorBuildOptions.baseImage is missing or empty",
                self.metadata_path,
            )
        return base

    # ---- the pinned API version ---------------------------------------------------------------

    @cached_property
    def api_version(self) -> PinnedVersion | None:
        """The dated version (YYYYMM) a ``*-Version`` request header of the manifest sends by
        default, e.g. ``LinkedIn-Version: "{{ config.get('api_version') or '202607' }}"``.

        ``None`` for a connector whose API has no dated versions. Two different pinned versions
        are an error: the version must live in one place.
        """
        found = sorted(set(_pinned_versions(self.manifest)))
        if len({version for _, version in found}) > 1:
            pinned = ", ".join(f"{header}: {version}" for header, version in found)
            raise ConnectorFolderError(
                f"{self.manifest_path} pins several API versions ({pinned}): define the version "
                "once and $ref it",
                self.manifest_path,
            )
        return PinnedVersion(*found[0]) if found else None

    @cached_property
    def api_versions(self) -> dict[str, ApiVersion]:
        """The release/sunset table of ``api_versions.yaml``."""
        return read_api_versions(self.api_versions_path)

    # ---- running it ----------------------------------------------------------------------------

    def sdm_command(self, verb: str, config: Path, extra: Sequence[str] = ()) -> list[str]:
        """``source-declarative-manifest <verb>`` over this folder's manifest and components."""
        command = [
            sdm_executable(),
            verb,
            "--config",
            str(config),
            "--manifest-path",
            str(self.manifest_path),
        ]
        if self.components_path is not None:
            command += ["--components-path", str(self.components_path)]
        return [*command, *extra]

    @staticmethod
    def sdm_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment ``source-declarative-manifest`` runs this repository's connectors in."""
        env = dict(os.environ if base is None else base)
        # the CDK refuses custom components unless told they are trusted: these are our own code
        env["AIRBYTE_ENABLE_UNSAFE_CODE"] = "true"
        return env

    def load_components(self) -> types.ModuleType | None:
        """Load ``components.py`` in this process under the names manifests use.

        Manifests name ``source_declarative_manifest.components.X`` (the path inside Airbyte's
        manifest-only image) and the CDK falls back to ``components.X``. Two connectors used in
        one process would otherwise share whichever module came first, so the names are pointed
        at this folder's module on every call.
        """
        path = self.components_path
        if path is None:
            return None
        module = _loaded_components.get(path)
        if module is None:
            module = _execute_module(f"components__{self.name.replace('-', '_')}", path)
            _loaded_components[path] = module
        package = sys.modules.get(COMPONENTS_PACKAGE)
        if package is None:
            package = types.ModuleType(COMPONENTS_PACKAGE)
            package.__path__ = []
            sys.modules[COMPONENTS_PACKAGE] = package
        package.components = module  # type: ignore[attr-defined]
        sys.modules[f"{COMPONENTS_PACKAGE}.components"] = module
        sys.modules["components"] = module
        return module

    def declarative_source(
        self,
        config: Mapping[str, Any],
        state: list[Any] | None = None,
        catalog: Any = None,
    ) -> Any:
        """A ``ConcurrentDeclarativeSource`` of this connector, run in this process.

        The manifest is copied for each source: the CDK may rewrite the mapping it is given.
        """
        from airbyte_cdk.sources.declarative.concurrent_declarative_source import (
            ConcurrentDeclarativeSource,
        )
        from airbyte_cdk.test.catalog_builder import CatalogBuilder

        self.load_components()
        return ConcurrentDeclarativeSource(
            source_config=copy.deepcopy(self.manifest),
            config=dict(config),
            catalog=catalog if catalog is not None else CatalogBuilder().build(),
            state=state or [],
        )


def _execute_module(name: str, path: Path) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ConnectorFolderError(f"{path} cannot be loaded as a Python module", path)
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve postponed annotations through sys.modules[cls.__module__]
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        del sys.modules[name]
        raise ConnectorFolderError(f"{path}:{exc.lineno}: {exc.msg}", path) from None
    return module


def _pinned_versions(node: Any, in_headers: bool = False) -> Iterable[tuple[str, str]]:
    """``(header, YYYYMM)`` of every dated ``*-Version`` key of a ``request_headers`` mapping."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            name = str(key).lower()
            if in_headers and name.endswith("-version") and isinstance(value, str | int):
                yield from ((str(key), v) for v in _DATED_VERSION.findall(str(value)))
            else:
                yield from _pinned_versions(value, name == "request_headers")
    elif isinstance(node, list):
        for item in node:
            yield from _pinned_versions(item)


def sdm_executable() -> str:
    """The ``source-declarative-manifest`` script of the running interpreter's environment."""
    candidate = Path(sys.executable).parent / "source-declarative-manifest"
    if candidate.exists():
        return str(candidate)
    raise ConnectorFolderError(
        "source-declarative-manifest is not installed: run `make install` first"
    )


def all_connectors(connectors_dir: Path = CONNECTORS_DIR) -> list[ConnectorFolder]:
    """Every ``source-*`` folder of ``connectors_dir``, by name (broken ones included)."""
    if not connectors_dir.is_dir():
        return []
    return [
        ConnectorFolder(path)
        for path in sorted(connectors_dir.glob(f"{FOLDER_PREFIX}*"))
        if path.is_dir()
    ]


def connector(name: str | Path, connectors_dir: Path = CONNECTORS_DIR) -> ConnectorFolder:
    """``tiktok-ads``, ``source-tiktok-ads`` or a folder path -> its :class:`ConnectorFolder`."""
    text = str(name)
    if isinstance(name, Path) or os.sep in text or "/" in text:
        path = Path(name)
        if not path.is_dir():
            raise ConnectorFolderError(f"connector folder {path} does not exist", path)
        return ConnectorFolder(path.resolve())
    slug = text.removeprefix(FOLDER_PREFIX)
    path = connectors_dir / f"{FOLDER_PREFIX}{slug}"
    if path.is_dir():
        return ConnectorFolder(path.resolve())
    known = ", ".join(folder.slug for folder in all_connectors(connectors_dir)) or "none"
    raise ConnectorFolderError(
        f"unknown connector {text!r}: there is no folder {path}; known: {known}", path
    )

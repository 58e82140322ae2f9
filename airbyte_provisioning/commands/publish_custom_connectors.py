"""publish_custom_connectors: publish this repository's manifest-only connectors into Airbyte.

Each connector (``connectors/source-*`` tagged ``language:manifest-only``) becomes a declarative
source definition in the workspace, carrying its ``components.py``: the Config API's
``connector_builder_projects/create`` + ``/publish`` the first time, then
``declarative_source_definitions/create_manifest`` (``componentsFileContent``, set active) for
each new version. That is the only way Airbyte 1.8 accepts custom Python components; the public
API has no field for them.

Identity: Airbyte chooses the definition id at publish time, so the stable key is the
connector's ``definitionId`` from its ``metadata.yaml``. Every manifest version this command
publishes carries ``[airbyte-tenant-stack:<definitionId>]`` and ``[sha256:<fingerprint of
manifest + components>]`` in its description, the one text field the API reads back. A
definition is ours when one of its versions carries our marker; renaming it in the UI changes
nothing. A re-run with unchanged content makes no write; changed content becomes version
``max + 1`` and is activated; content identical to an older version re-activates that version.

Exit codes: 0 everything published or unchanged, 1 Airbyte refused something (the message names
the call and what to do), 2 usage (options, env file, connector files, credentials).
"""

from __future__ import annotations

import argparse
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from airbyte_provisioning.api import AirbyteAuthError, AirbyteClient, AirbyteConfigError
from airbyte_provisioning.api.client import content_fingerprint
from airbyte_provisioning.api.errors import AirbyteApiError, AirbyteNotFoundError
from airbyte_provisioning.core import logs
from airbyte_provisioning.core.invocation import command_parser, start
from airbyte_provisioning.core.output import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, emit_json
from airbyte_provisioning.core.paths import REPO_ROOT

CONNECTORS_DIR = REPO_ROOT / "connectors"
MARKER_PREFIX = "airbyte-tenant-stack"
# the variables an operator persists after a publish (read back by nobody else automatically)
DEFINITION_VARIABLES = {
    "source-linkedin-ads": "AIRBYTE_LINKEDIN_SOURCE_DEFINITION_ID",
    "source-tiktok-ads": "AIRBYTE_TIKTOK_SOURCE_DEFINITION_ID",
}
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
JsonDict = dict[str, Any]
_DRY_RUN_ACTIONS = {"activated": "would_activate", "versioned": "would_version"}


class UsageError(Exception):
    """Bad options or repository files; the message names the option, variable or file."""


class PublishConflict(Exception):
    """Airbyte holds something that makes publishing ambiguous; nothing was written."""


@dataclass(frozen=True)
class ConnectorBundle:
    """What one connector folder publishes: manifest, components and identity from metadata."""

    key: str
    folder: Path
    name: str
    stable_id: str
    image: str
    manifest: JsonDict
    components: str | None
    fingerprint: str

    @property
    def marker(self) -> str:
        return f"[{MARKER_PREFIX}:{self.stable_id}]"

    @property
    def description(self) -> str:
        return f"{self.image} {self.marker} [{self.fingerprint}]"

    def owns(self, description: str) -> bool:
        return self.marker in description

    def same_content(self, description: str) -> bool:
        return f"[{self.fingerprint}]" in description


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text())
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{path} is not valid YAML: {exc}") from None


def load_bundle(folder: Path) -> ConnectorBundle:
    """Read and check one connector folder; every problem names the file and the field."""
    metadata = _read_yaml(folder / "metadata.yaml")
    data = metadata.get("data") if isinstance(metadata, Mapping) else None
    if not isinstance(data, Mapping):
        raise UsageError(f"{folder / 'metadata.yaml'} has no `data:` mapping")
    for key in ("name", "definitionId", "dockerRepository", "dockerImageTag"):
        if not str(data.get(key) or "").strip():
            raise UsageError(f"{folder / 'metadata.yaml'}: data.{key} is missing or empty")
    stable_id = str(data["definitionId"]).strip().lower()
    if not UUID_RE.match(stable_id):
        raise UsageError(
            f"{folder / 'metadata.yaml'}: data.definitionId={stable_id!r} is not a UUID; it is "
            "the connector's stable identity in every workspace, so set it once and keep it"
        )
    manifest = _read_yaml(folder / "manifest.yaml")
    if not isinstance(manifest, dict) or not isinstance(manifest.get("streams"), list):
        raise UsageError(f"{folder / 'manifest.yaml'} is not a declarative manifest (no streams)")
    spec = manifest.get("spec")
    if not isinstance(spec, Mapping) or not isinstance(
        spec.get("connection_specification"), Mapping
    ):
        raise UsageError(
            f"{folder / 'manifest.yaml'}: spec.connection_specification is missing; Airbyte "
            "publishes the connector's spec from it"
        )
    components_path = folder / "components.py"
    components = components_path.read_text() if components_path.is_file() else None
    return ConnectorBundle(
        key=folder.name,
        folder=folder,
        name=str(data["name"]).strip(),
        stable_id=stable_id,
        image=f"{data['dockerRepository']}:{data['dockerImageTag']}",
        manifest=manifest,
        components=components,
        fingerprint=content_fingerprint(manifest, components),
    )


def manifest_only_connectors(connectors_dir: Path) -> dict[str, Path]:
    """``source-<name>`` folder name -> folder, for every manifest-only connector."""
    found: dict[str, Path] = {}
    for metadata_path in sorted(connectors_dir.glob("source-*/metadata.yaml")):
        metadata = _read_yaml(metadata_path)
        data = metadata.get("data") if isinstance(metadata, Mapping) else None
        tags = data.get("tags") if isinstance(data, Mapping) else None
        if isinstance(tags, list) and "language:manifest-only" in tags:
            found[metadata_path.parent.name] = metadata_path.parent
    return found


def select_connectors(connectors_dir: Path, wanted: Sequence[str]) -> list[ConnectorBundle]:
    available = manifest_only_connectors(connectors_dir)
    if not available:
        raise UsageError(f"no manifest-only connector under {connectors_dir}")
    keys = list(available)
    if wanted:
        keys = []
        for name in wanted:
            key = name if name.startswith("source-") else f"source-{name}"
            if key not in available:
                known = ", ".join(k.removeprefix("source-") for k in available)
                raise UsageError(f"--connector {name!r} is not a connector here; known: {known}")
            if key not in keys:
                keys.append(key)
    return [load_bundle(available[key]) for key in keys]


@dataclass
class WorkspaceIndex:
    """The workspace's builder projects and, for each published one, its manifest versions."""

    projects: list[JsonDict]
    versions: dict[str, list[JsonDict]] = field(default_factory=dict)

    @classmethod
    def read(cls, client: AirbyteClient, workspace_id: str) -> WorkspaceIndex:
        index = cls(client.list_builder_projects(workspace_id))
        for project in index.projects:
            definition_id = project.get("sourceDefinitionId")
            if not definition_id:
                continue
            try:
                index.versions[str(definition_id)] = client.list_declarative_manifests(
                    workspace_id, str(definition_id)
                )
            except AirbyteNotFoundError:
                # a project whose definition was deleted: it holds no version of anything
                index.versions[str(definition_id)] = []
        return index

    def owned_by(self, bundle: ConnectorBundle) -> list[JsonDict]:
        return [
            p
            for p in self.projects
            if p.get("sourceDefinitionId")
            and any(
                bundle.owns(str(v.get("description", "")))
                for v in self.versions.get(str(p["sourceDefinitionId"]), [])
            )
        ]

    def named(self, name: str) -> list[JsonDict]:
        return [p for p in self.projects if p.get("name") == name]


class Publisher:
    """Brings one workspace's copy of each connector to the bundle's content."""

    def __init__(
        self, client: AirbyteClient, workspace_id: str, *, adopt: bool, dry_run: bool
    ) -> None:
        self.client = client
        self.workspace_id = workspace_id
        self.adopt = adopt
        self.dry_run = dry_run
        self.index = WorkspaceIndex.read(client, workspace_id)

    def publish(self, bundle: ConnectorBundle) -> JsonDict:
        owned = self.index.owned_by(bundle)
        if len(owned) > 1:
            ids = ", ".join(sorted(str(p["sourceDefinitionId"]) for p in owned))
            raise PublishConflict(
                f"{len(owned)} source definitions in workspace {self.workspace_id} carry "
                f"{bundle.marker} ({ids}); keep one: delete the others' sources and builder "
                "projects in the Airbyte UI, then run again"
            )
        if owned:
            return self._update(bundle, owned[0], "unchanged")
        named = self.index.named(bundle.name)
        published = [p for p in named if p.get("sourceDefinitionId")]
        if published:
            if not self.adopt or len(published) > 1:
                ids = ", ".join(sorted(str(p["sourceDefinitionId"]) for p in published))
                raise PublishConflict(
                    f"workspace {self.workspace_id} already has a source definition named "
                    f"{bundle.name!r} ({ids}) that this command did not publish (no "
                    f"{bundle.marker} in its versions); rename it in the Airbyte UI, or run with "
                    "--adopt to add this connector's versions to it"
                    + (" (--adopt needs exactly one)" if len(published) > 1 else "")
                )
            return self._update(bundle, published[0], "adopted")
        # an unpublished project of ours is what an interrupted first run leaves behind
        return self._create(bundle, named[0] if named else None)

    def _create(self, bundle: ConnectorBundle, project: JsonDict | None) -> JsonDict:
        result = self._result(bundle, "created", changed=True)
        if self.dry_run:
            result.update(action="would_create", active_version=1)
            return result
        if project is None:
            project = self.client.create_builder_project(
                self.workspace_id, bundle.name, bundle.manifest, bundle.components
            )
        else:
            result["action"] = "resumed"
        published = self.client.publish_builder_project(
            self.workspace_id,
            str(project["builderProjectId"]),
            bundle.name,
            bundle.manifest,
            description=bundle.description,
            version=1,
            components=bundle.components,
        )
        result.update(
            source_definition_id=str(published["sourceDefinitionId"]),
            builder_project_id=str(project["builderProjectId"]),
            active_version=1,
            versions=[1],
        )
        return result

    def _update(self, bundle: ConnectorBundle, project: JsonDict, idle_action: str) -> JsonDict:
        definition_id = str(project["sourceDefinitionId"])
        versions = self.index.versions.get(definition_id, [])
        numbers = sorted(int(v["version"]) for v in versions if "version" in v)
        active = next((v for v in versions if v.get("isActive")), None)
        result = self._result(bundle, idle_action, changed=False)
        result.update(
            source_definition_id=definition_id,
            builder_project_id=str(project.get("builderProjectId")),
            active_version=int(active["version"]) if active else None,
            versions=numbers,
        )
        # an adopted definition always gets a version of ours, so it carries the marker from now on
        adopting = idle_action == "adopted"
        if (
            not adopting
            and active is not None
            and bundle.same_content(str(active.get("description", "")))
        ):
            return result
        same = [
            int(v["version"])
            for v in versions
            if not adopting and bundle.same_content(str(v.get("description", "")))
        ]
        if same:
            target, action = max(same), "activated"
            if not self.dry_run:
                self.client.update_active_manifest(self.workspace_id, definition_id, target)
        else:
            target, action = (numbers[-1] if numbers else 0) + 1, "versioned"
            if not self.dry_run:
                self.client.create_declarative_manifest(
                    self.workspace_id,
                    definition_id,
                    bundle.manifest,
                    description=bundle.description,
                    version=target,
                    components=bundle.components,
                    set_active=True,
                )
            numbers = sorted({*numbers, target})
        result.update(
            action=_DRY_RUN_ACTIONS[action] if self.dry_run else action,
            changed=True,
            active_version=target,
            versions=numbers,
        )
        return result

    def _result(self, bundle: ConnectorBundle, action: str, *, changed: bool) -> JsonDict:
        return {
            "connector": bundle.key,
            "name": bundle.name,
            "workspace_id": self.workspace_id,
            "metadata_definition_id": bundle.stable_id,
            "image": bundle.image,
            "fingerprint": bundle.fingerprint,
            "has_components": bundle.components is not None,
            "action": action,
            "changed": changed,
            "source_definition_id": None,
            "builder_project_id": None,
            "active_version": None,
            "versions": [],
        }


def build_parser() -> argparse.ArgumentParser:
    parser = command_parser("publish_custom_connectors.py", __doc__)
    parser.add_argument(
        "--workspace-id",
        action="append",
        default=[],
        help="workspace to publish into (repeatable; default AIRBYTE_WORKSPACE_ID)",
    )
    parser.add_argument(
        "--all-workspaces",
        action="store_true",
        help="also every tenant's AIRBYTE_<SLUG>_WORKSPACE_ID (custom definitions are per workspace)",
    )
    parser.add_argument(
        "--connector",
        action="append",
        default=[],
        help="linkedin-ads or tiktok-ads (repeatable; default every manifest-only connector)",
    )
    parser.add_argument(
        "--connectors-dir",
        default=str(CONNECTORS_DIR),
        help="folder holding source-*/ connectors (default: this repository's connectors/)",
    )
    parser.add_argument(
        "--adopt",
        action="store_true",
        help="take over a same-named definition this command did not publish (adds versions to it)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="read Airbyte and report what would change; no write"
    )
    return parser


def make_client(env: Mapping[str, str]) -> AirbyteClient:
    """The API client (a seam: tests swap in one whose retries do not sleep)."""
    return AirbyteClient.from_env(env)


def target_workspaces(args: argparse.Namespace, env: Mapping[str, str]) -> list[str]:
    sources: list[tuple[str, str]] = [("--workspace-id", w) for w in args.workspace_id]
    if not sources and (env.get("AIRBYTE_WORKSPACE_ID") or "").strip():
        sources.append(("AIRBYTE_WORKSPACE_ID", env["AIRBYTE_WORKSPACE_ID"]))
    if args.all_workspaces:
        for slug in (s.strip() for s in (env.get("AIRBYTE_TENANTS") or "").split(",")):
            if slug:
                variable = f"AIRBYTE_{slug.upper().replace('-', '_')}_WORKSPACE_ID"
                sources.append((variable, env.get(variable) or ""))
    if not sources:
        raise UsageError(
            "no workspace to publish into: set AIRBYTE_WORKSPACE_ID or pass --workspace-id"
        )
    workspaces: list[str] = []
    for origin, value in sources:
        ident = value.strip().lower()
        if not UUID_RE.match(ident):
            raise UsageError(f"{origin}={value!r} is not a workspace UUID")
        if ident not in workspaces:
            workspaces.append(ident)
    return workspaces


def _failure(bundle: ConnectorBundle, workspace_id: str, error: dict[str, Any]) -> JsonDict:
    return {
        "connector": bundle.key,
        "name": bundle.name,
        "workspace_id": workspace_id,
        "metadata_definition_id": bundle.stable_id,
        "action": "failed",
        "changed": None,
        "error": error,
    }


def _api_error(exc: AirbyteApiError) -> dict[str, Any]:
    error = exc.to_dict()
    error["hint"] = (
        "the call may have been applied: run again, the command finds what it published by its "
        "marker and fingerprint and will not duplicate it"
        if exc.may_have_been_applied
        else "fix what the message names, then run again: a re-run continues from what is already there"
    )
    return error


def publish_all(
    client: AirbyteClient,
    workspaces: Iterable[str],
    bundles: Sequence[ConnectorBundle],
    *,
    adopt: bool,
    dry_run: bool,
) -> list[JsonDict]:
    """One result per (workspace, connector); an API refusal fails that pair only."""
    results: list[JsonDict] = []
    for workspace_id in workspaces:
        with logs.bind(workspace_id=workspace_id):
            try:
                publisher = Publisher(client, workspace_id, adopt=adopt, dry_run=dry_run)
            except AirbyteAuthError:
                raise
            except AirbyteApiError as exc:
                results.extend(_failure(b, workspace_id, _api_error(exc)) for b in bundles)
                logs.log(logging.WARNING, "publish.workspace_unreadable", reason=str(exc))
                continue
            for bundle in bundles:
                with logs.bind(provider=bundle.key):
                    try:
                        result = publisher.publish(bundle)
                    except AirbyteAuthError:
                        raise
                    except AirbyteApiError as exc:
                        result = _failure(bundle, workspace_id, _api_error(exc))
                    except PublishConflict as exc:
                        result = _failure(
                            bundle, workspace_id, {"error": "conflict", "message": str(exc)}
                        )
                    failed = result["action"] == "failed"
                    logs.log(
                        logging.WARNING if failed else logging.INFO,
                        "publish.connector",
                        action=result["action"],
                        source_definition_id=result.get("source_definition_id"),
                        active_version=result.get("active_version"),
                    )
                results.append(result)
    return results


def persistable(results: Sequence[JsonDict], primary: str) -> dict[str, str]:
    """``AIRBYTE_*`` values worth saving in ``.env`` (the primary workspace's definitions)."""
    env = {"AIRBYTE_WORKSPACE_ID": primary}
    for result in results:
        variable = DEFINITION_VARIABLES.get(result["connector"])
        if variable and result["workspace_id"] == primary and result.get("source_definition_id"):
            env[variable] = str(result["source_definition_id"])
    return env


def _usage(message: str, secrets: Iterable[str]) -> int:
    logs.log(logging.ERROR, "publish.usage", reason=message)
    emit_json({"ok": False, "error": "usage", "message": message}, secrets)
    return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    started = start(parser, argv)
    if isinstance(started, int):
        return started
    args, env, secrets = started.args, started.env, set(started.secrets)
    try:
        workspaces = target_workspaces(args, env)
        bundles = select_connectors(Path(args.connectors_dir), args.connector)
        client = make_client(env)
    except (UsageError, AirbyteConfigError) as exc:
        return _usage(str(exc), secrets)
    try:
        results = publish_all(client, workspaces, bundles, adopt=args.adopt, dry_run=args.dry_run)
    except AirbyteAuthError as exc:
        return _usage(
            f"Airbyte refused the credentials ({exc.message}); check AIRBYTE_CLIENT_ID/"
            "AIRBYTE_CLIENT_SECRET (`abctl local credentials`) or AIRBYTE_API_AUTH_HEADER",
            secrets | set(client.auth.secrets()),
        )
    failed = [r for r in results if r["action"] == "failed"]
    document: JsonDict = {
        "ok": not failed,
        "dry_run": args.dry_run,
        "airbyte_api": client.api_url,
        "workspaces": workspaces,
        "summary": {
            "connectors": len(bundles),
            "results": len(results),
            "changed": sum(1 for r in results if r.get("changed")),
            "unchanged": sum(1 for r in results if r.get("changed") is False),
            "failed": len(failed),
            "api_calls": client.calls,
            "writes": client.writes,
        },
        "results": results,
        "env": persistable(results, workspaces[0]),
    }
    emit_json(document, secrets | set(client.auth.secrets()))
    return EXIT_PROBLEMS if failed else EXIT_OK

"""publish_custom_connectors: publish this repository's manifest-only connectors into Airbyte.

Each connector (``connectors/source-*`` tagged ``language:manifest-only``) becomes a declarative
source definition in each target workspace, carrying its ``components.py``, and is found again by
the marker and fingerprint every published version carries (see
:mod:`airbyte_provisioning.connectors.publish`). A re-run with unchanged content makes no write;
changed content becomes a new active version.

Exit codes: 0 everything published or unchanged, 1 Airbyte refused something (the message names
the call and what to do), 2 usage (options, env file, connector files, credentials).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path

from airbyte_provisioning.api import AirbyteAuthError, AirbyteClient, AirbyteNotFoundError
from airbyte_provisioning.commands.registry import parser_for
from airbyte_provisioning.commands.startup import Abort, CommandParser, Invocation, UsageError, run
from airbyte_provisioning.connectors.folder import ConnectorFolderError
from airbyte_provisioning.connectors.publish import (
    ConnectorBundle,
    load_bundle,
    manifest_only_connectors,
    publish_all,
)
from airbyte_provisioning.core.output import ExitCode
from airbyte_provisioning.core.paths import CONNECTORS_DIR
from airbyte_provisioning.core.types import JsonDict
from airbyte_provisioning.model.env_reader import UUID_RE

# the variables an operator persists after a publish (read back by nobody else automatically)
DEFINITION_VARIABLES = {
    "source-linkedin-ads": "AIRBYTE_LINKEDIN_SOURCE_DEFINITION_ID",
    "source-tiktok-ads": "AIRBYTE_TIKTOK_SOURCE_DEFINITION_ID",
}


def build_parser() -> CommandParser:
    parser = parser_for(__name__, __doc__)
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


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser(), argv, publish)


def target_workspaces(args: argparse.Namespace, env: Mapping[str, str]) -> list[str]:
    """The workspaces to publish into, in order (see :func:`workspace_origins`)."""
    return list(workspace_origins(args, env))


def workspace_origins(args: argparse.Namespace, env: Mapping[str, str]) -> dict[str, str]:
    """Workspace id -> the option or variable it came from; a bad value is a usage error."""
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
            "no workspace to publish into: set AIRBYTE_WORKSPACE_ID or pass --workspace-id",
            "AIRBYTE_WORKSPACE_ID",
        )
    workspaces: dict[str, str] = {}
    for origin, value in sources:
        ident = value.strip().lower()
        if not UUID_RE.match(ident):
            raise UsageError(f"{origin}={value!r} is not a workspace UUID", origin)
        workspaces.setdefault(ident, origin)
    return workspaces


def check_workspaces_exist(client: AirbyteClient, origins: Mapping[str, str]) -> None:
    """One read per workspace before anything is published: a workspace Airbyte does not have
    stops the run with a message naming where its id came from."""
    for ident, origin in origins.items():
        try:
            client.get_workspace(ident)
        except AirbyteNotFoundError:
            how = (
                "pass the id of an existing workspace"
                if origin.startswith("-")
                else (f"set {origin} to the id of an existing workspace")
            )
            raise Abort(
                f"workspace {ident} ({origin}) does not exist in Airbyte: {how} (the web app "
                "shows it in the address: /workspaces/<id>/...)",
                origin,
            ) from None


def select_connectors(connectors_dir: Path, wanted: Sequence[str]) -> list[ConnectorBundle]:
    """The bundles to publish (every manifest-only connector by default); a broken connector
    file is a usage error naming the file."""
    try:
        available = manifest_only_connectors(connectors_dir)
        if not available:
            raise UsageError(
                f"no manifest-only connector under {connectors_dir}", "--connectors-dir"
            )
        keys = list(available)
        if wanted:
            keys = []
            for name in wanted:
                key = name if name.startswith("source-") else f"source-{name}"
                if key not in available:
                    known = ", ".join(k.removeprefix("source-") for k in available)
                    raise UsageError(
                        f"--connector {name!r} is not a connector here; known: {known}",
                        "--connector",
                    )
                if key not in keys:
                    keys.append(key)
        return [load_bundle(available[key]) for key in keys]
    except ConnectorFolderError as exc:
        raise UsageError(str(exc), "--connectors-dir") from None


def persistable(results: Sequence[JsonDict], primary: str) -> dict[str, str]:
    """``AIRBYTE_*`` values worth saving in ``.env`` (the primary workspace's definitions)."""
    env = {"AIRBYTE_WORKSPACE_ID": primary}
    for result in results:
        variable = DEFINITION_VARIABLES.get(result["connector"])
        if variable and result["workspace_id"] == primary and result.get("source_definition_id"):
            env[variable] = str(result["source_definition_id"])
    return env


def publish(invocation: Invocation) -> int:
    args = invocation.args
    origins = workspace_origins(args, invocation.env)
    workspaces = list(origins)
    bundles = select_connectors(Path(args.connectors_dir), args.connector)
    client = invocation.client()
    try:
        check_workspaces_exist(client, origins)
        results = publish_all(client, workspaces, bundles, adopt=args.adopt, dry_run=args.dry_run)
    except AirbyteAuthError as exc:
        raise invocation.credentials_refused(exc) from None
    failed = [r for r in results if r["action"] == "failed"]
    invocation.document = {
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
    return ExitCode.PROBLEMS if failed else ExitCode.OK

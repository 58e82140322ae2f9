"""The standalone sandbox (``python -m sandboxes.airbyte``) and its seeding from an env file.

``--latency-ms`` slows every answer and ``--fault-rate`` injects random faults
(:mod:`sandboxes.airbyte.faults`), so a fleet run can be rehearsed against it.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import get_args

from sandboxes.airbyte.app import AirbyteSandboxApp, create_app
from sandboxes.airbyte.faults import FAULT_KINDS, FaultKind
from sandboxes.airbyte.store import DEFAULT_WORKSPACE_ID, AuthMode, WorkspaceSeed
from sandboxes.base import SandboxServer, serve_until_interrupted


def seed_from_env(app: AirbyteSandboxApp, env: Mapping[str, str]) -> None:
    """Create the workspaces and destinations an env file names, so the scripts find them.

    ``AIRBYTE_WORKSPACE_ID`` + ``AIRBYTE_TEMPLATE_DESTINATION_ID`` form the template workspace;
    every tenant in ``AIRBYTE_TENANTS`` gets ``AIRBYTE_<SLUG>_WORKSPACE_ID`` and
    ``AIRBYTE_<SLUG>_DESTINATION_ID``. Empty ids are skipped.
    """
    pairs = [
        (
            env.get("AIRBYTE_WORKSPACE_ID", ""),
            env.get("AIRBYTE_TEMPLATE_DESTINATION_ID", ""),
            "template",
        )
    ]
    for slug in (s.strip() for s in env.get("AIRBYTE_TENANTS", "").split(",") if s.strip()):
        key = slug.upper().replace("-", "_")
        pairs.append(
            (
                env.get(f"AIRBYTE_{key}_WORKSPACE_ID", ""),
                env.get(f"AIRBYTE_{key}_DESTINATION_ID", ""),
                slug,
            )
        )
    for workspace_id, destination_id, label in pairs:
        if workspace_id and workspace_id not in app.workspaces:
            app.add_workspace(label, workspace_id)
        if workspace_id and destination_id and destination_id not in app.actors:
            app.add_destination(workspace_id, f"{label} warehouse", destination_id=destination_id)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Serve the Airbyte Config API sandbox on 127.0.0.1."
    )
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--auth", choices=get_args(AuthMode), default="none")
    parser.add_argument("--client-id", default="sandbox-client-id")
    parser.add_argument("--client-secret", default="sandbox-client-secret")
    parser.add_argument(
        "--token-lifetime", type=int, default=900, help="seconds a bearer token lives"
    )
    parser.add_argument(
        "--workspace",
        action="append",
        default=[],
        metavar="ID[:NAME]",
        help="seed a workspace (repeatable)",
    )
    parser.add_argument(
        "--destination",
        action="append",
        default=[],
        metavar="WORKSPACE_ID:DESTINATION_ID[:NAME]",
        help="seed a Postgres destination (repeatable)",
    )
    parser.add_argument(
        "--env-file",
        help="seed the workspaces and destinations it names; accept its AIRBYTE_CLIENT_ID/SECRET",
    )
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay of every answer")
    parser.add_argument(
        "--fault-rate", type=float, default=0.0, help="share of requests that meet a fault, 0..1"
    )
    parser.add_argument("--fault-seed", type=int, default=0, help="seed of the fault generator")
    parser.add_argument(
        "--fault-kinds",
        default=",".join(FAULT_KINDS),
        help=f"comma-separated subset of: {', '.join(FAULT_KINDS)}",
    )
    return parser


def _fault_kinds(text: str, parser: argparse.ArgumentParser) -> tuple[FaultKind, ...]:
    chosen = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in chosen if k not in FAULT_KINDS]
    if unknown or not chosen:
        parser.error(
            f"--fault-kinds {text!r}: {', '.join(unknown) or 'nothing'} is not a fault kind; "
            f"choose from {', '.join(FAULT_KINDS)}"
        )
    return tuple(k for k in FAULT_KINDS if k in chosen)


def _read_env(path: str | None, parser: argparse.ArgumentParser) -> dict[str, str]:
    if not path:
        return {}
    from airbyte_provisioning.core.envfile import EnvFileError, read_env_file

    try:
        return read_env_file(path)
    except EnvFileError as exc:
        parser.error(str(exc))


def _seed_destinations(
    app: AirbyteSandboxApp, specs: list[str], parser: argparse.ArgumentParser
) -> None:
    for spec in specs:
        parts = spec.split(":", 2)
        if len(parts) < 2:
            parser.error(f"--destination {spec!r}: expected WORKSPACE_ID:DESTINATION_ID[:NAME]")
        if parts[0] not in app.workspaces:
            app.add_workspace(f"Workspace {parts[0][:8]}", parts[0])
        name = parts[2] if len(parts) > 2 else "Warehouse"
        app.add_destination(parts[0], name, destination_id=parts[1])


def build_app(argv: list[str] | None = None) -> tuple[AirbyteSandboxApp, argparse.Namespace]:
    """The app the command line describes, seeded, with its latency and faults."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not 0.0 <= args.fault_rate <= 1.0:
        parser.error(f"--fault-rate {args.fault_rate}: give a share between 0 and 1, e.g. 0.05")
    if args.latency_ms < 0:
        parser.error(f"--latency-ms {args.latency_ms}: give a delay of 0 or more milliseconds")
    kinds = _fault_kinds(args.fault_kinds, parser)
    workspaces: list[WorkspaceSeed] = [
        (w.split(":", 1)[0], w.split(":", 1)[1]) if ":" in w else w for w in args.workspace
    ] or [(DEFAULT_WORKSPACE_ID, "Default Workspace")]
    env = _read_env(args.env_file, parser)
    app = create_app(
        auth=args.auth,
        client_id=env.get("AIRBYTE_CLIENT_ID") or args.client_id,
        client_secret=env.get("AIRBYTE_CLIENT_SECRET") or args.client_secret,
        token_lifetime_s=args.token_lifetime,
        workspaces=workspaces,
        latency_s=args.latency_ms / 1000,
    )
    seed_from_env(app, env)
    _seed_destinations(app, args.destination, parser)
    if args.fault_rate:
        app.inject_faults(args.fault_rate, kinds=kinds, seed=args.fault_seed)
    return app, args


def main(argv: list[str] | None = None) -> int:
    app, args = build_app(argv)
    server = SandboxServer(app, port=args.port)
    banner: dict[str, object] = {
        "event": "sandbox.started",
        "url": server.url,
        "api": f"{server.url}/api/v1",
        "auth": args.auth,
    }
    if args.latency_ms:
        banner["latency_ms"] = args.latency_ms
    if args.fault_rate:
        banner["fault_rate"] = args.fault_rate
    return serve_until_interrupted(server, json.dumps(banner))

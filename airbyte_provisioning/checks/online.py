"""Online checks for validate_tenant_config: does every referenced Airbyte resource exist?

Reads only, one call per distinct workspace, destination and template connection (in parallel):
``workspaces/get``, ``destinations/get`` (the destination must also belong to the tenant's
workspace) and ``connections/get``. Every missing resource is one :class:`Problem` naming the
variable that points at it. An unreachable server, a refused login or a bad setting is a single
problem naming ``AIRBYTE_BASE_URL`` or the auth variables, with what to do.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from airbyte_provisioning.api import (
    AirbyteAuthError,
    AirbyteClient,
    AirbyteConfigError,
    AirbyteConnectionError,
    AirbyteError,
    AirbyteNotFoundError,
)
from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.tenants import Problem, StackConfig

CONCURRENCY = 8
AUTH_VARIABLES = "AIRBYTE_CLIENT_ID/AIRBYTE_CLIENT_SECRET (or AIRBYTE_API_AUTH_HEADER)"


class _Abort(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _fatal(exc: AirbyteError) -> Problem | None:
    if isinstance(exc, AirbyteAuthError):
        return Problem(
            AUTH_VARIABLES,
            f"Airbyte refused the credentials ({exc}); use the values `abctl local credentials` "
            "prints, or a valid Authorization header",
            "auth_failed",
        )
    if isinstance(exc, AirbyteConnectionError):
        return Problem(
            "AIRBYTE_BASE_URL",
            f"cannot reach Airbyte ({exc.message}); check the URL and that the server runs",
            "unreachable",
        )
    return None


def check_resources_exist(stack: StackConfig, env: Mapping[str, str]) -> list[Problem]:
    """Problems for every missing workspace, destination and template connection."""
    try:
        client = AirbyteClient.from_env(env)
    except AirbyteConfigError as exc:
        variable = "AIRBYTE_BASE_URL" if "AIRBYTE_BASE_URL" in str(exc) else AUTH_VARIABLES
        return [Problem(variable, str(exc), "bad_setting")]

    def lookup(call: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
        try:
            return call()
        except AirbyteNotFoundError:
            return None
        except AirbyteError as exc:
            fatal = _fatal(exc)
            if fatal is not None:
                raise _Abort(fatal) from None
            raise

    workspaces: dict[str, list[str]] = {}
    destinations: dict[str, list[tuple[str, str, str | None]]] = {}
    for tenant in stack.tenants:
        workspaces.setdefault(tenant.workspace_id, []).append(f"{tenant.env_prefix}WORKSPACE_ID")
        destinations.setdefault(tenant.destination_id, []).append(
            (f"{tenant.env_prefix}DESTINATION_ID", tenant.workspace_id, tenant.slug)
        )
    if stack.legacy_workspace_id:
        workspaces.setdefault(stack.legacy_workspace_id, []).append(f"{V.PREFIX}WORKSPACE_ID")
    if stack.template_destination_id:
        destinations.setdefault(stack.template_destination_id, []).append(
            (f"{V.PREFIX}TEMPLATE_DESTINATION_ID", "", None)
        )
    templates = {
        key: t.connection_id for key, t in stack.templates.items() if t.enabled and t.connection_id
    }
    readers: dict[str, Callable[[str], dict[str, Any]]] = {
        "workspace": client.get_workspace,
        "destination": client.get_destination,
        "connection": client.get_connection,
    }
    calls: dict[tuple[str, str], Callable[[], dict[str, Any]]] = {}
    for kind, idents in (
        ("workspace", list(workspaces)),
        ("destination", list(destinations)),
        ("connection", list(templates.values())),
    ):
        for ident in idents:
            calls[kind, ident] = functools.partial(readers[kind], ident)
    try:
        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            answers = dict(zip(calls, pool.map(lookup, calls.values()), strict=True))
    except _Abort as abort:
        return [abort.problem]
    except AirbyteError as exc:
        return [Problem("AIRBYTE_BASE_URL", f"Airbyte answered an error: {exc}", "api_error")]

    problems: list[Problem] = []
    for ident, names in workspaces.items():
        if answers["workspace", ident] is None:
            problems.extend(
                Problem(
                    n,
                    f"workspace {ident} does not exist in Airbyte",
                    "missing_workspace",
                    _slug(n, stack),
                )
                for n in names
            )
    for ident, users in destinations.items():
        read = answers["destination", ident]
        for name, workspace, slug in users:
            if read is None:
                problems.append(
                    Problem(
                        name,
                        f"destination {ident} does not exist in Airbyte",
                        "missing_destination",
                        slug,
                    )
                )
            elif workspace and str(read.get("workspaceId", "")).lower() != workspace:
                problems.append(
                    Problem(
                        name,
                        f"destination {ident} belongs to workspace {read.get('workspaceId')}, not "
                        f"to the tenant's workspace {workspace}",
                        "foreign_destination",
                        slug,
                    )
                )
    for key, ident in templates.items():
        read = answers["connection", ident]
        variable = f"{V.PREFIX}TEMPLATE_{key}_CONNECTION_ID"
        if read is None or read.get("status") == "deprecated":
            hint = (
                "run provision_meta_google_connectors.py and persist the id it prints"
                if key in ("META_METRICS", "GOOGLE_METRICS", "DIMENSIONS_DAILY")
                else "create the template connection and set its id"
            )
            problems.append(
                Problem(
                    variable,
                    f"template connection {ident} does not exist in Airbyte (or was deleted): {hint}",
                    "missing_template_connection",
                )
            )
    return problems


def _slug(variable: str, stack: StackConfig) -> str | None:
    return next((t.slug for t in stack.tenants if variable.startswith(t.env_prefix)), None)

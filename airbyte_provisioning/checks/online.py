"""Online checks for validate_tenant_config: does every referenced Airbyte resource exist?

Reads only, one call per distinct workspace, destination and template connection (in parallel):
``workspaces/get``, ``destinations/get`` (the destination must also belong to the tenant's
workspace) and ``connections/get``. Every missing resource is one :class:`Problem` naming the
variable that points at it. An unreachable server, a refused login or a bad setting is a single
problem naming ``AIRBYTE_BASE_URL`` or the auth variables, with what to do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

from airbyte_provisioning.api import (
    AirbyteAuthError,
    AirbyteClient,
    AirbyteConfigError,
    AirbyteConnectionError,
    AirbyteError,
    AirbyteNotFoundError,
)
from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.core.types import JsonDict
from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.tenants import StackConfig

CONCURRENCY = 8
AUTH_VARIABLES = "AIRBYTE_CLIENT_ID/AIRBYTE_CLIENT_SECRET (or AIRBYTE_API_AUTH_HEADER)"


class _Abort(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _fatal(exc: AirbyteError) -> Problem | None:
    if isinstance(exc, AirbyteAuthError):
        return Problem(
            f"Airbyte refused the credentials ({exc}); use the values `abctl local credentials` "
            "prints, or a valid Authorization header",
            code="auth_failed",
            variable=AUTH_VARIABLES,
        )
    if isinstance(exc, AirbyteConnectionError):
        return Problem(
            f"cannot reach Airbyte ({exc.message}); check the URL and that the server runs",
            code="unreachable",
            variable="AIRBYTE_BASE_URL",
        )
    return None


Kind = Literal["workspace", "destination", "connection"]
Answers = dict[tuple[Kind, str], JsonDict | None]
# the templates provision_meta_google_connectors.py creates (the others are created by hand)
PROVISIONED_TEMPLATES = ("META_METRICS", "GOOGLE_METRICS", "DIMENSIONS_DAILY")


@dataclass
class References:
    """Every Airbyte id the stack points at, with the variables that name it."""

    # workspace id -> variables naming it
    workspaces: dict[str, list[str]] = field(default_factory=dict)
    # destination id -> (variable, the tenant's workspace id or "", tenant slug)
    destinations: dict[str, list[tuple[str, str, str | None]]] = field(default_factory=dict)
    # template key -> connection id
    templates: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, stack: StackConfig) -> References:
        refs = cls()
        for tenant in stack.tenants:
            refs.workspaces.setdefault(tenant.workspace_id, []).append(
                f"{tenant.env_prefix}WORKSPACE_ID"
            )
            refs.destinations.setdefault(tenant.destination_id, []).append(
                (f"{tenant.env_prefix}DESTINATION_ID", tenant.workspace_id, tenant.slug)
            )
        if stack.legacy_workspace_id:
            refs.workspaces.setdefault(stack.legacy_workspace_id, []).append(
                f"{V.PREFIX}WORKSPACE_ID"
            )
        if stack.template_destination_id:
            refs.destinations.setdefault(stack.template_destination_id, []).append(
                (f"{V.PREFIX}TEMPLATE_DESTINATION_ID", "", None)
            )
        refs.templates = {
            key: t.connection_id
            for key, t in stack.templates.items()
            if t.enabled and t.connection_id
        }
        return refs

    def reads(self) -> list[tuple[Kind, str]]:
        """One read per distinct id."""
        return [
            *(("workspace", ident) for ident in self.workspaces),
            *(("destination", ident) for ident in self.destinations),
            *(("connection", ident) for ident in dict.fromkeys(self.templates.values())),
        ]


def check_resources_exist(stack: StackConfig, env: Mapping[str, str]) -> list[Problem]:
    """Problems for every missing workspace, destination and template connection."""
    try:
        client = AirbyteClient.from_env(env)
    except AirbyteConfigError as exc:
        # the message names the variable to fix (AIRBYTE_HTTP_TIMEOUT_SECONDS, ...)
        named = re.search(r"AIRBYTE_[A-Z0-9_]+", str(exc))
        variable = named.group(0) if named else AUTH_VARIABLES
        if variable in ("AIRBYTE_CLIENT_ID", "AIRBYTE_CLIENT_SECRET"):
            variable = AUTH_VARIABLES
        return [Problem(str(exc), code="bad_setting", variable=variable)]
    refs = References.of(stack)
    answers = read_all(client, refs.reads())
    if isinstance(answers, Problem):
        return [answers]
    return [
        *_workspace_problems(refs, answers, stack),
        *_destination_problems(refs, answers),
        *_template_problems(refs, answers),
    ]


def read_all(client: AirbyteClient, reads: list[tuple[Kind, str]]) -> Answers | Problem:
    """Every read in parallel: the resource, or ``None`` when Airbyte does not have it.

    A refused login, an unreachable server or any other error ends the check as one problem.
    """
    readers: dict[Kind, Callable[[str], JsonDict]] = {
        "workspace": client.get_workspace,
        "destination": client.get_destination,
        "connection": client.get_connection,
    }
    try:
        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            found = pool.map(lambda read: _lookup(readers[read[0]], read[1]), reads)
            return dict(zip(reads, found, strict=True))
    except _Abort as abort:
        return abort.problem
    except AirbyteError as exc:
        return Problem(
            f"Airbyte answered an error: {exc}", code="api_error", variable="AIRBYTE_BASE_URL"
        )


def _lookup(reader: Callable[[str], JsonDict], ident: str) -> JsonDict | None:
    try:
        return reader(ident)
    except AirbyteNotFoundError:
        return None
    except AirbyteError as exc:
        fatal = _fatal(exc)
        if fatal is not None:
            raise _Abort(fatal) from None
        raise


def _workspace_problems(refs: References, answers: Answers, stack: StackConfig) -> list[Problem]:
    return [
        Problem(
            f"workspace {ident} does not exist in Airbyte: set {name} to the id of an existing "
            "workspace (the web app shows it in the address: /workspaces/<id>/...)",
            code="missing_workspace",
            variable=name,
            tenant=_slug(name, stack),
        )
        for ident, names in refs.workspaces.items()
        if answers["workspace", ident] is None
        for name in names
    ]


def _destination_problems(refs: References, answers: Answers) -> list[Problem]:
    problems: list[Problem] = []
    for ident, users in refs.destinations.items():
        read = answers["destination", ident]
        for name, workspace, slug in users:
            if read is None:
                message, code = (
                    f"destination {ident} does not exist in Airbyte: set {name} to the id of a "
                    "destination in that workspace (the web app shows it in the address: "
                    "/destination/<id>)",
                    "missing_destination",
                )
            elif workspace and str(read.get("workspaceId", "")).lower() != workspace:
                message = (
                    f"destination {ident} belongs to workspace {read.get('workspaceId')}, not "
                    f"to the tenant's workspace {workspace}"
                )
                code = "foreign_destination"
            else:
                continue
            problems.append(Problem(message, code=code, variable=name, tenant=slug))
    return problems


def _template_problems(refs: References, answers: Answers) -> list[Problem]:
    problems: list[Problem] = []
    for key, ident in refs.templates.items():
        read = answers["connection", ident]
        if read is not None and read.get("status") != "deprecated":
            continue
        hint = (
            "run provision_meta_google_connectors.py and persist the id it prints"
            if key in PROVISIONED_TEMPLATES
            else "create the template connection and set its id"
        )
        problems.append(
            Problem(
                f"template connection {ident} does not exist in Airbyte (or was deleted): {hint}",
                code="missing_template_connection",
                variable=f"{V.PREFIX}TEMPLATE_{key}_CONNECTION_ID",
            )
        )
    return problems


def _slug(variable: str, stack: StackConfig) -> str | None:
    return next((t.slug for t in stack.tenants if variable.startswith(t.env_prefix)), None)

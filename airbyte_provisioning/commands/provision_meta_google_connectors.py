"""provision_meta_google_connectors: create or update the Meta and Google Ads template sources and
their template connections in the template workspace.

Per provider (META, then GOOGLE_ADS), in this order, and nothing is written for a provider until
its configuration passed both checks:

1. render the source template from the environment (``templates/<name>_source.yaml``);
2. ``check_connection`` of that configuration (``scheduler/sources/check_connection``); a failed
   check stops the provider with the server's message;
3. discover its catalog (``scheduler/sources/discover_schema``); a failed discover stops it too;
4. plan and apply, with the same engine as bootstrap_connections: the managed source
   ``stack:template:<PLATFORM>`` and the template connections (META_METRICS and
   DIMENSIONS_DAILY from the Meta template, GOOGLE_METRICS from the Google Ads one) to
   ``AIRBYTE_TEMPLATE_DESTINATION_ID``, tagged ``stack:<TEMPLATE>``, scheduled with the group's
   default Quartz cron in ``AIRBYTE_DEFAULT_TIMEZONE``. An ``AIRBYTE_TEMPLATE_<T>_CONNECTION_ID``
   that is set is updated in place; otherwise the tagged connection is adopted or created.

A re-run changes nothing. The summary ends with the ``AIRBYTE_TEMPLATE_<T>_CONNECTION_ID=...``
lines to persist. Exit codes: 0 every provider succeeded, 1 otherwise, 2 usage.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableSet, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from airbyte_provisioning.api import (
    AirbyteApiError,
    AirbyteAuthError,
    AirbyteClient,
    AirbyteError,
    AirbyteNotFoundError,
)
from airbyte_provisioning.commands.registry import parser_for
from airbyte_provisioning.commands.startup import Abort, CommandParser, Invocation, run
from airbyte_provisioning.core import logs
from airbyte_provisioning.core.output import ExitCode
from airbyte_provisioning.core.types import JsonDict
from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.tenants import StackConfig, load_stack
from airbyte_provisioning.reconcile.apply import Applier
from airbyte_provisioning.reconcile.model import (
    PLATFORM_TEMPLATES,
    TEMPLATE_OWNER,
    DesiredConnection,
    DesiredSource,
    DesiredUnit,
    Observed,
)
from airbyte_provisioning.reconcile.observe import observe_workspace
from airbyte_provisioning.reconcile.plan import UnitPlan, plan_unit
from airbyte_provisioning.reconcile.render import (
    desired_source,
    render_error_text,
    select_streams,
    template_connection,
    template_schedule,
)
from airbyte_provisioning.templates.source_templates import (
    RenderedSource,
    RenderError,
    TemplateError,
    render_source,
)

COMMAND = "provision_meta_google_connectors"
PROVIDERS = ("META", "GOOGLE_ADS")
DESTINATION_VARIABLE = f"{V.PREFIX}TEMPLATE_DESTINATION_ID"


def build_parser() -> CommandParser:
    parser = parser_for(__name__, __doc__)
    parser.add_argument(
        "--plan",
        action="store_true",
        help="check, discover and print the plan; write nothing",
    )
    parser.add_argument(
        "--provider",
        action="append",
        choices=PROVIDERS,
        help="only this provider (repeatable; default: both)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser(), argv, provision)


# ------------------------------------------------------------------------------------------------
# one provider: render -> check -> discover -> template connections -> plan -> apply
# ------------------------------------------------------------------------------------------------
class _Stopped(Exception):
    """A provider stops at ``stage`` for ``message``; nothing of it was written."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(message)
        self.stage = stage
        self.message = message


@dataclass(frozen=True)
class _Target:
    """Where a provider's template resources go."""

    platform: str
    observed: Observed
    destination_id: str

    @property
    def workspace(self) -> str:
        return self.observed.workspace_id


def _job_message(answer: Mapping[str, Any], fallback: str) -> str:
    reason = (answer.get("jobInfo") or {}).get("failureReason") or {}
    return str(answer.get("message") or reason.get("externalMessage") or fallback)


def _render(
    env: Mapping[str, str], target: _Target, report: JsonDict
) -> tuple[RenderedSource, DesiredSource, str | None]:
    """The template source rendered from the environment, and the id of ours if it exists."""
    try:
        rendered = render_source(PLATFORM_TEMPLATES[target.platform], env)
    except (RenderError, TemplateError) as exc:
        raise _Stopped("render", render_error_text(exc)) from None
    definition_id = str(rendered.definition.definition_id)
    source = desired_source(
        rendered, target.platform, TEMPLATE_OWNER, target.workspace, definition_id
    )
    existing = target.observed.sources_named(source.name)
    existing_id = str(existing[0]["sourceId"]) if existing else None
    report["source"] = {
        "name": source.name,
        "source_id": existing_id,
        "definition_id": definition_id,
    }
    return rendered, source, existing_id


def _check_and_discover(
    client: AirbyteClient,
    target: _Target,
    source: DesiredSource,
    existing_id: str | None,
    report: JsonDict,
) -> tuple[list[Any], str | None]:
    """The configuration's discovered streams and catalog id, once its check succeeded."""
    definition_id = report["source"]["definition_id"]
    check = client.check_source_config(
        target.workspace, definition_id, source.payload(), existing_id
    )
    report["check"] = {"status": check.get("status")}
    if check.get("status") != "succeeded":
        message = _job_message(check, "the connection check failed without a message")
        report["check"]["message"] = message
        raise _Stopped("check", f"check_connection failed: {message}")
    discovered = client.discover_source_config(
        target.workspace, definition_id, source.payload(), existing_id
    )
    catalog = discovered.get("catalog")
    if not isinstance(catalog, Mapping) or not (discovered.get("jobInfo") or {}).get("succeeded"):
        message = _job_message(discovered, "discover returned no catalog")
        raise _Stopped("discover", f"discover failed: {message}")
    streams = list(catalog.get("streams") or [])
    report["discover"] = {"streams": len(streams)}
    return streams, discovered.get("catalogId")


def _template_connections(
    env: Mapping[str, str],
    stack: StackConfig,
    target: _Target,
    rendered: RenderedSource,
    streams: Sequence[Any],
    catalog_id: str | None,
) -> list[DesiredConnection]:
    """The template connections the rendered source feeds, on its discovered streams."""
    connections = []
    problems: list[str] = []
    for template in rendered.connections:
        setting = stack.templates.get(template.template)
        group = setting.schedule_group if setting else template.schedule_group
        schedule = template_schedule(env, group, stack.default_timezone)
        items, stream_problems = select_streams(streams, template.streams)
        problems.extend(f"{template.template}: {p}" for p in stream_problems)
        if isinstance(schedule, str):
            problems.append(f"{template.template}: {schedule}")
            continue
        connections.append(
            template_connection(
                template.template,
                env,
                stack,
                target.destination_id,
                target.platform,
                items,
                schedule,
                setting.connection_id if setting else None,
                catalog_id,
            )
        )
    if problems:
        raise _Stopped("catalog", "; ".join(problems))
    return connections


def _apply(
    client: AirbyteClient, target: _Target, unit: DesiredUnit, plan: UnitPlan, report: JsonDict
) -> JsonDict:
    """Carry out the plan; the report lists each resource's outcome and the ids to persist."""
    outcomes = Applier(client, target.observed).apply_unit(unit, plan)
    by_key = {o.key: o for o in outcomes}
    report["source"]["source_id"] = by_key[unit.sources[0].key].resource_id
    rows = []
    for action in plan.actions:
        row = {"planned": action.action, **by_key[action.key].to_dict()}
        if action.found_by:
            row["found_by"] = action.found_by
        rows.append(row)
    persist = {
        c.id_variable: by_key[c.key].resource_id
        for c in unit.connections
        if by_key[c.key].resource_id
    }
    return {
        **report,
        "status": "ok" if all(o.ok for o in outcomes) else "failed",
        "stage": "apply",
        "resources": rows,
        "connection_ids": persist,
    }


def provision_provider(
    client: AirbyteClient,
    env: Mapping[str, str],
    stack: StackConfig,
    platform: str,
    observed: Observed,
    destination_id: str,
    *,
    apply: bool,
    planned_tags: MutableSet[str],
) -> JsonDict:
    """One provider, start to end; the answer says how far it got and why it stopped."""
    target = _Target(platform, observed, destination_id)
    report: JsonDict = {"status": "failed"}
    try:
        rendered, source, existing_id = _render(env, target, report)
        streams, catalog_id = _check_and_discover(client, target, source, existing_id, report)
        connections = _template_connections(env, stack, target, rendered, streams, catalog_id)
    except _Stopped as stop:
        return {**report, "stage": stop.stage, "message": stop.message}
    unit = DesiredUnit(
        unit=f"{TEMPLATE_OWNER}:{platform}",
        env_prefix=f"{V.PREFIX}TEMPLATE_",
        workspace_id=target.workspace,
        destination_id=destination_id,
        destination_variable=DESTINATION_VARIABLE,
        sources=(source,),
        connections=tuple(connections),
    )
    plan = plan_unit(unit, observed, planned_tags)
    if plan.problems:
        return {**report, "stage": "plan", "message": "; ".join(plan.problems)}
    if not apply:
        return {
            **report,
            "status": "planned" if plan.ok else "failed",
            "stage": "plan",
            "resources": [a.to_dict() for a in plan.actions],
        }
    return _apply(client, target, unit, plan, report)


# ------------------------------------------------------------------------------------------------
# the command
# ------------------------------------------------------------------------------------------------
def _template_stack(env: Mapping[str, str], now: datetime) -> tuple[StackConfig, str]:
    """The stack and the template destination id, when nothing blocks the template resources."""
    stack = load_stack(env, now=now)
    # the template connection ids are this command's output, so their absence is no problem here
    blocking = [
        p
        for p in stack.errors
        if p.tenant is None
        and (
            (p.variable or "").startswith(f"{V.PREFIX}DEFAULT_")
            or p.variable == DESTINATION_VARIABLE
        )
    ]
    if blocking:
        raise Abort("the template settings have errors; fix the problems listed", problems=blocking)
    if stack.template_destination_id is None:
        raise Abort(
            f"{DESTINATION_VARIABLE} is not set: set it to the UUID of the destination the "
            "template connections write to",
            DESTINATION_VARIABLE,
        )
    return stack, stack.template_destination_id


def _template_workspace(client: AirbyteClient, destination_id: str) -> str:
    """The workspace of the template destination (the template workspace)."""
    try:
        destination = client.get_destination(destination_id)
    except AirbyteNotFoundError:
        raise Abort(
            f"{DESTINATION_VARIABLE}={destination_id}: no such destination; create it in "
            "Airbyte (the template workspace) or fix the variable",
            DESTINATION_VARIABLE,
        ) from None
    except AirbyteAuthError:
        raise  # the command says which variables to fix
    except AirbyteError as exc:
        raise Abort(
            f"cannot read the template destination {destination_id}: {exc}", "AIRBYTE_BASE_URL"
        ) from None
    return str(destination.get("workspaceId"))


def _observe(client: AirbyteClient, workspace: str, destination_id: str) -> Observed:
    try:
        return observe_workspace(client, workspace, [destination_id])
    except AirbyteAuthError:
        raise
    except AirbyteError as exc:
        raise Abort(f"cannot read workspace {workspace}: {exc}", "AIRBYTE_BASE_URL") from None


def _provision_each(
    client: AirbyteClient,
    invocation: Invocation,
    stack: StackConfig,
    observed: Observed,
    destination_id: str,
) -> JsonDict:
    """Every selected provider in turn; one provider's failure does not stop the next."""
    providers: JsonDict = {}
    planned_tags: set[str] = set()
    for platform in invocation.args.provider or PROVIDERS:
        with logs.bind(provider=platform):
            try:
                report = provision_provider(
                    client,
                    invocation.env,
                    stack,
                    platform,
                    observed,
                    destination_id,
                    apply=not invocation.args.plan,
                    planned_tags=planned_tags,
                )
            except AirbyteApiError as exc:
                report = {"status": "failed", "stage": "api", "message": str(exc)}
            failed = report["status"] == "failed"
            logs.outcome(
                failed,
                "provision.provider_done",
                status=report["status"],
                stage=report.get("stage"),
            )
        providers[platform] = report
    return providers


def provision(invocation: Invocation) -> int:
    now = datetime.now(UTC)
    document = invocation.document
    document.update(
        command=COMMAND,
        mode="plan" if invocation.args.plan else "apply",
        generated_at=now.isoformat(),
    )
    stack, destination_id = _template_stack(invocation.env, now)
    client = invocation.client()
    with logs.bind(task_id=COMMAND, correlation_id=client.correlation_id):
        try:
            workspace = _template_workspace(client, destination_id)
        except AirbyteAuthError as exc:
            raise invocation.credentials_refused(exc) from None
        document.update(workspace_id=workspace, template_destination_id=destination_id)
        if stack.legacy_workspace_id and stack.legacy_workspace_id != workspace:
            document["warnings"] = [
                f"AIRBYTE_WORKSPACE_ID={stack.legacy_workspace_id} differs from the template "
                f"destination's workspace {workspace}; the template workspace is the destination's"
            ]
        observed = _observe(client, workspace, destination_id)
        providers = _provision_each(client, invocation, stack, observed, destination_id)
    persist = sorted(
        f"{variable}={ident}"
        for report in providers.values()
        for variable, ident in (report.get("connection_ids") or {}).items()
    )
    ok = all(r["status"] != "failed" for r in providers.values())
    document.update(
        ok=ok,
        providers=providers,
        persist=persist,
        api_calls=client.calls,
        api_writes=client.writes,
    )
    return ExitCode.OK if ok else ExitCode.PROBLEMS

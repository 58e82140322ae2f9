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

import argparse
from collections.abc import Mapping, MutableSet
from datetime import UTC, datetime
from typing import Any

from airbyte_provisioning.api import (
    AirbyteApiError,
    AirbyteClient,
    AirbyteConfigError,
    AirbyteError,
    AirbyteNotFoundError,
)
from airbyte_provisioning.core import logs
from airbyte_provisioning.core.invocation import command_parser, start
from airbyte_provisioning.core.output import EXIT_OK, EXIT_PROBLEMS, abort, emit_json
from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.tenants import StackConfig, load_stack
from airbyte_provisioning.reconcile.apply import Applier
from airbyte_provisioning.reconcile.model import (
    PLATFORM_TEMPLATES,
    TEMPLATE_OWNER,
    DesiredUnit,
    JsonDict,
    Observed,
)
from airbyte_provisioning.reconcile.observe import observe_workspace
from airbyte_provisioning.reconcile.plan import plan_unit
from airbyte_provisioning.reconcile.render import (
    desired_source,
    render_error_text,
    select_streams,
    template_connection,
    template_schedule,
)
from airbyte_provisioning.templates.source_templates import (
    RenderError,
    TemplateError,
    render_source,
)

COMMAND = "provision_meta_google_connectors"
PROVIDERS = ("META", "GOOGLE_ADS")
DESTINATION_VARIABLE = f"{V.PREFIX}TEMPLATE_DESTINATION_ID"


def build_parser() -> argparse.ArgumentParser:
    parser = command_parser("provision_meta_google_connectors.py", __doc__)
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


def _job_message(answer: Mapping[str, Any], fallback: str) -> str:
    reason = (answer.get("jobInfo") or {}).get("failureReason") or {}
    return str(answer.get("message") or reason.get("externalMessage") or fallback)


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
    workspace = observed.workspace_id
    report: JsonDict = {"status": "failed"}
    try:
        rendered = render_source(PLATFORM_TEMPLATES[platform], env)
    except (RenderError, TemplateError) as exc:
        return {**report, "stage": "render", "message": render_error_text(exc)}
    definition_id = str(rendered.definition.definition_id)
    source = desired_source(rendered, platform, TEMPLATE_OWNER, workspace, definition_id)
    existing = observed.sources_named(source.name)
    existing_id = str(existing[0]["sourceId"]) if existing else None
    report["source"] = {
        "name": source.name,
        "source_id": existing_id,
        "definition_id": definition_id,
    }

    check = client.check_source_config(workspace, definition_id, source.payload(), existing_id)
    report["check"] = {"status": check.get("status")}
    if check.get("status") != "succeeded":
        message = _job_message(check, "the connection check failed without a message")
        report["check"]["message"] = message
        return {**report, "stage": "check", "message": f"check_connection failed: {message}"}
    discovered = client.discover_source_config(
        workspace, definition_id, source.payload(), existing_id
    )
    catalog = discovered.get("catalog")
    if not isinstance(catalog, Mapping) or not (discovered.get("jobInfo") or {}).get("succeeded"):
        message = _job_message(discovered, "discover returned no catalog")
        return {**report, "stage": "discover", "message": f"discover failed: {message}"}
    streams = list(catalog.get("streams") or [])
    report["discover"] = {"streams": len(streams)}

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
                destination_id,
                platform,
                items,
                schedule,
                setting.connection_id if setting else None,
                discovered.get("catalogId"),
            )
        )
    if problems:
        return {**report, "stage": "catalog", "message": "; ".join(problems)}
    unit = DesiredUnit(
        unit=f"{TEMPLATE_OWNER}:{platform}",
        env_prefix=f"{V.PREFIX}TEMPLATE_",
        workspace_id=workspace,
        destination_id=destination_id,
        destination_variable=DESTINATION_VARIABLE,
        sources=(source,),
        connections=tuple(connections),
    )
    plan = plan_unit(unit, observed, planned_tags)
    if plan.problems:
        return {**report, "stage": "plan", "message": "; ".join(plan.problems)}
    if not apply:
        ok = plan.ok
        return {
            **report,
            "status": "planned" if ok else "failed",
            "stage": "plan",
            "resources": [a.to_dict() for a in plan.actions],
        }
    outcomes = Applier(client, observed).apply_unit(unit, plan)
    ok = all(o.ok for o in outcomes)
    by_key = {o.key: o for o in outcomes}
    report["source"]["source_id"] = by_key[source.key].resource_id
    rows = []
    for action in plan.actions:
        outcome = by_key[action.key]
        row = {"planned": action.action, **outcome.to_dict()}
        if action.found_by:
            row["found_by"] = action.found_by
        rows.append(row)
    persist = {
        c.id_variable: by_key[c.key].resource_id for c in connections if by_key[c.key].resource_id
    }
    return {
        **report,
        "status": "ok" if ok else "failed",
        "stage": "apply",
        "resources": rows,
        "connection_ids": persist,
    }


def _abort(document: JsonDict, variable: str, message: str, secrets: frozenset[str]) -> int:
    return abort(document, variable, message, secrets, "provision.aborted")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    started = start(parser, argv)
    if isinstance(started, int):
        return started
    args, env, secrets = started.args, started.env, started.secrets
    now = datetime.now(UTC)
    document: JsonDict = {
        "command": COMMAND,
        "mode": "plan" if args.plan else "apply",
        "generated_at": now.isoformat(),
    }
    stack = load_stack(env, now=now)
    # the template connection ids are this command's output, so their absence is no problem here
    blocking = [
        p
        for p in stack.errors
        if p.tenant is None
        and (p.variable.startswith(f"{V.PREFIX}DEFAULT_") or p.variable == DESTINATION_VARIABLE)
    ]
    if blocking:
        document.update(ok=False, problems=[p.as_dict() for p in blocking])
        emit_json(document, secrets)
        return EXIT_PROBLEMS
    destination_id = stack.template_destination_id
    if destination_id is None:
        return _abort(
            document,
            DESTINATION_VARIABLE,
            f"{DESTINATION_VARIABLE} is not set: set it to the UUID of the destination the "
            "template connections write to",
            secrets,
        )
    try:
        client = AirbyteClient.from_env(env)
    except AirbyteConfigError as exc:
        return _abort(document, "AIRBYTE_BASE_URL", str(exc), secrets)
    with logs.bind(task_id=COMMAND, correlation_id=client.correlation_id):
        try:
            destination = client.get_destination(destination_id)
        except AirbyteNotFoundError:
            return _abort(
                document,
                DESTINATION_VARIABLE,
                f"{DESTINATION_VARIABLE}={destination_id}: no such destination; create it in "
                "Airbyte (the template workspace) or fix the variable",
                secrets,
            )
        except AirbyteError as exc:
            return _abort(document, "AIRBYTE_BASE_URL", f"cannot reach Airbyte: {exc}", secrets)
        workspace = str(destination.get("workspaceId"))
        document.update(workspace_id=workspace, template_destination_id=destination_id)
        if stack.legacy_workspace_id and stack.legacy_workspace_id != workspace:
            document["warnings"] = [
                f"AIRBYTE_WORKSPACE_ID={stack.legacy_workspace_id} differs from the template "
                f"destination's workspace {workspace}; the template workspace is the destination's"
            ]
        try:
            observed = observe_workspace(client, workspace, [destination_id])
        except AirbyteError as exc:
            return _abort(
                document, "AIRBYTE_BASE_URL", f"cannot read workspace {workspace}: {exc}", secrets
            )
        providers: JsonDict = {}
        planned_tags: set[str] = set()
        for platform in args.provider or PROVIDERS:
            with logs.bind(provider=platform):
                try:
                    providers[platform] = provision_provider(
                        client,
                        env,
                        stack,
                        platform,
                        observed,
                        destination_id,
                        apply=not args.plan,
                        planned_tags=planned_tags,
                    )
                except AirbyteApiError as exc:
                    providers[platform] = {"status": "failed", "stage": "api", "message": str(exc)}
                logs.log(
                    20 if providers[platform]["status"] != "failed" else 30,
                    "provision.provider_done",
                    status=providers[platform]["status"],
                    stage=providers[platform].get("stage"),
                )
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
    emit_json(document, secrets)
    return EXIT_OK if ok else EXIT_PROBLEMS

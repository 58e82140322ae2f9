"""Render (pure): the environment and the template snapshots become the desired state per unit.

A unit is one tenant (bootstrap) or the template workspace (provision). Nothing here calls the
API; everything a tenant's clone copies from a template connection arrives as a
:class:`~.model.TemplateSnapshot` read once per run.

How a tenant's source is obtained, per platform (first match wins):

1. ``AIRBYTE_<SLUG>_<PLATFORM>_SOURCE_ID``: that source, used as it is (not managed);
2. the tenant overrides any of the platform's connector variables (``AIRBYTE_ACME_META_ACCOUNT_ID``):
   a managed source ``stack:<slug>:<PLATFORM>`` in the tenant's workspace, rendered from the
   source template with the tenant's values over the global ones (credentials come from the
   environment, never from the API, which masks them);
3. the template connection's source lives in the tenant's workspace: it is shared;
4. otherwise the connection cannot be planned, and the problem names both variables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.cron import CronError, to_quartz
from airbyte_provisioning.model.schedules import Schedule
from airbyte_provisioning.model.tenants import StackConfig, Tenant, TenantConnection
from airbyte_provisioning.reconcile.model import (
    PLATFORM_TEMPLATES,
    TEMPLATE_OWNER,
    DesiredConnection,
    DesiredSource,
    DesiredUnit,
    JsonDict,
    SourceRef,
    TemplateSnapshot,
    source_name,
)
from airbyte_provisioning.templates.source_templates import (
    RenderedSource,
    RenderError,
    StreamSelection,
    TemplateError,
    render_source,
)

# the variable that names a tenant's account on each platform (quoted in problems)
ACCOUNT_VARIABLES = {
    "META": "META_ACCOUNT_ID",
    "GOOGLE_ADS": "GOOGLE_ADS_CUSTOMER_ID",
    "GA4": "GA4_PROPERTY_ID",
    "SEARCH_CONSOLE": "SEARCH_CONSOLE_SITE_URL",
    "LINKEDIN": "LINKEDIN_ACCOUNT_ID",
    "TIKTOK": "TIKTOK_ADVERTISER_ID",
}


def connection_name(owner: str, template: str) -> str:
    return f"{owner} | {template.lower().replace('_', ' ')}"


def render_error_text(exc: RenderError | TemplateError, overrides: Mapping[str, str] = {}) -> str:
    """A RenderError's problems, naming the tenant's variable where the tenant overrode it."""
    if isinstance(exc, TemplateError):
        return str(exc)
    parts = []
    for problem in exc.problems:
        names = [
            f"AIRBYTE_<tenant>_{v.removeprefix(V.PREFIX)}"
            if v.removeprefix(V.PREFIX) in overrides
            else v
            for v in problem.variables
        ]
        where = f"{', '.join(names)} -> {problem.path}" if names else problem.path
        parts.append(f"{where}: {problem.message}")
    return f"source template {exc.template!r} cannot be rendered: " + "; ".join(parts)


def desired_source(
    rendered: RenderedSource, platform: str, owner: str, workspace_id: str, definition_id: str
) -> DesiredSource:
    return DesiredSource(
        platform=platform,
        name=source_name(owner, platform),
        workspace_id=workspace_id,
        definition_id=definition_id,
        config=rendered.config,
        secret_paths=tuple(rendered.secret_paths),
        variables=tuple(sorted({v for used in rendered.variables.values() for v in used})),
    )


# --------------------------------------------------------------------------------------------
# bootstrap: one unit per tenant
# --------------------------------------------------------------------------------------------
def render_tenants(
    stack: StackConfig,
    env: Mapping[str, str],
    snapshots: Mapping[str, TemplateSnapshot],
    slugs: Sequence[str] | None = None,
) -> list[DesiredUnit]:
    """Desired state of every tenant (or of ``slugs``), in ``AIRBYTE_TENANTS`` order."""
    pairs = Counter((t.workspace_id, t.destination_id) for t in stack.tenants)
    return [
        render_tenant(
            tenant,
            stack,
            env,
            snapshots,
            shared=pairs[tenant.workspace_id, tenant.destination_id] > 1,
        )
        for tenant in stack.tenants
        if slugs is None or tenant.slug in slugs
    ]


def render_tenant(
    tenant: Tenant,
    stack: StackConfig,
    env: Mapping[str, str],
    snapshots: Mapping[str, TemplateSnapshot],
    shared: bool = False,
) -> DesiredUnit:
    problems = [f"{p.variable}: {p.message}" for p in stack.errors if p.tenant == tenant.slug]
    sources: dict[str, DesiredSource] = {}
    source_problems: dict[str, str] = {}
    connections: list[DesiredConnection] = []
    connection_problems: dict[str, str] = {}
    tenant_env: dict[str, str] | None = None
    for wanted in tenant.connections:
        id_variable = f"{tenant.env_prefix}{wanted.template}_CONNECTION_ID"
        snapshot = snapshots.get(wanted.template)
        if snapshot is None or snapshot.error:
            reason = snapshot.error if snapshot else "the template connection was not read"
            connection_problems[wanted.template] = f"template {wanted.template}: {reason}"
            continue
        platform = snapshot.platform
        if platform is None:
            connection_problems[wanted.template] = (
                f"cannot tell which platform the {wanted.template} template connection's source "
                f"({snapshot.source_id}) belongs to; set {tenant.env_prefix}<PLATFORM>_SOURCE_ID"
            )
            continue
        if shared and wanted.connection_id is None:
            connection_problems[wanted.template] = (
                f"tenant shares workspace {tenant.workspace_id} and destination "
                f"{tenant.destination_id} with another tenant, so its {wanted.template} "
                f"connection cannot be told apart: give it its own destination or set {id_variable}"
            )
            continue
        if platform not in sources and platform not in source_problems:
            if tenant_env is None:
                tenant_env = tenant.connector_env(env)
            ref_or_problem = _tenant_source(tenant, platform, snapshot, tenant_env)
            if isinstance(ref_or_problem, str):
                source_problems[platform] = ref_or_problem
            elif isinstance(ref_or_problem, DesiredSource):
                sources[platform] = ref_or_problem
        if platform in source_problems:
            connection_problems[wanted.template] = source_problems[platform]
            continue
        ref = _source_ref(tenant, platform, snapshot, sources)
        schedule = tenant.schedules.get(wanted.schedule_group)
        if schedule is None:
            connection_problems[wanted.template] = (
                f"schedule group {wanted.schedule_group} has no usable schedule (see its problems)"
            )
            continue
        connections.append(_clone(tenant, wanted, snapshot, ref, schedule, id_variable))
    return DesiredUnit(
        unit=tenant.slug,
        env_prefix=tenant.env_prefix,
        workspace_id=tenant.workspace_id,
        destination_id=tenant.destination_id,
        destination_variable=f"{tenant.env_prefix}DESTINATION_ID",
        bucket=tenant.bucket,
        sources=tuple(sources.values()),
        connections=tuple(connections),
        problems=tuple(problems),
        connection_problems=connection_problems,
    )


def _tenant_source(
    tenant: Tenant, platform: str, snapshot: TemplateSnapshot, tenant_env: Mapping[str, str]
) -> DesiredSource | str | None:
    """A managed source to render, a problem, or None (explicit id or shared template source)."""
    if platform in tenant.source_ids:
        return None
    overridden = [
        n for n in V.CONNECTOR_VARIABLES.get(platform, ()) if n in tenant.connector_overrides
    ]
    if overridden:
        try:
            rendered = render_source(PLATFORM_TEMPLATES[platform], tenant_env)
        except (RenderError, TemplateError) as exc:
            return render_error_text(exc, tenant.connector_overrides).replace(
                "AIRBYTE_<tenant>_", tenant.env_prefix
            )
        return desired_source(
            rendered, platform, tenant.slug, tenant.workspace_id, str(snapshot.source_definition_id)
        )
    if snapshot.workspace_id == tenant.workspace_id:
        return None
    account = ACCOUNT_VARIABLES.get(platform, f"{platform}_...")
    return (
        f"no {platform} source for tenant {tenant.slug}: the {snapshot.template} template's source "
        f"lives in another workspace ({snapshot.workspace_id}); set "
        f"{tenant.env_prefix}{platform}_SOURCE_ID to an existing source in workspace "
        f"{tenant.workspace_id}, or set {tenant.env_prefix}{account} so a source is created for "
        "the tenant"
    )


def _source_ref(
    tenant: Tenant,
    platform: str,
    snapshot: TemplateSnapshot,
    sources: Mapping[str, DesiredSource],
) -> SourceRef:
    if platform in tenant.source_ids:
        variable = f"{tenant.env_prefix}{platform}_SOURCE_ID"
        return SourceRef("explicit", platform, tenant.source_ids[platform], variable)
    if platform in sources:
        return SourceRef("managed", platform)
    return SourceRef("template", platform, snapshot.source_id, snapshot.variable)


def _clone(
    tenant: Tenant,
    wanted: TenantConnection,
    snapshot: TemplateSnapshot,
    ref: SourceRef,
    schedule: Schedule,
    id_variable: str,
) -> DesiredConnection:
    same_source = ref.how == "template"
    return DesiredConnection(
        template=wanted.template,
        name=wanted.name,
        status=wanted.status,
        namespace=tenant.namespace,
        prefix=wanted.prefix,
        schedule=schedule.to_airbyte(),
        streams=snapshot.streams,
        source=ref,
        destination_id=tenant.destination_id,
        id_variable=id_variable,
        connection_id=wanted.connection_id,
        # a catalog id belongs to one source: only the shared template source may reuse it
        source_catalog_id=snapshot.source_catalog_id if same_source else None,
        operations=snapshot.operations,
        operation_ids=snapshot.operation_ids,
        operations_workspace_id=snapshot.workspace_id,
        non_breaking_changes=snapshot.non_breaking_changes,
    )


# --------------------------------------------------------------------------------------------
# provision: the template workspace
# --------------------------------------------------------------------------------------------
def template_schedule(env: Mapping[str, str], group: str, timezone: str) -> Schedule | str:
    """The template connections' schedule: ``AIRBYTE_DEFAULT_<GROUP>_CRON`` (Quartz, in the
    default time zone), else the group's default basic interval; a problem text otherwise."""
    prefix = f"{V.PREFIX}DEFAULT_{group}_"
    cron = (env.get(prefix + "CRON") or "").strip()
    if cron:
        try:
            quartz, form = to_quartz(cron)
        except CronError as exc:
            return f"{prefix}CRON: cron {cron!r} is not usable: {exc}"
        return Schedule(
            group=group,
            timezone=timezone,
            kind="cron",
            quartz=quartz,
            written_as=cron,
            converted_from_unix=form == "unix",
            set_by=(prefix + "CRON",),
        )
    units = (env.get(prefix + "BASIC_UNITS") or "").strip()
    unit = (env.get(prefix + "BASIC_TIME_UNIT") or "").strip().lower()
    if units.isdigit() and int(units) > 0 and unit in V.BASIC_TIME_UNITS:
        return Schedule(
            group=group,
            timezone=timezone,
            kind="basic",
            basic_units=int(units),
            basic_time_unit=unit,
            set_by=(prefix + "BASIC_UNITS", prefix + "BASIC_TIME_UNIT"),
        )
    return (
        f"{prefix}CRON: schedule group {group} has no schedule: set {prefix}CRON, or both "
        f"{prefix}BASIC_UNITS and {prefix}BASIC_TIME_UNIT"
    )


def select_streams(
    discovered: Sequence[Mapping[str, Any]], selections: Sequence[StreamSelection]
) -> tuple[list[JsonDict], list[str]]:
    """The discovered catalog with the template's streams selected and configured, the rest
    explicitly unselected (Airbyte needs ``selected`` on every stream)."""
    wanted = {s.name: s for s in selections}
    items: list[JsonDict] = []
    problems: list[str] = []
    found: set[str] = set()
    for item in discovered:
        stream = dict(item.get("stream") or {})
        config = dict(item.get("config") or {})
        selection = wanted.get(str(stream.get("name")))
        if selection is None:
            config["selected"] = False
            items.append({"stream": stream, "config": config})
            continue
        found.add(selection.name)
        supported = stream.get("supportedSyncModes") or []
        if supported and selection.sync_mode not in supported:
            problems.append(
                f"stream {selection.name} does not support {selection.sync_mode} "
                f"(supported: {', '.join(supported)})"
            )
        config.update(
            selected=True,
            syncMode=selection.sync_mode,
            destinationSyncMode=selection.destination_sync_mode,
            cursorField=list(selection.cursor_field),
            primaryKey=[list(k) for k in selection.primary_key],
        )
        items.append({"stream": stream, "config": config})
    names = sorted(str((i.get("stream") or {}).get("name")) for i in discovered)
    for name in wanted:
        if name not in found:
            problems.append(
                f"stream {name} is not in the discovered catalog (discovered: {', '.join(names) or 'none'})"
            )
    return items, problems


def template_connection(
    template: str,
    env: Mapping[str, str],
    stack: StackConfig,
    destination_id: str,
    platform: str,
    streams: Sequence[Mapping[str, Any]],
    schedule: Schedule,
    connection_id: str | None,
    source_catalog_id: str | None,
) -> DesiredConnection:
    return DesiredConnection(
        template=template,
        name=connection_name(TEMPLATE_OWNER, template),
        status="active",
        namespace=stack.default_namespace,
        prefix=stack.default_stream_prefix,
        schedule=schedule.to_airbyte(),
        streams=tuple(streams),
        source=SourceRef("managed", platform),
        destination_id=destination_id,
        id_variable=f"{V.PREFIX}TEMPLATE_{template}_CONNECTION_ID",
        connection_id=connection_id,
        source_catalog_id=source_catalog_id,
    )

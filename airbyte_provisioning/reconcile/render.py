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
from dataclasses import dataclass, field
from typing import Any

from airbyte_provisioning.core.types import JsonDict
from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.cron import CronError
from airbyte_provisioning.model.schedules import Schedule, basic_schedule, cron_schedule
from airbyte_provisioning.model.tenants import StackConfig, Tenant, TenantConnection
from airbyte_provisioning.reconcile.model import (
    PLATFORM_TEMPLATES,
    TEMPLATE_OWNER,
    DesiredConnection,
    DesiredSource,
    DesiredUnit,
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
    """One tenant's desired state; ``shared``: another tenant has the same workspace and
    destination, so only explicit connection ids can tell their connections apart."""
    clones = _TenantClones(tenant, env, snapshots, shared)
    for wanted in tenant.connections:
        clones.add(wanted)
    return DesiredUnit(
        unit=tenant.slug,
        env_prefix=tenant.env_prefix,
        workspace_id=tenant.workspace_id,
        destination_id=tenant.destination_id,
        destination_variable=f"{tenant.env_prefix}DESTINATION_ID",
        bucket=tenant.bucket,
        sources=tuple(clones.sources.values()),
        connections=tuple(clones.connections),
        problems=tuple(
            f"{p.variable}: {p.message}" for p in stack.errors if p.tenant == tenant.slug
        ),
        connection_problems=clones.problems,
    )


@dataclass
class _TenantClones:
    """The connections (and managed sources) cloned for one tenant, or why each cannot be."""

    tenant: Tenant
    env: Mapping[str, str]
    snapshots: Mapping[str, TemplateSnapshot]
    shared: bool
    sources: dict[str, DesiredSource] = field(default_factory=dict)
    source_problems: dict[str, str] = field(default_factory=dict)
    connections: list[DesiredConnection] = field(default_factory=list)
    # connection template -> why it cannot be planned
    problems: dict[str, str] = field(default_factory=dict)
    # the environment with the tenant's connector overrides, built once when first needed
    tenant_env: dict[str, str] | None = None

    def add(self, wanted: TenantConnection) -> None:
        tenant = self.tenant
        id_variable = f"{tenant.env_prefix}{wanted.template}_CONNECTION_ID"
        usable = self._usable_template(wanted, id_variable)
        if isinstance(usable, str):
            self.problems[wanted.template] = usable
            return
        snapshot, platform = usable
        self._ensure_source(platform, snapshot)
        if platform in self.source_problems:
            self.problems[wanted.template] = self.source_problems[platform]
            return
        ref = _source_ref(tenant, platform, snapshot, self.sources)
        # the group's schedule, moved by this connection's spread offset when its group is spread
        schedule = tenant.connection_schedule(wanted)
        if schedule is None:
            self.problems[wanted.template] = (
                f"schedule group {wanted.schedule_group} has no usable schedule: see the problems "
                f"of {tenant.env_prefix}{wanted.schedule_group}_CRON or "
                f"{V.PREFIX}DEFAULT_{wanted.schedule_group}_CRON"
            )
            return
        self.connections.append(_clone(tenant, wanted, snapshot, ref, schedule, id_variable))

    def _usable_template(
        self, wanted: TenantConnection, id_variable: str
    ) -> tuple[TemplateSnapshot, str] | str:
        """The template connection and its platform, or why it cannot be cloned for the tenant."""
        tenant = self.tenant
        snapshot = self.snapshots.get(wanted.template)
        if snapshot is None or snapshot.error:
            reason = snapshot.error if snapshot else "the template connection was not read"
            return f"template {wanted.template}: {reason}"
        if snapshot.platform is None:
            return (
                f"cannot tell which platform the {wanted.template} template connection's source "
                f"({snapshot.source_id}) belongs to; set {tenant.env_prefix}<PLATFORM>_SOURCE_ID"
            )
        if self.shared and wanted.connection_id is None:
            return (
                f"tenant shares workspace {tenant.workspace_id} and destination "
                f"{tenant.destination_id} with another tenant, so its {wanted.template} "
                f"connection cannot be told apart: give it its own destination or set {id_variable}"
            )
        return snapshot, snapshot.platform

    def _ensure_source(self, platform: str, snapshot: TemplateSnapshot) -> None:
        """Render the tenant's managed source for ``platform`` once (or record why not)."""
        if platform in self.sources or platform in self.source_problems:
            return
        if self.tenant_env is None:
            self.tenant_env = self.tenant.connector_env(self.env)
        ref_or_problem = _tenant_source(self.tenant, platform, snapshot, self.tenant_env)
        if isinstance(ref_or_problem, str):
            self.source_problems[platform] = ref_or_problem
        elif isinstance(ref_or_problem, DesiredSource):
            self.sources[platform] = ref_or_problem


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
            return cron_schedule(group, timezone, cron, prefix + "CRON")
        except CronError as exc:
            return f"{prefix}CRON: cron {cron!r} is not usable: {exc}"
    units = (env.get(prefix + "BASIC_UNITS") or "").strip()
    unit = V.basic_time_unit((env.get(prefix + "BASIC_TIME_UNIT") or "").strip())
    if units.isdigit() and int(units) > 0 and unit is not None:
        set_by = (prefix + "BASIC_UNITS", prefix + "BASIC_TIME_UNIT")
        return basic_schedule(group, timezone, int(units), unit, set_by)
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

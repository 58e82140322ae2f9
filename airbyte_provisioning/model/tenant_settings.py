"""One tenant read from the environment: ``AIRBYTE_<SLUG>_*`` over ``AIRBYTE_DEFAULT_*``.

:func:`parse_tenant_list` reads ``AIRBYTE_TENANTS``; :class:`TenantLoader` builds one
:class:`~.stack.Tenant` (workspace, destination, namespace, bucket, prefixes, time zone, schedules,
one connection per enabled template, explicit source ids, connector overrides), recording every
problem on the shared :class:`~.env_reader.EnvReader`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.env_reader import IDENTIFIER_LIMIT, SLUG_RE, EnvReader
from airbyte_provisioning.model.schedule_settings import (
    check_group_values,
    check_sla,
    resolve_schedule,
)
from airbyte_provisioning.model.schedules import Schedule
from airbyte_provisioning.model.spread import resolve_spread, spread_offset
from airbyte_provisioning.model.stack import (
    ConnectionStatus,
    TemplateSetting,
    Tenant,
    TenantConnection,
)
from airbyte_provisioning.model.text import quoted


@dataclass(frozen=True)
class StackDefaults:
    """What every tenant inherits: the groups, the templates and the ``AIRBYTE_DEFAULT_*`` values."""

    groups: tuple[str, ...]
    templates: Mapping[str, TemplateSetting]
    timezone: str
    stream_prefix: str
    namespace: str
    bucket: str | None
    now: datetime


def parse_tenant_list(reader: EnvReader, configured: Sequence[str] = ()) -> list[str]:
    """The valid, distinct slugs of ``AIRBYTE_TENANTS``, in their order. ``configured``: the
    slugs the environment has settings for, suggested when the list is missing."""
    name = V.PREFIX + "TENANTS"
    raw = reader.get(name)
    if raw is None:
        found = (
            f"; the environment has settings for {_some(configured)}: "
            f"{name}={','.join(configured)}?"
            if 0 < len(configured) <= SUGGESTED_SLUGS
            else f"; the environment has settings for {_some(configured)}"
            if configured
            else ""
        )
        reader.problem(
            name,
            f"missing: list the tenant slugs, comma-separated (e.g. acme,globex-eu){found}",
            "missing",
        )
        return []
    slugs: list[str] = []
    reserved = V.reserved_slug_prefixes()
    for item in (s.strip() for s in raw.split(",")):
        if not item:
            continue
        if len(item) > IDENTIFIER_LIMIT:
            reader.problem(
                name,
                f"slug {quoted(item[:20])}… is too long ({len(item)} characters): a slug has at "
                f"most {IDENTIFIER_LIMIT} characters (the identifier limit)",
                "invalid_slug",
            )
        elif not SLUG_RE.match(item):
            reader.problem(
                name,
                f"slug {quoted(item)} is invalid: use lower-case letters, digits and single "
                "dashes, starting with a letter (e.g. globex-eu)",
                "invalid_slug",
            )
        elif item.upper().replace("-", "_") in reserved:
            reader.problem(
                name,
                f"slug {item!r} would make AIRBYTE_{item.upper().replace('-', '_')}_* collide with "
                "global variables; choose another slug",
                "reserved_slug",
            )
        elif item in slugs:
            reader.problem(name, f"slug {item!r} is listed twice", "duplicate_slug")
        else:
            slugs.append(item)
    if not slugs:
        found = f"; the environment has settings for {_some(configured)}" if configured else ""
        reader.problem(name, f"no valid tenant slug listed{found}", "missing")
    return slugs


# how many slugs a message names before it only counts them
SUGGESTED_SLUGS = 10


def _some(slugs: Sequence[str]) -> str:
    shown = ", ".join(slugs[:SUGGESTED_SLUGS])
    return shown if len(slugs) <= SUGGESTED_SLUGS else f"{shown}, … ({len(slugs)} tenants)"


@dataclass
class _Schedules:
    """A tenant's schedules, each group resolved (and its SLA checked) at most once."""

    loader: TenantLoader
    timezone: str
    found: dict[str, Schedule] = field(default_factory=dict)
    resolved: set[str] = field(default_factory=set)
    # group -> (spread variable, minutes) for the groups whose connections are spread
    spreads: dict[str, tuple[str, int]] = field(default_factory=dict)

    def resolve(self, group: str) -> None:
        if group in self.resolved:
            return
        self.resolved.add(group)
        loader = self.loader
        reader, slug, now = loader.reader, loader.slug, loader.defaults.now
        schedule = resolve_schedule(reader, group, self.timezone, loader.prefix, slug, now)
        if schedule is not None:
            self.found[group] = schedule
            check_sla(reader, schedule, slug, now)
            spread = resolve_spread(reader, schedule, loader.prefix, slug, now)
            if spread is not None:
                self.spreads[group] = spread


class TenantLoader:
    """Reads one tenant; :meth:`load` returns None when its workspace or destination is unusable."""

    def __init__(self, reader: EnvReader, slug: str, defaults: StackDefaults) -> None:
        self.reader = reader
        self.slug = slug
        self.defaults = defaults
        self.prefix = V.tenant_env_prefix(slug)

    def load(self) -> Tenant | None:
        reader, slug, p = self.reader, self.slug, self.prefix
        workspace = reader.uuid(
            p + "WORKSPACE_ID", slug, required=True, hint=f"workspace of tenant {slug}"
        )
        destination = reader.uuid(
            p + "DESTINATION_ID", slug, required=True, hint=f"destination of tenant {slug}"
        )
        namespace = self._namespace()
        bucket = self._bucket()
        stream_prefix = self._stream_prefix()
        schedules = _Schedules(self, reader.timezone(p + "TIMEZONE", self.defaults.timezone, slug))
        self._needed_schedules(schedules)
        connections = self._connections(schedules, stream_prefix)
        source_ids = self._source_ids()
        overrides = {
            name: value for name in V.ALL_CONNECTOR_VARIABLES if (value := reader.get(p + name))
        }
        if workspace is None or destination is None:
            return None
        return Tenant(
            slug=slug,
            env_prefix=p,
            workspace_id=workspace,
            destination_id=destination,
            namespace=namespace,
            bucket=bucket,
            stream_prefix=stream_prefix,
            timezone=schedules.timezone,
            schedules=schedules.found,
            connections=connections,
            source_ids=source_ids,
            connector_overrides=overrides,
        )

    def _namespace(self) -> str:
        variable = self.prefix + "DESTINATION_NAMESPACE"
        own = self.reader.get(variable)
        self.reader.check_shape(variable, own or "", "namespace", self.slug)
        namespace = own or self.defaults.namespace
        if not namespace:
            self.reader.problem(
                variable,
                f"no namespace: set it or {V.PREFIX}DEFAULT_DESTINATION_NAMESPACE",
                "missing",
                self.slug,
            )
        return namespace

    def _bucket(self) -> str | None:
        variable = self.prefix + "DESTINATION_BUCKET"
        own = self.reader.get(variable)
        self.reader.check_shape(variable, own or "", "bucket", self.slug)
        return own or self.defaults.bucket

    def _stream_prefix(self) -> str:
        variable, value = self.reader.first(self.prefix + "STREAM_PREFIX")
        if variable:
            self.reader.check_shape(variable, value or "", "stream_prefix", self.slug)
        return value if value is not None else self.defaults.stream_prefix

    def _needed_schedules(self, schedules: _Schedules) -> None:
        """Groups an enabled template uses, or that the tenant sets itself."""
        p, groups = self.prefix, self.defaults.groups
        check_group_values(self.reader, p, groups, self.slug)
        needed = {t.schedule_group for t in self.defaults.templates.values() if t.enabled}
        for group in groups:
            if group in needed or any(
                self.reader.env.get(f"{p}{group}_{k}") for k in V.SCHEDULE_KEYS
            ):
                schedules.resolve(group)

    def _connections(
        self, schedules: _Schedules, stream_prefix: str
    ) -> tuple[TenantConnection, ...]:
        connections: list[TenantConnection] = []
        seen_names: dict[str, str] = {}
        for key, template in self.defaults.templates.items():
            if not template.enabled:
                self._disabled_template_settings(key)
                continue
            connections.append(
                self._connection(key, template, stream_prefix, schedules, seen_names)
            )
        return tuple(connections)

    def _disabled_template_settings(self, key: str) -> None:
        for suffix in V.TEMPLATE_KEYS:
            variable = f"{self.prefix}{key}_{suffix}"
            if self.reader.env.get(variable):
                self.reader.problem(
                    variable,
                    f"template {key} is disabled (AIRBYTE_TEMPLATE_{key}_CONNECTION_ID is not set), "
                    "so this setting has no effect",
                    "template_disabled",
                    self.slug,
                    severity="warning",
                )

    def _connection(
        self,
        key: str,
        template: TemplateSetting,
        stream_prefix: str,
        schedules: _Schedules,
        seen_names: dict[str, str],
    ) -> TenantConnection:
        """The tenant's connection for an enabled template (``seen_names``: name -> template)."""
        reader, slug, p = self.reader, self.slug, self.prefix
        name = reader.get(f"{p}{key}_NAME") or f"{slug} | {key.lower().replace('_', ' ')}"
        status = self._status(f"{p}{key}_STATUS")
        prefix_var, prefix = reader.first(f"{p}{key}_PREFIX")
        if prefix_var:
            reader.check_shape(prefix_var, prefix or "", "stream_prefix", slug)
        group_var = f"{p}{key}_SCHEDULE_GROUP"
        group = (reader.get(group_var) or template.schedule_group).upper()
        if group not in self.defaults.groups:
            reader.problem(
                group_var,
                f"unknown schedule group {quoted(group)}; known: {', '.join(self.defaults.groups)}",
                "unknown_group",
                slug,
            )
            group = template.schedule_group
        schedules.resolve(group)
        if name in seen_names:
            reader.problem(
                f"{p}{key}_NAME",
                f"same connection name as {seen_names[name]}: {quoted(name)}",
                "duplicate_name",
                slug,
                severity="warning",
            )
        seen_names[name] = key
        spread_variable, spread_minutes = schedules.spreads.get(group, (None, 0))
        return TenantConnection(
            template=key,
            name=name,
            status=status,
            prefix=prefix if prefix is not None else stream_prefix,
            schedule_group=group,
            connection_id=reader.uuid(
                f"{p}{key}_CONNECTION_ID", slug, hint=f"{key} connection of {slug}"
            ),
            template_connection_id=template.connection_id,
            spread_variable=spread_variable,
            spread_offset=spread_offset(slug, key, spread_minutes) if spread_variable else None,
        )

    def _status(self, variable: str) -> ConnectionStatus:
        text = (self.reader.get(variable) or "active").lower()
        if text == "inactive":
            return "inactive"
        if text != "active":
            self.reader.problem(
                variable,
                f"{quoted(text)} is not a status; use active or inactive",
                "bad_status",
                self.slug,
            )
        return "active"

    def _source_ids(self) -> dict[str, str]:
        return {
            platform: source_id
            for platform in V.PLATFORMS
            if (
                source_id := self.reader.uuid(
                    f"{self.prefix}{platform}_SOURCE_ID",
                    self.slug,
                    hint=f"{platform} source of {self.slug}",
                )
            )
        }


def cross_tenant_problems(reader: EnvReader, tenants: list[Tenant | None]) -> None:
    """Tenants that share a destination: their data mixes unless their namespaces differ."""
    by_destination: dict[str, str] = {}
    for tenant in tenants:
        if tenant is None:
            continue
        other = by_destination.get(tenant.destination_id)
        if other is not None:
            reader.problem(
                tenant.env_prefix + "DESTINATION_ID",
                f"tenant {tenant.slug!r} shares its destination with {other!r}: their data would mix "
                "unless namespaces differ",
                "shared_destination",
                tenant.slug,
                severity="warning",
            )
        by_destination[tenant.destination_id] = tenant.slug

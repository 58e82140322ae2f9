"""The tenant model's types: what :func:`~.tenants.load_stack` builds from the environment.

A :class:`StackConfig` holds the templates (:class:`TemplateSetting`), the tenants
(:class:`Tenant`, each with one :class:`TenantConnection` per enabled template) and every problem
found while reading them. All are immutable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from airbyte_provisioning.core.problems import Problem, errors
from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.schedules import Schedule

# an Airbyte connection's status as this tool sets it (Airbyte's "deprecated" means deleted)
ConnectionStatus = Literal["active", "inactive"]
CONNECTION_STATUSES: tuple[ConnectionStatus, ...] = ("active", "inactive")


@dataclass(frozen=True)
class TenantConnection:
    """One template connection as it should exist for one tenant."""

    template: str
    name: str
    status: ConnectionStatus
    prefix: str
    schedule_group: str
    connection_id: str | None
    template_connection_id: str | None
    set_by: tuple[str, ...] = ()
    # the variable spreading this connection's group, and this connection's offset in minutes
    # (None, None: its group's cron is used as it is; see :mod:`.spread`)
    spread_variable: str | None = None
    spread_offset: int | None = None


@dataclass(frozen=True)
class Tenant:
    slug: str
    env_prefix: str
    workspace_id: str
    destination_id: str
    namespace: str
    bucket: str | None
    stream_prefix: str
    timezone: str
    schedules: Mapping[str, Schedule]
    connections: tuple[TenantConnection, ...]
    source_ids: Mapping[str, str]
    connector_overrides: Mapping[str, str]

    def connection_schedule(self, connection: TenantConnection) -> Schedule | None:
        """The schedule ``connection`` runs on: its group's, moved by its spread offset; None
        when the group has no usable schedule."""
        schedule = self.schedules.get(connection.schedule_group)
        if schedule is None or connection.spread_variable is None:
            return schedule
        return schedule.shifted(connection.spread_offset or 0, connection.spread_variable)

    def connector_env(self, env: Mapping[str, str]) -> dict[str, str]:
        """``env`` with this tenant's connector overrides applied under the global names."""
        merged = dict(env)
        merged.update({V.PREFIX + k: v for k, v in self.connector_overrides.items()})
        return merged


@dataclass(frozen=True)
class TemplateSetting:
    key: str
    connection_id: str | None
    schedule_group: str
    enabled: bool
    platform: str | None


@dataclass(frozen=True)
class StackConfig:
    tenants: tuple[Tenant, ...]
    templates: Mapping[str, TemplateSetting]
    groups: tuple[str, ...]
    default_timezone: str
    default_stream_prefix: str
    default_namespace: str
    default_bucket: str | None
    template_destination_id: str | None
    legacy_workspace_id: str | None
    base_url: str | None
    problems: tuple[Problem, ...] = field(default=())

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(errors(self.problems))

    @property
    def valid(self) -> bool:
        return not self.errors

    def tenant(self, slug: str) -> Tenant:
        for tenant in self.tenants:
            if tenant.slug == slug:
                return tenant
        raise KeyError(slug)

"""The tenant model: a typed, immutable view of the environment, with every problem found at once.

:func:`load_stack` reads only a ``Mapping[str, str]`` (the process environment, optionally
overlaid by ``--env-file``) and never raises for bad input: each problem becomes a
:class:`~airbyte_provisioning.core.problems.Problem` naming the exact variable and what is
expected, so an operator fixes them all in one pass. See ``env.example`` for the variables and
:mod:`.variables` for the registry.

This module is the model's public face. The work is split by concern: :mod:`.stack` (the types),
:mod:`.env_reader` (typed getters that record problems), :mod:`.schedule_settings` (schedule groups
and SLA hints), :mod:`.tenant_settings` (one tenant) and :mod:`.typos` (probable typos).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.env_reader import UUID_RE, EnvReader
from airbyte_provisioning.model.schedule_settings import check_group_values, discover_groups
from airbyte_provisioning.model.stack import (
    CONNECTION_STATUSES,
    ConnectionStatus,
    StackConfig,
    TemplateSetting,
    Tenant,
    TenantConnection,
)
from airbyte_provisioning.model.tenant_settings import (
    StackDefaults,
    TenantLoader,
    cross_tenant_problems,
    parse_tenant_list,
)
from airbyte_provisioning.model.text import quoted
from airbyte_provisioning.model.typos import close_match, configured_slugs, tenant_key_problems

# the model's API, wherever each name is defined
__all__ = [
    "CONNECTION_STATUSES",
    "UUID_RE",
    "ConnectionStatus",
    "StackConfig",
    "TemplateSetting",
    "Tenant",
    "TenantConnection",
    "load_stack",
]


def load_stack(env: Mapping[str, str], now: datetime | None = None) -> StackConfig:
    """Build the model from ``env``; problems are collected, never raised."""
    reader = EnvReader(env)
    groups = discover_groups(env)
    timezone = reader.timezone(V.PREFIX + "DEFAULT_TIMEZONE", V.DEFAULT_TIMEZONE)
    stream_prefix, namespace, bucket = _default_destination(reader)
    base_url = _base_url(reader)
    legacy_ws = reader.uuid(V.PREFIX + "WORKSPACE_ID", hint="legacy primary workspace")
    template_dest = reader.uuid(V.PREFIX + "TEMPLATE_DESTINATION_ID", hint="template destination")
    templates = _templates(reader, groups)
    check_group_values(reader, f"{V.PREFIX}DEFAULT_", groups, None)
    defaults = StackDefaults(
        groups=groups,
        templates=templates,
        timezone=timezone,
        stream_prefix=stream_prefix,
        namespace=namespace,
        bucket=bucket,
        now=now or datetime.now(UTC),
    )
    slugs = parse_tenant_list(reader, configured_slugs(list(env), groups))
    tenants = [TenantLoader(reader, slug, defaults).load() for slug in slugs]
    tenant_key_problems(reader, slugs, groups)
    cross_tenant_problems(reader, tenants)
    _unused_groups(reader, groups, templates)
    return StackConfig(
        tenants=tuple(t for t in tenants if t is not None),
        templates=templates,
        groups=groups,
        default_timezone=timezone,
        default_stream_prefix=stream_prefix,
        default_namespace=namespace,
        default_bucket=bucket,
        template_destination_id=template_dest,
        legacy_workspace_id=legacy_ws,
        base_url=base_url,
        problems=tuple(reader.problems),
    )


def _default_destination(reader: EnvReader) -> tuple[str, str, str | None]:
    """``AIRBYTE_DEFAULT_STREAM_PREFIX``, ``_DESTINATION_NAMESPACE`` and ``_DESTINATION_BUCKET``."""
    prefix_var = V.PREFIX + "DEFAULT_STREAM_PREFIX"
    prefix = reader.get(prefix_var) or ""
    reader.check_shape(prefix_var, prefix, "stream_prefix", None)
    namespace_var = V.PREFIX + "DEFAULT_DESTINATION_NAMESPACE"
    namespace = reader.get(namespace_var) or ""
    reader.check_shape(namespace_var, namespace, "namespace", None)
    bucket_var = V.PREFIX + "DEFAULT_DESTINATION_BUCKET"
    bucket = reader.get(bucket_var)
    reader.check_shape(bucket_var, bucket or "", "bucket", None)
    return prefix, namespace, bucket


def _base_url(reader: EnvReader) -> str | None:
    base_url = reader.get(V.PREFIX + "BASE_URL")
    if base_url and not re.match(r"^https?://[^\s/]+", base_url):
        reader.problem(
            V.PREFIX + "BASE_URL",
            f"{quoted(base_url)} is not an http(s) URL such as http://localhost:8000",
            "bad_url",
        )
    return base_url


def _templates(reader: EnvReader, groups: tuple[str, ...]) -> dict[str, TemplateSetting]:
    """Each template's connection id and schedule group; a template without an id is disabled
    unless it is required."""
    templates: dict[str, TemplateSetting] = {}
    for key, definition in V.TEMPLATES.items():
        id_var = f"{V.PREFIX}TEMPLATE_{key}_CONNECTION_ID"
        hint = (
            "template connection (provision_meta_google_connectors.py prints it)"
            if key in ("META_METRICS", "GOOGLE_METRICS")
            else "template connection"
        )
        connection_id = reader.uuid(id_var, required=definition.required, hint=hint)
        group_var = f"{V.PREFIX}TEMPLATE_{key}_SCHEDULE_GROUP"
        group = (reader.get(group_var) or definition.schedule_group).upper()
        if group not in groups:
            reader.problem(
                group_var,
                f"unknown schedule group {quoted(group)}; known: {', '.join(groups)}",
                "unknown_group",
            )
            group = definition.schedule_group
        enabled = definition.required or connection_id is not None
        templates[key] = TemplateSetting(key, connection_id, group, enabled, definition.platform)
    return templates


def _unused_groups(
    reader: EnvReader, groups: tuple[str, ...], templates: Mapping[str, TemplateSetting]
) -> None:
    """A group the environment defines but no enabled template uses is probably a typo."""
    used_groups = {t.schedule_group for t in templates.values() if t.enabled}
    for group in groups:
        if group not in V.BUILTIN_GROUPS and group not in used_groups:
            guess = close_match(group, V.BUILTIN_GROUPS)
            hint = f"; probable typo of {guess}" if guess else ""
            reader.problem(
                f"{V.PREFIX}DEFAULT_{group}_*",
                f"schedule group {group} is defined but no template uses it (set "
                f"AIRBYTE_TEMPLATE_<TEMPLATE>_SCHEDULE_GROUP={group}){hint}",
                "unused_group",
                severity="warning",
            )

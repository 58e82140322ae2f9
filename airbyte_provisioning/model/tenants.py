"""The tenant model: a typed, immutable view of the environment, with every problem found at once.

:func:`load_stack` reads only a ``Mapping[str, str]`` (the process environment, optionally
overlaid by ``--env-file``) and never raises for bad input: each problem becomes a
:class:`Problem` naming the exact variable and what is expected, so an operator fixes them all
in one pass. See ``env.example`` for the variables and ``variables.py`` for the registry.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from airbyte_provisioning.core.redact import is_secret_name
from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.cron import CronError, to_quartz, validate_timezone
from airbyte_provisioning.model.schedules import (
    SLA_HORIZON_DAYS,
    Schedule,
    SlaHint,
    parse_clock,
)

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
SLUG_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
NAMESPACE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
PREFIX_RE = re.compile(r"^[A-Za-z0-9_]{0,63}$")
BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
STATUSES = ("active", "inactive")


@dataclass(frozen=True)
class Problem:
    variable: str
    message: str
    code: str
    tenant: str | None = None
    severity: str = "error"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "severity": self.severity,
            "code": self.code,
            "variable": self.variable,
            "message": self.message,
        }
        if self.tenant:
            out["tenant"] = self.tenant
        return out


@dataclass(frozen=True)
class TenantConnection:
    """One template connection as it should exist for one tenant."""

    template: str
    name: str
    status: str
    prefix: str
    schedule_group: str
    connection_id: str | None
    template_connection_id: str | None
    set_by: tuple[str, ...] = ()


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
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def valid(self) -> bool:
        return not self.errors

    def tenant(self, slug: str) -> Tenant:
        for tenant in self.tenants:
            if tenant.slug == slug:
                return tenant
        raise KeyError(slug)


class _Reader:
    """Reads variables and records problems; every getter returns something usable."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.problems: list[Problem] = []
        self._seen: set[Problem] = set()
        self.used: set[str] = set()

    def problem(
        self,
        variable: str,
        message: str,
        code: str,
        tenant: str | None = None,
        severity: str = "error",
    ) -> None:
        # a shared default is one problem, not one per tenant that inherits it
        if tenant and variable.startswith(f"{V.PREFIX}DEFAULT_"):
            tenant = None
        problem = Problem(variable, message, code, tenant, severity)
        if problem not in self._seen:
            self._seen.add(problem)
            self.problems.append(problem)

    def get(self, name: str) -> str | None:
        self.used.add(name)
        value = self.env.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    def first(self, *names: str) -> tuple[str | None, str | None]:
        """The first set variable among ``names`` and its value."""
        for name in names:
            value = self.get(name)
            if value is not None:
                return name, value
        return None, None

    def describe(self, name: str, value: str) -> str:
        return "a secret value" if is_secret_name(name) else repr(value)

    def uuid(
        self, name: str, tenant: str | None = None, required: bool = False, hint: str = ""
    ) -> str | None:
        value = self.get(name)
        if value is None:
            if required:
                self.problem(
                    name,
                    f"missing: set it to the UUID of the {hint or 'resource'}",
                    "missing",
                    tenant,
                )
            return None
        if not UUID_RE.match(value):
            self.problem(
                name,
                f"{self.describe(name, value)} is not a UUID (expected the {hint or 'resource'} "
                "id as 8-4-4-4-12 hex digits)",
                "invalid_uuid",
                tenant,
            )
            return None
        return value.lower()


def _close(word: str, candidates: frozenset[str] | set[str] | tuple[str, ...]) -> str | None:
    match = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.75)
    return match[0] if match else None


def _parse_tenant_list(reader: _Reader) -> list[str]:
    raw = reader.get(V.PREFIX + "TENANTS")
    name = V.PREFIX + "TENANTS"
    if raw is None:
        reader.problem(
            name, "missing: list the tenant slugs, comma-separated (e.g. acme,globex-eu)", "missing"
        )
        return []
    slugs: list[str] = []
    reserved = V.reserved_slug_prefixes()
    for item in (s.strip() for s in raw.split(",")):
        if not item:
            continue
        if not SLUG_RE.match(item):
            reader.problem(
                name,
                f"slug {item!r} is invalid: use lower-case letters, digits and single dashes, "
                "starting with a letter (e.g. globex-eu)",
                "invalid_slug",
            )
            continue
        if item.upper().replace("-", "_") in reserved:
            reader.problem(
                name,
                f"slug {item!r} would make AIRBYTE_{item.upper().replace('-', '_')}_* collide with "
                "global variables; choose another slug",
                "reserved_slug",
            )
            continue
        if item in slugs:
            reader.problem(name, f"slug {item!r} is listed twice", "duplicate_slug")
            continue
        slugs.append(item)
    if not slugs and raw is not None:
        reader.problem(name, "no valid tenant slug listed", "missing")
    return slugs


def _discover_groups(env: Mapping[str, str]) -> tuple[str, ...]:
    """METRICS, DAILY, plus every group named by ``AIRBYTE_DEFAULT_<GROUP>_<SCHEDULE KEY>``."""
    groups = list(V.BUILTIN_GROUPS)
    pattern = re.compile(r"^AIRBYTE_DEFAULT_([A-Z0-9_]+?)_(" + "|".join(V.SCHEDULE_KEYS) + ")$")
    for name in sorted(env):
        match = pattern.match(name)
        if match and match.group(1) not in groups:
            groups.append(match.group(1))
    return tuple(groups)


def _resolve_schedule(
    reader: _Reader, group: str, timezone: str, tenant_prefix: str, tenant: str
) -> Schedule | None:
    default = f"{V.PREFIX}DEFAULT_{group}_"
    tenant_var = f"{tenant_prefix}{group}_"
    sla = _resolve_sla(reader, group, tenant_var, default, tenant)
    cron_var = tenant_var + "CRON"
    cron = reader.get(cron_var)
    units_var, units = reader.first(tenant_var + "BASIC_UNITS")
    unit_var, unit = reader.first(tenant_var + "BASIC_TIME_UNIT")
    if cron is None and units is None and unit is None:
        cron_var = default + "CRON"
        cron = reader.get(cron_var)
        units_var, units = reader.first(default + "BASIC_UNITS")
        unit_var, unit = reader.first(default + "BASIC_TIME_UNIT")
    if cron is not None:
        try:
            quartz, form = to_quartz(cron)
        except CronError as exc:
            reader.problem(cron_var, f"cron {cron!r} is not usable: {exc}", "bad_cron", tenant)
            return None
        return Schedule(
            group=group,
            timezone=timezone,
            kind="cron",
            quartz=quartz,
            written_as=cron,
            converted_from_unix=form == "unix",
            set_by=(cron_var,),
            sla=sla,
        )
    if units is None or unit is None:
        missing = tenant_var if (units or unit) else default
        reader.problem(
            f"{missing}CRON",
            f"schedule group {group} has no schedule: set {missing}CRON, or both "
            f"{missing}BASIC_UNITS and {missing}BASIC_TIME_UNIT",
            "missing",
            tenant,
        )
        return None
    if not _basic_values_ok(reader, units_var or "", units, unit_var or "", unit, tenant):
        return None
    return Schedule(
        group=group,
        timezone=timezone,
        kind="basic",
        basic_units=int(units),
        basic_time_unit=unit.lower(),
        set_by=(units_var or "", unit_var or ""),
        sla=sla,
    )


def _basic_values_ok(
    reader: _Reader,
    units_var: str,
    units: str | None,
    unit_var: str,
    unit: str | None,
    tenant: str | None,
) -> bool:
    ok = True
    if units is not None and (not units.isdigit() or int(units) < 1):
        reader.problem(
            units_var, f"{units!r} is not a positive whole number", "bad_interval", tenant
        )
        ok = False
    if unit is not None and unit.lower() not in V.BASIC_TIME_UNITS:
        reader.problem(
            unit_var,
            f"{unit!r} is not a time unit; use one of {', '.join(V.BASIC_TIME_UNITS)}",
            "bad_interval",
            tenant,
        )
        ok = False
    return ok


def _check_basic_values(
    reader: _Reader, prefix: str, groups: tuple[str, ...], tenant: str | None
) -> None:
    """Interval values are checked even while a cron wins, so a later fallback is not broken."""
    for group in groups:
        units_var, unit_var = f"{prefix}{group}_BASIC_UNITS", f"{prefix}{group}_BASIC_TIME_UNIT"
        _basic_values_ok(
            reader, units_var, reader.get(units_var), unit_var, reader.get(unit_var), tenant
        )


def _resolve_sla(
    reader: _Reader, group: str, tenant_var: str, default: str, tenant: str
) -> SlaHint:
    values: dict[str, tuple[str, str]] = {}
    for key in ("SLA_WINDOW", "SLA_FINISH_BY", "SLA_RUN_MINUTES"):
        var, value = reader.first(tenant_var + key, default + key)
        if value is not None and var is not None:
            values[key] = (var, value)
        elif key in V.BUILTIN_SLA.get(group, {}):
            values[key] = ("built-in", V.BUILTIN_SLA[group][key])
    window = finish_by = None
    run_minutes = 0
    if "SLA_WINDOW" in values:
        var, text = values["SLA_WINDOW"]
        try:
            start_text, end_text = text.split("-", 1)
            window = (parse_clock(start_text), parse_clock(end_text))
            if window[0] > window[1]:
                raise ValueError("the window must not cross midnight")
        except ValueError as exc:
            reader.problem(var, f"{text!r} is not a window HH:MM-HH:MM ({exc})", "bad_sla", tenant)
            window = None
    if "SLA_FINISH_BY" in values:
        var, text = values["SLA_FINISH_BY"]
        try:
            finish_by = parse_clock(text)
        except ValueError as exc:
            reader.problem(var, str(exc), "bad_sla", tenant)
    if "SLA_RUN_MINUTES" in values:
        var, text = values["SLA_RUN_MINUTES"]
        if text.isdigit():
            run_minutes = int(text)
        else:
            reader.problem(var, f"{text!r} is not a whole number of minutes", "bad_sla", tenant)
    return SlaHint(window, finish_by, run_minutes, tuple(v for v, _ in values.values()))


def _check_sla(reader: _Reader, schedule: Schedule, tenant: str, now: datetime) -> None:
    hint = schedule.sla
    if hint.window is None and hint.finish_by is None:
        return
    variable = schedule.set_by[0] if schedule.set_by else schedule.group
    if schedule.kind != "cron":
        reader.problem(
            variable,
            f"{schedule.group} uses a basic interval, whose runs drift with each sync's end time, "
            "so its SLA cannot be guaranteed; set a cron",
            "sla_unverifiable",
            tenant,
            severity="warning",
        )
        return
    fires = schedule.fire_times(now, days=SLA_HORIZON_DAYS)
    if not fires:
        reader.problem(
            variable,
            f"{schedule.group} cron {schedule.quartz!r} does not fire in the next {SLA_HORIZON_DAYS} days",
            "sla_no_runs",
            tenant,
            severity="warning",
        )
        return
    bad = hint.violations(fires)
    if bad:
        shown = ", ".join(sorted({f"{f:%H:%M}" for f in bad})[:6])
        if hint.window:
            expectation = f"start between {hint.window[0]:%H:%M} and {hint.window[1]:%H:%M}"
        else:
            expectation = f"start after midnight and finish ({hint.run_minutes} min budget) by {hint.finish_by:%H:%M}"
        reader.problem(
            variable,
            f"{schedule.group} runs must {expectation} {schedule.timezone} time; "
            f"{schedule.quartz!r} also fires at {shown}",
            "sla_violation",
            tenant,
        )


def _tenant_key_problems(reader: _Reader, slugs: list[str], groups: tuple[str, ...]) -> None:
    """Report AIRBYTE_<SLUG>_* variables that match no known key, or no declared tenant."""
    known = V.tenant_keys(groups)
    prefixes = sorted(((V.tenant_env_prefix(s), s) for s in slugs), key=lambda p: -len(p[0]))
    globals_ = V.GLOBAL_VARIABLES
    default_keys = {f"{V.PREFIX}DEFAULT_{g}_{k}" for g in groups for k in V.SCHEDULE_KEYS}
    template_keys = {
        f"{V.PREFIX}TEMPLATE_{t}_{k}" for t in V.TEMPLATES for k in V.GLOBAL_TEMPLATE_KEYS
    }
    for name in sorted(reader.env):
        if (
            not name.startswith(V.PREFIX)
            or name in globals_
            or name in default_keys
            or name in template_keys
        ):
            continue
        owner = next(((p, s) for p, s in prefixes if name.startswith(p)), None)
        if owner is not None:
            key = name[len(owner[0]) :]
            if key not in known:
                guess = _close(key, known)
                hint = f"; did you mean {owner[0]}{guess}?" if guess else ""
                reader.problem(
                    name,
                    f"not a known setting for tenant {owner[1]!r}: probable typo{hint}",
                    "probable_typo",
                    owner[1],
                )
            continue
        if name.startswith(f"{V.PREFIX}TEMPLATE_"):
            rest = name.removeprefix(f"{V.PREFIX}TEMPLATE_")
            template = next((t for t in V.TEMPLATES if rest.startswith(t + "_")), None)
            if template is None:
                reader.problem(
                    name,
                    f"unknown template; known templates: {', '.join(V.TEMPLATES)}",
                    "unknown_template",
                )
            else:
                guess = _close(name, template_keys)
                hint = f"; did you mean {guess}?" if guess else ""
                reader.problem(
                    name, f"not a known template setting: probable typo{hint}", "probable_typo"
                )
            continue
        if name.startswith(f"{V.PREFIX}DEFAULT_"):
            guess = _close(name, set(globals_) | default_keys)
            hint = f"; did you mean {guess}?" if guess else ""
            reader.problem(name, f"not a known default: probable typo{hint}", "probable_typo")
            continue
        # AIRBYTE_<X>_<tenant key> for a slug that AIRBYTE_TENANTS does not declare
        middle = next(
            (
                name[len(V.PREFIX) : -len(key) - 1]
                for key in sorted(known, key=len, reverse=True)
                if name.endswith("_" + key) and len(name) > len(V.PREFIX) + len(key) + 1
            ),
            None,
        )
        if middle:
            slug = middle.lower().replace("_", "-")
            declared = ", ".join(slugs) or "none"
            reader.problem(
                name,
                f"looks like a setting for tenant {slug!r}, which AIRBYTE_TENANTS does not declare "
                f"(declared: {declared}); add the slug or remove the variable",
                "undeclared_tenant",
            )
            continue
        guess = _close(name, globals_)
        if guess:
            reader.problem(
                name,
                f"unknown variable: probable typo of {guess}",
                "probable_typo",
                severity="warning",
            )


def load_stack(env: Mapping[str, str], now: datetime | None = None) -> StackConfig:
    """Build the model from ``env``; problems are collected, never raised."""
    from datetime import UTC

    now = now or datetime.now(UTC)
    reader = _Reader(env)
    groups = _discover_groups(env)

    tz_var = V.PREFIX + "DEFAULT_TIMEZONE"
    default_tz = reader.get(tz_var) or V.DEFAULT_TIMEZONE
    try:
        validate_timezone(default_tz)
    except CronError as exc:
        reader.problem(tz_var, str(exc), "unknown_timezone")
        default_tz = V.DEFAULT_TIMEZONE

    default_prefix = reader.get(V.PREFIX + "DEFAULT_STREAM_PREFIX") or ""
    _check_pattern(
        reader,
        V.PREFIX + "DEFAULT_STREAM_PREFIX",
        default_prefix,
        PREFIX_RE,
        "letters, digits and _",
        None,
    )
    default_ns = reader.get(V.PREFIX + "DEFAULT_DESTINATION_NAMESPACE") or ""
    _check_pattern(
        reader,
        V.PREFIX + "DEFAULT_DESTINATION_NAMESPACE",
        default_ns,
        NAMESPACE_RE,
        "a schema name (letters, digits, _; not starting with a digit)",
        None,
    )
    default_bucket = reader.get(V.PREFIX + "DEFAULT_DESTINATION_BUCKET")
    if default_bucket:
        _check_pattern(
            reader,
            V.PREFIX + "DEFAULT_DESTINATION_BUCKET",
            default_bucket,
            BUCKET_RE,
            "a bucket name (3-63 lower-case letters, digits, dots, dashes)",
            None,
        )

    base_url = reader.get(V.PREFIX + "BASE_URL")
    if base_url and not re.match(r"^https?://[^\s/]+", base_url):
        reader.problem(
            V.PREFIX + "BASE_URL",
            f"{base_url!r} is not an http(s) URL such as http://localhost:8000",
            "bad_url",
        )
    legacy_ws = reader.uuid(V.PREFIX + "WORKSPACE_ID", hint="legacy primary workspace")
    template_dest = reader.uuid(V.PREFIX + "TEMPLATE_DESTINATION_ID", hint="template destination")

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
                f"unknown schedule group {group!r}; known: {', '.join(groups)}",
                "unknown_group",
            )
            group = definition.schedule_group
        enabled = definition.required or connection_id is not None
        templates[key] = TemplateSetting(key, connection_id, group, enabled, definition.platform)

    _check_basic_values(reader, f"{V.PREFIX}DEFAULT_", groups, None)
    slugs = _parse_tenant_list(reader)
    tenants = [
        _load_tenant(
            reader,
            slug,
            groups,
            templates,
            default_tz,
            default_prefix,
            default_ns,
            default_bucket,
            now,
        )
        for slug in slugs
    ]
    _tenant_key_problems(reader, slugs, groups)
    _cross_tenant_problems(reader, tenants)
    used_groups = {t.schedule_group for t in templates.values() if t.enabled}
    for group in groups:
        if group not in V.BUILTIN_GROUPS and group not in used_groups:
            guess = _close(group, V.BUILTIN_GROUPS)
            hint = f"; probable typo of {guess}" if guess else ""
            reader.problem(
                f"{V.PREFIX}DEFAULT_{group}_*",
                f"schedule group {group} is defined but no template uses it (set "
                f"AIRBYTE_TEMPLATE_<TEMPLATE>_SCHEDULE_GROUP={group}){hint}",
                "unused_group",
                severity="warning",
            )

    return StackConfig(
        tenants=tuple(t for t in tenants if t is not None),
        templates=templates,
        groups=groups,
        default_timezone=default_tz,
        default_stream_prefix=default_prefix,
        default_namespace=default_ns,
        default_bucket=default_bucket,
        template_destination_id=template_dest,
        legacy_workspace_id=legacy_ws,
        base_url=base_url,
        problems=tuple(reader.problems),
    )


def _check_pattern(
    reader: _Reader,
    name: str,
    value: str,
    pattern: re.Pattern[str],
    expected: str,
    tenant: str | None,
) -> bool:
    if value and not pattern.match(value):
        reader.problem(name, f"{value!r} is not valid: expected {expected}", "bad_value", tenant)
        return False
    return True


def _load_tenant(
    reader: _Reader,
    slug: str,
    groups: tuple[str, ...],
    templates: Mapping[str, TemplateSetting],
    default_tz: str,
    default_prefix: str,
    default_ns: str,
    default_bucket: str | None,
    now: datetime,
) -> Tenant | None:
    p = V.tenant_env_prefix(slug)
    workspace = reader.uuid(
        p + "WORKSPACE_ID", slug, required=True, hint=f"workspace of tenant {slug}"
    )
    destination = reader.uuid(
        p + "DESTINATION_ID", slug, required=True, hint=f"destination of tenant {slug}"
    )

    namespace = reader.get(p + "DESTINATION_NAMESPACE") or default_ns
    _check_pattern(
        reader,
        p + "DESTINATION_NAMESPACE",
        reader.get(p + "DESTINATION_NAMESPACE") or "",
        NAMESPACE_RE,
        "a schema name (letters, digits, _; not starting with a digit)",
        slug,
    )
    if not namespace:
        reader.problem(
            p + "DESTINATION_NAMESPACE",
            f"no namespace: set it or {V.PREFIX}DEFAULT_DESTINATION_NAMESPACE",
            "missing",
            slug,
        )
    bucket = reader.get(p + "DESTINATION_BUCKET") or default_bucket
    if reader.get(p + "DESTINATION_BUCKET"):
        _check_pattern(
            reader,
            p + "DESTINATION_BUCKET",
            bucket or "",
            BUCKET_RE,
            "a bucket name (3-63 lower-case letters, digits, dots, dashes)",
            slug,
        )
    stream_prefix_var, stream_prefix = reader.first(p + "STREAM_PREFIX")
    if stream_prefix_var:
        _check_pattern(
            reader, stream_prefix_var, stream_prefix or "", PREFIX_RE, "letters, digits and _", slug
        )
    tenant_prefix = stream_prefix if stream_prefix is not None else default_prefix

    tz = reader.get(p + "TIMEZONE") or default_tz
    try:
        validate_timezone(tz)
    except CronError as exc:
        reader.problem(p + "TIMEZONE", str(exc), "unknown_timezone", slug)
        tz = default_tz

    schedules: dict[str, Schedule] = {}
    resolved: set[str] = set()

    def resolve(group: str) -> None:
        if group in resolved:
            return
        resolved.add(group)
        schedule = _resolve_schedule(reader, group, tz, p, slug)
        if schedule is not None:
            schedules[group] = schedule
            _check_sla(reader, schedule, slug, now)

    _check_basic_values(reader, p, groups, slug)
    needed = {t.schedule_group for t in templates.values() if t.enabled}
    for group in groups:
        if group in needed or any(reader.env.get(f"{p}{group}_{k}") for k in V.SCHEDULE_KEYS):
            resolve(group)

    connections: list[TenantConnection] = []
    seen_names: dict[str, str] = {}
    for key, template in templates.items():
        if not template.enabled:
            for suffix in V.TEMPLATE_KEYS:
                if reader.env.get(f"{p}{key}_{suffix}"):
                    reader.problem(
                        f"{p}{key}_{suffix}",
                        f"template {key} is disabled (AIRBYTE_TEMPLATE_{key}_CONNECTION_ID is not set), "
                        "so this setting has no effect",
                        "template_disabled",
                        slug,
                        severity="warning",
                    )
            continue
        name = reader.get(f"{p}{key}_NAME") or f"{slug} | {key.lower().replace('_', ' ')}"
        status_var = f"{p}{key}_STATUS"
        status = (reader.get(status_var) or "active").lower()
        if status not in STATUSES:
            reader.problem(
                status_var,
                f"{status!r} is not a status; use active or inactive",
                "bad_status",
                slug,
            )
            status = "active"
        prefix_var, prefix = reader.first(f"{p}{key}_PREFIX")
        if prefix_var:
            _check_pattern(
                reader, prefix_var, prefix or "", PREFIX_RE, "letters, digits and _", slug
            )
        group_var = f"{p}{key}_SCHEDULE_GROUP"
        group = (reader.get(group_var) or template.schedule_group).upper()
        if group not in groups:
            reader.problem(
                group_var,
                f"unknown schedule group {group!r}; known: {', '.join(groups)}",
                "unknown_group",
                slug,
            )
            group = template.schedule_group
        resolve(group)
        if name in seen_names:
            reader.problem(
                f"{p}{key}_NAME",
                f"same connection name as {seen_names[name]}: {name!r}",
                "duplicate_name",
                slug,
                severity="warning",
            )
        seen_names[name] = key
        connections.append(
            TenantConnection(
                template=key,
                name=name,
                status=status,
                prefix=prefix if prefix is not None else tenant_prefix,
                schedule_group=group,
                connection_id=reader.uuid(
                    f"{p}{key}_CONNECTION_ID", slug, hint=f"{key} connection of {slug}"
                ),
                template_connection_id=template.connection_id,
            )
        )

    source_ids = {
        platform: sid
        for platform in V.PLATFORMS
        if (
            sid := reader.uuid(
                f"{p}{platform}_SOURCE_ID", slug, hint=f"{platform} source of {slug}"
            )
        )
    }
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
        stream_prefix=tenant_prefix,
        timezone=tz,
        schedules=schedules,
        connections=tuple(connections),
        source_ids=source_ids,
        connector_overrides=overrides,
    )


def _cross_tenant_problems(reader: _Reader, tenants: list[Tenant | None]) -> None:
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

"""Production readiness rules: offline checks that the environment holds real values, not samples.

:func:`check_readiness` reads only a ``Mapping[str, str]`` (plus ``env.example`` and the LinkedIn
connector folder) and never calls an API. Which variables are *production-only* follows from what
is enabled:

* Airbyte access: ``AIRBYTE_BASE_URL`` and either ``AIRBYTE_API_AUTH_HEADER`` or both
  ``AIRBYTE_CLIENT_ID``/``AIRBYTE_CLIENT_SECRET`` (the same precedence the API client uses);
* the template connection ids of every enabled template, and each tenant's workspace, destination
  and optional connection/source ids;
* connector variables: Meta and Google Ads always (their templates are required); LinkedIn and
  TikTok when their template is enabled (``AIRBYTE_TEMPLATE_<T>_CONNECTION_ID`` set); GA4 and
  Search Console only when *in use*, i.e. one of their required variables holds a real
  (non-placeholder) value or a tenant names its ``<PLATFORM>_SOURCE_ID``. Values sitting unchanged
  from ``env.example`` therefore do not switch a platform on.

Per-tenant overrides (``AIRBYTE_<SLUG>_META_ACCOUNT_ID``…) are checked where a tenant uses them;
the global value is checked once for every tenant that inherits it.

Values of credentials never appear in a message: only their length or what is wrong is described.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from airbyte_provisioning.core.paths import REPO_ROOT
from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.tenants import UUID_RE, Problem, StackConfig

LINKEDIN_DIR_NAME = "source-linkedin-ads"
TEMPLATES_DIR = REPO_ROOT / "templates"
# Warn this many days before the pinned LinkedIn-Version stops answering (426).
LINKEDIN_SUNSET_WARNING_DAYS = 60
# Before this, a start date is a typo rather than a wish (no ad API here reports that far back).
ABSURD_START = date(2010, 1, 1)

RULES = (
    "tenant_config",
    "airbyte_access",
    "template_connections",
    "tenant_resources",
    "connector_variables",
    "start_dates",
    "linkedin_api_version",
)

PLATFORM_TITLES = {
    "META": "Meta Marketing",
    "GOOGLE_ADS": "Google Ads",
    "GA4": "Google Analytics 4",
    "SEARCH_CONSOLE": "Search Console",
    "LINKEDIN": "LinkedIn Ads",
    "TIKTOK": "TikTok Ads",
}


# --------------------------------------------------------------------------------------------
# Placeholders
# --------------------------------------------------------------------------------------------

_MARKER_WORDS = re.compile(r"^(todo|tbd|fixme|placeholder|dummy|none|null|undefined)$", re.I)
_RESERVED_HOST = re.compile(
    r"(^|\.)(example\.(com|org|net)|[^.]+\.(example|test|invalid))$|^example$", re.I
)


def placeholder_reason(value: str | None, example_value: str | None = None) -> str | None:
    """Why ``value`` is a placeholder, or ``None`` for a value that looks real.

    The reason never quotes the value, so it is safe for credentials.
    """
    if value is None or not value.strip():
        return "is empty"
    text = value.strip()
    lowered = text.lower()
    bare = re.sub(r"^(bearer|basic|act_|properties/|sc-domain:)\s*", "", lowered)
    if example_value is not None and text == example_value.strip() and example_value.strip():
        return "still holds the env.example sample value"
    if "changeme" in lowered:
        return "holds a 'changeme' marker"
    if bare.startswith("xxx"):
        return "holds an 'xxx' marker"
    if re.search(r"<[^<>]*>", text):
        return "holds a '<...>' marker"
    if lowered.startswith("replace") or _MARKER_WORDS.match(lowered):
        return "holds a REPLACE/TODO-style marker"
    if re.match(r"^your[-_ ]", lowered):
        return "holds a 'your-...' sample"
    if UUID_RE.match(text) and text.replace("-", "").count("0") > 16:
        return "is a zero-filled sample UUID"
    digits = re.sub(r"[-\s]", "", bare)
    if digits.isdigit() and len(digits) >= 5 and sum(c != "0" for c in digits) <= 1:
        return "is a zero-filled sample number"
    host = _url_host(text)
    if host and (_RESERVED_HOST.search(host) or host in {"host", "hostname", "your-host"}):
        return f"points at the reserved example host {host!r}"
    return None


def _url_host(text: str) -> str | None:
    if text.startswith("sc-domain:"):
        return text.removeprefix("sc-domain:").strip().lower() or None
    if not re.match(r"^https?://", text, re.I):
        return None
    try:
        return (urlsplit(text).hostname or "").lower() or None
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------
# Shapes
# --------------------------------------------------------------------------------------------

Shape = Callable[[str], str | None]


def _each(pattern: str, expected: str, normalize: Callable[[str], str] = str.strip) -> Shape:
    """Every comma-separated item must match ``pattern`` after ``normalize``."""
    compiled = re.compile(pattern)

    def check(value: str) -> str | None:
        items = [i.strip() for i in value.split(",") if i.strip()]
        if not items:
            return f"lists no value; expected {expected}"
        bad = [i for i in items if not compiled.fullmatch(normalize(i))]
        if bad:
            shown = ", ".join(repr(b) for b in bad[:3])
            return f"has {shown}, which is not {expected}"
        return None

    return check


def _credential(min_length: int, what: str, pattern: str | None = None) -> Shape:
    """A credential: no whitespace, long enough; the value itself is never described."""

    def check(value: str) -> str | None:
        if re.search(r"\s", value):
            return f"contains whitespace; a {what} has none (copy-paste artefact?)"
        if value[:1] in "\"'" and value[-1:] == value[:1]:
            return f"is wrapped in quotes; remove them from the {what}"
        if len(value) < min_length:
            return f"is only {len(value)} characters; a real {what} has at least {min_length}"
        if pattern and not re.fullmatch(pattern, value):
            return f"does not have the shape of a {what}"
        return None

    return check


def _google_client_id(value: str) -> str | None:
    if not re.fullmatch(r"[0-9]+-[A-Za-z0-9_]+\.apps\.googleusercontent\.com", value):
        return (
            "is not a Google OAuth client id (expected '<digits>-<id>.apps.googleusercontent.com' "
            "from the Google Cloud console)"
        )
    return None


def _site_urls(value: str) -> str | None:
    items = [i.strip() for i in value.split(",") if i.strip()]
    if not items:
        return "lists no site"
    for item in items:
        if item.startswith("sc-domain:"):
            if not re.fullmatch(r"sc-domain:[a-z0-9-]+(\.[a-z0-9-]+)+", item.lower()):
                return f"has {item!r}, which is not a domain property like sc-domain:example.org"
        elif not re.fullmatch(r"https?://[^\s/]+\.[^\s/]+(/\S*)?", item):
            return (
                f"has {item!r}; expected a URL-prefix property like https://www.site.org/ or a "
                "domain property like sc-domain:site.org"
            )
    return None


@dataclass(frozen=True)
class VarSpec:
    """How one connector variable (name without ``AIRBYTE_``) is judged."""

    required: bool
    shape: Shape | None = None
    # False for values the renderer validates but never sends: their problems are warnings
    sent: bool = True
    credential: bool = False


_GOOGLE_OAUTH = {
    "CLIENT_ID": VarSpec(True, _google_client_id),
    "CLIENT_SECRET": VarSpec(True, _credential(20, "OAuth client secret"), credential=True),
    "REFRESH_TOKEN": VarSpec(True, _credential(30, "Google refresh token"), credential=True),
}

VARIABLE_SPECS: dict[str, dict[str, VarSpec]] = {
    "META": {
        "META_ACCOUNT_ID": VarSpec(
            True, _each(r"(act_)?[0-9]{5,20}", "a Meta ad account id like act_1234567890")
        ),
        "META_ACCESS_TOKEN": VarSpec(
            True, _credential(40, "Meta system-user access token"), credential=True
        ),
        "META_APP_ID": VarSpec(False, _each(r"[0-9]{8,20}", "a numeric Meta app id"), sent=False),
        "META_APP_SECRET": VarSpec(
            False, _credential(16, "Meta app secret"), sent=False, credential=True
        ),
    },
    "GOOGLE_ADS": {
        # Google: "The developer token is a 22-character long alphanumeric string"
        # (developers.google.com/google-ads/api/docs/get-started/dev-token)
        "GOOGLE_ADS_DEVELOPER_TOKEN": VarSpec(
            True,
            _credential(22, "Google Ads developer token", r"[A-Za-z0-9_-]{22}"),
            credential=True,
        ),
        **{f"GOOGLE_ADS_{k}": v for k, v in _GOOGLE_OAUTH.items()},
        "GOOGLE_ADS_CUSTOMER_ID": VarSpec(
            True,
            _each(
                r"[0-9]{10}",
                "a 10-digit customer id (dashes allowed)",
                lambda s: s.strip().replace("-", ""),
            ),
        ),
        "GOOGLE_ADS_LOGIN_CUSTOMER_ID": VarSpec(
            False,
            _each(
                r"[0-9]{10}",
                "a 10-digit manager id (dashes allowed)",
                lambda s: s.strip().replace("-", ""),
            ),
            sent=False,
        ),
    },
    "GA4": {
        **{f"GA4_{k}": v for k, v in _GOOGLE_OAUTH.items()},
        "GA4_PROPERTY_ID": VarSpec(
            True, _each(r"(properties/)?[0-9]{6,15}", "a numeric GA4 property id")
        ),
    },
    "SEARCH_CONSOLE": {
        **{f"SEARCH_CONSOLE_{k}": v for k, v in _GOOGLE_OAUTH.items()},
        "SEARCH_CONSOLE_SITE_URL": VarSpec(True, _site_urls),
    },
    "LINKEDIN": {
        "LINKEDIN_ACCOUNT_ID": VarSpec(
            True, _each(r"[0-9]{5,15}", "a numeric LinkedIn ad account id")
        ),
        "LINKEDIN_ACCESS_TOKEN": VarSpec(
            True, _credential(40, "LinkedIn access token"), credential=True
        ),
    },
    "TIKTOK": {
        "TIKTOK_ADVERTISER_ID": VarSpec(
            True, _each(r"[0-9]{10,20}", "a numeric TikTok advertiser id")
        ),
        "TIKTOK_ACCESS_TOKEN": VarSpec(
            True, _credential(20, "TikTok access token"), credential=True
        ),
    },
}


@dataclass(frozen=True)
class StartDateRule:
    """How far back a platform's data reaches, and where that fact comes from."""

    retention_months: int | None
    floor: date | None
    fact: str
    beyond_is_error: bool = False
    retention_days: int | None = None

    def oldest(self, today: date) -> date | None:
        """The first day still readable, or ``None`` when no retention limit is known."""
        if self.retention_days is not None:
            return today - timedelta(days=self.retention_days)
        if self.retention_months is not None:
            return months_before(today, self.retention_months)
        return None


START_DATE_RULES: dict[str, StartDateRule] = {
    # upstream_specs.md §2.1: source-facebook-marketing never reads insights older than Meta's
    # 37-month retention limit (code: 1123 days) and silently clamps older start dates.
    "META": StartDateRule(37, None, "Meta keeps insights for 37 months; older days are clamped"),
    # upstream_specs.md §2.2: source-google-ads clamps start_date to today-1110 days.
    "GOOGLE_ADS": StartDateRule(
        None,
        None,
        "source-google-ads reads at most 1110 days back; older days are clamped",
        retention_days=1110,
    ),
    # No retention limit is documented for GA4 Data API aggregated reports: only the basic rules.
    "GA4": StartDateRule(None, None, ""),
    # Search Console Help, Performance report: data is available for the past 16 months.
    "SEARCH_CONSOLE": StartDateRule(16, None, "Search Console keeps 16 months of performance data"),
    # linkedin.md §3: performance data is retained 10 years (demographic pivots only 2 years).
    "LINKEDIN": StartDateRule(120, None, "LinkedIn keeps ad performance data for 10 years"),
    # tiktok.md §3.1: retention unconfirmed; some report APIs error before 2012-01-01 (PR #31445).
    "TIKTOK": StartDateRule(
        None, date(2012, 1, 1), "TikTok report APIs refuse dates before 2012-01-01", True
    ),
}


# --------------------------------------------------------------------------------------------
# Result model
# --------------------------------------------------------------------------------------------


@dataclass
class ReadinessReport:
    findings: list[tuple[str, Problem]] = field(default_factory=list)
    platforms: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    checked: dict[str, set[str]] = field(default_factory=dict)
    linkedin: dict[str, Any] | None = None

    def add(
        self,
        rule: str,
        variable: str,
        message: str,
        code: str,
        tenant: str | None = None,
        severity: str = "error",
    ) -> None:
        problem = Problem(variable, message, code, tenant, severity)
        if (rule, problem) not in self.findings:
            self.findings.append((rule, problem))

    def saw(self, rule: str, variable: str) -> None:
        self.checked.setdefault(rule, set()).add(variable)

    @property
    def errors(self) -> list[Problem]:
        return [p for _, p in self.findings if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for _, p in self.findings if p.severity != "error"]

    def rules_summary(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for rule in RULES:
            errors = sum(1 for r, p in self.findings if r == rule and p.severity == "error")
            warnings = sum(1 for r, p in self.findings if r == rule and p.severity != "error")
            entry: dict[str, Any] = {"checked": len(self.checked.get(rule, ()))}
            if rule in self.skipped:
                entry["status"] = "skipped"
                entry["reason"] = self.skipped[rule]
            else:
                entry["status"] = "failed" if errors else ("warned" if warnings else "passed")
            entry["errors"], entry["warnings"] = errors, warnings
            out[rule] = entry
        return out

    def problems(self) -> list[dict[str, Any]]:
        return [{"rule": rule, **p.as_dict()} for rule, p in self.findings]


# --------------------------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------------------------


def check_readiness(
    env: Mapping[str, str],
    stack: StackConfig,
    now: datetime,
    example: Mapping[str, str] | None,
    connectors_dir: Path,
    templates_dir: Path = TEMPLATES_DIR,
) -> ReadinessReport:
    """Every readiness rule over ``env``; ``example`` is env.example's variables (None: unknown)."""
    report = ReadinessReport()
    ctx = _Context(env, stack, example or {}, report)
    if example is None:
        report.add(
            "connector_variables",
            "env.example",
            "env.example was not found, so values copied unchanged from it cannot be recognised",
            "example_missing",
            severity="warning",
        )
    for problem in stack.errors:
        report.add("tenant_config", problem.variable, problem.message, problem.code, problem.tenant)
        report.saw("tenant_config", problem.variable)
    _airbyte_access(ctx)
    _template_connections(ctx)
    _tenant_resources(ctx)
    enabled = _platforms(ctx)
    defaults = template_defaults(templates_dir)
    for platform in enabled:
        _connector_variables(ctx, platform)
        _start_dates(ctx, platform, now, defaults)
    _linkedin_version(ctx, "LINKEDIN" in enabled, connectors_dir, now)
    return report


@dataclass
class _Context:
    env: Mapping[str, str]
    stack: StackConfig
    example: Mapping[str, str]
    report: ReadinessReport

    def value(self, name: str) -> str | None:
        raw = self.env.get(name)
        return raw.strip() if raw is not None and raw.strip() else None

    def example_for(self, name: str, global_name: str | None = None) -> str | None:
        if name in self.example:
            return self.example[name]
        return self.example.get(global_name) if global_name else None

    def stack_error(self, name: str) -> bool:
        return any(p.variable == name for p in self.stack.errors)

    def real(self, name: str, global_name: str | None = None) -> bool:
        value = self.value(name)
        return (
            value is not None
            and placeholder_reason(value, self.example_for(name, global_name)) is None
        )


def _require_real(
    ctx: _Context,
    rule: str,
    name: str,
    purpose: str,
    tenant: str | None = None,
    required: bool = True,
    global_name: str | None = None,
    severity: str = "error",
) -> str | None:
    """The value of ``name`` when it is real; otherwise report it (missing or placeholder)."""
    ctx.report.saw(rule, name)
    if ctx.stack_error(name):
        return None  # already reported under tenant_config
    value = ctx.value(name)
    if value is None:
        if required:
            ctx.report.add(rule, name, f"missing: {purpose}", "missing", tenant, severity)
        return None
    reason = placeholder_reason(value, ctx.example_for(name, global_name))
    if reason:
        ctx.report.add(
            rule,
            name,
            f"{reason}: {purpose}",
            "placeholder",
            tenant,
            severity,
        )
        return None
    return value


def _airbyte_access(ctx: _Context) -> None:
    rule = "airbyte_access"
    base = _require_real(
        ctx, rule, "AIRBYTE_BASE_URL", "set the Airbyte server root, e.g. https://airbyte.corp:8000"
    )
    if base:
        host = _url_host(base)
        if host is None:
            if not ctx.stack_error("AIRBYTE_BASE_URL"):
                ctx.report.add(
                    rule, "AIRBYTE_BASE_URL", f"{base!r} is not an http(s) URL", "bad_shape"
                )
        elif base.lower().startswith("http://") and host not in {"localhost", "127.0.0.1", "::1"}:
            ctx.report.add(
                rule,
                "AIRBYTE_BASE_URL",
                f"plain http to {host!r}: the bearer token and client secret cross the network "
                "unencrypted; use https (or a tunnel to localhost)",
                "insecure_url",
                severity="warning",
            )
    header_name = "AIRBYTE_API_AUTH_HEADER"
    if ctx.value(header_name) is not None:
        header = _require_real(ctx, rule, header_name, "set 'Bearer <token>' or 'Basic <base64>'")
        if header:
            value = re.sub(r"^authorization:\s*", "", header, flags=re.I)
            parts = value.split(None, 1)
            if len(parts) != 2 or parts[0].lower() not in {"bearer", "basic"}:
                ctx.report.add(
                    rule,
                    header_name,
                    "must be a complete header value: 'Bearer <token>' or 'Basic <base64>'",
                    "bad_shape",
                )
            elif len(parts[1]) < 16:
                ctx.report.add(
                    rule,
                    header_name,
                    f"the credential after {parts[0]!r} is only {len(parts[1])} characters",
                    "bad_shape",
                )
        for name in ("AIRBYTE_CLIENT_ID", "AIRBYTE_CLIENT_SECRET"):
            ignored = ctx.value(name)
            if ignored is not None and placeholder_reason(ignored, ctx.example_for(name)):
                ctx.report.add(
                    rule,
                    name,
                    f"ignored because {header_name} is set, but it still holds a placeholder; "
                    "remove it or fill it in",
                    "placeholder",
                    severity="warning",
                )
        return
    purpose = (
        "set both AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET (`abctl local credentials` prints "
        f"them) or {header_name}; production Airbyte must not run with auth disabled"
    )
    client_id = _require_real(ctx, rule, "AIRBYTE_CLIENT_ID", purpose)
    if client_id and (re.search(r"\s", client_id) or len(client_id) < 8):
        ctx.report.add(
            rule, "AIRBYTE_CLIENT_ID", "does not look like an application client id", "bad_shape"
        )
    secret = _require_real(ctx, rule, "AIRBYTE_CLIENT_SECRET", purpose)
    if secret:
        reason = _credential(16, "Airbyte client secret")(secret)
        if reason:
            ctx.report.add(rule, "AIRBYTE_CLIENT_SECRET", reason, "bad_shape")


def _template_connections(ctx: _Context) -> None:
    rule = "template_connections"
    seen: dict[str, str] = {}
    for key, template in ctx.stack.templates.items():
        name = f"AIRBYTE_TEMPLATE_{key}_CONNECTION_ID"
        definition = V.TEMPLATES[key]
        if not (definition.required or template.enabled):
            continue
        value = _require_real(
            ctx,
            rule,
            name,
            f"set the id of the golden {key} connection (provision_meta_google_connectors.py "
            "prints the Meta/Google ones)",
        )
        if value:
            other = seen.get(value.lower())
            if other:
                ctx.report.add(
                    rule,
                    name,
                    f"same connection id as AIRBYTE_TEMPLATE_{other}_CONNECTION_ID: every "
                    "template needs its own golden connection",
                    "duplicate_id",
                )
            seen[value.lower()] = key
    name = "AIRBYTE_TEMPLATE_DESTINATION_ID"
    if ctx.value(name) is None:
        ctx.report.saw(rule, name)
        ctx.report.add(
            rule,
            name,
            "not set: provision_meta_google_connectors.py needs it to (re)create the template "
            "connections",
            "missing",
            severity="warning",
        )
    else:
        _require_real(ctx, rule, name, "set the destination of the template connections")


def _tenant_resources(ctx: _Context) -> None:
    rule = "tenant_resources"
    for name in ("AIRBYTE_WORKSPACE_ID",):
        if ctx.value(name) is not None:
            _require_real(ctx, rule, name, "the legacy primary workspace id (health check)")
    for tenant in ctx.stack.tenants:
        p = tenant.env_prefix
        _require_real(
            ctx, rule, p + "WORKSPACE_ID", f"the workspace of tenant {tenant.slug}", tenant.slug
        )
        _require_real(
            ctx, rule, p + "DESTINATION_ID", f"the destination of tenant {tenant.slug}", tenant.slug
        )
        for connection in tenant.connections:
            name = f"{p}{connection.template}_CONNECTION_ID"
            if ctx.value(name) is not None:
                _require_real(
                    ctx,
                    rule,
                    name,
                    f"the {connection.template} connection of " f"{tenant.slug}",
                    tenant.slug,
                )
        for platform in V.PLATFORMS:
            name = f"{p}{platform}_SOURCE_ID"
            if ctx.value(name) is not None:
                _require_real(
                    ctx, rule, name, f"the {platform} source of {tenant.slug}", tenant.slug
                )


def _platforms(ctx: _Context) -> list[str]:
    """Enabled platforms, with the reason recorded in ``report.platforms``."""
    enabled: list[str] = []
    templates = ctx.stack.templates
    for platform in VARIABLE_SPECS:
        owners = [k for k, d in V.TEMPLATES.items() if d.platform == platform]
        why: str | None = None
        if any(V.TEMPLATES[k].required for k in owners):
            why = f"always: template {', '.join(owners)} is required"
        elif owners and any(templates[k].enabled for k in owners if k in templates):
            why = f"template {', '.join(owners)} is enabled (its connection id is set)"
        elif not owners:
            why = _in_use(ctx, platform)
        if why:
            enabled.append(platform)
        elif owners:
            reason = f"template {', '.join(owners)} is disabled (no connection id)"
        else:
            reason = "no real value in its variables (samples from env.example do not count)"
        ctx.report.platforms[platform] = {
            "title": PLATFORM_TITLES[platform],
            "enabled": why is not None,
            "why": why or reason,
        }
    return enabled


def _in_use(ctx: _Context, platform: str) -> str | None:
    for tenant in ctx.stack.tenants:
        if platform in tenant.source_ids:
            return f"tenant {tenant.slug} sets {tenant.env_prefix}{platform}_SOURCE_ID"
    for name, spec in VARIABLE_SPECS[platform].items():
        if not spec.required:
            continue
        if ctx.real(V.PREFIX + name):
            return f"{V.PREFIX}{name} holds a real value"
        for tenant in ctx.stack.tenants:
            if ctx.real(tenant.env_prefix + name, V.PREFIX + name):
                return f"{tenant.env_prefix}{name} holds a real value"
    return None


def _sources(ctx: _Context, name: str) -> list[tuple[str, list[str]]]:
    """Which variables supply ``name`` (no prefix) and for which tenants.

    Without tenants the global variable is the only source. A global value that every tenant
    overrides is not needed and so not checked.
    """
    global_name = V.PREFIX + name
    if not ctx.stack.tenants:
        return [(global_name, [])]
    users: dict[str, list[str]] = {}
    for tenant in ctx.stack.tenants:
        source = tenant.env_prefix + name if name in tenant.connector_overrides else global_name
        users.setdefault(source, []).append(tenant.slug)
    return list(users.items())


def _is_global(variable: str) -> bool:
    return variable.removeprefix(V.PREFIX) in V.ALL_CONNECTOR_VARIABLES


def _connector_variables(ctx: _Context, platform: str) -> None:
    rule = "connector_variables"
    title = PLATFORM_TITLES[platform]
    for name, spec in VARIABLE_SPECS[platform].items():
        global_name = V.PREFIX + name
        for variable, tenants in _sources(ctx, name):
            tenant = tenants[0] if len(tenants) == 1 and not _is_global(variable) else None
            users = (
                f" (used by tenant {', '.join(tenants)})"
                if tenants and _is_global(variable) and len(tenants) < len(ctx.stack.tenants)
                else ""
            )
            if not spec.sent and ctx.value(variable) is None:
                continue
            severity = "error" if spec.sent else "warning"
            purpose = (
                f"{title} needs it{users}"
                if spec.sent
                else f"{title} does not send it, so remove it or fill it in"
            )
            value = _require_real(
                ctx, rule, variable, purpose, tenant, spec.required, global_name, severity
            )
            if value is None or spec.shape is None:
                continue
            reason = spec.shape(value)
            if reason:
                ctx.report.add(rule, variable, reason, "bad_shape", tenant, severity)


def template_defaults(templates_dir: Path = TEMPLATES_DIR) -> dict[str, str]:
    """``${NAME:-default ...}`` defaults of the source templates (what an unset variable means)."""
    found: dict[str, str] = {}
    for path in sorted(templates_dir.glob("*.json.example")):
        for match in re.finditer(r"\$\{\s*([A-Z0-9_]+)\s*:-([^|}]*)", path.read_text()):
            found.setdefault(match.group(1), match.group(2).strip())
    return found


def template_required_variables(templates_dir: Path = TEMPLATES_DIR) -> set[str]:
    """Variables the source templates need (``${NAME}`` with neither default nor ``optional``)."""
    found: set[str] = set()
    for path in sorted(templates_dir.glob("*.json.example")):
        for match in re.finditer(r"\$\{\s*([A-Z0-9_]+)\s*([^}]*)\}", path.read_text()):
            rest = match.group(2)
            if ":-" not in rest and "optional" not in rest and "default_file" not in rest:
                found.add(match.group(1))
    return found


def parse_start(text: str) -> date | None:
    text = text.strip()
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            return date.fromisoformat(text)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC).date()


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def _start_dates(ctx: _Context, platform: str, now: datetime, defaults: Mapping[str, str]) -> None:
    rule = "start_dates"
    name = f"{platform}_START_DATE"
    facts = START_DATE_RULES[platform]
    today = now.astimezone(UTC).date()
    for variable, tenants in _sources(ctx, name):
        ctx.report.saw(rule, variable)
        tenant = tenants[0] if len(tenants) == 1 and not _is_global(variable) else None
        raw = ctx.value(variable)
        note = ""
        if raw is None:
            default = defaults.get(V.PREFIX + name)
            if default is None:
                continue
            raw, note = default, f" (the template default, since {variable} is unset)"
        start = parse_start(raw)
        if start is None:
            ctx.report.add(
                rule,
                variable,
                f"{raw!r} is not a date (YYYY-MM-DD or an ISO timestamp)",
                "bad_date",
                tenant,
            )
            continue
        if start > today:
            ctx.report.add(
                rule,
                variable,
                f"{start} is in the future{note}: no data would be read until " "then",
                "future_start_date",
                tenant,
            )
        elif start < ABSURD_START:
            ctx.report.add(
                rule,
                variable,
                f"{start} is before {ABSURD_START}{note}: almost certainly a typo",
                "absurd_start_date",
                tenant,
            )
        elif facts.floor and start < facts.floor:
            ctx.report.add(
                rule,
                variable,
                f"{start} is before {facts.floor}{note}: {facts.fact}",
                "start_date_out_of_range",
                tenant,
                "error" if facts.beyond_is_error else "warning",
            )
        elif (limit := facts.oldest(today)) is not None and start < limit:
            ctx.report.add(
                rule,
                variable,
                f"{start} is older than {limit}{note}: {facts.fact}, so the backfill will start "
                "later than asked",
                "start_date_beyond_retention",
                tenant,
                "error" if facts.beyond_is_error else "warning",
            )


# --------------------------------------------------------------------------------------------
# LinkedIn-Version sunset
# --------------------------------------------------------------------------------------------

_VERSION = re.compile(r"(?<![0-9])(20[0-9]{2}(?:0[1-9]|1[0-2]))(?![0-9])")


def linkedin_pinned_version(manifest_path: Path) -> str | None:
    """The YYYYMM version the manifest's ``LinkedIn-Version`` header sends by default."""
    try:
        document = yaml.safe_load(manifest_path.read_text())
    except (OSError, yaml.YAMLError):
        return None
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                if str(key).lower() == "linkedin-version" and isinstance(value, str | int):
                    found.extend(_VERSION.findall(str(value)))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document)
    return found[-1] if found else None


def load_sunset_table(path: Path) -> dict[str, date]:
    """``{version: sunset}`` from a YAML/JSON table; several reasonable layouts are accepted.

    ``{"202607": "2027-07-15"}``, ``{"202607": {"sunset": ...}}``,
    ``{"versions": [{"version": "202607", "sunset": ...}]}`` or a top-level list of such items.
    """
    document = yaml.safe_load(path.read_text())
    rows: list[tuple[Any, Any]] = []

    def from_item(item: Any) -> None:
        if isinstance(item, Mapping):
            version = item.get("version") or item.get("linkedin_version")
            sunset = _first_key(item, ("sunset", "sunset_date", "sunset_on", "sunsets"))
            if version is not None:
                rows.append((version, sunset))

    if isinstance(document, Mapping):
        listed = next(
            (document[k] for k in ("versions", "linkedin_versions") if k in document), None
        )
        if isinstance(listed, list):
            for item in listed:
                from_item(item)
        elif isinstance(listed, Mapping):
            document = listed
        for key, value in document.items():
            if _VERSION.fullmatch(str(key)):
                sunset = (
                    _first_key(value, ("sunset", "sunset_date", "sunset_on", "sunsets"))
                    if isinstance(value, Mapping)
                    else value
                )
                rows.append((key, sunset))
    elif isinstance(document, list):
        for item in document:
            from_item(item)
    table: dict[str, date] = {}
    for version, sunset in rows:
        when = sunset if isinstance(sunset, date) else parse_start(str(sunset or ""))
        if when is not None:
            table[str(version)] = when
    return table


def _first_key(item: Mapping[str, Any], keys: Iterable[str]) -> Any:
    return next((item[k] for k in keys if k in item), None)


def find_sunset_table(connector_dir: Path) -> Path | None:
    """The connector's machine-readable LinkedIn-Version table (a YAML/JSON naming sunsets)."""
    preferred = [
        connector_dir / n for n in ("api_versions.yaml", "api_versions.yml", "api_versions.json")
    ]
    candidates = preferred + sorted(
        p
        for pattern in ("*version*.y*ml", "*version*.json", "*sunset*.y*ml", "*sunset*.json")
        for p in connector_dir.rglob(pattern)
        if "unit_tests" not in p.parts and "integration_tests" not in p.parts
    )
    return next((p for p in candidates if p.is_file()), None)


def _linkedin_version(ctx: _Context, enabled: bool, connectors_dir: Path, now: datetime) -> None:
    rule = "linkedin_api_version"
    if not enabled:
        ctx.report.skipped[rule] = (
            "LinkedIn is not enabled (AIRBYTE_TEMPLATE_LINKEDIN_METRICS_"
            "CONNECTION_ID is not set)"
        )
        return
    connector_dir = connectors_dir / LINKEDIN_DIR_NAME
    manifest = connector_dir / "manifest.yaml"
    table_path = find_sunset_table(connector_dir) if connector_dir.is_dir() else None
    version = linkedin_pinned_version(manifest) if manifest.is_file() else None
    where = str(connector_dir)
    if version is None or table_path is None:
        missing = [] if version else [f"the LinkedIn-Version header in {manifest}"]
        missing += [] if table_path else [f"a version/sunset table in {where}"]
        ctx.report.skipped[rule] = "cannot find " + " and ".join(missing)
        ctx.report.add(
            rule,
            "LinkedIn-Version",
            f"not checked: cannot find {' and '.join(missing)}",
            "rule_skipped",
            severity="warning",
        )
        return
    ctx.report.saw(rule, "LinkedIn-Version")
    try:
        table = load_sunset_table(table_path)
    except (OSError, yaml.YAMLError) as exc:
        ctx.report.add(rule, "LinkedIn-Version", f"cannot read {table_path}: {exc}", "bad_table")
        return
    today = now.astimezone(UTC).date()
    sunset = table.get(version)
    ctx.report.linkedin = {
        "version": version,
        "sunset": sunset.isoformat() if sunset else None,
        "days_left": (sunset - today).days if sunset else None,
        "manifest": str(manifest),
        "table": str(table_path),
    }
    newest = max(table, default=None)
    upgrade = (
        f"; the newest version in the table is {newest}" if newest and newest != version else ""
    )
    if sunset is None:
        ctx.report.add(
            rule,
            "LinkedIn-Version",
            f"the manifest pins {version}, which {table_path.name} does "
            f"not list, so its sunset date is unknown: add it{upgrade}",
            "unknown_version",
        )
    elif sunset <= today:
        ctx.report.add(
            rule,
            "LinkedIn-Version",
            f"the manifest pins {version}, sunset on {sunset}: LinkedIn "
            f"answers 426 NONEXISTENT_VERSION; upgrade the connector{upgrade}",
            "version_sunset",
        )
    elif sunset - today <= timedelta(days=LINKEDIN_SUNSET_WARNING_DAYS):
        ctx.report.add(
            rule,
            "LinkedIn-Version",
            f"the manifest pins {version}, sunset on {sunset} (in "
            f"{(sunset - today).days} days): plan the upgrade{upgrade}",
            "version_sunsetting",
            severity="warning",
        )

"""The readiness report (problems by rule, what was checked, what was skipped) and the context
every rule reads the environment through."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from airbyte_provisioning.checks.readiness.placeholders import placeholder_reason
from airbyte_provisioning.core.problems import Problem, Severity
from airbyte_provisioning.model.tenants import StackConfig

Rule = Literal[
    "tenant_config",
    "airbyte_access",
    "template_connections",
    "tenant_resources",
    "connector_variables",
    "start_dates",
    "linkedin_api_version",
]
# the order the summary lists them in
RULES: tuple[Rule, ...] = get_args(Rule)


@dataclass
class ReadinessReport:
    findings: list[tuple[Rule, Problem]] = field(default_factory=list)
    platforms: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: dict[Rule, str] = field(default_factory=dict)
    checked: dict[Rule, set[str]] = field(default_factory=dict)
    linkedin: dict[str, Any] | None = None

    def add(
        self,
        rule: Rule,
        variable: str,
        message: str,
        code: str,
        tenant: str | None = None,
        severity: Severity = "error",
    ) -> None:
        problem = Problem(message, code, variable=variable, tenant=tenant, severity=severity)
        if (rule, problem) not in self.findings:
            self.findings.append((rule, problem))

    def saw(self, rule: Rule, variable: str) -> None:
        self.checked.setdefault(rule, set()).add(variable)

    @property
    def errors(self) -> list[Problem]:
        return [p for _, p in self.findings if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for _, p in self.findings if not p.is_error]

    def rules_summary(self) -> dict[str, dict[str, Any]]:
        return {rule: self._rule_summary(rule) for rule in RULES}

    def _rule_summary(self, rule: Rule) -> dict[str, Any]:
        errors = sum(1 for r, p in self.findings if r == rule and p.is_error)
        warnings = sum(1 for r, p in self.findings if r == rule and not p.is_error)
        entry: dict[str, Any] = {"checked": len(self.checked.get(rule, ()))}
        if rule in self.skipped:
            entry["status"] = "skipped"
            entry["reason"] = self.skipped[rule]
        else:
            entry["status"] = "failed" if errors else ("warned" if warnings else "passed")
        entry["errors"], entry["warnings"] = errors, warnings
        return entry

    def problems(self) -> list[dict[str, Any]]:
        return [{"rule": rule, **p.as_dict()} for rule, p in self.findings]


@dataclass
class Context:
    """What every rule reads: the environment, the tenant model, env.example, and the report."""

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


def require_real(
    ctx: Context,
    rule: Rule,
    name: str,
    purpose: str,
    tenant: str | None = None,
    required: bool = True,
    global_name: str | None = None,
    severity: Severity = "error",
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
        ctx.report.add(rule, name, f"{reason}: {purpose}", "placeholder", tenant, severity)
        return None
    return value

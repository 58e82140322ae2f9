"""Every readiness rule over one environment, in the order the report lists them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from airbyte_provisioning.checks.readiness.airbyte_access import check_airbyte_access
from airbyte_provisioning.checks.readiness.api_version import check_linkedin_version
from airbyte_provisioning.checks.readiness.connector_variables import (
    check_connector_variables,
    enabled_platforms,
    template_defaults,
)
from airbyte_provisioning.checks.readiness.report import Context, ReadinessReport
from airbyte_provisioning.checks.readiness.resources import (
    check_template_connections,
    check_tenant_resources,
)
from airbyte_provisioning.checks.readiness.start_dates import check_start_dates
from airbyte_provisioning.core.paths import TEMPLATES_DIR
from airbyte_provisioning.model.tenants import StackConfig


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
    ctx = Context(env, stack, example or {}, report)
    if example is None:
        report.add(
            "connector_variables",
            "env.example",
            "env.example was not found, so values copied unchanged from it cannot be recognised",
            "example_missing",
            severity="warning",
        )
    for problem in stack.errors:
        variable = problem.variable or ""  # every tenant-model problem names its variable
        report.add("tenant_config", variable, problem.message, problem.code, problem.tenant)
        report.saw("tenant_config", variable)
    check_airbyte_access(ctx)
    check_template_connections(ctx)
    check_tenant_resources(ctx)
    enabled = enabled_platforms(ctx)
    defaults = template_defaults(templates_dir)
    for platform in enabled:
        check_connector_variables(ctx, platform)
        check_start_dates(ctx, platform, now, defaults)
    check_linkedin_version(ctx, "LINKEDIN" in enabled, connectors_dir, now)
    return report

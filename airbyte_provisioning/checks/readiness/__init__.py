"""Production readiness rules: offline checks that the environment holds real values, not samples.

:func:`check_readiness` reads only a ``Mapping[str, str]`` (plus ``env.example`` and the LinkedIn
connector folder) and never calls an API. Which variables are *production-only* follows from what
is enabled:

* Airbyte access (:mod:`.airbyte_access`): ``AIRBYTE_BASE_URL`` and either
  ``AIRBYTE_API_AUTH_HEADER`` or both ``AIRBYTE_CLIENT_ID``/``AIRBYTE_CLIENT_SECRET`` (the same
  precedence the API client uses);
* the template connection ids of every enabled template, and each tenant's workspace, destination
  and optional connection/source ids (:mod:`.resources`);
* connector variables (:mod:`.connector_variables`, shapes in :mod:`.shapes`): Meta and Google Ads
  always (their templates are required); LinkedIn and TikTok when their template is enabled
  (``AIRBYTE_TEMPLATE_<T>_CONNECTION_ID`` set); GA4 and Search Console only when *in use*, i.e.
  one of their required variables holds a real (non-placeholder, see :mod:`.placeholders`) value
  or a tenant names its ``<PLATFORM>_SOURCE_ID``;
* start dates within each platform's retention (:mod:`.start_dates`);
* the LinkedIn API version the connector pins, against its sunset (:mod:`.api_version`).

Per-tenant overrides (``AIRBYTE_<SLUG>_META_ACCOUNT_ID``…) are checked where a tenant uses them;
the global value is checked once for every tenant that inherits it.

Values of credentials never appear in a message: only their length or what is wrong is described.
"""

from airbyte_provisioning.checks.readiness.api_version import (
    SUNSET_WARNING_DAYS,
    api_version_problems,
    api_version_summaries,
)
from airbyte_provisioning.checks.readiness.check import check_readiness
from airbyte_provisioning.checks.readiness.connector_variables import (
    template_defaults,
    template_required_variables,
)
from airbyte_provisioning.checks.readiness.placeholders import placeholder_reason
from airbyte_provisioning.checks.readiness.report import RULES, ReadinessReport, Rule
from airbyte_provisioning.checks.readiness.shapes import VARIABLE_SPECS, VarSpec
from airbyte_provisioning.checks.readiness.start_dates import START_DATE_RULES, StartDateRule

__all__ = [
    "RULES",
    "START_DATE_RULES",
    "SUNSET_WARNING_DAYS",
    "VARIABLE_SPECS",
    "ReadinessReport",
    "Rule",
    "StartDateRule",
    "VarSpec",
    "api_version_problems",
    "api_version_summaries",
    "check_readiness",
    "placeholder_reason",
    "template_defaults",
    "template_required_variables",
]

"""Rule ``templates``: every source template renders with env.example and validates against its spec.

The rendering itself is shared with rule query-aliases (``Inputs.rendering``); this rule reports
the templates that did not render.
"""

from __future__ import annotations

from airbyte_provisioning.checks.contracts.rules.base import Outcome
from airbyte_provisioning.checks.contracts.rules.context import Inputs


def check(inputs: Inputs) -> Outcome:
    return Outcome(problems=list(inputs.rendering.problems))

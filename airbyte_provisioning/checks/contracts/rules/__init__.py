"""The contract rules, one module each, and the registry that maps a rule name to its check.

Every check is a function from the run's ``Inputs`` (repository and options) to an ``Outcome``
(problems, skipped checks, record counts); reading files is its only side effect.

* ``contract-schema``: contracts are well formed; the unified mapping names real columns.
* ``templates``: every source template renders with env.example and validates against its spec.
* ``gaql``: packaged and configured GAQL is accepted by the official Google Ads connector.
* ``query-aliases``: what each template makes its connector emit equals its contract, and the
  template connection selects the stream.
* ``seed-headers``: the dbt seeds the contracts name have the contracted header and rows.
* ``dbt``: with a dbt project, source/model column references and the enable_* variables.
* ``env-names``: env.example documents exactly the variables the repository reads.
* ``secrets``: no literal credential in a tracked file.
* ``records``: synced rows against their contract (types, nullability, primary-key uniqueness).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from airbyte_provisioning.checks.contracts.names import OptionalInput, RuleName
from airbyte_provisioning.checks.contracts.rules import (
    contract_schema,
    dbt,
    env_names,
    gaql,
    query_aliases,
    records,
    secrets,
    seed_headers,
    templates,
)
from airbyte_provisioning.checks.contracts.rules.base import Outcome
from airbyte_provisioning.checks.contracts.rules.context import Inputs


@dataclass(frozen=True)
class Rule:
    """A rule: its check, the option it cannot run without, whether it reads the contracts."""

    name: RuleName
    check: Callable[[Inputs], Outcome]
    needs: OptionalInput | None = None
    reads_contracts: bool = True


RULES: dict[RuleName, Rule] = {
    rule.name: rule
    for rule in (
        Rule(RuleName.CONTRACT_SCHEMA, contract_schema.check),
        Rule(RuleName.TEMPLATES, templates.check, reads_contracts=False),
        Rule(RuleName.GAQL, gaql.check, reads_contracts=False),
        Rule(RuleName.QUERY_ALIASES, query_aliases.check),
        Rule(RuleName.SEED_HEADERS, seed_headers.check),
        Rule(RuleName.DBT, dbt.check, needs="--dbt-project"),
        Rule(RuleName.ENV_NAMES, env_names.check, reads_contracts=False),
        Rule(RuleName.SECRETS, secrets.check, reads_contracts=False),
        Rule(RuleName.RECORDS, records.check, needs="--records"),
    )
}

__all__ = ["RULES", "Inputs", "Outcome", "Rule", "RuleName"]

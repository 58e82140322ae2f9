"""Rule ``gaql``: packaged and configured GAQL is accepted by the official Google Ads connector.

Three places hold queries: the packaged ``templates/**/*.gaql`` files, the ``custom_queries_array``
of the JSON config examples, and ``AIRBYTE_GOOGLE_ADS_CUSTOM_QUERY`` in env.example.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from airbyte_provisioning.checks.contracts.names import RuleName
from airbyte_provisioning.checks.contracts.repo import Repo, line_of
from airbyte_provisioning.checks.contracts.rules.base import Outcome, found
from airbyte_provisioning.checks.contracts.rules.context import Inputs
from airbyte_provisioning.checks.contracts.rules.rendering import example_environment
from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.templates import gaql as gaql_language

RULE = RuleName.GAQL
ENV_QUERY = "AIRBYTE_GOOGLE_ADS_CUSTOM_QUERY"


def check(inputs: Inputs) -> Outcome:
    repo = inputs.repo
    return Outcome(
        problems=[*_packaged_queries(repo), *_config_examples(repo), *_environment_query(repo)]
    )


def _refusals(query: str) -> list[str]:
    return [
        f"GAQL query {reason}" for reason in gaql_language.check(query, require_incremental=True)
    ]


def _packaged_queries(repo: Repo) -> Iterable[Problem]:
    for rel in repo.glob("templates/**/*.gaql"):
        for message in _refusals(repo.text(rel) or ""):
            yield found(RULE, rel, 1, message)


def _config_examples(repo: Repo) -> Iterable[Problem]:
    for rel in repo.glob("templates/*.json.example"):
        text = repo.text(rel) or ""
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            message = f"not valid JSON ({exc.msg}): its GAQL queries were not checked"
            yield found(RULE, rel, exc.lineno, message)
            continue
        queries = document.get("custom_queries_array") if isinstance(document, dict) else None
        for item in queries or ():
            query = str(item.get("query", "")) if isinstance(item, dict) else ""
            # a query that still holds ${VAR} is complete only once rendered: not judged here
            if "${" in query.replace("$${", ""):
                continue
            for message in _refusals(query):
                yield found(RULE, rel, line_of(text, '"query"'), message)


def _environment_query(repo: Repo) -> Iterable[Problem]:
    query = example_environment(repo).get(ENV_QUERY, "")
    if query.strip():
        line = line_of(repo.text("env.example") or "", f"{ENV_QUERY}=")
        for message in _refusals(query):
            yield found(RULE, "env.example", line, message)

"""Every source template rendered with ``env.example``, once per run (rules templates, query-aliases)."""

from __future__ import annotations

from dataclasses import dataclass, field

from airbyte_provisioning.checks.contracts.names import RuleName
from airbyte_provisioning.checks.contracts.repo import Repo
from airbyte_provisioning.checks.contracts.rules.base import found
from airbyte_provisioning.core.envfile import EnvFileError, parse_env_lines
from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.templates import source_templates


@dataclass(frozen=True)
class Rendering:
    """Template name -> rendered source, and a problem per template that did not render."""

    sources: dict[str, source_templates.RenderedSource] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def example_environment(repo: Repo) -> dict[str, str]:
    """``env.example`` as name -> value (empty when it does not parse: rule env-names says why)."""
    text = repo.text("env.example") or ""
    try:
        return {e.name: e.value for e in parse_env_lines(text, "env.example")}
    except EnvFileError:
        return {}


def render_all(repo: Repo) -> Rendering:
    """Every template rendered with env.example (its placeholders are offline-valid)."""
    env = example_environment(repo)
    templates_dir = repo.root / "templates"
    rendering = Rendering()
    for name in source_templates.template_names(templates_dir):
        rel = f"templates/{name}_source.yaml"
        try:
            rendering.sources[name] = source_templates.render_source(
                name, env, templates_dir, repo.root
            )
        except source_templates.RenderError as exc:
            rendering.problems.extend(
                found(RuleName.TEMPLATES, rel, 1, f"rendering with env.example: {p}")
                for p in exc.problems
            )
        except (source_templates.TemplateError, KeyError, OSError, ValueError) as exc:
            rendering.problems.append(
                found(RuleName.TEMPLATES, rel, 1, f"template is broken: {exc}")
            )
    return rendering

"""Rule ``env-names``: env.example documents exactly the variables the repository reads.

Every variable that templates, scripts (and the package behind them), ``docker-compose.yml``, the
Makefile and connector configs reference is documented in ``env.example``; every documented
variable is used by name, by the registry's suffix strings, or by one of the patterns in
``contract_checks/env_patterns.yaml``.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import yaml

from airbyte_provisioning.checks.contracts.names import RuleName
from airbyte_provisioning.checks.contracts.repo import Repo
from airbyte_provisioning.checks.contracts.rules.base import Outcome, found
from airbyte_provisioning.checks.contracts.rules.context import Inputs
from airbyte_provisioning.core.envfile import EnvFileError, parse_env_lines
from airbyte_provisioning.core.problems import Problem

RULE = RuleName.ENV_NAMES
PATTERNS_FILE = "contract_checks/env_patterns.yaml"

_AIRBYTE_NAME = re.compile(r"(?<![A-Za-z0-9_])AIRBYTE_[A-Z0-9_]*")
_SHELL_REF = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_TEMPLATE_REF = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_]*)|at_least:\s*([A-Za-z_][A-Za-z0-9_]*)")
_SUFFIX_LITERAL = re.compile(r"^[rRuU]?(['\"])([A-Z][A-Z0-9_]*[A-Z0-9])\1$")


@dataclass
class _Usage:
    names: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> first (file, line)
    suffixes: set[str] = field(default_factory=set)
    symbols: set[str] = field(default_factory=set)  # Python identifiers such as AIRBYTE_MASK

    def add(self, name: str, rel: str, line: int) -> None:
        self.names.setdefault(name, (rel, line))


def _scan_python(rel: str, text: str, usage: _Usage) -> None:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return
    for token in tokens:
        if token.type == tokenize.NAME and token.string.startswith("AIRBYTE_"):
            usage.symbols.add(token.string)
        if token.type == tokenize.STRING:
            literal = _SUFFIX_LITERAL.match(token.string)
            if literal:
                usage.suffixes.add(literal.group(2))
        if token.type not in (tokenize.STRING, tokenize.COMMENT) and token.type != getattr(
            tokenize, "FSTRING_MIDDLE", -1
        ):
            continue
        for match in _AIRBYTE_NAME.finditer(token.string):
            name, after = match.group(0), token.string[match.end() : match.end() + 1]
            if name.endswith("_") or after in {"{", "<", "*"}:
                continue  # a prefix or a pattern, not a name
            line = token.start[0] + token.string.count("\n", 0, match.start())
            usage.add(name, rel, line)


def _scan_text(rel: str, text: str, pattern: re.Pattern[str], usage: _Usage) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        for match in pattern.finditer(line):
            name = next(g for g in match.groups() if g) if match.groups() else match.group(0)
            usage.add(name, rel, number)


def referenced_variables(repo: Repo) -> _Usage:
    usage = _Usage()
    for rel in repo.files:
        path = PurePath(rel)
        text = repo.text(rel)
        # the checker's own code and data name variables to look for, not to read them
        if (
            text is None
            or rel == "env.example"
            or path.parts[0] in {"tests", "contract_checks"}
            or rel.startswith("airbyte_provisioning/checks/contracts/")
        ):
            continue
        if path.suffix == ".py" and path.parts[0] in {"scripts", "airbyte_provisioning"}:
            _scan_python(rel, text, usage)
        elif path.parts[0] == "templates" and "specs" not in path.parts and path.suffix != ".md":
            _scan_text(rel, text, _TEMPLATE_REF, usage)
        elif re.fullmatch(r"(docker-)?compose[\w.-]*\.ya?ml", path.name):
            _scan_text(rel, text, _SHELL_REF, usage)
        elif path.name == "Makefile" or path.parts[0] == ".ci":
            _scan_text(rel, text, _AIRBYTE_NAME, usage)
        elif (
            path.parts[0] == "connectors"
            and "integration_tests" in path.parts
            and path.suffix in {".json", ".yaml", ".yml"}
        ):
            _scan_text(rel, text, _SHELL_REF, usage)
    return usage


def _pattern_regexes(spec: dict[str, Any], documented: dict[str, Any]) -> list[re.Pattern[str]]:
    tenants_var = str(spec.get("tenant_list", "AIRBYTE_TENANTS"))
    slugs = [
        s.strip().upper().replace("-", "_")
        for s in str(documented.get(tenants_var, "")).split(",")
        if s.strip()
    ]
    parts: dict[str, str] = {}
    for name, value in (spec.get("placeholders") or {}).items():
        if value == "tenants":
            words = slugs
        elif value == "documented":
            words = [n.removeprefix("AIRBYTE_") for n in documented if n.startswith("AIRBYTE_")]
        elif isinstance(value, list):
            words = [str(v) for v in value]
        else:
            parts[name] = f"(?:{value})"
            continue
        parts[name] = (
            "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"
            if words
            else "(?!)"
        )

    def expand(match: re.Match[str]) -> str:
        return parts.get(match.group(1), "(?!)")

    regexes = []
    for pattern in spec.get("patterns") or ():
        escaped = re.escape(str(pattern)).replace(r"\<", "<").replace(r"\>", ">")
        body = re.sub(r"<([A-Z_]+)>", expand, escaped)
        regexes.append(re.compile(f"^{body}$"))
    return regexes


def check(inputs: Inputs) -> Outcome:
    repo = inputs.repo
    text = repo.text("env.example")
    if text is None:
        message = "env.example is missing: it must document every variable"
        return Outcome(problems=[found(RULE, "env.example", 1, message)])
    try:
        entries = parse_env_lines(text, "env.example")
    except EnvFileError as exc:
        return Outcome(problems=[found(RULE, "env.example", 1, str(exc))])
    documented = {e.name: e.value for e in entries}
    lines = {e.name: e.line for e in entries}
    usage = referenced_variables(repo)
    spec = _patterns_spec(repo)
    if isinstance(spec, Problem):
        return Outcome(problems=[spec])
    patterns = _pattern_regexes(spec, documented)
    outcome = Outcome()
    for name, (rel, line) in sorted(usage.names.items(), key=lambda i: i[1]):
        if name in documented or name in usage.symbols or any(p.match(name) for p in patterns):
            continue
        message = f"{name} is referenced here but not documented in env.example; add it with a comment and a placeholder"
        outcome.problems.append(found(RULE, rel, line, message))
    for name in documented:
        used = name in usage.names or name.removeprefix("AIRBYTE_") in usage.suffixes
        if used or any(p.match(name) for p in patterns):
            continue
        message = f"{name} is documented but nothing reads it (templates, scripts, compose, connector configs, or a pattern in {PATTERNS_FILE}); remove it or use it"
        outcome.problems.append(found(RULE, "env.example", lines[name], message))
    return outcome


def _patterns_spec(repo: Repo) -> dict[str, Any] | Problem:
    """The variable-name patterns, or a problem naming the file when it is not a YAML mapping."""
    try:
        spec = yaml.safe_load(repo.text(PATTERNS_FILE) or "") or {}
    except yaml.YAMLError:
        spec = None
    if not isinstance(spec, dict):
        message = f"{PATTERNS_FILE} must be a YAML mapping (tenant_list, placeholders, patterns); env names were not checked"
        return found(RULE, PATTERNS_FILE, 1, message)
    return spec

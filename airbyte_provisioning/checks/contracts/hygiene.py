"""Repository hygiene rules: environment-variable names and literal secrets.

``env-names``: every variable that templates, scripts (and the package behind them),
``docker-compose.yml``, the Makefile and connector configs reference is documented in
``env.example``; every documented variable is used by name, by the registry's suffix strings, or
by one of the patterns in ``contract_checks/env_patterns.yaml``.

``secrets``: no credential in a tracked (or about-to-be-tracked) file: well-known token shapes
anywhere, and long random values assigned to secret-named keys unless they are placeholders.
"""

from __future__ import annotations

import io
import math
import re
import tokenize
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import yaml

from airbyte_provisioning.checks.contracts.repo import Finding, Repo
from airbyte_provisioning.core.envfile import EnvFileError, parse_env_lines
from airbyte_provisioning.core.redact import (
    AIRBYTE_MASK,
    fingerprint,
    is_secret_key,
    is_secret_name,
)

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


def check_env_names(repo: Repo) -> list[Finding]:
    text = repo.text("env.example")
    if text is None:
        return [
            Finding(
                "env.example",
                1,
                "env-names",
                "env.example is missing: it must document every variable",
            )
        ]
    try:
        entries = parse_env_lines(text, "env.example")
    except EnvFileError as exc:
        return [Finding("env.example", 1, "env-names", str(exc))]
    documented = {e.name: e.value for e in entries}
    lines = {e.name: e.line for e in entries}
    usage = referenced_variables(repo)
    spec = yaml.safe_load(repo.text("contract_checks/env_patterns.yaml") or "") or {}
    patterns = _pattern_regexes(spec, documented)
    findings = [
        Finding(
            rel,
            line,
            "env-names",
            f"{name} is referenced here but not documented in env.example; add it with a comment and a placeholder",
        )
        for name, (rel, line) in sorted(usage.names.items(), key=lambda i: i[1])
        if name not in documented
        and name not in usage.symbols
        and not any(p.match(name) for p in patterns)
    ]
    for name in documented:
        if name in usage.names or name.removeprefix("AIRBYTE_") in usage.suffixes:
            continue
        if any(p.match(name) for p in patterns):
            continue
        findings.append(
            Finding(
                "env.example",
                lines[name],
                "env-names",
                f"{name} is documented but nothing reads it (templates, scripts, compose, connector configs, or a pattern in contract_checks/env_patterns.yaml); remove it or use it",
            )
        )
    return findings


# --- secrets --------------------------------------------------------------------------------------

SECRET_SHAPES = {
    "Google OAuth client secret": re.compile(r"GOCSPX-[A-Za-z0-9_-]{20,}"),
    "Google OAuth refresh token": re.compile(r"\b1//0[A-Za-z0-9_-]{30,}"),
    "Google OAuth access token": re.compile(r"\bya29\.[A-Za-z0-9_-]{20,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "Meta access token": re.compile(r"\bEAA[A-Za-z0-9]{30,}"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"),
    "JSON web token": re.compile(
        r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"
    ),
}
_ASSIGNMENT = re.compile(
    r"""(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)["']?\s*(?:=|:)\s*(?P<quote>["']?)(?P<value>[A-Za-z0-9_+/=.~-]{16,})(?P=quote)"""
)
_PLACEHOLDER = re.compile(
    r"^(changeme|\$\{|\{\{|<|\*\*|xxx|example|dummy|fake|test|placeholder|redacted|your[-_]|replace|none|null|sha256:)"
    r"|changeme|example|placeholder|redacted|dummy|canary|sample|not-?a-?real",
    re.IGNORECASE,
)


def _entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(c / len(value) * math.log2(c / len(value)) for c in counts.values())


def _looks_random(value: str) -> bool:
    if (
        _PLACEHOLDER.search(value)
        or value == AIRBYTE_MASK
        or set(value) <= set("0-")
        or "/" in value[:8]
    ):
        return False
    if (
        re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", value.lower())
        and value.count("0") > 20
    ):
        return False
    classes = sum(bool(re.search(p, value)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]"))
    return classes >= 2 and _entropy(value) >= 3.5


ALLOW_PRAGMA = "pragma: allowlist secret"
ALLOWLIST = "contract_checks/secrets_allowlist.yaml"


def _allowlist(repo: Repo) -> set[tuple[str, str]]:
    entries = (yaml.safe_load(repo.text(ALLOWLIST) or "") or {}).get("allowed") or ()
    return {(str(e.get("file")), str(e.get("fingerprint"))) for e in entries if isinstance(e, dict)}


def check_secrets(repo: Repo) -> list[Finding]:
    findings: list[Finding] = []
    allowed = _allowlist(repo)
    for rel in repo.files:
        text = repo.text(rel)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if ALLOW_PRAGMA in line:
                continue
            hits: list[tuple[str, str]] = []
            for kind, shape in SECRET_SHAPES.items():
                hits.extend((m.group(0), f"looks like a {kind}") for m in shape.finditer(line))
            for match in _ASSIGNMENT.finditer(line):
                key, value = match.group("key"), match.group("value")
                name = key.rsplit(".", 1)[-1]
                if (is_secret_key(name) or is_secret_name(name)) and _looks_random(value):
                    hits.append(
                        (value, f"{name} is assigned a literal that looks like a real credential")
                    )
            for value, what in hits:
                digest = fingerprint(value)
                if (rel, digest) not in allowed:
                    findings.append(
                        Finding(
                            rel,
                            number,
                            "secrets",
                            f"{what} ({digest}); move it to .env or a secret store and rotate it, or, "
                            f"for a deliberate test fixture, list the fingerprint in {ALLOWLIST}",
                        )
                    )
    return findings

"""Rule ``secrets``: no credential in a tracked (or about-to-be-tracked) file.

Well-known token shapes anywhere, and long random values assigned to secret-named keys unless
they are placeholders. A deliberate fixture is allowed by file and value fingerprint in
``contract_checks/secrets_allowlist.yaml``, or by a ``pragma: allowlist secret`` on its line.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import yaml

from airbyte_provisioning.checks.contracts.names import RuleName
from airbyte_provisioning.checks.contracts.repo import Repo
from airbyte_provisioning.checks.contracts.rules.base import Outcome, found
from airbyte_provisioning.checks.contracts.rules.context import Inputs
from airbyte_provisioning.core.redact import (
    AIRBYTE_MASK,
    fingerprint,
    is_secret_key,
    is_secret_name,
)

RULE = RuleName.SECRETS

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


def _allowlist(repo: Repo, outcome: Outcome) -> set[tuple[str, str]]:
    """(file, fingerprint) pairs allowed; a broken allowlist is reported and allows nothing."""
    try:
        document = yaml.safe_load(repo.text(ALLOWLIST) or "") or {}
    except yaml.YAMLError:
        document = None
    entries = (document.get("allowed") or []) if isinstance(document, dict) else None
    if not isinstance(entries, list):
        message = f"{ALLOWLIST} must be a YAML mapping with an 'allowed' list; nothing is allowed until it is fixed"
        outcome.problems.append(found(RULE, ALLOWLIST, 1, message))
        return set()
    return {(str(e.get("file")), str(e.get("fingerprint"))) for e in entries if isinstance(e, dict)}


def check(inputs: Inputs) -> Outcome:
    repo = inputs.repo
    outcome = Outcome()
    allowed = _allowlist(repo, outcome)
    for rel in repo.files:
        text = repo.text(rel)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if ALLOW_PRAGMA in line:
                continue
            for value, what in _secret_hits(line):
                digest = fingerprint(value)
                if (rel, digest) not in allowed:
                    message = (
                        f"{what} ({digest}); move it to .env or a secret store and rotate it, or, "
                        f"for a deliberate test fixture, list the fingerprint in {ALLOWLIST}"
                    )
                    outcome.problems.append(found(RULE, rel, number, message))
    return outcome


def _secret_hits(line: str) -> list[tuple[str, str]]:
    """(value, what it looks like) for every credential-like value on one line."""
    hits: list[tuple[str, str]] = []
    for kind, shape in SECRET_SHAPES.items():
        hits.extend((m.group(0), f"looks like a {kind}") for m in shape.finditer(line))
    for match in _ASSIGNMENT.finditer(line):
        key, value = match.group("key"), match.group("value")
        name = key.rsplit(".", 1)[-1]
        if (is_secret_key(name) or is_secret_name(name)) and _looks_random(value):
            hits.append((value, f"{name} is assigned a literal that looks like a real credential"))
    return hits

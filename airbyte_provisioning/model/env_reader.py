"""Reading the environment for the tenant model: typed getters that record problems, never raise.

Every getter returns something usable (a value, a default or None) and turns bad input into a
:class:`~airbyte_provisioning.core.problems.Problem` naming the variable, so all problems are
found in one pass. Secret values are never quoted in a message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from airbyte_provisioning.core.problems import Problem, Severity
from airbyte_provisioning.core.redact import is_secret_name
from airbyte_provisioning.model import variables as V
from airbyte_provisioning.model.cron import CronError, validate_timezone
from airbyte_provisioning.model.text import quoted

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
SLUG_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
# the identifier limit of the strictest destination (PostgreSQL truncates names past 63 bytes) and
# of S3 bucket names; slugs, namespaces and stream prefixes are held to it as well
IDENTIFIER_LIMIT = 63
NAMESPACE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PREFIX_RE = re.compile(r"^[A-Za-z0-9_]*$")
BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]+[a-z0-9]$")

# the shaped values a variable may hold, each with its pattern, what a problem says it expects
# and its shortest length (all are at most IDENTIFIER_LIMIT characters)
ValueShape = Literal["namespace", "stream_prefix", "bucket"]
_SHAPES: dict[ValueShape, tuple[re.Pattern[str], str, int]] = {
    "namespace": (NAMESPACE_RE, "a schema name (letters, digits, _; not starting with a digit)", 1),
    "stream_prefix": (PREFIX_RE, "letters, digits and _", 0),
    "bucket": (BUCKET_RE, "a bucket name (lower-case letters, digits, dots, dashes)", 3),
}


class EnvReader:
    """Reads variables and records problems; every getter returns something usable."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.problems: list[Problem] = []
        self._seen: set[Problem] = set()

    def problem(
        self,
        variable: str,
        message: str,
        code: str,
        tenant: str | None = None,
        severity: Severity = "error",
        variables: tuple[str, ...] = (),
    ) -> None:
        """Record a problem about ``variable`` (``variables``: every variable that made it,
        when several did)."""
        # a shared default is one problem, not one per tenant that inherits it
        if tenant and all(v.startswith(f"{V.PREFIX}DEFAULT_") for v in (variable, *variables)):
            tenant = None
        problem = Problem(
            message,
            code=code,
            variable=variable,
            tenant=tenant,
            severity=severity,
            variables=variables,
        )
        if problem not in self._seen:
            self._seen.add(problem)
            self.problems.append(problem)

    def get(self, name: str) -> str | None:
        """The stripped value; unset and blank are both None."""
        value = self.env.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    def first(self, *names: str) -> tuple[str | None, str | None]:
        """The first set variable among ``names`` and its value."""
        for name in names:
            value = self.get(name)
            if value is not None:
                return name, value
        return None, None

    def describe(self, name: str, value: str) -> str:
        """How a message shows ``name``'s value: never a secret, never at unbounded length."""
        return "a secret value" if is_secret_name(name) else quoted(value)

    def uuid(
        self, name: str, tenant: str | None = None, required: bool = False, hint: str = ""
    ) -> str | None:
        """A UUID in lower case; None (and a problem when required or malformed) otherwise."""
        value = self.get(name)
        if value is None:
            if required:
                self.problem(
                    name,
                    f"missing: set it to the UUID of the {hint or 'resource'}",
                    "missing",
                    tenant,
                )
            return None
        if not UUID_RE.match(value):
            self.problem(
                name,
                f"{self.describe(name, value)} is not a UUID (expected the {hint or 'resource'} "
                "id as 8-4-4-4-12 hex digits)",
                "invalid_uuid",
                tenant,
            )
            return None
        return value.lower()

    def check_shape(self, name: str, value: str, shape: ValueShape, tenant: str | None) -> None:
        """A problem when a non-empty ``value`` is not a valid ``shape``."""
        pattern, expected, shortest = _SHAPES[shape]
        if not value:
            return
        if len(value) > IDENTIFIER_LIMIT:
            self.problem(
                name,
                f"the value ({len(value)} characters, starting {value[:20]!r}) is too long: a "
                f"{shape.replace('_', ' ')} has at most {IDENTIFIER_LIMIT} characters (the "
                f"identifier limit); expected {expected}",
                "bad_value",
                tenant,
            )
        elif len(value) < shortest or not pattern.match(value):
            self.problem(
                name,
                f"{quoted(value)} is not valid: expected {expected}, "
                f"{shortest}-{IDENTIFIER_LIMIT} characters",
                "bad_value",
                tenant,
            )

    def timezone(self, name: str, fallback: str, tenant: str | None = None) -> str:
        """The IANA zone in ``name`` (``fallback`` when unset, or with a problem when unknown)."""
        zone = self.get(name) or fallback
        try:
            validate_timezone(zone)
        except CronError as exc:
            self.problem(name, str(exc), "unknown_timezone", tenant)
            return fallback
        return zone

"""One type for everything a check can find wrong: :class:`Problem`.

A problem says what is wrong and where: the environment variable that caused it, the field of a
rendered document, or the line of a repository file, whichever apply. Every check of the library
(tenant model, templates, readiness, online checks, health, data contracts) reports this type, so
every command prints problems in one JSON shape: only the places that apply appear.

    >>> Problem("must be 1..64", code="invalid_value", variable="AIRBYTE_BOOTSTRAP_CONCURRENCY").as_dict()
    {'severity': 'error', 'code': 'invalid_value', 'variable': 'AIRBYTE_BOOTSTRAP_CONCURRENCY', 'message': 'must be 1..64'}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """What is wrong (``message``), how bad (``severity``), which rule found it (``code``), where.

    Where is any of: ``variable`` (an environment variable; ``variables`` when several produced a
    value), ``tenant`` (the tenant slug), ``path`` (a field inside a rendered document, as
    ``a.b[0]``), ``file`` and ``line`` (a file of the repository, line 1-based).
    """

    message: str
    code: str = "invalid"
    variable: str | None = None
    tenant: str | None = None
    severity: Severity = "error"
    path: str | None = None
    variables: tuple[str, ...] = ()
    file: str | None = None
    line: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def where(self) -> str:
        """The place, for one-line text: ``FILE:LINE``, ``VAR -> path`` or ``VAR``."""
        if self.file:
            return f"{self.file}:{self.line}" if self.line else self.file
        names = ", ".join(self.variables) or self.variable or ""
        if self.path:
            return f"{names} -> {self.path}" if names else self.path
        return names

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: fixed key order, and only the places that apply."""
        out: dict[str, Any] = {"severity": self.severity, "code": self.code}
        optional: dict[str, Any] = {
            "variable": self.variable,
            "tenant": self.tenant,
            "path": self.path,
            "variables": list(self.variables) or None,
            "file": self.file,
            "line": self.line,
        }
        out.update({key: value for key, value in optional.items() if value is not None})
        out["message"] = self.message
        return out


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that block (severity ``error``), in their order."""
    return [problem for problem in problems if problem.is_error]

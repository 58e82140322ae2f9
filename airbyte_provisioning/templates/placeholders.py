"""Placeholders and filters: a config template's strings become typed values from a mapping.

``${NAME}``, ``${NAME:-default}``, ``${NAME | filter | filter:arg}`` and ``$${`` (a literal
``${``); the filters are listed in :mod:`.source_templates`. :func:`render_tree` renders a whole
JSON document, records which variables fed each path, and turns every failure into a
:class:`~airbyte_provisioning.core.problems.Problem` naming its variables and its path::

    render_tree({"days": "${LOOKBACK | int}"}, (), ctx, problems, provenance)  # {"days": 28}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from airbyte_provisioning.core.jsonpath import JsonPath, format_path
from airbyte_provisioning.core.problems import Problem
from airbyte_provisioning.templates import gaql
from airbyte_provisioning.templates.rendered import OMIT, TemplateError

_PLACEHOLDER = re.compile(r"\$(\$?)\{([^}]*)\}")
_BODY = re.compile(
    r"^\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?::-(?P<default>[^|]*))?(?P<filters>(?:\|[^|]*)*)$"
)


# a placeholder's variable is unset (and required), or its value is invalid
PlaceholderCode = Literal["missing", "bad_value"]


class _FilterError(ValueError):
    """A value a placeholder cannot yield; ``code`` tells unset from invalid."""

    def __init__(self, message: str, code: PlaceholderCode = "bad_value") -> None:
        super().__init__(message)
        self.code = code


@dataclass
class RenderContext:
    """The variables a render reads, and the ones the placeholder being rendered used."""

    env: Mapping[str, str]
    templates_dir: Path
    used: list[str] = field(default_factory=list)


def _each(value: Any, fn: Callable[[Any], Any]) -> Any:
    return [fn(v) for v in value] if isinstance(value, list) else fn(value)


def _to_int(value: Any) -> int:
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise _FilterError(f"must be a whole number, got {text!r}")
    return int(text)


def _parse_when(text: str) -> datetime:
    text = str(text).strip()
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _FilterError(f"must be a date (YYYY-MM-DD) or ISO timestamp, got {text!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _csv(value: Any) -> list[str]:
    items = [part.strip() for part in str(value).split(",") if part.strip()]
    if not items:
        raise _FilterError("must list at least one value (comma-separated)")
    return items


def _digits(value: Any, count: str) -> Any:
    def check(item: Any) -> Any:
        if not re.fullmatch(rf"[0-9]{{{int(count)}}}", str(item)):
            raise _FilterError(f"must be {count} digits (dashes are removed), got {str(item)!r}")
        return item

    return _each(value, check)


def _map(value: Any, table: str) -> Any:
    pairs = dict(item.split("=", 1) for item in table.split(","))

    def lookup(item: Any) -> Any:
        if str(item) not in pairs:
            raise _FilterError(f"must be one of {', '.join(pairs)}, got {str(item)!r}")
        return pairs[str(item)]

    return _each(value, lookup)


def _at_least(value: Any, other: str, ctx: RenderContext) -> int:
    ctx.used.append(other)
    raw = ctx.env.get(other, "").strip()
    if not raw:
        return _to_int(value)
    try:
        return max(_to_int(value), _to_int(raw))
    except _FilterError as exc:
        raise _FilterError(f"{other} {exc}") from None


def _gaql(value: Any) -> Any:
    reasons = gaql.check(str(value), require_incremental=True)
    if reasons:
        raise _FilterError("GAQL query " + "; ".join(reasons))
    return " ".join(str(value).split())


_FILTERS: dict[str, Callable[[Any, str, RenderContext], Any]] = {
    "int": lambda v, _a, _c: _each(v, _to_int),
    "csv": lambda v, _a, _c: _csv(v),
    "strip_prefix": lambda v, a, _c: _each(v, lambda s: str(s).removeprefix(a)),
    "remove": lambda v, a, _c: _each(v, lambda s: str(s).replace(a, "")),
    "join": lambda v, a, _c: a.join(str(s) for s in v) if isinstance(v, list) else v,
    "date": lambda v, _a, _c: _each(v, lambda s: _parse_when(s).date().isoformat()),
    "datetime": lambda v, _a, _c: _each(v, lambda s: _parse_when(s).strftime("%Y-%m-%dT%H:%M:%SZ")),
    "at_least": lambda v, a, c: _at_least(v, a, c),
    "digits": lambda v, a, _c: _digits(v, a),
    "map": lambda v, a, _c: _map(v, a),
    "gaql": lambda v, _a, _c: _gaql(v),
}
# filters that say how to find the value, not how to convert it
_FLAG_FILTERS = {"optional", "default_file"}


def _parse_body(body: str) -> tuple[str, str | None, list[tuple[str, str]]]:
    match = _BODY.match(body)
    if match is None:
        raise TemplateError(
            f"bad placeholder ${{{body}}}: expected ${{NAME[:-default][ | filter]}}"
        )
    filters: list[tuple[str, str]] = []
    for raw in match.group("filters").split("|")[1:]:
        name, _, arg = raw.strip().partition(":")
        if name not in _FILTERS and name not in _FLAG_FILTERS:
            raise TemplateError(f"unknown filter {name!r} in ${{{body}}}")
        filters.append((name, arg.strip()))
    default = match.group("default")
    return match.group("name"), None if default is None else default.strip(), filters


def _evaluate(body: str, ctx: RenderContext) -> Any:
    name, default, filters = _parse_body(body)
    ctx.used.append(name)
    value: Any = ctx.env.get(name, "")
    if value.strip() == "":
        value = default if default not in (None, "") else None
    for filter_name, arg in filters:
        if filter_name == "default_file" and value is None:
            value = (ctx.templates_dir / arg).read_text().strip()
    if value is None:
        if any(f == "optional" for f, _ in filters):
            return OMIT
        raise _FilterError(
            "is not set; set it in .env or the environment (see env.example)", code="missing"
        )
    for filter_name, arg in filters:
        if filter_name not in _FLAG_FILTERS:
            value = _FILTERS[filter_name](value, arg, ctx)
    return value


def _render_string(text: str, ctx: RenderContext) -> Any:
    whole = _PLACEHOLDER.fullmatch(text.strip())
    if whole and not whole.group(1):
        return _evaluate(whole.group(2), ctx)

    def substitute(match: re.Match[str]) -> str:
        if match.group(1):
            return "${" + match.group(2) + "}"
        value = _evaluate(match.group(2), ctx)
        if value is OMIT:
            return ""
        if isinstance(value, list | dict):
            raise _FilterError("yields a list; it must be the whole string value")
        return str(value)

    return _PLACEHOLDER.sub(substitute, text)


def render_tree(
    node: Any,
    path: JsonPath,
    ctx: RenderContext,
    problems: list[Problem],
    provenance: dict[JsonPath, tuple[str, ...]],
) -> Any:
    """``node`` with every placeholder replaced (:data:`~.rendered.OMIT` drops a key); problems
    and the variables behind each rendered path are appended to ``problems``/``provenance``."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, child in node.items():
            value = render_tree(child, (*path, key), ctx, problems, provenance)
            if value is not OMIT:
                out[key] = value
        return out
    if isinstance(node, list):
        rendered = [
            render_tree(c, (*path, i), ctx, problems, provenance) for i, c in enumerate(node)
        ]
        return [v for v in rendered if v is not OMIT]
    if not isinstance(node, str) or "${" not in node:
        return node
    ctx.used = []
    try:
        value = _render_string(node, ctx)
    except _FilterError as exc:
        used = tuple(dict.fromkeys(ctx.used))
        problems.append(Problem(str(exc), code=exc.code, path=format_path(path), variables=used))
        return OMIT
    provenance[path] = tuple(dict.fromkeys(ctx.used))
    return value

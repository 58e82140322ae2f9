"""Google Ads Query Language as the official ``source-google-ads`` 6.1.7 accepts it.

The connector parses every custom query with one grammar and refuses anything else while it builds
its streams (a bare ``ValueError``, i.e. a failed sync with no useful message)::

    SELECT <field>, ... FROM <one resource> [WHERE ...] [ORDER BY ...] [LIMIT n>=1] [PARAMETERS ...]

Each field must be a plain dotted path (``^[a-z][a-z0-9._]*$``), so ``*``, ``AS`` aliases, functions
and trailing commas are refused, as are a missing ``FROM`` and several resources. The output columns
keep the dotted paths verbatim (``campaign.id`` stays ``campaign.id``).

Incremental syncs: a query is incremental (cursor ``segments.date``) only when ``segments.date`` is
selected and not used in ``WHERE``; the connector then appends
``segments.date BETWEEN '<slice start>' AND '<slice end>'`` itself. There is no templating: text such
as ``{{ runtime_from_date }}`` is sent to Google unchanged (HTTP 400) and, because it puts
``segments.date`` in ``WHERE``, also turns the stream into full refresh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUERY = re.compile(
    r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<resource>[a-z][a-z0-9_]*)"
    r"(?:\s+WHERE\s+(?P<where>.+?))?"
    r"(?:\s+ORDER\s+BY\s+(?P<order_by>.+?))?"
    r"(?:\s+LIMIT\s+(?P<limit>[1-9][0-9]*))?"
    r"(?:\s+PARAMETERS\s+(?P<parameters>.+?))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_FIELD = re.compile(r"^[a-z][a-z0-9._]*$")
_CLAUSE = re.compile(r"\b(FROM|WHERE|ORDER\s+BY|LIMIT|PARAMETERS)\b", re.IGNORECASE)
DATE_FIELD = "segments.date"

RUNTIME_TEMPLATE_EXPLANATION = (
    "contains Jinja-style templating ({{ ... }}); source-google-ads has no such variables "
    "(runtime_from_date/runtime_to_date do not exist): the text is sent to Google unchanged, which "
    "rejects it, and filtering on segments.date makes the stream full refresh. Select "
    "segments.date and leave it out of WHERE: the connector adds the date range itself"
)


class GaqlError(ValueError):
    """A query the connector would refuse; ``reasons`` lists every problem found."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class GaqlQuery:
    fields: tuple[str, ...]
    resource: str
    where: str | None
    order_by: str | None
    limit: int | None
    parameters: str | None

    @property
    def output_columns(self) -> tuple[str, ...]:
        """Record keys the connector emits: the selected dotted paths, unchanged."""
        return self.fields


def _explain_refusal(query: str) -> list[str]:
    """Why the grammar refused ``query``, in the words of the rule that was broken."""
    text = " ".join(query.split())
    reasons: list[str] = []
    if not re.match(r"^SELECT\s", text, re.IGNORECASE):
        return ["must start with SELECT"]
    head = re.split(r"\bFROM\b", text, maxsplit=1, flags=re.IGNORECASE)
    select_part = head[0][len("SELECT") :]
    if len(head) == 1:
        reasons.append("has no FROM clause (one resource is required)")
    if "*" in select_part:
        reasons.append("SELECT * is not supported: list the fields")
    if re.search(r"\bAS\b", select_part, re.IGNORECASE):
        reasons.append("aliases (AS) are not supported: columns are named after the field paths")
    if "(" in select_part:
        reasons.append("functions such as SUM() are not supported: GAQL selects plain fields")
    if re.search(r",\s*$", select_part.strip()) or ",," in select_part.replace(" ", ""):
        reasons.append("has an empty field (trailing or double comma)")
    if len(head) == 2:
        rest = _CLAUSE.split(head[1], maxsplit=1)[0].strip()
        if "," in rest or len(rest.split()) > 1:
            reasons.append(f"FROM names several resources ({rest}): GAQL reads exactly one")
    if re.search(r"\bLIMIT\s+(?![1-9])", text, re.IGNORECASE):
        reasons.append("LIMIT must be a positive integer")
    return reasons or [
        "does not match SELECT <fields> FROM <resource> [WHERE] [ORDER BY] [LIMIT] [PARAMETERS]"
    ]


def parse(query: str) -> GaqlQuery:
    """Parse like the connector does; :class:`GaqlError` lists why a query would be refused."""
    match = _QUERY.match(query)
    if match is None:
        raise GaqlError(_explain_refusal(query))
    fields = tuple(f.strip() for f in match.group("fields").split(","))
    bad = [f for f in fields if not _FIELD.match(f)]
    if bad:
        refusal = _explain_refusal(query)
        if refusal[0].startswith("does not match"):
            refusal = [f"{f!r} is not a field path (lower-case dotted name)" for f in bad]
        raise GaqlError(refusal)
    limit = match.group("limit")
    return GaqlQuery(
        fields=fields,
        resource=match.group("resource"),
        where=match.group("where"),
        order_by=match.group("order_by"),
        limit=int(limit) if limit else None,
        parameters=match.group("parameters"),
    )


def is_incremental(query: str) -> bool:
    """The connector's own rule: incremental on segments.date, or full refresh."""
    try:
        parsed = parse(query)
    except GaqlError:
        return False
    in_where = parsed.where is not None and DATE_FIELD in parsed.where
    return DATE_FIELD in parsed.fields and not in_where


def check(query: str, require_incremental: bool = False) -> list[str]:
    """Every reason the official connector would refuse ``query`` or sync it differently than meant."""
    reasons: list[str] = []
    if "{{" in query or "{%" in query:
        reasons.append(RUNTIME_TEMPLATE_EXPLANATION)
    if ": " in query:
        reasons.append(
            "contains ': ' (colon and space): the connector's config resolver YAML-parses the query "
            "into a mapping and stream creation fails; avoid the sequence, e.g. 'Brand:US'"
        )
    try:
        parsed = parse(query)
    except GaqlError as exc:
        return reasons + exc.reasons
    where_has_date = parsed.where is not None and DATE_FIELD in parsed.where
    if where_has_date and not reasons:
        reasons.append(
            "filters on segments.date in WHERE: the stream becomes full refresh and re-reads that "
            "range every sync; select segments.date and let the connector add the date range"
        )
    if require_incremental and DATE_FIELD not in parsed.fields:
        reasons.append(
            "does not select segments.date: the stream would be full refresh; the metrics "
            "connection is incremental on segments.date"
        )
    return reasons

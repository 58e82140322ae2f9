"""Rule ``start_dates``: each enabled platform's start date parses, is not in the future, and lies
within what the platform still keeps.

An unset start date is judged by the source template's default, since that is what will be sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from airbyte_provisioning.checks.readiness.connector_variables import owner, sources
from airbyte_provisioning.checks.readiness.report import Context, Rule
from airbyte_provisioning.core.problems import Severity
from airbyte_provisioning.model import variables as V

RULE: Rule = "start_dates"
# Before this, a start date is a typo rather than a wish (no ad API here reports that far back).
ABSURD_START = date(2010, 1, 1)


@dataclass(frozen=True)
class StartDateRule:
    """How far back a platform's data reaches, and where that fact comes from."""

    retention_months: int | None
    floor: date | None
    fact: str
    beyond_is_error: bool = False
    retention_days: int | None = None

    def oldest(self, today: date) -> date | None:
        """The first day still readable, or ``None`` when no retention limit is known."""
        if self.retention_days is not None:
            return today - timedelta(days=self.retention_days)
        if self.retention_months is not None:
            return months_before(today, self.retention_months)
        return None

    @property
    def beyond_severity(self) -> Severity:
        return "error" if self.beyond_is_error else "warning"


START_DATE_RULES: dict[str, StartDateRule] = {
    # source-facebook-marketing never reads insights older than Meta's 37-month retention limit
    # (1123 days in its code) and silently clamps older start dates.
    "META": StartDateRule(37, None, "Meta keeps insights for 37 months; older days are clamped"),
    # source-google-ads clamps start_date to today-1110 days.
    "GOOGLE_ADS": StartDateRule(
        None,
        None,
        "source-google-ads reads at most 1110 days back; older days are clamped",
        retention_days=1110,
    ),
    # No retention limit is documented for GA4 Data API aggregated reports: only the basic rules.
    "GA4": StartDateRule(None, None, ""),
    # Search Console Help, Performance report: data is available for the past 16 months.
    "SEARCH_CONSOLE": StartDateRule(16, None, "Search Console keeps 16 months of performance data"),
    # LinkedIn retains ad performance data 10 years (demographic pivots only 2 years).
    "LINKEDIN": StartDateRule(120, None, "LinkedIn keeps ad performance data for 10 years"),
    # TikTok's retention is unconfirmed; some report APIs error before 2012-01-01.
    "TIKTOK": StartDateRule(
        None, date(2012, 1, 1), "TikTok report APIs refuse dates before 2012-01-01", True
    ),
}


def parse_start(text: str) -> date | None:
    text = text.strip()
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            return date.fromisoformat(text)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC).date()


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def check_start_dates(
    ctx: Context, platform: str, now: datetime, defaults: Mapping[str, str]
) -> None:
    name = f"{platform}_START_DATE"
    today = now.astimezone(UTC).date()
    for variable, tenants in sources(ctx, name):
        ctx.report.saw(RULE, variable)
        raw, note = ctx.value(variable), ""
        if raw is None:
            default = defaults.get(V.PREFIX + name)
            if default is None:
                continue
            raw, note = default, f" (the template default, since {variable} is unset)"
        finding = judge_start(raw, START_DATE_RULES[platform], today, note)
        if finding is not None:
            message, code, severity = finding
            ctx.report.add(RULE, variable, message, code, owner(variable, tenants), severity)


def judge_start(
    raw: str, facts: StartDateRule, today: date, note: str = ""
) -> tuple[str, str, Severity] | None:
    """``(message, code, severity)`` of what is wrong with start date ``raw``, if anything."""
    start = parse_start(raw)
    if start is None:
        return f"{raw!r} is not a date (YYYY-MM-DD or an ISO timestamp)", "bad_date", "error"
    if start > today:
        return (
            f"{start} is in the future{note}: no data would be read until then",
            "future_start_date",
            "error",
        )
    if start < ABSURD_START:
        return (
            f"{start} is before {ABSURD_START}{note}: almost certainly a typo",
            "absurd_start_date",
            "error",
        )
    if facts.floor and start < facts.floor:
        return (
            f"{start} is before {facts.floor}{note}: {facts.fact}",
            "start_date_out_of_range",
            facts.beyond_severity,
        )
    limit = facts.oldest(today)
    if limit is not None and start < limit:
        return (
            f"{start} is older than {limit}{note}: {facts.fact}, so the backfill will start "
            "later than asked",
            "start_date_beyond_retention",
            facts.beyond_severity,
        )
    return None

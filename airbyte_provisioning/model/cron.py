"""Cron for Airbyte: Unix 5-field → Quartz conversion, full Quartz validation, fire times.

Airbyte's Config API parses ``scheduleData.cron.cronExpression`` as Quartz (6 or 7 fields, seconds
first, ``?`` in exactly one of day-of-month / day-of-week) and refuses time zones whose id starts
with ``Etc``. Operators and the seed documentation write Unix cron (``0 6-22 * * *``), so
:func:`to_quartz` accepts both and converts Unix expressions exactly, refusing the few that Quartz
cannot express instead of silently changing their meaning:

* Unix numbers Sunday 0 (or 7) … Saturday 6; Quartz numbers Sunday 1 … Saturday 7.
* Vixie cron fires when day-of-month OR day-of-week matches if neither field starts with ``*``,
  and when both match otherwise. Quartz can only restrict one of the two, so an expression that
  restricts both is rejected with an explanation.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from airbyte_provisioning.model.text import quoted, whole_number

# how an expression was written: Unix (5 fields or @daily...) or Quartz (6-7 fields, seconds first)
CronForm = Literal["unix", "quartz"]


class CronError(ValueError):
    """An expression or time zone Airbyte would refuse; the message says what to write instead."""


MONTH_NAMES = {
    name: i
    for i, name in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1
    )
}
# Quartz numbering: SUN=1 … SAT=7
QUARTZ_DAY_NAMES = {
    name: i for i, name in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], 1)
}
QUARTZ_DAY_BY_NUMBER = {i: name for name, i in QUARTZ_DAY_NAMES.items()}
# Unix numbering: SUN=0 … SAT=6 (7 is Sunday again)
UNIX_DAY_NAMES = {name: i - 1 for name, i in QUARTZ_DAY_NAMES.items()}

UNIX_MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: dict[str, int] | None = None


# how far :meth:`QuartzCron.next_fire` looks when the year field is open
NEVER_HORIZON_YEARS = 8

SECONDS = _Field("seconds", 0, 59)
MINUTES = _Field("minutes", 0, 59)
HOURS = _Field("hours", 0, 23)
DAY_OF_MONTH = _Field("day-of-month", 1, 31)
MONTHS = _Field("month", 1, 12, MONTH_NAMES)
QUARTZ_DAY_OF_WEEK = _Field("day-of-week", 1, 7, QUARTZ_DAY_NAMES)
YEARS = _Field("year", 1970, 2099)
UNIX_DAY_OF_WEEK = _Field("day-of-week", 0, 7, UNIX_DAY_NAMES)

_ITEM = re.compile(r"^(?P<base>\*|[A-Z0-9]+(?:-[A-Z0-9]+)?)(?:/(?P<step>[0-9]+))?$")


def _number(digits: str) -> int:
    """Digits a pattern matched, bounded (see :func:`whole_number`)."""
    return whole_number(digits) or 0


def _value(token: str, field: _Field) -> int:
    if field.names and token in field.names:
        return field.names[token]
    number = whole_number(token)
    if number is None:
        raise CronError(f"{field.name}: {quoted(token)} is not a number or a known name")
    if not field.low <= number <= field.high:
        shown = str(number) if len(token) <= 8 else quoted(token)
        raise CronError(f"{field.name}: {shown} is outside {field.low}-{field.high}")
    return number


def _expand(text: str, field: _Field, *, unix: bool = False) -> frozenset[int]:
    """The values a list/range/step field selects (no Quartz special characters)."""
    values: set[int] = set()
    for item in text.split(","):
        match = _ITEM.match(item)
        if not match:
            raise CronError(f"{field.name}: cannot parse {quoted(item)}")
        base, step_text = match.group("base"), match.group("step")
        step = 1
        if step_text is not None:
            step = whole_number(step_text) or 0
            if step == 0:
                raise CronError(f"{field.name}: step 0 in {quoted(item)} never fires")
            if step > field.high - field.low + 1:
                raise CronError(
                    f"{field.name}: step {step} in {quoted(item)} is larger than the field"
                )
        if base == "*":
            start, stop = field.low, field.high
        elif "-" in base:
            first, last = base.split("-", 1)
            start, stop = _value(first, field), _value(last, field)
            if stop < start:
                raise CronError(
                    f"{field.name}: range {quoted(item)} runs backwards; split it into two ranges "
                    "joined by a comma"
                )
        else:
            start = _value(base, field)
            if step_text is not None and unix:
                raise CronError(
                    f"{field.name}: {quoted(item)} needs a range or '*' before the step in Unix cron "
                    f"(e.g. {start}-{field.high}/{step})"
                )
            stop = field.high if step_text is not None else start
        values.update(range(start, stop + 1, step))
    return frozenset(values)


@dataclass(frozen=True)
class QuartzCron:
    """A validated Quartz expression and the instants it selects."""

    expression: str
    seconds: frozenset[int]
    minutes: frozenset[int]
    hours: frozenset[int]
    day_of_month: str  # the raw (upper-cased) field
    months: frozenset[int]
    day_of_week: str
    years: frozenset[int] | None

    def matches_date(self, day: date) -> bool:
        if day.month not in self.months:
            return False
        if self.years is not None and day.year not in self.years:
            return False
        if self.day_of_month != "?":
            return _day_of_month_matches(self.day_of_month, day)
        return _day_of_week_matches(self.day_of_week, day)

    def fire_times(self, start: datetime, end: datetime) -> list[datetime]:
        """Every instant in ``[start, end)``, in ``start``'s time zone (must be aware)."""
        zone = start.tzinfo
        if zone is None:
            raise ValueError("fire_times needs an aware datetime")
        found: list[datetime] = []
        day = start.astimezone(zone).date() - timedelta(days=1)
        last_day = end.astimezone(zone).date() + timedelta(days=1)
        times = [
            (h, m, s)
            for h in sorted(self.hours)
            for m in sorted(self.minutes)
            for s in sorted(self.seconds)
        ]
        while day <= last_day:
            if self.matches_date(day):
                for h, m, s in times:
                    local = datetime(day.year, day.month, day.day, h, m, s, tzinfo=zone)
                    if not _exists(local, zone):
                        continue  # skipped by a daylight-saving jump
                    if start <= local < end:
                        found.append(local)
            day += timedelta(days=1)
        return sorted(found, key=lambda d: d.timestamp())

    def next_fire(
        self, start: datetime, horizon_years: int = NEVER_HORIZON_YEARS
    ) -> datetime | None:
        """The first instant at or after ``start`` (aware), or None when there is none: no year
        left in the year field, or no calendar date matching within ``horizon_years`` (31
        February never comes; 29 February comes within 8 years, which is why that is the
        default horizon when the year field is open)."""
        zone = start.tzinfo
        if zone is None:
            raise ValueError("next_fire needs an aware datetime")
        day = start.astimezone(zone).date()
        last_year = max(self.years) if self.years is not None else day.year + horizon_years
        times = sorted((h, m, s) for h in self.hours for m in self.minutes for s in self.seconds)
        while day.year <= last_year:
            if self.years is not None and day.year not in self.years:
                day = date(day.year + 1, 1, 1)
            elif day.month not in self.months:
                day = _first_of_next_month(day)
            else:
                if self.matches_date(day):
                    for h, m, s in times:
                        local = datetime(day.year, day.month, day.day, h, m, s, tzinfo=zone)
                        if local >= start and _exists(local, zone):
                            return local
                day += timedelta(days=1)
        return None


def _first_of_next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def _exists(local: datetime, zone: tzinfo) -> bool:
    return local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None)


def _last_day(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def _quartz_weekday(day: date) -> int:
    return (day.weekday() + 1) % 7 + 1


def _nearest_weekday(year: int, month: int, target: int) -> int:
    last = calendar.monthrange(year, month)[1]
    target = min(target, last)
    weekday = date(year, month, target).weekday()
    if weekday == 5:  # Saturday: Friday before, unless that leaves the month
        return target - 1 if target > 1 else target + 2
    if weekday == 6:  # Sunday: Monday after, unless that leaves the month
        return target + 1 if target < last else target - 2
    return target


def _day_of_month_matches(field: str, day: date) -> bool:
    last = _last_day(day)
    if field == "L":
        return day.day == last
    if field == "LW":
        candidate = last
        while date(day.year, day.month, candidate).weekday() >= 5:
            candidate -= 1
        return day.day == candidate
    if field.startswith("L-"):
        return day.day == last - int(field[2:])
    if field.endswith("W"):
        return day.day == _nearest_weekday(day.year, day.month, int(field[:-1]))
    return day.day in _expand(field, DAY_OF_MONTH)


def _day_of_week_matches(field: str, day: date) -> bool:
    weekday = _quartz_weekday(day)
    if field == "L":
        return weekday == 7
    if field.endswith("L"):
        return weekday == _value(field[:-1], QUARTZ_DAY_OF_WEEK) and day.day + 7 > _last_day(day)
    if "#" in field:
        name, nth = field.split("#")
        return weekday == _value(name, QUARTZ_DAY_OF_WEEK) and (day.day - 1) // 7 + 1 == int(nth)
    return weekday in _expand(field, QUARTZ_DAY_OF_WEEK)


_QUARTZ_ONLY = re.compile(r"^(\?|L|LW|[0-9]*L|[0-9]+W|.*#.*)$")
_DOM_SPECIAL = re.compile(r"^(L|LW|L-([0-9]+)|([0-9]+)W)$")
_DOW_SPECIAL = re.compile(r"^(L|([A-Z0-9]+)L|([A-Z0-9]+)#([0-9]+))$")


def _check_day_of_month(field: str) -> None:
    special = _DOM_SPECIAL.match(field)
    if special:
        if special.group(2) is not None and not 0 <= _number(special.group(2)) <= 30:
            raise CronError(f"day-of-month: offset in {quoted(field)} must be 0-30")
        if special.group(3) is not None and not 1 <= _number(special.group(3)) <= 31:
            raise CronError(f"day-of-month: {quoted(field)} needs a day 1-31 before W")
        return
    if any(_QUARTZ_ONLY.match(token) for token in re.split(r"[,/-]", field)):
        raise CronError(
            f"day-of-month: {quoted(field)} mixes L/W with other values; "
            "L, LW, L-n and nW must stand alone"
        )
    _expand(field, DAY_OF_MONTH)


def _check_day_of_week(field: str) -> None:
    special = _DOW_SPECIAL.match(field)
    if special:
        if special.group(2) is not None:
            _value(special.group(2), QUARTZ_DAY_OF_WEEK)
        if special.group(3) is not None:
            _value(special.group(3), QUARTZ_DAY_OF_WEEK)
            if not 1 <= _number(special.group(4)) <= 5:
                raise CronError(f"day-of-week: {quoted(field)} asks for occurrence outside 1-5")
        return
    if any(_QUARTZ_ONLY.match(token) for token in re.split(r"[,/-]", field)):
        raise CronError(
            f"day-of-week: {quoted(field)} mixes L/# with other values; they must stand alone"
        )
    _expand(field, QUARTZ_DAY_OF_WEEK)


def parse_quartz(expression: str) -> QuartzCron:
    """Validate a Quartz expression the way Airbyte's server does, or raise :class:`CronError`."""
    fields = expression.strip().upper().split()
    if len(fields) not in (6, 7):
        hint = " (this looks like Unix cron: use to_quartz)" if len(fields) == 5 else ""
        raise CronError(
            f"Quartz cron needs 6 or 7 fields (seconds minutes hours day-of-month month "
            f"day-of-week [year]), got {len(fields)}{hint}"
        )
    seconds, minutes, hours, dom, month, dow = fields[:6]
    for text, field in ((seconds, SECONDS), (minutes, MINUTES), (hours, HOURS), (month, MONTHS)):
        if "?" in text:
            raise CronError(f"{field.name}: '?' is only allowed in day-of-month or day-of-week")
    if (dom == "?") == (dow == "?"):
        raise CronError(
            "Quartz needs '?' in exactly one of day-of-month and day-of-week "
            f"(got {quoted(dom)} and {quoted(dow)}); e.g. '0 0 2 * * ?' for 02:00 every day"
        )
    if dom != "?":
        _check_day_of_month(dom)
    if dow != "?":
        _check_day_of_week(dow)
    years = _expand(fields[6], YEARS) if len(fields) == 7 and fields[6] != "*" else None
    return QuartzCron(
        expression=" ".join(fields),
        seconds=_expand(seconds, SECONDS),
        minutes=_expand(minutes, MINUTES),
        hours=_expand(hours, HOURS),
        day_of_month=dom,
        months=_expand(month, MONTHS),
        day_of_week=dow,
        years=years,
    )


def _compress_days(days: frozenset[int]) -> str:
    """Quartz day numbers as names, consecutive runs as ranges: {2,3,4,5,6} → MON-FRI."""
    ordered = sorted(days)
    parts: list[str] = []
    run_start = previous = ordered[0]
    for day in [*ordered[1:], None]:
        if day is not None and day == previous + 1:
            previous = day
            continue
        first, last = QUARTZ_DAY_BY_NUMBER[run_start], QUARTZ_DAY_BY_NUMBER[previous]
        if previous - run_start >= 2:
            parts.append(f"{first}-{last}")
        else:
            parts.extend(QUARTZ_DAY_BY_NUMBER[d] for d in range(run_start, previous + 1))
        if day is not None:
            run_start = previous = day
    return ",".join(parts)


def unix_to_quartz(expression: str) -> str:
    """Convert a Unix (Vixie) 5-field expression or @macro to the equivalent Quartz expression."""
    text = expression.strip()
    if text.startswith("@"):
        if text.lower() == "@reboot":
            raise CronError("@reboot has no schedule equivalent in Airbyte")
        if text.lower() not in UNIX_MACROS:
            raise CronError(f"unknown cron macro {quoted(text)}; known: {', '.join(UNIX_MACROS)}")
        text = UNIX_MACROS[text.lower()]
    fields = text.upper().split()
    if len(fields) != 5:
        raise CronError(
            f"Unix cron needs 5 fields (minute hour day-of-month month day-of-week), got {len(fields)}"
        )
    minute, hour, dom, month, dow = fields
    if any(_QUARTZ_ONLY.match(token) for token in re.split(r"[,/\s-]", " ".join(fields))):
        raise CronError(
            "'?', 'L', 'W' and '#' are Quartz syntax: write the whole expression in Quartz "
            "(6 fields, seconds first)"
        )
    for item, field in ((minute, MINUTES), (hour, HOURS), (month, MONTHS)):
        _expand(item, field, unix=True)
    dom_days = _expand(dom, DAY_OF_MONTH, unix=True)
    unix_days = _expand(dow, UNIX_DAY_OF_WEEK, unix=True)
    quartz_days = frozenset((d % 7) + 1 for d in unix_days)
    dom_full = dom_days == frozenset(range(1, 32))
    dow_full = quartz_days == frozenset(range(1, 8))
    if dom.startswith("*") or dow.startswith("*"):  # Vixie: both must match
        if dom_full and dow_full:
            quartz_dom, quartz_dow = "*", "?"
        elif dom_full:
            quartz_dom, quartz_dow = "?", _compress_days(quartz_days)
        elif dow_full:
            quartz_dom, quartz_dow = dom, "?"
        else:
            raise CronError(
                f"day-of-month {quoted(dom)} AND day-of-week {quoted(dow)} both restrict the day; Quartz can "
                "restrict only one of them: keep one and use '*' for the other"
            )
    elif dom_full or dow_full:  # Vixie: either may match, and one matches every day
        quartz_dom, quartz_dow = "*", "?"
    else:
        raise CronError(
            f"in Unix cron, day-of-month {quoted(dom)} and day-of-week {quoted(dow)} fire when EITHER matches; "
            "Quartz cannot express that: use two schedule groups, or '*' in one of the fields"
        )
    return " ".join(["0", minute, hour, quartz_dom, month, quartz_dow])


def to_quartz(expression: str) -> tuple[str, CronForm]:
    """``(quartz expression, form)``: the form the expression was written in; validated."""
    text = " ".join(expression.split())
    if not text:
        raise CronError("empty cron expression")
    if not text.startswith("@") and len(text.split()) not in (5, 6, 7):
        raise CronError(
            f"cron needs 5 fields (Unix: minute hour day-of-month month day-of-week) or 6-7 "
            f"fields (Quartz: seconds first), got {len(text.split())}"
        )
    form: CronForm
    fields = text.split()
    if text.startswith("@") or len(fields) == 5:
        quartz, form = unix_to_quartz(text), "unix"
    elif "?" not in (fields[3], fields[5]):
        # 6-7 fields without the '?' every Quartz expression has: most often a Unix expression
        # with a stray field, so name both forms rather than only Quartz's '?' rule
        raise CronError(
            f"{len(fields)} fields, but neither day-of-month ({quoted(fields[3])}) nor day-of-week "
            f"({quoted(fields[5])}) is '?': expected 5 (Unix) or 6-7 (Quartz) fields, Unix as "
            "minute hour day-of-month month day-of-week (e.g. '0 6-22 * * *'), Quartz as seconds "
            "minute hour day-of-month month day-of-week [year] with '?' in exactly one of "
            "day-of-month and day-of-week (e.g. '0 0 6-22 * * ?')"
        )
    else:
        quartz, form = text.upper(), "quartz"
    return parse_quartz(quartz).expression, form


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_timezone(name: str) -> ZoneInfo:
    """An IANA zone Airbyte accepts, or :class:`CronError` (unknown, or an ``Etc/*`` id)."""
    if not name:
        raise CronError("empty time zone; use an IANA name such as America/Jamaica")
    if name.startswith("Etc"):
        raise CronError(
            f"Airbyte refuses time zone ids starting with 'Etc' ({quoted(name)}); "
            "use a named zone such as UTC or America/Jamaica"
        )
    if name not in _known_zones():
        raise CronError(
            f"unknown time zone {quoted(name)}; use an IANA name such as America/Jamaica"
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # pragma: no cover - tzdata mismatch
        raise CronError(f"unknown time zone {quoted(name)}") from exc


@lru_cache(maxsize=4096)
def fire_times_between(
    expression: str, zone: str, start_iso: str, end_iso: str
) -> tuple[datetime, ...]:
    """Cached fire times for ``[start, end)`` in ``zone`` (many tenants share one schedule)."""
    tz = ZoneInfo(zone)
    start = datetime.fromisoformat(start_iso).astimezone(tz)
    end = datetime.fromisoformat(end_iso).astimezone(tz)
    return tuple(parse_quartz(expression).fire_times(start, end))


@lru_cache(maxsize=1024)
def next_fire_time(expression: str, zone: str, start_iso: str) -> datetime | None:
    """Cached :meth:`QuartzCron.next_fire` from ``start`` in ``zone``: None when it never fires."""
    tz = ZoneInfo(zone)
    return parse_quartz(expression).next_fire(datetime.fromisoformat(start_iso).astimezone(tz))

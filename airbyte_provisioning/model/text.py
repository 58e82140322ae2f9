"""Quoting values in messages: an operator's value is echoed, but never at unbounded length.

A problem quotes the value it refuses so the operator sees what was read, but a pasted file or a
runaway script can put hundreds of kilobytes in one variable; the report must stay readable and
small. :func:`quoted` keeps the first characters and says how long the whole value was:

    >>> quoted("acme")
    "'acme'"
    >>> quoted("x" * 100_000)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' (100000 characters)"
"""

from __future__ import annotations

# long enough for any valid identifier (63), UUID (36) or cron the model accepts
SHOWN_CHARACTERS = 64


def quoted(value: str, limit: int = SHOWN_CHARACTERS) -> str:
    """``repr(value)``, or its first ``limit`` characters and the full length when longer."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit] + '…'!r} ({len(value)} characters)"


def capped(value: str, limit: int = 4 * SHOWN_CHARACTERS) -> str:
    """``value`` as it is, or its first ``limit`` characters and the full length when longer
    (for report fields that echo a setting rather than quote it in a sentence)."""
    if len(value) <= limit:
        return value
    return f"{value[:limit]}… ({len(value)} characters)"


# more digits than any setting needs; int() itself refuses strings of 4,300+ digits
_MAX_DIGITS = 9


def whole_number(text: str) -> int | None:
    """``text`` as a non-negative whole number, or None. ASCII digits only: ``str.isdigit``
    also accepts superscripts such as ``'²'``, which ``int`` then refuses. A number of more than
    9 digits reads as 10**9, above every limit, so a runaway value is refused as too large
    without being converted."""
    if not text.isascii() or not text.isdigit():
        return None
    return int(text) if len(text) <= _MAX_DIGITS else 10**_MAX_DIGITS

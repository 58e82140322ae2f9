"""Is a value real, or a sample someone forgot to replace?

:func:`placeholder_reason` says why a value is a placeholder without ever quoting it, so it is
safe for credentials.

    >>> placeholder_reason("changeme-token"), placeholder_reason("https://airbyte.example.com")
    ("holds a 'changeme' marker", "points at the reserved example host 'airbyte.example.com'")
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from airbyte_provisioning.model.env_reader import UUID_RE

_MARKER_WORDS = re.compile(r"^(todo|tbd|fixme|placeholder|dummy|none|null|undefined)$", re.I)
# RFC 2606 names: example.com/.org/.net and the .example, .test, .invalid top-level domains
_RESERVED_HOST = re.compile(
    r"(^|\.)(example\.(com|org|net)|[^.]+\.(example|test|invalid))$|^example$", re.I
)
_SAMPLE_HOSTS = {"host", "hostname", "your-host"}


def placeholder_reason(value: str | None, example_value: str | None = None) -> str | None:
    """Why ``value`` is a placeholder, or ``None`` for a value that looks real."""
    if value is None or not value.strip():
        return "is empty"
    text = value.strip()
    if example_value is not None and example_value.strip() and text == example_value.strip():
        return "still holds the env.example sample value"
    return _marker(text) or _sample_number(text) or _sample_host(text)


def _marker(text: str) -> str | None:
    lowered = text.lower()
    if "changeme" in lowered:
        return "holds a 'changeme' marker"
    if _bare(lowered).startswith("xxx"):
        return "holds an 'xxx' marker"
    if re.search(r"<[^<>]*>", text):
        return "holds a '<...>' marker"
    if lowered.startswith("replace") or _MARKER_WORDS.match(lowered):
        return "holds a REPLACE/TODO-style marker"
    if re.match(r"^your[-_ ]", lowered):
        return "holds a 'your-...' sample"
    return None


def _bare(lowered: str) -> str:
    """The value without the prefixes ids and headers carry (``act_``, ``Bearer ``...)."""
    return re.sub(r"^(bearer|basic|act_|properties/|sc-domain:)\s*", "", lowered)


def _sample_number(text: str) -> str | None:
    if UUID_RE.match(text) and text.replace("-", "").count("0") > 16:
        return "is a zero-filled sample UUID"
    digits = re.sub(r"[-\s]", "", _bare(text.lower()))
    if digits.isdigit() and len(digits) >= 5 and sum(c != "0" for c in digits) <= 1:
        return "is a zero-filled sample number"
    return None


def _sample_host(text: str) -> str | None:
    host = url_host(text)
    if host and (_RESERVED_HOST.search(host) or host in _SAMPLE_HOSTS):
        return f"points at the reserved example host {host!r}"
    return None


def url_host(text: str) -> str | None:
    """The host of an http(s) URL or of a ``sc-domain:`` property, lower-cased."""
    if text.startswith("sc-domain:"):
        return text.removeprefix("sc-domain:").strip().lower() or None
    if not re.match(r"^https?://", text, re.I):
        return None
    try:
        return (urlsplit(text).hostname or "").lower() or None
    except ValueError:
        return None

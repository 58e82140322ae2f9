"""How each connector variable is judged: required or not, sent or not, and its expected shape.

A shape is a function from the value to a reason it is wrong (``None`` when it fits). Reasons of
credential shapes describe length or characters, never the value.

    >>> _each(r"[0-9]{5,15}", "a numeric id")("12345, abc")
    "has 'abc', which is not a numeric id"
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

Shape = Callable[[str], str | None]

PLATFORM_TITLES = {
    "META": "Meta Marketing",
    "GOOGLE_ADS": "Google Ads",
    "GA4": "Google Analytics 4",
    "SEARCH_CONSOLE": "Search Console",
    "LINKEDIN": "LinkedIn Ads",
    "TIKTOK": "TikTok Ads",
}


def _each(pattern: str, expected: str, normalize: Callable[[str], str] = str.strip) -> Shape:
    """Every comma-separated item must match ``pattern`` after ``normalize``."""
    compiled = re.compile(pattern)

    def check(value: str) -> str | None:
        items = [i.strip() for i in value.split(",") if i.strip()]
        if not items:
            return f"lists no value; expected {expected}"
        bad = [i for i in items if not compiled.fullmatch(normalize(i))]
        if bad:
            shown = ", ".join(repr(b) for b in bad[:3])
            return f"has {shown}, which is not {expected}"
        return None

    return check


def credential(min_length: int, what: str, pattern: str | None = None) -> Shape:
    """A credential: no whitespace, long enough; the value itself is never described."""

    def check(value: str) -> str | None:
        if re.search(r"\s", value):
            return f"contains whitespace; a {what} has none (copy-paste artefact?)"
        if value[:1] in "\"'" and value[-1:] == value[:1]:
            return f"is wrapped in quotes; remove them from the {what}"
        if len(value) < min_length:
            return f"is only {len(value)} characters; a real {what} has at least {min_length}"
        if pattern and not re.fullmatch(pattern, value):
            return f"does not have the shape of a {what}"
        return None

    return check


def _google_client_id(value: str) -> str | None:
    if not re.fullmatch(r"[0-9]+-[A-Za-z0-9_]+\.apps\.googleusercontent\.com", value):
        return (
            "is not a Google OAuth client id (expected '<digits>-<id>.apps.googleusercontent.com' "
            "from the Google Cloud console)"
        )
    return None


def _site_urls(value: str) -> str | None:
    items = [i.strip() for i in value.split(",") if i.strip()]
    if not items:
        return "lists no site"
    for item in items:
        if item.startswith("sc-domain:"):
            if not re.fullmatch(r"sc-domain:[a-z0-9-]+(\.[a-z0-9-]+)+", item.lower()):
                return f"has {item!r}, which is not a domain property like sc-domain:example.org"
        elif not re.fullmatch(r"https?://[^\s/]+\.[^\s/]+(/\S*)?", item):
            return (
                f"has {item!r}; expected a URL-prefix property like https://www.site.org/ or a "
                "domain property like sc-domain:site.org"
            )
    return None


def _digits_and_dashes(value: str) -> str:
    return value.strip().replace("-", "")


@dataclass(frozen=True)
class VarSpec:
    """How one connector variable (name without ``AIRBYTE_``) is judged."""

    required: bool
    shape: Shape | None = None
    # False for values the renderer validates but never sends: their problems are warnings
    sent: bool = True
    credential: bool = False


_GOOGLE_OAUTH = {
    "CLIENT_ID": VarSpec(True, _google_client_id),
    "CLIENT_SECRET": VarSpec(True, credential(20, "OAuth client secret"), credential=True),
    "REFRESH_TOKEN": VarSpec(True, credential(30, "Google refresh token"), credential=True),
}

VARIABLE_SPECS: dict[str, dict[str, VarSpec]] = {
    "META": {
        "META_ACCOUNT_ID": VarSpec(
            True, _each(r"(act_)?[0-9]{5,20}", "a Meta ad account id like act_1234567890")
        ),
        "META_ACCESS_TOKEN": VarSpec(
            True, credential(40, "Meta system-user access token"), credential=True
        ),
        "META_APP_ID": VarSpec(False, _each(r"[0-9]{8,20}", "a numeric Meta app id"), sent=False),
        "META_APP_SECRET": VarSpec(
            False, credential(16, "Meta app secret"), sent=False, credential=True
        ),
    },
    "GOOGLE_ADS": {
        # Google: "The developer token is a 22-character long alphanumeric string"
        # (developers.google.com/google-ads/api/docs/get-started/dev-token)
        "GOOGLE_ADS_DEVELOPER_TOKEN": VarSpec(
            True,
            credential(22, "Google Ads developer token", r"[A-Za-z0-9_-]{22}"),
            credential=True,
        ),
        **{f"GOOGLE_ADS_{k}": v for k, v in _GOOGLE_OAUTH.items()},
        "GOOGLE_ADS_CUSTOMER_ID": VarSpec(
            True,
            _each(r"[0-9]{10}", "a 10-digit customer id (dashes allowed)", _digits_and_dashes),
        ),
        "GOOGLE_ADS_LOGIN_CUSTOMER_ID": VarSpec(
            False,
            _each(r"[0-9]{10}", "a 10-digit manager id (dashes allowed)", _digits_and_dashes),
            sent=False,
        ),
    },
    "GA4": {
        **{f"GA4_{k}": v for k, v in _GOOGLE_OAUTH.items()},
        "GA4_PROPERTY_ID": VarSpec(
            True, _each(r"(properties/)?[0-9]{6,15}", "a numeric GA4 property id")
        ),
    },
    "SEARCH_CONSOLE": {
        **{f"SEARCH_CONSOLE_{k}": v for k, v in _GOOGLE_OAUTH.items()},
        "SEARCH_CONSOLE_SITE_URL": VarSpec(True, _site_urls),
    },
    "LINKEDIN": {
        "LINKEDIN_ACCOUNT_ID": VarSpec(
            True, _each(r"[0-9]{5,15}", "a numeric LinkedIn ad account id")
        ),
        "LINKEDIN_ACCESS_TOKEN": VarSpec(
            True, credential(40, "LinkedIn access token"), credential=True
        ),
    },
    "TIKTOK": {
        "TIKTOK_ADVERTISER_ID": VarSpec(
            True, _each(r"[0-9]{10,20}", "a numeric TikTok advertiser id")
        ),
        "TIKTOK_ACCESS_TOKEN": VarSpec(
            True, credential(20, "TikTok access token"), credential=True
        ),
    },
}

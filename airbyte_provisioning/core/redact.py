"""Secret redaction: one place decides what is secret and how it is hidden.

Anything that prints, logs or raises goes through :func:`redact_text` or :func:`redact_value`
with the set of secret values known from the environment, so a token can never leak through a
message that happens to quote it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "**redacted**"
# Airbyte's own mask on read; a value equal to it is "unchanged" when sent back.
AIRBYTE_MASK = "**********"

_SECRET_NAME = re.compile(
    r"(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY|CREDENTIALS|AUTH_HEADER)$|"
    r"(^|_)(ACCESS_TOKEN|REFRESH_TOKEN|DEVELOPER_TOKEN|CLIENT_SECRET|APP_SECRET)(_|$)",
    re.IGNORECASE,
)
_SECRET_KEY = re.compile(
    r"(token|secret|password|passwd|api_key|apikey|private_key|credentials_json|authorization)",
    re.IGNORECASE,
)
# values shorter than this are not scrubbed from free text (they would mangle ordinary words)
_MIN_SCRUB_LENGTH = 4


def is_secret_name(name: str) -> bool:
    """True for environment variable names that hold credentials."""
    return bool(_SECRET_NAME.search(name))


def is_secret_key(key: str) -> bool:
    """True for config keys (JSON/YAML) that hold credentials."""
    return bool(_SECRET_KEY.search(key))


# ``scheme://user:password@`` in any text: the userinfo of a URL is a credential wherever it is
_URL_USERINFO = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{0,30}://)(?P<userinfo>[^/@\s]{1,1024})@"
)


def url_userinfo_secrets(value: str) -> set[str]:
    """The credential parts of every URL in ``value``: the whole userinfo and its password."""
    found: set[str] = set()
    for match in _URL_USERINFO.finditer(value):
        userinfo = match.group("userinfo")
        found.add(userinfo)
        _, _, password = userinfo.partition(":")
        if password:
            found.add(password)
    return {s for s in found if len(s) >= _MIN_SCRUB_LENGTH}


def secret_values(env: Mapping[str, str]) -> frozenset[str]:
    """The values of every secret-named variable in ``env`` that could leak, and the userinfo
    of any URL an environment value carries (``http://user:pass@host``)."""
    named = {v for k, v in env.items() if is_secret_name(k) and v and len(v) >= _MIN_SCRUB_LENGTH}
    in_urls = {s for v in env.values() if "@" in v for s in url_userinfo_secrets(v)}
    return frozenset(named | in_urls)


def redact_text(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of a known secret value (longest first) in ``text``, and the
    userinfo of every URL, known or not."""
    text = _URL_USERINFO.sub(lambda m: f"{m.group('scheme')}{REDACTED}@", text)
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret and len(secret) >= _MIN_SCRUB_LENGTH and secret in text:
            text = text.replace(secret, REDACTED)
    return text


def redact_value(value: Any, secrets: Iterable[str] = ()) -> Any:
    """Deep copy of ``value`` with secret-named keys masked and known secret values scrubbed."""
    known = tuple(secrets)
    if isinstance(value, Mapping):
        return {
            k: (
                REDACTED
                if is_secret_key(str(k)) and v not in (None, "")
                else redact_value(v, known)
            )
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact_value(v, known) for v in value]
    if isinstance(value, str):
        return redact_text(value, known)
    return value


def fingerprint(value: str) -> str:
    """A stable, non-reversible digest used to compare secrets without showing them."""
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()[:16]

"""What counts as secret, and how it is hidden."""

from __future__ import annotations

import pytest

from airbyte_provisioning.core.redact import (
    REDACTED,
    fingerprint,
    is_secret_key,
    is_secret_name,
    redact_text,
    redact_value,
    secret_values,
)


@pytest.mark.parametrize(
    "name",
    [
        "AIRBYTE_META_ACCESS_TOKEN",
        "AIRBYTE_META_APP_SECRET",
        "AIRBYTE_CLIENT_SECRET",
        "AIRBYTE_GOOGLE_ADS_DEVELOPER_TOKEN",
        "AIRBYTE_GOOGLE_ADS_REFRESH_TOKEN",
        "AIRBYTE_API_AUTH_HEADER",
        "AIRBYTE_ACME_TIKTOK_ACCESS_TOKEN",
        "DB_PASSWORD",
    ],
)
def test_secret_variable_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    ["AIRBYTE_META_ACCOUNT_ID", "AIRBYTE_CLIENT_ID", "AIRBYTE_GA4_PROPERTY_ID", "AIRBYTE_TENANTS"],
)
def test_plain_variable_names(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize(
    "key",
    ["access_token", "client_secret", "refresh_token", "developer_token", "password", "api_key"],
)
def test_secret_config_keys(key: str) -> None:
    assert is_secret_key(key)


def test_redact_value_masks_keys_and_scrubs_known_values() -> None:
    doc = {
        "credentials": {"access_token": "abc123456", "client_id": "id-1"},
        "note": "token abc123456 leaked",
        "list": ["abc123456"],
    }
    assert redact_value(doc, ["abc123456"]) == {
        "credentials": {"access_token": REDACTED, "client_id": "id-1"},
        "note": f"token {REDACTED} leaked",
        "list": [REDACTED],
    }


def test_longer_secret_is_scrubbed_before_its_prefix() -> None:
    assert (
        redact_text("x=secret-long y=secret", ["secret", "secret-long"])
        == f"x={REDACTED} y={REDACTED}"
    )


def test_short_values_are_not_scrubbed_from_text() -> None:
    assert (
        secret_values({"AIRBYTE_META_ACCESS_TOKEN": "ab", "AIRBYTE_TENANTS": "acme"}) == frozenset()
    )


def test_fingerprint_is_stable_and_does_not_reveal_the_value() -> None:
    assert fingerprint("s3cret") == fingerprint("s3cret") != fingerprint("s3cret2")
    assert "s3cret" not in fingerprint("s3cret")


def test_url_userinfo_is_secret_wherever_the_url_appears() -> None:
    env = {"AIRBYTE_BASE_URL": "http://operator:hunter2-pass@airbyte.internal:8000/api"}
    secrets = secret_values(env)
    assert "hunter2-pass" in secrets
    text = f"cannot reach {env['AIRBYTE_BASE_URL']} (the password hunter2-pass was refused)"
    scrubbed = redact_text(text, secrets)
    assert "hunter2" not in scrubbed and "operator:" not in scrubbed
    assert "http://**redacted**@airbyte.internal:8000/api" in scrubbed


def test_url_userinfo_is_scrubbed_even_when_no_variable_held_it() -> None:
    scrubbed = redact_value({"url": "https://bob:letmein99@host/x"}, ())
    assert scrubbed == {"url": "https://**redacted**@host/x"}

"""Building a client from the environment: base URL forms, auth choice, and errors naming the variable."""

from __future__ import annotations

import pytest

from airbyte_provisioning.api import (
    AirbyteClient,
    AirbyteConfigError,
    ClientCredentialsAuth,
    HeaderAuth,
    NoAuth,
    RetryPolicy,
    normalize_base_url,
)


@pytest.mark.parametrize(
    "value",
    [
        "http://h:8000",
        "http://h:8000/",
        "http://h:8000/api",
        "http://h:8000/api/",
        "http://h:8000/api/v1",
        "http://h:8000/api/v1/",
        "  http://h:8000/api/v1//  ",
    ],
)
def test_every_documented_base_url_form_points_at_the_same_config_api(value: str) -> None:
    assert normalize_base_url(value) == "http://h:8000/api/v1"


def test_base_url_behind_a_path_prefix_keeps_the_prefix() -> None:
    assert (
        normalize_base_url("https://ops.example.com/airbyte/api")
        == "https://ops.example.com/airbyte/api/v1"
    )


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "is not set"),
        ("localhost:8000", "is not an http(s) URL"),
        ("ftp://h:8000", "is not an http(s) URL"),
        ("http://", "is not an http(s) URL"),
        ("http://h:8000/?x=1", "query or fragment"),
        ("http://h:notaport", "invalid port"),
    ],
)
def test_malformed_base_url_is_refused_naming_the_variable(value: str, fragment: str) -> None:
    with pytest.raises(AirbyteConfigError, match="AIRBYTE_BASE_URL") as caught:
        AirbyteClient.from_env({"AIRBYTE_BASE_URL": value})
    assert fragment in str(caught.value)


def test_missing_base_url_is_refused_naming_the_variable() -> None:
    with pytest.raises(AirbyteConfigError, match="AIRBYTE_BASE_URL is not set"):
        AirbyteClient.from_env({})


def test_client_credentials_are_used_when_both_are_set() -> None:
    client = AirbyteClient.from_env(
        {
            "AIRBYTE_BASE_URL": "http://h:8000",
            "AIRBYTE_CLIENT_ID": "id",
            "AIRBYTE_CLIENT_SECRET": "s3cret-value",
        }
    )
    assert isinstance(client.auth, ClientCredentialsAuth)
    assert "s3cret-value" not in repr(client.auth)
    assert "s3cret-value" not in repr(client)


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ("AIRBYTE_CLIENT_ID", "AIRBYTE_CLIENT_SECRET"),
        ("AIRBYTE_CLIENT_SECRET", "AIRBYTE_CLIENT_ID"),
    ],
)
def test_half_of_the_client_credentials_is_refused_naming_the_missing_variable(
    present: str, missing: str
) -> None:
    with pytest.raises(AirbyteConfigError) as caught:
        AirbyteClient.from_env({"AIRBYTE_BASE_URL": "http://h:8000", present: "value"})
    assert f"{present} is set but {missing} is not" in str(caught.value)


def test_auth_header_wins_over_client_credentials_and_accepts_a_header_line() -> None:
    env = {
        "AIRBYTE_BASE_URL": "http://h:8000",
        "AIRBYTE_CLIENT_ID": "id",
        "AIRBYTE_CLIENT_SECRET": "secret",
        "AIRBYTE_API_AUTH_HEADER": "Authorization: Bearer abc.def.ghi",
    }
    client = AirbyteClient.from_env(env)
    assert isinstance(client.auth, HeaderAuth)
    assert client.auth.value == "Bearer abc.def.ghi"
    assert "abc.def.ghi" in client.auth.secrets()


def test_auth_header_without_a_scheme_is_refused_naming_the_variable() -> None:
    with pytest.raises(
        AirbyteConfigError, match="AIRBYTE_API_AUTH_HEADER must be a complete header value"
    ):
        AirbyteClient.from_env(
            {"AIRBYTE_BASE_URL": "http://h:8000", "AIRBYTE_API_AUTH_HEADER": "abc"}
        )


def test_no_auth_variables_means_no_auth() -> None:
    client = AirbyteClient.from_env(
        {"AIRBYTE_BASE_URL": "http://h:8000", "AIRBYTE_API_AUTH_HEADER": ""}
    )
    assert isinstance(client.auth, NoAuth)


def test_from_env_passes_the_retry_policy_through() -> None:
    policy = RetryPolicy(max_attempts=2)
    client = AirbyteClient.from_env({"AIRBYTE_BASE_URL": "http://h:8000"}, retry=policy)
    assert client.retry is policy

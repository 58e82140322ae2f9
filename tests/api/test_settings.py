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
    Timeouts,
    normalize_base_url,
    timeouts_from_env,
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


# ------------------------------------------------------------------------------------------------
# a password in AIRBYTE_BASE_URL
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("http://admin:hunter2-pass@airbyte.example:8000", "http://airbyte.example:8000"),
        ("https://admin:hunter2-pass@airbyte.example/api/v1", "https://airbyte.example/api/v1"),
        ("http://hunter2-pass@airbyte.example:8000", "http://airbyte.example:8000"),
        ("admin:hunter2-pass@airbyte.example:8000", "airbyte.example:8000"),
    ],
)
def test_userinfo_in_the_base_url_is_refused_naming_the_variable_and_what_to_use(
    value: str, shown: str
) -> None:
    with pytest.raises(AirbyteConfigError) as caught:
        AirbyteClient.from_env({"AIRBYTE_BASE_URL": value})
    message = str(caught.value)
    assert "hunter2-pass" not in message
    assert "admin" not in message
    assert "AIRBYTE_BASE_URL must not contain a user name or password" in message
    assert f"Set AIRBYTE_BASE_URL={shown}" in message
    assert "AIRBYTE_CLIENT_ID" in message and "AIRBYTE_API_AUTH_HEADER" in message


def test_an_at_sign_in_the_path_is_not_userinfo() -> None:
    assert normalize_base_url("http://h:8000/team@ops/api") == "http://h:8000/team@ops/api/v1"


# ------------------------------------------------------------------------------------------------
# HTTP timeouts
# ------------------------------------------------------------------------------------------------
def test_timeouts_default_to_5_s_to_connect_and_30_s_to_answer() -> None:
    assert timeouts_from_env({}) == Timeouts(connect=5.0, read=30.0)
    client = AirbyteClient.from_env({"AIRBYTE_BASE_URL": "http://h:8000"})
    assert client.timeouts == Timeouts(connect=5.0, read=30.0)


def test_timeouts_come_from_their_variables_and_reach_the_client() -> None:
    env = {
        "AIRBYTE_BASE_URL": "http://h:8000",
        "AIRBYTE_HTTP_TIMEOUT_SECONDS": "12.5",
        "AIRBYTE_HTTP_CONNECT_TIMEOUT_SECONDS": " 2 ",
    }
    client = AirbyteClient.from_env(env)
    assert client.timeouts == Timeouts(connect=2.0, read=12.5)
    assert client.timeouts.for_endpoint("workspaces/get") == (2.0, 12.5)


def test_calls_that_run_a_connector_wait_longer_than_the_read_timeout() -> None:
    timeouts = Timeouts(connect=2.0, read=12.5)
    assert timeouts.for_endpoint("sources/discover_schema") == (2.0, 600.0)
    assert timeouts.for_endpoint("scheduler/sources/check_connection") == (2.0, 600.0)


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("AIRBYTE_HTTP_TIMEOUT_SECONDS", "thirty", "is not a number of seconds"),
        ("AIRBYTE_HTTP_TIMEOUT_SECONDS", "nan", "is not a number of seconds"),
        ("AIRBYTE_HTTP_TIMEOUT_SECONDS", "0", "must be more than 0 and at most 3600"),
        ("AIRBYTE_HTTP_TIMEOUT_SECONDS", "-5", "must be more than 0"),
        ("AIRBYTE_HTTP_TIMEOUT_SECONDS", "inf", "at most 3600"),
        ("AIRBYTE_HTTP_CONNECT_TIMEOUT_SECONDS", "5s", "is not a number of seconds"),
        ("AIRBYTE_HTTP_CONNECT_TIMEOUT_SECONDS", "120", "at most 30 seconds"),
    ],
)
def test_a_bad_timeout_is_refused_naming_its_variable(
    variable: str, value: str, fragment: str
) -> None:
    with pytest.raises(AirbyteConfigError) as caught:
        AirbyteClient.from_env({"AIRBYTE_BASE_URL": "http://h:8000", variable: value})
    assert str(caught.value).startswith(f"{variable}=")
    assert fragment in str(caught.value)


def test_a_very_long_bad_timeout_is_not_echoed_whole() -> None:
    with pytest.raises(AirbyteConfigError) as caught:
        timeouts_from_env({"AIRBYTE_HTTP_TIMEOUT_SECONDS": "9" * 5000 + "x"})
    assert len(str(caught.value)) < 300

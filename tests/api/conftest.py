"""Fixtures for the client tests: a fresh Airbyte sandbox served on 127.0.0.1 and clients for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from airbyte_provisioning.api import AirbyteClient, Auth, RetryPolicy
from sandboxes.airbyte import DEFAULT_WORKSPACE_ID, AirbyteSandboxApp
from sandboxes.airbyte.catalogs import GOOGLE_ADS_ID

WORKSPACE_ID = DEFAULT_WORKSPACE_ID


class Sleeps(list[float]):
    """A ``sleep`` stand-in that records the requested delays instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def sandbox(
    serve_sandbox: Callable[..., tuple[AirbyteSandboxApp, str]],
) -> tuple[AirbyteSandboxApp, str]:
    return serve_sandbox()


@pytest.fixture
def make_client(sleeps: Sleeps) -> Callable[..., AirbyteClient]:
    def make(url: str, auth: Auth | None = None, **retry: Any) -> AirbyteClient:
        policy = RetryPolicy(sleep=sleeps, **retry)
        return AirbyteClient(url, auth=auth, retry=policy, timeout=10)

    return make


@pytest.fixture
def client(
    sandbox: tuple[AirbyteSandboxApp, str], make_client: Callable[..., AirbyteClient]
) -> AirbyteClient:
    return make_client(sandbox[1])


CANARY_SECRET = "canary-refresh-token-5f1d2c"


def _google_ads_config(**overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "credentials": {
            "developer_token": "changeme-developer-token",
            "client_id": "changeme-client-id",
            "client_secret": "changeme-client-secret",
            "refresh_token": CANARY_SECRET,
        },
        "customer_id": "1234567890",
        "start_date": "2024-01-01",
        "custom_queries_array": [
            {
                "table_name": "campaign_daily",
                "query": "SELECT campaign.id, campaign.name, metrics.cost_micros, segments.date FROM campaign",
            }
        ],
    }
    config.update(overrides)
    return config


@pytest.fixture
def canary() -> str:
    """A secret value that must never show up in logs, errors or reads."""
    return CANARY_SECRET


@pytest.fixture
def google_ads_config() -> Callable[..., dict[str, Any]]:
    """A valid Google Ads 6.1.7 config (one incremental custom query), with overrides."""
    return _google_ads_config


@pytest.fixture
def google_ads_source(client: AirbyteClient) -> dict[str, Any]:
    return client.create_source(
        WORKSPACE_ID, GOOGLE_ADS_ID, "acme | Google Ads", _google_ads_config()
    )

"""Every call logs one JSON line on stderr with the correlation fields, and never a secret."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from airbyte_provisioning.api import AirbyteClient, AirbyteInvalidInputError, ClientCredentialsAuth
from airbyte_provisioning.core import logs
from sandboxes.airbyte import DEFAULT_WORKSPACE_ID, AirbyteSandboxApp
from sandboxes.airbyte.catalogs import GOOGLE_ADS_ID

pytestmark = pytest.mark.e2e
Sandbox = tuple[AirbyteSandboxApp, str]


@pytest.fixture(autouse=True)
def _restore_log_level() -> Iterator[None]:
    logger = logs.get_logger()
    level = logger.level
    yield
    logger.setLevel(level)


def _records(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_calls_log_tenant_task_correlation_and_resource_ids_without_secrets(
    serve_sandbox: Callable[..., Sandbox],
    make_client: Callable[..., AirbyteClient],
    google_ads_config: Callable[..., dict[str, Any]],
    canary: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app, url = serve_sandbox(
        auth="bearer", client_id="log-id", client_secret="log-client-secret-77"
    )
    client = make_client(url, auth=ClientCredentialsAuth("log-id", "log-client-secret-77"))
    logs.configure(level="DEBUG")
    app.fail_next(1, status=503, path_prefix="/api/v1/sources/get")
    with logs.bind(
        tenant_id="acme", task_id="provision", correlation_id="corr-123", provider="google_ads"
    ):
        source = client.create_source(
            DEFAULT_WORKSPACE_ID, GOOGLE_ADS_ID, "acme | Google Ads", google_ads_config()
        )
        client.get_source(source["sourceId"])
        bad = google_ads_config(customer_id="12")
        with pytest.raises(AirbyteInvalidInputError):
            client.create_source(DEFAULT_WORKSPACE_ID, GOOGLE_ADS_ID, "acme | broken", bad)

    stderr = capsys.readouterr().err
    records = _records(stderr)
    events = [r["event"] for r in records]
    assert events.count("airbyte_api.retry") == 1
    assert events.count("airbyte_api.error") == 1
    for record in records:
        assert record["tenant_id"] == "acme"
        assert record["task_id"] == "provision"
        assert record["correlation_id"] == "corr-123"
        assert record["provider"] == "google_ads"
    get_calls = [r for r in records if r.get("endpoint") == "sources/get"]
    assert {r["source_id"] for r in get_calls} == {source["sourceId"]}
    assert [r.get("status") for r in get_calls if r["event"] == "airbyte_api.call"] == [503, 200]
    token = next(iter(app.tokens))
    for secret in (canary, "log-client-secret-77", token, "changeme-developer-token"):
        assert secret not in stderr


def test_without_a_bound_correlation_id_the_client_supplies_its_own(
    client: AirbyteClient, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.configure(level="DEBUG")
    client.get_workspace(DEFAULT_WORKSPACE_ID)
    record = _records(capsys.readouterr().err)[-1]
    assert record["correlation_id"] == client.correlation_id
    assert record["workspace_id"] == DEFAULT_WORKSPACE_ID
    assert record["endpoint"] == "workspaces/get"
    assert isinstance(record["duration_ms"], float)

"""End to end: the connector run by ``source-declarative-manifest`` against the LinkedIn sandbox.

A full first sync, then an incremental sync from its state; records are compared with the
sandbox's deterministic data model.
"""

import json
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from airbyte_provisioning.connectors.folder import ConnectorFolder
from sandboxes.base import SandboxServer, serve
from sandboxes.linkedin import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_REFRESH_TOKEN,
    LinkedInSandbox,
    create_app,
)

CONNECTOR_DIR = Path(__file__).resolve().parent.parent
PIVOTS = {
    "ad_analytics_by_campaign": ("CAMPAIGN", "campaign_id"),
    "ad_analytics_by_creative": ("CREATIVE", "creative_id"),
    "ad_analytics_by_campaign_group": ("CAMPAIGN_GROUP", "campaign_group_id"),
    "ad_analytics_by_account": ("ACCOUNT", "account_id"),
}


@pytest.fixture
def sandbox() -> Iterator[tuple[LinkedInSandbox, SandboxServer]]:
    app = create_app()
    with serve(app) as server:
        yield app, server


def _run(
    tmp_path: Path, name: str, config: dict[str, Any], state: list[Any] | None
) -> list[dict[str, Any]]:
    config_path, catalog = (
        tmp_path / f"{name}_config.json",
        CONNECTOR_DIR / "integration_tests/configured_catalog.json",
    )
    config_path.write_text(json.dumps(config))
    command = ConnectorFolder(CONNECTOR_DIR).sdm_command(
        "read", config_path, ["--catalog", str(catalog)]
    )
    if state is not None:
        state_path = tmp_path / f"{name}_state.json"
        state_path.write_text(json.dumps(state))
        command += ["--state", str(state_path)]
    env = ConnectorFolder.sdm_environment()
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=300, check=False
    )
    messages = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    errors = [m for m in messages if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"]
    assert done.returncode == 0 and not errors, (done.stderr[-2000:], errors)
    assert SANDBOX_REFRESH_TOKEN not in done.stdout and SANDBOX_CLIENT_SECRET not in done.stdout
    return messages


def _records(messages: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    by_stream: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for message in messages:
        if message["type"] == "RECORD":
            by_stream[message["record"]["stream"]].append(message["record"]["data"])
    return by_stream


def _final_state(messages: list[dict[str, Any]]) -> list[Any]:
    latest = {}
    for message in messages:
        if message["type"] == "STATE":
            latest[message["state"]["stream"]["stream_descriptor"]["name"]] = message["state"]
    return list(latest.values())


def _expected(app: LinkedInSandbox, stream: str, start: date, end: date) -> list[dict[str, Any]]:
    metrics = yaml.safe_load((CONNECTOR_DIR / "manifest.yaml").read_text())["definitions"][
        "default_metrics"
    ]
    pivot, _ = PIVOTS[stream]
    rows = []
    for account in app.model.account_ids():
        rows += app.model.expected_rows(pivot, account, start, end, metrics)
    return rows


def _key(stream: str, row: dict[str, Any]) -> tuple[str, str, str]:
    return row["account_id"], row[PIVOTS[stream][1]], row["date"]


@pytest.mark.e2e
def test_full_sync_then_incremental_sync_match_the_sandbox_data(sandbox, tmp_path):
    app, server = sandbox
    config = {
        "credentials": {
            "auth_method": "oauth2.0",
            "client_id": SANDBOX_CLIENT_ID,
            "client_secret": SANDBOX_CLIENT_SECRET,
            "refresh_token": SANDBOX_REFRESH_TOKEN,
        },
        "account_ids": app.model.account_ids(),
        "start_date": "2024-01-01",
        "end_date": "2024-03-10",
        "lookback_days": 2,
        "slice_days": 7,
        "api_base_url": f"{server.url}/rest",
        "token_url": f"{server.url}/oauth/v2/accessToken",
    }

    first = _run(tmp_path, "first", config, None)
    records = _records(first)
    assert app.stats.refreshes == 1
    assert len(records["ad_accounts"]) == app.model.accounts
    assert len(records["campaigns"]) == app.model.accounts * app.model.campaigns_per_account
    assert len(records["creatives"]) == (
        app.model.accounts * app.model.campaigns_per_account * app.model.creatives_per_campaign
    )
    for stream in PIVOTS:
        expected = _expected(app, stream, date(2024, 1, 1), date(2024, 3, 10))
        assert sorted(records[stream], key=lambda r: _key(stream, r)) == sorted(
            expected, key=lambda r: _key(stream, r)
        ), stream
    # the first sync reads each account in one window per stream
    assert app.stats.analytics_requests == len(PIVOTS) * app.model.accounts

    app.stats.analytics_requests = 0
    app.requests.clear()
    second = _run(tmp_path, "second", {**config, "end_date": "2024-03-31"}, _final_state(first))
    records = _records(second)
    for stream in PIVOTS:
        expected = _expected(app, stream, date(2024, 3, 8), date(2024, 3, 31))
        assert {_key(stream, r) for r in records[stream]} == {
            _key(stream, r) for r in expected
        }, stream
    windows = sorted(
        {
            r.raw_query.split("dateRange=")[1].split("&")[0]
            for r in app.requests
            if r.path.endswith("adAnalytics")
        }
    )
    assert windows == [
        "(start:(year:2024,month:3,day:15),end:(year:2024,month:3,day:21))",
        "(start:(year:2024,month:3,day:22),end:(year:2024,month:3,day:28))",
        "(start:(year:2024,month:3,day:29),end:(year:2024,month:3,day:31))",
        "(start:(year:2024,month:3,day:8),end:(year:2024,month:3,day:14))",
    ]

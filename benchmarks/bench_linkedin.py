"""LinkedIn Ads: a 1-year first sync of 3 accounts, 300 campaigns and 1,200 creatives.

The sandbox answers at 100 ms per request; the connector runs as production runs it
(``source-declarative-manifest read`` in its own process). Reported: requests made against the
fewest the API's limits allow (per account and analytics stream, ``ceil(rows / 15,000)``
requests of at most 20 fields, as rows must be attributed to their account; entity pages of
1,000, creatives 100; one OAuth refresh), wall time and records per second.
"""

from __future__ import annotations

import json
import math
import subprocess
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from airbyte_provisioning.connectors.folder import ConnectorFolder, connector
from sandboxes.base import serve
from sandboxes.linkedin import (
    CREATIVE_PAGE_LIMIT,
    MAX_ELEMENTS,
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_REFRESH_TOKEN,
    LinkedInDataModel,
    create_app,
)

LINKEDIN = connector("linkedin-ads")
ANALYTICS_STREAMS = (
    "ad_analytics_by_campaign",
    "ad_analytics_by_creative",
    "ad_analytics_by_campaign_group",
    "ad_analytics_by_account",
)
ENTITY_STREAMS = ("ad_accounts", "campaign_groups", "campaigns", "creatives")
LATENCY_MS = 100
NUM_WORKERS = 8
REQUESTS_PER_SECOND = 20


def _catalog() -> dict[str, Any]:
    streams = []
    for name in ENTITY_STREAMS + ANALYTICS_STREAMS:
        incremental = name in ANALYTICS_STREAMS
        streams.append(
            {
                "stream": {
                    "name": name,
                    "json_schema": {},
                    "supported_sync_modes": ["full_refresh", "incremental"],
                },
                "sync_mode": "incremental" if incremental else "full_refresh",
                "destination_sync_mode": "append",
                **({"cursor_field": ["date"]} if incremental else {}),
            }
        )
    return {"streams": streams}


def _fewest_requests(model: LinkedInDataModel, rows: Counter[tuple[str, str]]) -> int:
    accounts = model.accounts
    analytics = sum(
        max(1, math.ceil(rows[(stream, str(account))] / MAX_ELEMENTS))
        for stream in ANALYTICS_STREAMS
        for account in model.account_ids()
    )
    creatives = model.campaigns_per_account * model.creatives_per_campaign
    entities = 1 + 2 * accounts + accounts * math.ceil(creatives / CREATIVE_PAGE_LIMIT)
    return analytics + entities + 1  # + the one OAuth refresh


def run() -> dict[str, Any]:
    model = LinkedInDataModel(
        accounts=3,
        groups_per_account=10,
        campaigns_per_account=100,
        creatives_per_campaign=4,
        first_day=date(2025, 1, 1),
        last_day=date(2025, 12, 31),
    )
    app = create_app(LATENCY_MS, model=model)
    with serve(app) as server, tempfile.TemporaryDirectory() as tmp:
        config = {
            "credentials": {
                "auth_method": "oauth2.0",
                "client_id": SANDBOX_CLIENT_ID,
                "client_secret": SANDBOX_CLIENT_SECRET,
                "refresh_token": SANDBOX_REFRESH_TOKEN,
            },
            "account_ids": model.account_ids(),
            "start_date": model.first_day.isoformat(),
            "end_date": model.last_day.isoformat(),
            "num_workers": NUM_WORKERS,
            "requests_per_second": REQUESTS_PER_SECOND,
            "api_base_url": f"{server.url}/rest",
            "token_url": f"{server.url}/oauth/v2/accessToken",
        }
        config_path, catalog_path = Path(tmp, "config.json"), Path(tmp, "catalog.json")
        config_path.write_text(json.dumps(config))
        catalog_path.write_text(json.dumps(_catalog()))
        command = LINKEDIN.sdm_command("read", config_path, ["--catalog", str(catalog_path)])
        env = ConnectorFolder.sdm_environment()
        rows: Counter[tuple[str, str]] = Counter()
        per_stream: Counter[str] = Counter()
        errors: list[str] = []
        started = time.perf_counter()
        with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as process:
            assert process.stdout is not None
            for line in process.stdout:
                if line.startswith('{"type":"RECORD"'):
                    record = json.loads(line)["record"]
                    per_stream[record["stream"]] += 1
                    if record["stream"] in ANALYTICS_STREAMS:
                        rows[(record["stream"], record["data"]["account_id"])] += 1
                elif '"type":"TRACE"' in line and '"ERROR"' in line:
                    errors.append(json.loads(line)["trace"]["error"]["message"])
        wall = time.perf_counter() - started
        made = len(app.requests)
    fewest = _fewest_requests(model, rows)
    records = sum(per_stream.values())
    return {
        "conditions": {
            "accounts": model.accounts,
            "campaigns": model.accounts * model.campaigns_per_account,
            "creatives": model.accounts
            * model.campaigns_per_account
            * model.creatives_per_campaign,
            "days": (model.last_day - model.first_day).days + 1,
            "latency_ms": LATENCY_MS,
            "num_workers": NUM_WORKERS,
            "requests_per_second": REQUESTS_PER_SECOND,
            "metrics_per_row": 18,
        },
        "exit_ok": process.returncode == 0 and not errors,
        "errors": errors[:3],
        "requests": made,
        "analytics_requests": app.stats.analytics_requests,
        "truncated_responses": app.stats.truncated_responses,
        "oauth_refreshes": app.stats.refreshes,
        "fewest_requests_possible": fewest,
        "requests_vs_fewest": round(made / fewest, 2),
        "wall_seconds": round(wall, 2),
        "records": records,
        "records_per_second": round(records / wall),
        "records_per_stream": dict(sorted(per_stream.items())),
    }

"""source-tiktok-ads against the local TikTok sandbox: requests, wall time and throughput.

1. A one-year backfill of the four daily report streams for three advertisers (on both sides of
   UTC) at 100 ms per request, with the connector's default pacing (10 requests/s, 5 workers):
   the requests made against the fewest TikTok's limits allow (30 days and 1000 rows per request,
   100 advertisers per advertiser/info call), and the wall time.
2. Records per second at zero latency (sandbox in its own process so it does not compete for the
   GIL), reading ads_reports_daily for a larger account with the budget at its maximum.
"""

import math
import multiprocessing
import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from airbyte_provisioning.connectors.folder import connector
from sandboxes.base import SandboxServer, serve
from sandboxes.tiktok import API_PREFIX, SandboxAdvertiser, create_app, default_advertisers

TIKTOK = connector("tiktok-ads")
NOW = datetime(2024, 1, 2, 12, tzinfo=UTC)
START, END = date(2023, 1, 1), date(2023, 12, 31)
REPORT_STREAMS = {
    "advertisers_reports_daily": "AUCTION_ADVERTISER",
    "campaigns_reports_daily": "AUCTION_CAMPAIGN",
    "ad_groups_reports_daily": "AUCTION_ADGROUP",
    "ads_reports_daily": "AUCTION_AD",
}


def _read(config: Mapping[str, Any], streams: list[str]) -> tuple[int, float]:
    """Records read and seconds taken by an in-process read of ``streams``."""
    import os

    from airbyte_cdk.models import SyncMode
    from airbyte_cdk.test.catalog_builder import CatalogBuilder
    from airbyte_cdk.test.entrypoint_wrapper import read

    builder = CatalogBuilder()
    for stream in streams:
        builder = builder.with_stream(stream, SyncMode.incremental)
    catalog = builder.build()
    with tempfile.TemporaryDirectory() as cache:
        os.environ["REQUEST_CACHE_PATH"] = cache
        started = time.perf_counter()
        output = read(TIKTOK.declarative_source(config, catalog=catalog), config, catalog)
        elapsed = time.perf_counter() - started
        del os.environ["REQUEST_CACHE_PATH"]
    if output.errors:
        raise RuntimeError(f"benchmark read failed: {output.errors[0]}")
    return len(output.records), elapsed


def _fewest_requests(advertisers: list[SandboxAdvertiser]) -> int:
    windows = math.ceil(((END - START).days + 1) / 30)

    def rows_per_day(level: str, a: SandboxAdvertiser) -> int:
        return {
            "AUCTION_ADVERTISER": 1,
            "AUCTION_CAMPAIGN": a.campaigns,
            "AUCTION_ADGROUP": a.campaigns * a.adgroups_per_campaign,
            "AUCTION_AD": len(a.all_ads()),
        }[level]

    report_requests = sum(
        windows * max(1, math.ceil(rows_per_day(level, a) * 30 / 1000))
        for level in REPORT_STREAMS.values()
        for a in advertisers
    )
    return report_requests + math.ceil(len(advertisers) / 100)


def backfill_at_100ms() -> dict[str, Any]:
    advertisers = [replace(a, first_day=START) for a in default_advertisers()]
    # the sandbox enforces TikTok's default 10 requests/s (40100 beyond), so pacing is put to the test
    app = create_app(latency_ms=100, advertisers=advertisers, now=NOW, qps_limit=10)
    with serve(app) as server:
        config = {
            "access_token": "changeme-sandbox-access-token",
            "advertiser_ids": [a.advertiser_id for a in advertisers],
            "start_date": START.isoformat(),
            "end_date": END.isoformat(),
            "api_base_url": server.url,
        }
        records, seconds = _read(config, list(REPORT_STREAMS))
    by_endpoint = Counter(r.path.removeprefix(API_PREFIX) for r in app.requests)
    return {
        "advertisers": len(advertisers),
        "days": (END - START).days + 1,
        "streams": list(REPORT_STREAMS),
        "latency_ms": 100,
        "requests_per_second_setting": 8,
        "num_workers_setting": 5,
        "records": records,
        "requests_made": len(app.requests),
        "requests_by_endpoint": dict(by_endpoint),
        "fewest_requests_possible": _fewest_requests(advertisers),
        "throttled_by_sandbox": app.throttled,
        "wall_seconds": round(seconds, 2),
    }


def _serve_forever(port_queue: Any) -> None:
    advertisers = [
        SandboxAdvertiser(
            f"72000000000000000{i}",
            f"Bench {i}",
            timezone=tz,
            campaigns=4,
            adgroups_per_campaign=4,
            ads_per_adgroup=4,
            first_day=START,
        )
        for i, tz in enumerate(["Asia/Tokyo", "Europe/London", "America/Los_Angeles"], start=1)
    ]
    server = SandboxServer(create_app(advertisers=advertisers, now=NOW)).start()
    port_queue.put(server.url)
    while True:
        time.sleep(3600)


def throughput_at_zero_latency() -> dict[str, Any]:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_serve_forever, args=(queue,), daemon=True)
    process.start()
    try:
        url = queue.get(timeout=30)
        config = {
            "access_token": "changeme-sandbox-access-token",
            "advertiser_ids": [f"72000000000000000{i}" for i in (1, 2, 3)],
            "start_date": START.isoformat(),
            "end_date": END.isoformat(),
            "api_base_url": url,
            "requests_per_second": 50,
        }
        records, seconds = _read(config, ["ads_reports_daily"])
    finally:
        process.terminate()
        process.join(10)
    return {
        "stream": "ads_reports_daily",
        "records": records,
        "metrics_per_record": 50,
        "wall_seconds": round(seconds, 2),
        "records_per_second": round(records / seconds),
        "note": "in-process read; sandbox in a separate process; 2-core machine",
    }


def run() -> dict[str, Any]:
    return {
        "backfill_1_year_3_advertisers_100ms": backfill_at_100ms(),
        "throughput_zero_latency": throughput_at_zero_latency(),
    }

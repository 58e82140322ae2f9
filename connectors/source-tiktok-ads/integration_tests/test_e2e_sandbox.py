"""source-declarative-manifest against the local TikTok sandbox: full refresh, then incremental.

Records are checked against the sandbox's data model (sandboxes/tiktok.py), field by field: a
wrong window, a lost day, a wrong number, a wrong type or a "-" that is not null fails the test.
"""

import json
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from airbyte_provisioning.connectors.folder import ConnectorFolder
from sandboxes.base import serve
from sandboxes.tiktok import (
    RATIO_METRICS,
    SandboxAdvertiser,
    ad_day_counts,
    create_app,
    default_advertisers,
    expected_report_rows,
    text_metric,
)

CONNECTOR = ConnectorFolder(Path(__file__).resolve().parents[1])
NOW = datetime(2024, 2, 20, 12, tzinfo=UTC)
TOKEN = "changeme-sandbox-access-token"
STREAMS = {
    "advertisers": ("full_refresh", None),
    "campaigns": ("full_refresh", None),
    "ads_reports_daily": ("incremental", "stat_time_day"),
    "advertisers_reports_daily": ("incremental", "stat_time_day"),
}


def _catalog() -> dict:
    entries = []
    for name, (mode, cursor) in STREAMS.items():
        entry = {
            "stream": {
                "name": name,
                "json_schema": {},
                "supported_sync_modes": ["full_refresh", "incremental"],
            },
            "sync_mode": mode,
            "destination_sync_mode": "append_dedup" if cursor else "overwrite",
        }
        if cursor:
            entry["cursor_field"] = [cursor]
        entries.append(entry)
    return {"streams": entries}


def _sdm(tmp_path: Path, command: str, config: dict, state: list | None = None) -> list[dict]:
    (tmp_path / "config.json").write_text(json.dumps(config))
    (tmp_path / "catalog.json").write_text(json.dumps(_catalog()))
    extra = ["--catalog", str(tmp_path / "catalog.json")] if command == "read" else []
    if state is not None:
        (tmp_path / "state.json").write_text(json.dumps(state))
        extra += ["--state", str(tmp_path / "state.json")]
    args = CONNECTOR.sdm_command(command, tmp_path / "config.json", extra)
    done = subprocess.run(
        args,
        capture_output=True,
        text=True,
        env=ConnectorFolder.sdm_environment(),
        timeout=300,
        check=False,
    )
    assert TOKEN not in done.stdout and TOKEN not in done.stderr
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def _records(messages: list[dict], stream: str) -> list[dict]:
    return [
        message["record"]["data"]
        for message in messages
        if message["type"] == "RECORD" and message["record"]["stream"] == stream
    ]


def _report_keys(rows: list[dict], id_field: str) -> set[tuple[str, str, str]]:
    return {(row["advertiser_id"], row[id_field], row["stat_time_day"]) for row in rows}


def _expected_ad_record(
    advertiser: SandboxAdvertiser, ad: tuple[str, str, str], day: date, metrics: list[str]
) -> dict[str, Any]:
    """The flat, typed row the connector must emit for one ad and day of the sandbox's model."""
    counts = ad_day_counts(ad[2], day)
    record: dict[str, Any] = {
        "ad_id": ad[2],
        "stat_time_day": day.isoformat(),
        "advertiser_id": advertiser.advertiser_id,
        "currency": advertiser.currency,
        "timezone": advertiser.timezone,
    }
    for name in metrics:
        if name in RATIO_METRICS:
            numerator, denominator, factor = RATIO_METRICS[name]
            # TikTok's "-" (no denominator) is null, which Airbyte leaves out of the record
            if counts[denominator]:
                record[name] = round(counts[numerator] * factor / counts[denominator], 2)
        elif text_metric(name, ad) is not None:
            record[name] = text_metric(name, ad)
        else:
            value = round(counts[name], 2)
            record[name] = int(value) if float(value).is_integer() else value
    return record


def _expected_ad_records(
    advertisers: list[SandboxAdvertiser], first: date, last: date
) -> dict[tuple[str, str, str], dict[str, Any]]:
    metrics = CONNECTOR.manifest["definitions"]["default_metrics"]["AUCTION_AD"]
    expected = {}
    for advertiser in advertisers:
        for ad in advertiser.all_ads():
            for day in advertiser.delivery_days(first, last, NOW):
                record = _expected_ad_record(advertiser, ad, day, metrics)
                expected[(advertiser.advertiser_id, ad[2], day.isoformat())] = record
    return expected


def _last_states(messages: list[dict]) -> dict[str, dict]:
    states = {}
    for message in messages:
        if message["type"] == "STATE":
            states[message["state"]["stream"]["stream_descriptor"]["name"]] = message["state"]
    return states


@pytest.mark.e2e
def test_full_refresh_then_incremental_match_the_sandbox_data(tmp_path):
    advertisers = default_advertisers()
    with serve(create_app(now=NOW)) as server:
        config = {
            "access_token": TOKEN,
            "advertiser_ids": [advertiser.advertiser_id for advertiser in advertisers],
            "start_date": "2024-01-01",
            "end_date": "2024-02-10",
            "lookback_days": 7,
            "api_base_url": server.url,
        }
        check = _sdm(tmp_path, "check", config)
        assert [
            message["connectionStatus"]["status"]
            for message in check
            if message["type"] == "CONNECTION_STATUS"
        ] == ["SUCCEEDED"]

        first = _sdm(tmp_path, "read", config)

        assert {row["currency"] for row in _records(first, "advertisers")} == {"JPY", "GBP", "USD"}
        assert len(_records(first, "campaigns")) == 6
        ads = _records(first, "ads_reports_daily")
        expected = _expected_ad_records(advertisers, date(2024, 1, 1), date(2024, 2, 10))
        assert len(ads) == len(expected) == 3 * 8 * 41
        assert {(row["advertiser_id"], row["ad_id"], row["stat_time_day"]): row for row in ads} == (
            expected
        )
        totals = _records(first, "advertisers_reports_daily")
        assert _report_keys(totals, "advertiser_id") == set(
            expected_report_rows(
                advertisers, "AUCTION_ADVERTISER", date(2024, 1, 1), date(2024, 2, 10), NOW
            )
        )

        states = _last_states(first)
        cursors = {
            entry["partition"]["advertiser_id"]: entry["cursor"]["stat_time_day"]
            for entry in states["ads_reports_daily"]["stream"]["stream_state"]["states"]
        }
        assert cursors == {advertiser.advertiser_id: "2024-02-10" for advertiser in advertisers}

        later = {**config, "end_date": "2024-02-20"}
        second = _sdm(tmp_path, "read", later, state=list(states.values()))

        ads_again = _records(second, "ads_reports_daily")
        # the lookback re-reads 7 days before the state (2024-02-03..2024-02-10), then the new days
        assert {
            (row["advertiser_id"], row["ad_id"], row["stat_time_day"]): row for row in ads_again
        } == _expected_ad_records(advertisers, date(2024, 2, 3), date(2024, 2, 20))


def _read_in_process(get_source, server_url: str) -> list[dict]:
    from airbyte_cdk.models import SyncMode
    from airbyte_cdk.test.catalog_builder import CatalogBuilder
    from airbyte_cdk.test.entrypoint_wrapper import read

    config = {
        "access_token": TOKEN,
        "advertiser_ids": [advertiser.advertiser_id for advertiser in default_advertisers()],
        "start_date": "2024-01-01",
        "end_date": "2024-02-10",
        "api_base_url": server_url,
    }
    catalog = (
        CatalogBuilder()
        .with_stream("ads_reports_daily", SyncMode.incremental)
        .with_stream("campaigns_reports_daily", SyncMode.incremental)
        .build()
    )
    output = read(get_source(config, catalog=catalog), config, catalog)
    assert not output.errors, output.errors[0].trace.error.message
    return sorted(
        (json.dumps({"stream": message.record.stream, **message.record.data}, sort_keys=True))
        for message in output.records
    )


def test_transient_failures_change_no_record(get_source, no_sleep):
    # a third of the answers fail (50002 or an HTTP 503 page); retries do not wait here
    faulty = create_app(now=NOW, fault_rate=0.3, seed=13)
    with serve(create_app(now=NOW)) as clean_server:
        clean = _read_in_process(get_source, clean_server.url)
    with serve(faulty) as faulty_server:
        retried = _read_in_process(get_source, faulty_server.url)

    assert faulty.transient_faults >= 5
    assert retried == clean
    assert len(clean) == 3 * (8 + 2) * 41

"""source-declarative-manifest against the local TikTok sandbox: full refresh, then incremental.

Records are checked against the sandbox's data model (sandboxes/tiktok.py), so a wrong window,
a lost day or a wrong number fails the test.
"""

import json
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from airbyte_provisioning.connectors.local_sync import sdm_command, sdm_environment
from sandboxes.base import serve
from sandboxes.tiktok import ad_day_counts, create_app, default_advertisers, expected_report_rows

CONNECTOR = Path(__file__).resolve().parents[1]
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
    args = sdm_command(CONNECTOR, command, tmp_path / "config.json", extra)
    done = subprocess.run(
        args, capture_output=True, text=True, env=sdm_environment(), timeout=300, check=False
    )
    assert TOKEN not in done.stdout and TOKEN not in done.stderr
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def _records(messages: list[dict], stream: str) -> list[dict]:
    return [
        m["record"]["data"]
        for m in messages
        if m["type"] == "RECORD" and m["record"]["stream"] == stream
    ]


def _report_keys(rows: list[dict], id_field: str) -> set[tuple[str, str, str]]:
    return {(r["advertiser_id"], r[id_field], r["stat_time_day"]) for r in rows}


@pytest.mark.e2e
def test_full_refresh_then_incremental_match_the_sandbox_data(tmp_path):
    advertisers = default_advertisers()
    with serve(create_app(now=NOW)) as server:
        config = {
            "access_token": TOKEN,
            "advertiser_ids": [a.advertiser_id for a in advertisers],
            "start_date": "2024-01-01",
            "end_date": "2024-02-10",
            "lookback_days": 7,
            "api_base_url": server.url,
        }
        check = _sdm(tmp_path, "check", config)
        assert [
            m["connectionStatus"]["status"] for m in check if m["type"] == "CONNECTION_STATUS"
        ] == ["SUCCEEDED"]

        first = _sdm(tmp_path, "read", config)

        assert {r["currency"] for r in _records(first, "advertisers")} == {"JPY", "GBP", "USD"}
        assert len(_records(first, "campaigns")) == 6
        ads = _records(first, "ads_reports_daily")
        expected = set(
            expected_report_rows(
                advertisers, "AUCTION_AD", date(2024, 1, 1), date(2024, 2, 10), NOW
            )
        )
        assert _report_keys(ads, "ad_id") == expected
        assert len(ads) == len(expected) == 3 * 8 * 41
        sample = next(r for r in ads if r["stat_time_day"] == "2024-01-15")
        counts = ad_day_counts(sample["ad_id"], date(2024, 1, 15))
        assert (sample["spend"], sample["impressions"], sample["clicks"]) == (
            counts["spend"],
            counts["impressions"],
            counts["clicks"],
        )
        totals = _records(first, "advertisers_reports_daily")
        assert len(totals) == 3 * 41

        state = [
            m["state"]
            for m in first
            if m["type"] == "STATE"
            and m["state"]["stream"]["stream_descriptor"]["name"] == "ads_reports_daily"
        ][-1:]
        cursors = {
            s["partition"]["advertiser_id"]: s["cursor"]["stat_time_day"]
            for s in state[0]["stream"]["stream_state"]["states"]
        }
        assert cursors == {a.advertiser_id: "2024-02-10" for a in advertisers}

        later = {**config, "end_date": "2024-02-20"}
        all_states = {}
        for message in first:
            if message["type"] == "STATE":
                all_states[message["state"]["stream"]["stream_descriptor"]["name"]] = message[
                    "state"
                ]
        second = _sdm(tmp_path, "read", later, state=list(all_states.values()))

        ads_again = _records(second, "ads_reports_daily")
        # the lookback re-reads 7 days before the state (2024-02-03..2024-02-10), then the new days
        expected_again = set(
            expected_report_rows(
                advertisers, "AUCTION_AD", date(2024, 2, 3), date(2024, 2, 20), NOW
            )
        )
        assert _report_keys(ads_again, "ad_id") == expected_again

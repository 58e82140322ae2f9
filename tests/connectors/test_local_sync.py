"""make sync: a connector run into DuckDB, then an incremental re-run from the saved state."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from airbyte_provisioning.commands.sync_connector import main
from airbyte_provisioning.connectors.local_sync import (
    LocalSyncError,
    configure_catalog,
    find_connector,
)
from sandboxes.base import SandboxServer
from sandboxes.tiktok import create_app, default_advertisers, expected_report_rows

STREAMS = "advertisers,ads_reports_daily"


@pytest.fixture
def tiktok_sandbox() -> SandboxServer:
    with SandboxServer(create_app()) as server:
        yield server


def write_config(tmp_path: Path, url: str, advertiser_ids: list[str]) -> Path:
    config = tmp_path / "tiktok.json"
    config.write_text(
        json.dumps(
            {
                "access_token": "changeme-sandbox-access-token",
                "advertiser_ids": advertiser_ids,
                "start_date": "2024-01-01",
                "end_date": "2024-01-20",
                "lookback_days": 3,
                "api_base_url": url,
            }
        )
    )
    return config


@pytest.mark.e2e
def test_sync_loads_duckdb_and_the_rerun_starts_from_state(
    tiktok_sandbox: SandboxServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    advertisers = default_advertisers()[:2]
    config = write_config(tmp_path, tiktok_sandbox.url, [a.advertiser_id for a in advertisers])
    db_path, state_dir = tmp_path / "local.duckdb", tmp_path / "state"
    argv = [
        "--connector",
        "tiktok-ads",
        "--config",
        str(config),
        "--duckdb",
        str(db_path),
        "--state-dir",
        str(state_dir),
        "--streams",
        STREAMS,
    ]

    assert main(argv) == 0
    first = json.loads(capsys.readouterr().out)
    expected = expected_report_rows(
        advertisers, "AUCTION_AD", date(2024, 1, 1), date(2024, 1, 20), datetime.now().astimezone()
    )
    assert first["ok"] and not first["started_from_state"]
    assert first["streams"]["ads_reports_daily"] == {
        "records": len(expected),
        "sync_mode": "incremental",
    }
    with duckdb.connect(str(db_path)) as db:
        rows = db.execute(
            "select advertiser_id, ad_id, stat_time_day from ads_reports_daily"
        ).fetchall()
        assert sorted((a, ad, d.isoformat()) for a, ad, d in rows) == sorted(expected)
        assert db.execute("select count(*) from advertisers").fetchone() == (2,)

    assert main(argv) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["started_from_state"]
    # only the lookback is re-read; the upsert keeps one row per key
    assert 0 < second["streams"]["ads_reports_daily"]["records"] < len(expected)
    with duckdb.connect(str(db_path)) as db:
        assert db.execute("select count(*) from ads_reports_daily").fetchone() == (len(expected),)
    assert (state_dir / "source-tiktok-ads.tiktok.records.jsonl").is_file()


def test_unknown_connector_names_the_known_ones() -> None:
    with pytest.raises(LocalSyncError, match="known: linkedin-ads, tiktok-ads"):
        find_connector("facebook")


def test_a_folder_without_a_manifest_is_no_connector(tmp_path: Path) -> None:
    with pytest.raises(LocalSyncError, match="manifest.yaml does not exist"):
        find_connector(str(tmp_path))


def test_a_missing_source_declarative_manifest_is_a_clear_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9", ["7100000000000000001"])
    monkeypatch.setattr("sys.executable", str(tmp_path / "bin" / "python"))
    argv = ["--connector", "tiktok-ads", "--config", str(config), "--state-dir", str(tmp_path)]
    assert main(argv) == 1
    assert "run `make install` first" in json.loads(capsys.readouterr().out)["error"]


def test_missing_config_is_a_clear_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--connector", "tiktok-ads", "--config", str(tmp_path / "missing.json")]) == 1
    assert "does not exist" in json.loads(capsys.readouterr().out)["error"]


def test_catalog_uses_incremental_where_the_stream_supports_it() -> None:
    streams = [
        {
            "name": "a",
            "supported_sync_modes": ["full_refresh", "incremental"],
            "default_cursor_field": ["day"],
            "source_defined_primary_key": [["id"]],
        },
        {"name": "b", "supported_sync_modes": ["full_refresh"]},
    ]
    configured = {c["stream"]["name"]: c for c in configure_catalog(streams)["streams"]}
    assert (configured["a"]["sync_mode"], configured["a"]["cursor_field"]) == (
        "incremental",
        ["day"],
    )
    assert (configured["b"]["sync_mode"], configured["b"]["destination_sync_mode"]) == (
        "full_refresh",
        "overwrite",
    )
    with pytest.raises(LocalSyncError, match="not in the catalog: c"):
        configure_catalog(streams, only={"a", "c"})

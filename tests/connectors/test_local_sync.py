"""make sync: a connector run into DuckDB, then an incremental re-run from the saved state."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from airbyte_provisioning.commands.sync_connector import main
from airbyte_provisioning.connectors.folder import ConnectorFolder
from airbyte_provisioning.connectors.local_sync import (
    LocalSyncError,
    configure_catalog,
    find_connector,
)
from sandboxes.base import SandboxServer
from sandboxes.tiktok import create_app, default_advertisers, expected_report_rows

REPO = Path(__file__).resolve().parents[2]
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


def test_a_missing_config_is_a_usage_error_naming_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--connector", "tiktok-ads", "--config", str(tmp_path / "missing.json")]) == 2
    document = json.loads(capsys.readouterr().out)
    assert "does not exist" in document["error"]
    assert document["problems"][0]["variable"] == "--config"


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


# --- a failed, interrupted or killed run keeps what the previous run left -------------------------
#
# A stand-in connector (a small script speaking the Airbyte protocol) replaces
# source-declarative-manifest, so a run can be made to fail mid-way, hang or be killed on cue.

FAKE_CONNECTOR = r"""
import json, os, sys, time

verb, args = sys.argv[1], sys.argv[2:]
with open(os.environ["FAKE_CONNECTOR_LOG"], "a") as log:
    state = args[args.index("--state") + 1] if "--state" in args else None
    log.write(json.dumps({"verb": verb, "state": json.load(open(state)) if state else None}) + "\n")

def emit(message):
    print(json.dumps(message), flush=True)

if verb == "discover":
    emit({"type": "CATALOG", "catalog": {"streams": [{
        "name": "items",
        "json_schema": {"properties": {"id": {"type": "integer"}, "run": {"type": "string"}}},
        "supported_sync_modes": ["full_refresh", "incremental"],
        "default_cursor_field": ["id"],
        "source_defined_primary_key": [["id"]],
    }]}})
    raise SystemExit(0)

label = os.environ["FAKE_CONNECTOR_RUN"]
for number in (1, 2, 3):
    emit({"type": "RECORD", "record": {"stream": "items", "data": {"id": number, "run": label},
                                       "emitted_at": 1704067200000}})
emit({"type": "STATE", "state": {"type": "STREAM", "stream": {
    "stream_descriptor": {"name": "items"}, "stream_state": {"id": 3, "run": label}}}})
mode = os.environ.get("FAKE_CONNECTOR_MODE", "ok")
if mode == "fail":
    raise SystemExit(3)
if mode == "hang":
    with open(os.environ["FAKE_CONNECTOR_PID"], "w") as handle:
        handle.write(str(os.getpid()))
    time.sleep(600)
"""


class FakeConnector:
    """Runs in place of source-declarative-manifest; ``run(label, mode)`` sets what it does next."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.script = tmp_path / "fake_connector.py"
        self.script.write_text(FAKE_CONNECTOR)
        self.log = tmp_path / "fake_connector.log"
        self.pid_file = tmp_path / "fake_connector.pid"
        self.monkeypatch = monkeypatch
        monkeypatch.setenv("FAKE_CONNECTOR_LOG", str(self.log))
        monkeypatch.setenv("FAKE_CONNECTOR_PID", str(self.pid_file))
        script = str(self.script)

        def sdm_command(
            folder: ConnectorFolder, verb: str, config: Path, extra: Sequence[str] = ()
        ) -> list[str]:
            return [sys.executable, script, verb, "--config", str(config), *extra]

        monkeypatch.setattr(ConnectorFolder, "sdm_command", sdm_command)

    def next_run(self, label: str, mode: str = "ok") -> None:
        self.monkeypatch.setenv("FAKE_CONNECTOR_RUN", label)
        self.monkeypatch.setenv("FAKE_CONNECTOR_MODE", mode)

    def calls(self) -> list[dict[str, Any]]:
        if not self.log.is_file():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


@dataclass
class Workspace:
    """The files one (connector, config) pair keeps between runs, and the argv that runs it."""

    tmp: Path

    @property
    def config(self) -> Path:
        return self.tmp / "fake.json"

    @property
    def duckdb(self) -> Path:
        return self.tmp / "local.duckdb"

    @property
    def state_dir(self) -> Path:
        return self.tmp / "state"

    @property
    def state(self) -> Path:
        return self.state_dir / "source-tiktok-ads.fake.state.json"

    @property
    def records(self) -> Path:
        return self.state_dir / "source-tiktok-ads.fake.records.jsonl"

    def argv(self, *extra: str) -> list[str]:
        return [
            "--connector",
            "tiktok-ads",
            "--config",
            str(self.config),
            "--duckdb",
            str(self.duckdb),
            "--state-dir",
            str(self.state_dir),
            *extra,
        ]

    def kept(self) -> tuple[str, str, list[tuple[Any, ...]]]:
        """What a later run must not lose: records, state and the DuckDB table."""
        with duckdb.connect(str(self.duckdb)) as db:
            rows = db.execute("select id, run from items order by id").fetchall()
        return self.records.read_text(), self.state.read_text(), rows

    def leftovers(self) -> list[str]:
        return sorted(
            p.name for p in self.state_dir.iterdir() if p not in (self.state, self.records)
        )


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeConnector:
    return FakeConnector(tmp_path, monkeypatch)


@pytest.fixture
def synced(tmp_path: Path, fake: FakeConnector, capsys: pytest.CaptureFixture[str]) -> Workspace:
    """A first run succeeded: records, state and the table hold run "first"."""
    workspace = Workspace(tmp_path)
    workspace.config.write_text(json.dumps({"api_base_url": "http://127.0.0.1:9"}))
    fake.next_run("first")
    assert main(workspace.argv()) == 0, capsys.readouterr().out
    capsys.readouterr()
    assert '"run": "first"' in workspace.records.read_text()
    return workspace


def answer(capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, Any], str]:
    out, err = capsys.readouterr()
    document: dict[str, Any] = json.loads(out)
    assert "Traceback" not in out + err
    return document, err


def test_a_connector_failing_mid_way_keeps_the_previous_records_state_and_table(
    synced: Workspace, fake: FakeConnector, capsys: pytest.CaptureFixture[str]
) -> None:
    before = synced.kept()
    fake.next_run("second", mode="fail")

    assert main(synced.argv()) == 1

    document, _ = answer(capsys)
    assert "exited with 3" in document["error"]
    assert synced.kept() == before
    assert synced.leftovers() == []


def test_a_run_interrupted_by_ctrl_c_keeps_the_previous_files_and_stops_the_connector(
    synced: Workspace, fake: FakeConnector, capsys: pytest.CaptureFixture[str]
) -> None:
    before = synced.kept()
    fake.next_run("second", mode="hang")
    main_thread = threading.main_thread().ident
    assert main_thread is not None and threading.current_thread().ident == main_thread

    def press_ctrl_c_once_the_connector_waits() -> None:
        deadline = time.monotonic() + 60
        while not fake.pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        signal.pthread_kill(main_thread, signal.SIGINT)

    presser = threading.Thread(target=press_ctrl_c_once_the_connector_waits, daemon=True)
    presser.start()
    code = main(synced.argv())
    presser.join()

    assert code == 1
    document, _ = answer(capsys)
    assert "interrupted" in document["error"]
    assert synced.kept() == before
    assert synced.leftovers() == []
    with pytest.raises(ProcessLookupError):  # the connector was stopped, not left running
        os.kill(int(fake.pid_file.read_text()), 0)


KILLED_DRIVER = """
import sys
from pathlib import Path
from airbyte_provisioning.connectors.folder import ConnectorFolder
from airbyte_provisioning.commands.sync_connector import main

def sdm_command(folder, verb, config, extra=()):
    return [sys.executable, {script!r}, verb, "--config", str(config), *extra]

ConnectorFolder.sdm_command = sdm_command
raise SystemExit(main({argv!r}))
"""


def test_a_killed_sync_keeps_the_previous_files_and_the_next_run_succeeds(
    synced: Workspace, fake: FakeConnector, capsys: pytest.CaptureFixture[str]
) -> None:
    before = synced.kept()
    fake.next_run("second", mode="hang")
    driver = KILLED_DRIVER.format(script=str(fake.script), argv=synced.argv())
    process = subprocess.Popen(
        [sys.executable, "-c", driver],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not fake.pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert fake.pid_file.exists(), "the stand-in connector never started"
    finally:
        process.kill()
        process.wait()
    os.kill(int(fake.pid_file.read_text()), signal.SIGKILL)

    assert synced.kept() == before

    fake.next_run("third")
    assert main(synced.argv()) == 0
    records, state, rows = synced.kept()
    assert '"run": "third"' in records and '"run": "first"' not in records
    assert json.loads(state)[0]["stream"]["stream_state"] == {"id": 3, "run": "third"}
    assert rows == [(1, "third"), (2, "third"), (3, "third")]
    assert synced.leftovers() == []


@pytest.mark.parametrize(
    "broken",
    ['[{"type": "STREAM", "stream": {"stream_desc', "", '{"type": "STREAM"}', "[1, 2]"],
    ids=["truncated", "empty", "not-a-list", "not-objects"],
)
def test_a_corrupt_state_file_is_named_with_how_to_start_over_and_nothing_is_touched(
    synced: Workspace, fake: FakeConnector, capsys: pytest.CaptureFixture[str], broken: str
) -> None:
    synced.state.write_text(broken)
    records = synced.records.read_text()
    calls = len(fake.calls())
    fake.next_run("second")

    assert main(synced.argv()) == 2

    document, _ = answer(capsys)
    assert str(synced.state) in document["error"]
    assert "--reset-state" in document["error"] and "delete it" in document["error"]
    assert synced.records.read_text() == records and synced.state.read_text() == broken
    assert len(fake.calls()) == calls  # the connector never ran


def test_reset_state_reads_from_the_start_and_replaces_a_corrupt_state_file(
    synced: Workspace, fake: FakeConnector, capsys: pytest.CaptureFixture[str]
) -> None:
    synced.state.write_text('[{"type": "STR')
    fake.next_run("second")

    assert main(synced.argv("--reset-state")) == 0

    document, _ = answer(capsys)
    assert document["started_from_state"] is False
    assert fake.calls()[-1] == {"verb": "read", "state": None}
    assert json.loads(synced.state.read_text())[0]["stream"]["stream_state"]["run"] == "second"


def test_the_saved_state_is_what_the_next_run_starts_from(
    synced: Workspace, fake: FakeConnector, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.next_run("second")
    assert main(synced.argv()) == 0
    document, _ = answer(capsys)
    assert document["started_from_state"] is True
    sent = fake.calls()[-1]["state"]
    assert sent[0]["stream"]["stream_state"] == {"id": 3, "run": "first"}


@pytest.mark.parametrize(
    ("config", "needle"),
    [
        ('{"access_token": "abc-not-shown-', "is not JSON"),
        ('["not", "an", "object"]', "must hold a JSON object"),
        (b"\xff\xfe{}", "is not UTF-8"),
    ],
    ids=["truncated", "array", "binary"],
)
def test_a_config_that_is_not_a_json_object_is_a_usage_error_naming_it(
    tmp_path: Path,
    fake: FakeConnector,
    capsys: pytest.CaptureFixture[str],
    config: str | bytes,
    needle: str,
) -> None:
    workspace = Workspace(tmp_path)
    if isinstance(config, bytes):
        workspace.config.write_bytes(config)
    else:
        workspace.config.write_text(config)

    assert main(workspace.argv()) == 2

    document, err = answer(capsys)
    assert f"--config {workspace.config}" in document["error"] and needle in document["error"]
    assert document["problems"][0]["variable"] == "--config"
    assert "abc-not-shown" not in json.dumps(document) + err
    assert fake.calls() == []


def _duckdb_in_a_missing_folder(workspace: Workspace) -> list[str]:
    argv = workspace.argv()
    argv[argv.index("--duckdb") + 1] = str(workspace.tmp / "missing" / "local.duckdb")
    return argv


def _duckdb_not_a_database(workspace: Workspace) -> list[str]:
    workspace.duckdb.write_text("not a database")
    return workspace.argv()


def _state_dir_a_file(workspace: Workspace) -> list[str]:
    workspace.state_dir.write_text("a file")
    return workspace.argv()


@pytest.mark.parametrize(
    ("option", "plant", "needle"),
    [
        ("--duckdb", _duckdb_in_a_missing_folder, "does not exist"),
        ("--duckdb", _duckdb_not_a_database, "cannot be opened as a DuckDB database"),
        ("--state-dir", _state_dir_a_file, "is not a folder"),
    ],
    ids=["duckdb-folder-missing", "duckdb-not-a-database", "state-dir-is-a-file"],
)
def test_unusable_output_paths_are_usage_errors_before_the_connector_runs(
    tmp_path: Path,
    fake: FakeConnector,
    capsys: pytest.CaptureFixture[str],
    option: str,
    plant: Callable[[Workspace], list[str]],
    needle: str,
) -> None:
    workspace = Workspace(tmp_path)
    workspace.config.write_text("{}")

    assert main(plant(workspace)) == 2

    document, _ = answer(capsys)
    assert document["problems"][0]["variable"] == option and needle in document["error"]
    assert fake.calls() == []

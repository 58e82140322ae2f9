"""make demo end to end: every step of the local rehearsal succeeds and leaves its outputs."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from devtools import demo


@pytest.mark.e2e
def test_the_rehearsal_succeeds_and_leaves_duckdb_and_step_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workdir = tmp_path / "demo"
    assert demo.main(["--workdir", str(workdir), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    steps = {s["name"]: s for s in summary["steps"]}
    assert all(s["ok"] for s in steps.values()), steps
    assert steps["bootstrap: plan again"]["detail"].startswith("plan is empty")
    # the incremental runs start from the state the full runs saved, and re-read only a lookback
    for connector in ("tiktok-ads", "linkedin-ads"):
        full = steps[f"{connector}: full refresh"]["data"]
        incremental = steps[f"{connector}: incremental from state"]["data"]
        assert not full["started_from_state"] and incremental["started_from_state"]
        assert 0 < incremental["records"] < full["records"]
    with duckdb.connect(summary["duckdb"]) as db:
        tables = {row[0] for row in db.execute("show tables").fetchall()}
        assert {"ads_reports_daily", "ad_analytics_by_campaign"} <= tables
    for name in ("provision", "validate", "bootstrap-plan", "bootstrap-replan", "health"):
        assert json.loads((workdir / f"{name}.json").read_text())


def test_a_non_empty_workdir_the_demo_did_not_make_is_refused_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workdir = tmp_path / "mine"
    workdir.mkdir()
    (workdir / "thesis.txt").write_text("years of work")
    assert demo.main(["--workdir", str(workdir), "--json"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)["ok"] is False
    assert "--workdir" in captured.err and "not made by the demo" in captured.err
    assert (workdir / "thesis.txt").read_text() == "years of work"


def test_a_workdir_the_demo_made_is_emptied_for_the_next_run(tmp_path: Path) -> None:
    workdir = tmp_path / "demo"
    demo.prepare_workdir(workdir)
    (workdir / "state").mkdir()
    (workdir / "state" / "old.json").write_text("{}")
    demo.prepare_workdir(workdir)
    assert sorted(p.name for p in workdir.iterdir()) == [demo.OWNER_MARK]


def test_a_workdir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(demo.UnsafeWorkdir, match="is a file"):
        demo.prepare_workdir(target)
    assert target.read_text() == "x"


def test_a_duckdb_file_in_a_missing_folder_gets_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = demo.main(
        ["--workdir", str(tmp_path / "w"), "--duckdb", str(tmp_path / "nowhere" / "x.duckdb")]
    )
    assert code == 2
    assert "--duckdb" in capsys.readouterr().err


def test_an_existing_duckdb_file_the_demo_did_not_make_is_kept(tmp_path: Path) -> None:
    precious = tmp_path / "warehouse.duckdb"
    precious.write_bytes(b"not ours")
    assert demo.main(["--workdir", str(tmp_path / "w"), "--duckdb", str(precious)]) == 2
    assert precious.read_bytes() == b"not ours"

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

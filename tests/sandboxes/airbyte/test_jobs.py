"""Planted job histories read back through jobs/*."""

from __future__ import annotations

from sandboxes.airbyte import (
    AirbyteSandboxApp,
)

from .helpers import WS, call, make_connection


def test_planted_job_history_reads_back_with_attempts_and_stats(app: AirbyteSandboxApp) -> None:
    connection = make_connection(app)
    cid = connection["connectionId"]
    app.add_job(
        cid,
        "succeeded",
        created_at=1_700_000_000,
        attempts=2,
        records_synced=1200,
        bytes_synced=64_000,
    )
    failed = app.add_job(
        cid, "failed", created_at=1_700_003_600, attempts=3, failure_message="token expired"
    )
    _, page = call(
        app,
        "jobs/list",
        {"configTypes": ["sync"], "configId": cid, "pagination": {"pageSize": 1, "rowOffset": 0}},
    )
    assert page["totalJobCount"] == 2
    newest = page["jobs"][0]
    assert newest["job"]["id"] == failed and newest["job"]["status"] == "failed"
    assert [a["status"] for a in newest["attempts"]] == ["failed", "failed", "failed"]
    assert (
        newest["attempts"][-1]["failureSummary"]["failures"][0]["externalMessage"]
        == "token expired"
    )
    _, older = call(
        app,
        "jobs/list",
        {"configTypes": ["sync"], "configId": cid, "pagination": {"pageSize": 1, "rowOffset": 1}},
    )
    job = older["jobs"][0]
    assert [a["status"] for a in job["attempts"]] == ["failed", "succeeded"]
    assert job["job"]["aggregatedStats"]["recordsCommitted"] == 1200
    assert (
        call(app, "jobs/get_last_replication_job", {"connectionId": cid})[1]["job"]["id"] == failed
    )


def test_jobs_of_several_workspaces_list_newest_first_filtered_by_update_time_and_paged(
    app: AirbyteSandboxApp,
) -> None:
    here = make_connection(app)["connectionId"]
    other_ws = app.add_workspace("tenant b")
    elsewhere = make_connection(app)["connectionId"]
    app.connections[elsewhere]["workspaceId"] = other_ws
    foreign = make_connection(app)["connectionId"]
    app.connections[foreign]["workspaceId"] = app.add_workspace("not asked for")
    for hour, cid in enumerate((here, elsewhere, foreign, here, elsewhere)):
        created = 1_700_000_000 + hour * 3600
        app.add_job(cid, "succeeded", created_at=created, updated_at=created + 300)
    app.add_job(here, "running", created_at=1_699_990_000, updated_at=1_700_020_000)
    app.add_job(here, "failed", created_at=1_600_000_000, updated_at=1_600_000_300)  # too old
    body = {
        "configTypes": ["sync"],
        "workspaceIds": [WS, other_ws],
        "updatedAtStart": "2023-11-14T22:13:20Z",  # 1_700_000_000
        "pagination": {"pageSize": 3, "rowOffset": 0},
    }

    status, first = call(app, "jobs/list_for_workspaces", body)
    _, second = call(
        app, "jobs/list_for_workspaces", {**body, "pagination": {"pageSize": 3, "rowOffset": 3}}
    )

    assert status == 200 and first["totalJobCount"] == 5 == second["totalJobCount"]
    listed = [(j["job"]["configId"], j["job"]["createdAt"]) for j in first["jobs"] + second["jobs"]]
    assert listed == [
        (elsewhere, 1_700_014_400),
        (here, 1_700_010_800),
        (elsewhere, 1_700_003_600),
        (here, 1_700_000_000),
        (here, 1_699_990_000),  # created before the start, updated after it
    ]
    assert "attempts" in first["jobs"][0]
    _, running_only = call(app, "jobs/list_for_workspaces", {**body, "statuses": ["running"]})
    assert [j["job"]["status"] for j in running_only["jobs"]] == ["running"]
    _, none = call(app, "jobs/list_for_workspaces", {"configTypes": ["sync"]})
    assert none == {"jobs": [], "totalJobCount": 0}


def test_a_time_filter_that_is_not_a_date_time_is_refused(app: AirbyteSandboxApp) -> None:
    status, body = call(
        app,
        "jobs/list_for_workspaces",
        {"configTypes": ["sync"], "workspaceIds": [WS], "updatedAtStart": "yesterday"},
    )
    assert status == 422
    assert body["validationErrors"][0]["propertyPath"].endswith("updatedAtStart")

"""``jobs/*`` and the job history tests plant (``add_job`` / ``complete_job``).

``jobs/list`` (one connection) and ``jobs/list_for_workspaces`` (every connection of the listed
workspaces) page with ``rowOffset``/``pageSize`` (200 by default), newest first unless
``orderByMethod`` says ``ASC``, and filter by ``statuses`` and by ``createdAtStart``/``End`` and
``updatedAtStart``/``End`` (ISO date-times, bounds included); ``totalJobCount`` counts every job
that matches the filters. Attempts carry stats and, when failed, a ``failureSummary``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal

from airbyte_provisioning.core.types import JsonDict
from sandboxes.airbyte.errors import check_enum, invalid_input, not_found, require
from sandboxes.airbyte.store import Job, JobStatus, Store

AttemptStatus = Literal["running", "failed", "succeeded"]
JOBS_DEFAULT_PAGE_SIZE = 200
# request field -> (job attribute, lower bound?)
_TIME_FILTERS = {
    "createdAtStart": ("created_at", True),
    "createdAtEnd": ("created_at", False),
    "updatedAtStart": ("updated_at", True),
    "updatedAtEnd": ("updated_at", False),
}


def attempt_record(
    number: int,
    status: AttemptStatus,
    created: int,
    updated: int,
    records: int,
    size: int,
    failure: str,
) -> JsonDict:
    attempt: JsonDict = {
        "id": number,
        "status": status,
        "createdAt": created,
        "updatedAt": updated,
        "recordsSynced": records,
        "bytesSynced": size,
        "totalStats": {
            "recordsEmitted": records,
            "bytesEmitted": size,
            "recordsCommitted": records,
            "bytesCommitted": size,
        },
    }
    if status != "running":
        attempt["endedAt"] = updated
    if status == "failed":
        attempt["failureSummary"] = {
            "failures": [
                {
                    "failureOrigin": "source",
                    "failureType": "config_error",
                    "externalMessage": failure,
                    "retryable": False,
                    "timestamp": updated * 1000,
                }
            ],
            "partialSuccess": False,
        }
    return attempt


def _last_attempt_status(status: JobStatus) -> AttemptStatus:
    if status == "succeeded":
        return "succeeded"
    return "running" if status == "running" else "failed"


def add_job(
    store: Store,
    connection_id: str,
    status: JobStatus,
    *,
    created_at: float | None = None,
    updated_at: float | None = None,
    attempts: int = 1,
    records_synced: int = 0,
    bytes_synced: int = 0,
    config_type: str = "sync",
    failure_message: str = "Sync failed: the source refused the credentials.",
) -> int:
    """Plant a job in a connection's history; every attempt but the last one failed."""
    with store.state_lock:
        created = int(created_at if created_at is not None else store.now())
        updated = int(updated_at if updated_at is not None else created + 60)
        # ids only grow and dicts keep insertion order: the last key is the largest (max() over
        # every job would make planting a fleet's history quadratic)
        job_id = next(reversed(store.jobs), 0) + 1
        if job_id in store.jobs:
            job_id = max(store.jobs) + 1
        job = Job(job_id, connection_id, config_type, status, created, updated)
        job.records, job.bytes = records_synced, bytes_synced
        for number in range(attempts if status != "pending" else 0):
            last = number == attempts - 1
            job.attempts.append(
                attempt_record(
                    number,
                    _last_attempt_status(status) if last else "failed",
                    created,
                    updated,
                    records_synced if last else 0,
                    bytes_synced if last else 0,
                    failure_message,
                )
            )
        store.jobs[job.job_id] = job
        return job.job_id


def complete_job(
    store: Store,
    job_id: int,
    status: JobStatus = "succeeded",
    records_synced: int = 0,
    bytes_synced: int = 0,
) -> None:
    """Finish a running job (its last attempt follows)."""
    with store.state_lock:
        job = store.jobs[job_id]
        job.status, job.updated_at = status, int(store.now())
        job.records, job.bytes = records_synced, bytes_synced
        if job.attempts:
            attempt = job.attempts[-1]
            attempt.update(
                attempt_record(
                    attempt["id"],
                    "succeeded" if status == "succeeded" else "failed",
                    job.created_at,
                    job.updated_at,
                    records_synced,
                    bytes_synced,
                    "Sync failed.",
                )
            )


def job_read(job: Job) -> JsonDict:
    return {
        "id": job.job_id,
        "configType": job.config_type,
        "configId": job.connection_id,
        "enabledStreams": [{"name": n} for n in job.streams],
        "createdAt": job.created_at,
        "updatedAt": job.updated_at,
        "startedAt": job.created_at,
        "status": job.status,
        "aggregatedStats": {
            "recordsEmitted": job.records,
            "bytesEmitted": job.bytes,
            "recordsCommitted": job.records,
            "bytesCommitted": job.bytes,
            "recordsRejected": 0,
        },
    }


def job_info(job: Job) -> JsonDict:
    attempts = [
        {"attempt": copy.deepcopy(a), "logType": "formatted", "logs": {"logLines": []}}
        for a in job.attempts
    ]
    return {"job": job_read(job), "attempts": attempts}


def list_jobs(store: Store, body: JsonDict) -> Any:
    require(body, "jobListRequestBody", "configTypes")
    found: Iterable[Job] = store.jobs.values()
    if body.get("configId"):
        found = (j for j in found if j.connection_id == body["configId"])
    return _page(found, body, "jobListRequestBody")


def list_jobs_for_workspaces(store: Store, body: JsonDict) -> Any:
    """The jobs of every connection in ``workspaceIds`` (an empty or missing list matches none)."""
    model = "jobListForWorkspacesRequestBody"
    require(body, model, "configTypes")
    workspaces = {str(w) for w in body.get("workspaceIds") or ()}
    connections = {
        ident for ident, c in store.connections.items() if c.get("workspaceId") in workspaces
    }
    found: Iterable[Job] = (j for j in store.jobs.values() if j.connection_id in connections)
    if body.get("configId"):
        found = (j for j in found if j.connection_id == body["configId"])
    return _page(found, body, model)


def _page(jobs: Iterable[Job], body: JsonDict, model: str) -> JsonDict:
    """Filter by type, status and time, sort, and cut the requested page (``JobReadList``)."""
    check_enum(body, "orderByField", ("createdAt", "updatedAt"))
    check_enum(body, "orderByMethod", ("ASC", "DESC"))
    bounds = [
        (attribute, lower, _instant(body, name, model))
        for name, (attribute, lower) in _TIME_FILTERS.items()
        if body.get(name) is not None
    ]
    statuses = set(body.get("statuses") or ())
    found = [
        j
        for j in jobs
        if j.config_type in body["configTypes"]
        and (not statuses or j.status in statuses)
        and all(
            (getattr(j, attribute) >= at) if lower else (getattr(j, attribute) <= at)
            for attribute, lower, at in bounds
        )
    ]
    order = body.get("orderByField") or "createdAt"
    found.sort(
        key=lambda j: (j.updated_at if order == "updatedAt" else j.created_at, j.job_id),
        reverse=(body.get("orderByMethod") or "DESC") == "DESC",
    )
    pagination = body.get("pagination") or {}
    offset = int(pagination.get("rowOffset") or 0)
    size = int(pagination.get("pageSize") or JOBS_DEFAULT_PAGE_SIZE)
    page = [
        {"job": job_read(j), "attempts": copy.deepcopy(j.attempts)}
        for j in found[offset : offset + size]
    ]
    return {"jobs": page, "totalJobCount": len(found)}


def _instant(body: JsonDict, name: str, model: str) -> float:
    """An ISO 8601 date-time field as epoch seconds (Jackson's ``OffsetDateTime``)."""
    value = body[name]
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise invalid_input(f"{model}.{name}", "must be a date-time with an offset", value)
    return parsed.timestamp()


def get(store: Store, body: JsonDict) -> Any:
    require(body, "jobIdRequestBody", "id")
    job = store.jobs.get(body["id"])
    if job is None:
        raise not_found("JOB", body["id"])
    return job_info(job)


def get_last_replication_job(store: Store, body: JsonDict) -> Any:
    require(body, "connectionIdRequestBody", "connectionId")
    store.connection(body["connectionId"])
    syncs = [
        j
        for j in store.jobs.values()
        if j.connection_id == body["connectionId"] and j.config_type == "sync"
    ]
    latest = max(syncs, key=lambda j: (j.created_at, j.job_id), default=None)
    return {"job": job_read(latest)} if latest else {}

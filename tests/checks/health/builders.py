"""Config API shaped job histories for the health tests (``JobWithAttemptsRead`` items)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # 07:00 in Jamaica, 13:00 in Berlin (Thursday)
NOW_ISO = "2026-11-26T12:00:00Z"


def at(text: str) -> datetime:
    """``"2026-11-26T11:05"`` (UTC) as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def job(
    job_id: int,
    status: str,
    ended: datetime,
    rows: int | None = 120,
    failure: str = "Sync failed: the source refused the credentials.",
    minutes: int = 5,
) -> dict[str, Any]:
    """One sync job as ``jobs/list`` returns it: epoch seconds, stats, attempts."""
    created = int((ended - timedelta(minutes=minutes)).timestamp())
    read: dict[str, Any] = {
        "id": job_id,
        "configType": "sync",
        "configId": "c0ffee00-0000-4000-8000-000000000001",
        "createdAt": created,
        "updatedAt": int(ended.timestamp()),
        "status": status,
    }
    if rows is not None:
        read["aggregatedStats"] = {"recordsEmitted": rows, "recordsCommitted": rows}
    attempt: dict[str, Any] = {"id": 0, "status": "failed" if status == "failed" else status}
    if status == "failed":
        attempt["failureSummary"] = {
            "failures": [{"failureOrigin": "source", "externalMessage": failure}]
        }
    return {"job": read, "attempts": [attempt]}


def history(*items: dict[str, Any]) -> list[dict[str, Any]]:
    """Newest first, like ``jobs/list`` ordered by createdAt DESC."""
    return sorted(items, key=lambda i: i["job"]["createdAt"], reverse=True)

"""Schedules: legacy and new schema exclusive, cron problems as problem JSON."""

from __future__ import annotations

import json

from sandboxes.airbyte import (
    AirbyteSandboxApp,
)
from sandboxes.base import Request

from .helpers import call, make_connection


def test_old_and_new_schedule_together_are_refused(app: AirbyteSandboxApp) -> None:
    connection = make_connection(app)
    body = {
        "connectionId": connection["connectionId"],
        "schedule": {"units": 1, "timeUnit": "hours"},
        "scheduleType": "manual",
    }
    status, answer = call(app, "connections/update", body)
    assert status == 422 and "not both" in answer["message"]


def test_cron_problem_body_is_problem_json(app: AirbyteSandboxApp) -> None:
    connection = make_connection(app)
    response = app.dispatch(
        Request(
            "POST",
            "/api/v1/connections/update",
            {},
            {},
            json.dumps(
                {
                    "connectionId": connection["connectionId"],
                    "scheduleType": "cron",
                    "scheduleData": {
                        "cron": {"cronExpression": "0 0 2 * * ?", "cronTimeZone": "Etc/GMT"}
                    },
                }
            ).encode(),
        )
    )
    assert response.status == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert json.loads(response.body) == {
        "status": 400,
        "type": "error:cron-validation/invalid-timezone",
        "title": "Invalid cron timezone",
        "detail": "The specified cron timezone is invalid",
        "documentationUrl": None,
        "data": {"connectionId": connection["connectionId"], "cronTimezone": "Etc/GMT"},
    }

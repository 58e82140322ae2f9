"""How ``connections/create|update`` store a schedule.

``scheduleData`` counts only together with ``scheduleType``; the legacy ``schedule`` field is
accepted alone and means a basic schedule; manual schedules read back without ``scheduleData``;
basic ones also fill the legacy ``schedule``; cron expressions and time zones are stored as sent
after Quartz then IANA validation (``Etc/*`` refused), with the problem bodies of
``ConnectionScheduleHelper``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airbyte_provisioning.core.types import JsonDict
from airbyte_provisioning.model.cron import CronError, parse_quartz, validate_timezone
from sandboxes.airbyte.errors import check_enum, invalid_input, known, problem, unfulfilled_spec

SCHEDULE_TYPES = ("manual", "basic", "cron")
TIME_UNITS = ("minutes", "hours", "days", "weeks", "months")


def _requested(body: JsonDict) -> tuple[Any, JsonDict]:
    """``(scheduleType, body)`` with a legacy ``schedule`` rewritten as a basic schedule."""
    schedule_type = body.get("scheduleType")
    if body.get("schedule") is None:
        return schedule_type, body
    if schedule_type is not None:
        raise known(
            422,
            "Invalid json input. supply old or new schedule schema but not both",
            "BadObjectSchemaKnownException",
        )
    legacy = body["schedule"]
    basic = {"timeUnit": legacy.get("timeUnit"), "units": legacy.get("units")}
    return "basic", {"scheduleData": {"basicSchedule": basic}}


def apply_schedule(connection: JsonDict, body: JsonDict) -> None:
    """Store the schedule ``body`` asks for on ``connection`` (no schedule fields: unchanged)."""
    schedule_type, body = _requested(body)
    if schedule_type is None:
        return
    check_enum({"scheduleType": schedule_type}, "scheduleType", SCHEDULE_TYPES)
    data = body.get("scheduleData")
    if schedule_type != "manual" and data is None:
        raise unfulfilled_spec("schedule data must be populated if schedule type is populated")
    connection.pop("schedule", None)
    connection.pop("scheduleData", None)
    connection["scheduleType"] = schedule_type
    if schedule_type == "basic":
        _apply_basic(connection, data)
    elif schedule_type == "cron":
        _apply_cron(connection, data)


def _apply_basic(connection: JsonDict, data: Any) -> None:
    basic = data.get("basicSchedule") if isinstance(data, Mapping) else None
    if not isinstance(basic, Mapping):
        raise unfulfilled_spec(
            "if schedule type is basic, then scheduleData.basic must be populated"
        )
    if basic.get("timeUnit") not in TIME_UNITS or not isinstance(basic.get("units"), int):
        raise invalid_input(
            "connectionScheduleDataBasicSchedule",
            "timeUnit must be one of minutes|hours|days|weeks|months and units an integer",
        )
    schedule = {"timeUnit": basic["timeUnit"], "units": basic["units"]}
    connection["scheduleData"] = {"basicSchedule": schedule}
    connection["schedule"] = dict(schedule)  # the legacy field, same units


def _apply_cron(connection: JsonDict, data: Any) -> None:
    cron = data.get("cron") if isinstance(data, Mapping) else None
    connection_id = connection.get("connectionId")
    if not isinstance(cron, Mapping):
        raise problem(
            "cron-validation/missing-cron-data",
            "Cron data is missing",
            "If schedule type is cron, scheduleData.cron must be provided.",
            {},
        )
    expression, zone = cron.get("cronExpression"), cron.get("cronTimeZone")
    if expression is None or zone is None:
        sent = {"connectionId": connection_id, "cronExpression": expression, "cronTimezone": zone}
        raise problem(
            "cron-validation/missing-component",
            "Cron is missing a component",
            "The cron must specify a cron expression and a timezone.",
            {k: v for k, v in sent.items() if v is not None},
        )
    validate_cron(str(expression), str(zone), connection_id)
    connection["scheduleData"] = {"cron": {"cronExpression": expression, "cronTimeZone": zone}}


def validate_cron(expression: str, zone: str, connection_id: str | None) -> None:
    """Quartz expression first, then the zone, as ``ConnectionScheduleHelper`` does."""
    try:
        parse_quartz(expression)
    except CronError as exc:
        raise problem(
            "cron-validation/invalid-expression",
            "Invalid cron expression",
            "The cron expression is invalid",
            {"cronExpression": expression, "validationErrorMessage": str(exc)},
        ) from None
    invalid_zone = problem(
        "cron-validation/invalid-timezone",
        "Invalid cron timezone",
        "The specified cron timezone is invalid",
        {"connectionId": connection_id or "", "cronTimezone": zone},
    )
    if zone.lower().startswith("etc"):
        raise invalid_zone
    try:
        validate_timezone(zone)
    except CronError:
        raise invalid_zone from None

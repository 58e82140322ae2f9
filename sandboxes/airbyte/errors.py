"""The error answers of Airbyte 1.8.0, with their real bodies.

``KnownExceptionInfo`` (404 "Could not find configuration for ...", 409, 422 config-vs-spec),
``InvalidInputExceptionInfo`` (422, missing fields), problem JSON (400, cron validation) and
Micronaut's own bodies (400 token, 401, 404 unknown route). A handler raises :class:`ApiFailure`;
the app turns it into the HTTP answer.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from airbyte_provisioning.core.types import JsonDict
from sandboxes.base import Response

_KNOWN = "io.airbyte.commons.server.errors."


class ApiFailure(Exception):
    """Raised by a handler; carries the exact HTTP answer."""

    def __init__(self, status: int, body: JsonDict, content_type: str = "application/json") -> None:
        super().__init__(body.get("message") or body.get("title"))
        self.status = status
        self.body = body
        self.content_type = content_type

    def response(self) -> Response:
        return Response.json(self.body, self.status, {"Content-Type": self.content_type})


def known(status: int, message: str, exception: str = "KnownException", **extra: Any) -> ApiFailure:
    body = {
        "message": message,
        "exceptionClassName": _KNOWN + exception,
        "exceptionStack": [],
        "rootCauseExceptionStack": [],
        **extra,
    }
    return ApiFailure(status, body)


def not_found(kind: str, ident: Any) -> ApiFailure:
    message = f"Internal Server Error: Could not find configuration for {kind}: {ident}."
    return known(404, message, "IdNotFoundKnownException", id=str(ident))


def invalid_input(path: str, message: str, value: Any = None) -> ApiFailure:
    error: JsonDict = {"propertyPath": path, "message": message}
    if value is not None:
        error["invalidValue"] = str(value)
    body = {
        "message": "Some properties contained invalid input.",
        "exceptionClassName": "jakarta.validation.ConstraintViolationException",
        "exceptionStack": [],
        "validationErrors": [error],
    }
    return ApiFailure(422, body)


def unfulfilled_spec(detail: str) -> ApiFailure:
    """422 for a body the server parsed but whose content breaks its rules."""
    message = f"The provided configuration does not fulfill the specification. Errors: {detail}"
    return known(422, message, "BadObjectSchemaKnownException")


def invalid_json(detail: str) -> ApiFailure:
    return known(422, f"Invalid json input. {detail}", "InvalidJsonInputException")


def problem(slug: str, title: str, detail: str, data: JsonDict, status: int = 400) -> ApiFailure:
    body = {
        "status": status,
        "type": f"error:{slug}",
        "title": title,
        "detail": detail,
        "documentationUrl": None,
        "data": data,
    }
    return ApiFailure(status, body, "application/problem+json")


def micronaut_error(status: int, path: str, reason: str, message: str) -> Response:
    body = {
        "message": reason,
        "_links": {"self": {"href": path, "templated": False}},
        "_embedded": {"errors": [{"message": message}]},
    }
    return Response.json(body, status=status)


def require(body: Mapping[str, Any], model: str, *names: str) -> None:
    """Bean validation of a request model: each named field must be present and not null."""
    for name in names:
        if body.get(name) is None:
            raise invalid_input(f"{model}.{name}", "must not be null")


def check_enum(body: Mapping[str, Any], name: str, allowed: Collection[str]) -> None:
    """Jackson refusing a string that is not one of an enum's values."""
    value = body.get(name)
    if value is not None and value not in allowed:
        raise invalid_json(
            f"Cannot construct instance of enum from String value '{value}' for {name}: "
            f"not one of the values accepted {list(allowed)}"
        )

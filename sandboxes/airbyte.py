"""A local, stateful imitation of Airbyte 1.8.0's Config API (``POST /api/v1/...``).

It behaves like the real server wherever the provisioning scripts depend on it:

* ``sources/list`` / ``destinations/list`` page with a cursor, 20 items unless ``pageSize`` says
  otherwise, sorted by name; ``connections/list`` returns everything.
* Secrets (``airbyte_secret`` in the definition's spec, or a secret-looking key name the spec does
  not describe) read back as ``**********``; sending the mask back keeps the stored value.
* ``connections/update`` is a patch: only the fields sent change; only selected streams are
  stored; ``scheduleData`` counts only together with ``scheduleType``; manual schedules read back
  without ``scheduleData``; basic ones also fill the legacy ``schedule``; cron expressions and
  time zones are stored as sent after Quartz / IANA validation (``Etc/*`` refused).
* Errors use the real bodies: ``KnownExceptionInfo`` (404 with the "Internal Server Error: Could
  not find configuration for ..." message, 409, 422 for config-vs-spec), ``InvalidInputExceptionInfo``
  (422, missing fields), problem JSON (400, cron validation), Micronaut bodies (400 token, 401).
* ``check_connection`` / ``discover_schema`` answer HTTP 200 with ``status: failed`` /
  ``jobInfo.succeeded: false`` when a config value contains :data:`CHECK_FAIL_MARKER` /
  :data:`DISCOVER_FAIL_MARKER`, or when a test switched them off (:meth:`AirbyteSandboxApp.fail_check`).
* ``applications/token`` issues JWT-shaped bearer tokens with a configurable lifetime on the
  sandbox clock (:meth:`AirbyteSandboxApp.advance` expires them), and ``auth="bearer"`` enforces them.

Connection tags (``tags/create|list|update|delete``) are per workspace with unique names; a
connection stores tags by id and reads them back as stored. ``scheduler/sources/check_connection``
and ``scheduler/sources/discover_schema`` check / discover a configuration before it is saved.

Test hooks: :attr:`writes` counts successful mutating calls (a re-run must add none),
:meth:`add_job` plants job histories, :meth:`fail_next` injects 429/5xx through the base
:class:`~sandboxes.base.FaultPlan`, :meth:`lose_response` carries a request out and then answers
a gateway error (a crash between a write and its reply), ``latency_s`` slows every answer.

Run standalone for ``make demo``: ``python -m sandboxes.airbyte --port 8000``.
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import hmac
import json
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from sandboxes.airbyte_catalogs import (
    DESTINATION_DEFINITIONS,
    SOURCE_DEFINITIONS,
    SPEC_DIR,
    Definition,
    DiscoverError,
    StreamDef,
    load_spec_snapshots,
    manifest_streams,
)
from sandboxes.base import (
    FaultPlan,
    Request,
    Response,
    SandboxApp,
    SandboxServer,
    serve_until_interrupted,
)

JsonDict = dict[str, Any]
MASK = "**********"
DEFAULT_ORGANIZATION_ID = "00000000-0000-0000-0000-000000000000"
DEFAULT_WORKSPACE_ID = "00000000-0000-4000-8000-00000000a001"
DATAPLANE_GROUP_ID = "00000000-0000-4000-8000-0000000000d9"
DEFAULT_PAGE_SIZE = 20
JOBS_DEFAULT_PAGE_SIZE = 200
DECLARATIVE_REPOSITORY = "airbyte/source-declarative-manifest"
# any config string containing these makes check / discover fail like a refused credential
CHECK_FAIL_MARKER = "sandbox-fail-check"
DISCOVER_FAIL_MARKER = "sandbox-fail-discover"
_SECRET_KEY = re.compile(
    r"(token|secret|password|passwd|api_key|apikey|private_key|credentials_json|authorization)",
    re.I,
)
_KNOWN = "io.airbyte.commons.server.errors."
_SYNC_MODES = ("full_refresh", "incremental")
_DESTINATION_SYNC_MODES = (
    "append",
    "overwrite",
    "append_dedup",
    "overwrite_dedup",
    "update",
    "soft_delete",
)
_TIME_UNITS = ("minutes", "hours", "days", "weeks", "months")
_LEGACY_TIME_UNITS = {
    "minutes": "minutes",
    "hours": "hours",
    "days": "days",
    "weeks": "weeks",
    "months": "months",
}
_CONNECTION_FIELDS = (
    "name", "namespaceDefinition", "namespaceFormat", "prefix", "operationIds", "resourceRequirements",
    "sourceCatalogId", "destinationCatalogId", "dataplaneGroupId", "notifySchemaChanges",
    "notifySchemaChangesByEmail", "nonBreakingChangesPreference", "backfillPreference", "tags", "status",
    "breakingChange",
)  # fmt: skip
_ENUMS = {
    "status": ("active", "inactive", "deprecated"),
    "namespaceDefinition": ("source", "destination", "customformat"),
    "nonBreakingChangesPreference": ("ignore", "disable", "propagate_columns", "propagate_fully"),
    "backfillPreference": ("enabled", "disabled"),
    "scheduleType": ("manual", "basic", "cron"),
}


class ApiFailure(Exception):
    """Raised by a handler; carries the exact HTTP answer."""

    def __init__(self, status: int, body: JsonDict, content_type: str = "application/json") -> None:
        super().__init__(body.get("message") or body.get("title"))
        self.status = status
        self.body = body
        self.content_type = content_type


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


def server_error(
    status: int = 500, message: str = "Internal Server Error: sandbox fault"
) -> Callable[[Request], Response]:
    """A FaultPlan responder: a 5xx with a KnownExceptionInfo body (502/503/504: ingress HTML)."""

    def respond(request: Request) -> Response:
        if status in (502, 503, 504):
            return Response.text(
                f"<html><body><h1>{status} Bad Gateway</h1>nginx</body></html>", status
            )
        return Response.json(
            {
                "message": message,
                "exceptionClassName": "java.lang.RuntimeException",
                "exceptionStack": [],
            },
            status=status,
        )

    return respond


def rate_limited(retry_after: float | None = None) -> Callable[[Request], Response]:
    """A FaultPlan responder: 429 as the ingress answers it (optionally with ``Retry-After``)."""

    def respond(request: Request) -> Response:
        response = Response.text(
            "<html><body><h1>429 Too Many Requests</h1>nginx</body></html>", 429
        )
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response

    return respond


# --------------------------------------------------------------------------------------------
# secrets
# --------------------------------------------------------------------------------------------
def _spec_properties(schema: Any) -> dict[str, Any]:
    """Properties a (sub)schema can hold, across oneOf/anyOf/allOf branches."""
    if not isinstance(schema, Mapping):
        return {}
    found = dict(schema.get("properties") or {})
    for keyword in ("oneOf", "anyOf", "allOf"):
        for branch in schema.get(keyword) or []:
            for key, sub in _spec_properties(branch).items():
                found.setdefault(key, sub)
    return found


def mask_secrets(value: Any, schema: Any) -> Any:
    """``value`` with every secret replaced by the mask (spec first, key name as fallback)."""
    if isinstance(value, Mapping):
        props = _spec_properties(schema)
        out: JsonDict = {}
        for key, item in value.items():
            sub = props.get(key)
            secret = (
                bool(sub.get("airbyte_secret"))
                if isinstance(sub, Mapping)
                else bool(_SECRET_KEY.search(key))
            )
            if secret and item not in (None, "") and not isinstance(item, (Mapping, list)):
                out[key] = MASK
            else:
                out[key] = mask_secrets(item, sub)
        return out
    if isinstance(value, list):
        items = schema.get("items") if isinstance(schema, Mapping) else None
        return [mask_secrets(item, items) for item in value]
    return value


def restore_secrets(new: Any, old: Any) -> Any:
    """Where ``new`` holds the mask, put back the stored value (Airbyte's ``copySecrets``)."""
    if new == MASK and old is not None and not isinstance(old, (Mapping, list)):
        return old
    if isinstance(new, Mapping) and isinstance(old, Mapping):
        return {k: restore_secrets(v, old.get(k)) for k, v in new.items()}
    if isinstance(new, list) and isinstance(old, list):
        return [restore_secrets(v, old[i] if i < len(old) else None) for i, v in enumerate(new)]
    return new


def _config_strings(value: Any) -> Iterable[str]:
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _config_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _config_strings(item)
    elif isinstance(value, str):
        yield value


def _spec_errors(config: Any, spec: Mapping[str, Any]) -> list[str]:
    """Validation errors phrased like Airbyte's validator, never quoting the (maybe secret) value."""
    validator = jsonschema.Draft7Validator(spec)
    errors: list[str] = []
    for error in sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path)):
        path = "$" + "".join(
            f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path
        )
        if error.validator == "required":
            missing = str(error.message).split("'")[1] if "'" in str(error.message) else "?"
            errors.append(f"{path}.{missing}: is missing but it is required")
        elif error.validator == "type":
            errors.append(f"{path}: {error.validator_value} found where another type was expected")
        elif error.validator == "pattern":
            errors.append(f"{path}: does not match the regex pattern {error.validator_value}")
        elif error.validator == "enum":
            errors.append(
                f"{path}: does not have a value in the enumeration {error.validator_value}"
            )
        else:
            errors.append(f"{path}: does not satisfy '{error.validator}'")
    return errors


# --------------------------------------------------------------------------------------------
# state
# --------------------------------------------------------------------------------------------
@dataclass
class Actor:
    actor_id: str
    workspace_id: str
    definition_id: str
    name: str
    config: JsonDict
    created_at: int
    kind: str  # "source" | "destination"


@dataclass
class Job:
    job_id: int
    connection_id: str
    config_type: str
    status: str
    created_at: int
    updated_at: int
    attempts: list[JsonDict] = field(default_factory=list)
    streams: list[str] = field(default_factory=list)
    records: int = 0
    bytes: int = 0


class AirbyteSandboxApp(SandboxApp):
    name = "airbyte"

    def __init__(
        self,
        *,
        auth: str = "none",
        client_id: str = "sandbox-client-id",
        client_secret: str = "sandbox-client-secret",
        token_lifetime_s: int = 900,
        static_tokens: Iterable[str] = (),
        workspaces: Iterable[str | tuple[str, str]] = (
            (DEFAULT_WORKSPACE_ID, "Default Workspace"),
        ),
        spec_dir: Path | None = SPEC_DIR,
        sync_outcome: str = "succeeded",
        clock: Callable[[], float] = time.time,
        seed: int = 8000,
        latency_s: float = 0.0,
    ) -> None:
        super().__init__()
        self.latency_s = latency_s
        if auth not in ("none", "bearer"):
            raise ValueError("auth must be 'none' or 'bearer'")
        self.auth = auth
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_lifetime_s = token_lifetime_s
        self.static_tokens = set(static_tokens)
        self.sync_outcome = sync_outcome
        self._clock = clock
        self._offset = 0.0
        self._rng = random.Random(seed)
        self._signing_key = b"sandbox-signing-key"
        self._state = threading.RLock()
        self.tokens: dict[str, float] = {}
        self.tokens_issued = 0
        self.writes = 0
        self.write_log: list[str] = []
        self.workspaces: dict[str, JsonDict] = {}
        self.definitions: dict[str, Definition] = {}
        self.actors: dict[str, Actor] = {}
        self.connections: dict[str, JsonDict] = {}
        self.operations: dict[str, JsonDict] = {}
        self.catalogs: dict[str, JsonDict] = {}
        self.jobs: dict[int, Job] = {}
        self.projects: dict[str, JsonDict] = {}
        self.manifests: dict[str, dict[int, JsonDict]] = {}
        self.check_failures: dict[str, str] = {}
        self.tags: dict[str, JsonDict] = {}
        self.lost_responses: list[FaultPlan] = []
        self.discover_failures: dict[str, str] = {}
        snapshots = load_spec_snapshots(spec_dir)
        for definition in (*SOURCE_DEFINITIONS, *DESTINATION_DEFINITIONS):
            seeded = copy.deepcopy(definition)
            seeded.spec = snapshots.get(seeded.docker_repository, seeded.spec)
            self.definitions[seeded.definition_id] = seeded
        for item in workspaces:
            ident, name = (item, f"Workspace {item[:8]}") if isinstance(item, str) else item
            self.add_workspace(name, ident)

    # ---------------------------------------------------------------------------------------
    # clock, ids, test hooks
    # ---------------------------------------------------------------------------------------
    def now(self) -> float:
        return self._clock() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the sandbox clock forward (expires tokens, ages jobs) without waiting."""
        self._offset += seconds

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def _write(self, endpoint: str) -> None:
        self.writes += 1
        self.write_log.append(endpoint)

    def reset_write_count(self) -> None:
        with self._state:
            self.writes = 0
            self.write_log.clear()

    def add_workspace(self, name: str, workspace_id: str | None = None) -> str:
        ident = workspace_id or self._uuid()
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "workspace"
        self.workspaces[ident] = {
            "workspaceId": ident,
            "customerId": str(uuid.uuid5(uuid.NAMESPACE_URL, ident)),
            "name": name,
            "slug": slug,
            "initialSetupComplete": True,
            "displaySetupWizard": False,
            "anonymousDataCollection": False,
            "news": False,
            "securityUpdates": False,
            "notifications": [],
            "notificationSettings": {},
            "firstCompletedSync": False,
            "feedbackDone": False,
            "dataplaneGroupId": DATAPLANE_GROUP_ID,
            "webhookConfigs": [],
            "organizationId": DEFAULT_ORGANIZATION_ID,
            "tombstone": False,
        }
        return ident

    def add_destination(
        self,
        workspace_id: str,
        name: str = "Warehouse",
        config: Mapping[str, Any] | None = None,
        destination_id: str | None = None,
        definition_id: str = DESTINATION_DEFINITIONS[0].definition_id,
    ) -> str:
        """Seed a destination with a chosen id (the env files name destination ids)."""
        ident = destination_id or self._uuid()
        default = {
            "host": "localhost",
            "port": 5432,
            "database": "warehouse",
            "schema": "public",
            "username": "airbyte",
            "password": "changeme-sandbox-password",
        }
        self.actors[ident] = Actor(
            ident,
            workspace_id,
            definition_id,
            name,
            dict(config or default),
            int(self.now()),
            "destination",
        )
        return ident

    def fail_check(
        self,
        actor_id: str,
        message: str = "Invalid credentials: the API refused the access token (HTTP 401).",
    ) -> None:
        self.check_failures[actor_id] = message

    def fail_discover(
        self, key: str, message: str = "Discover failed: the API refused the request (HTTP 403)."
    ) -> None:
        """``key``: a source id or a definition id."""
        self.discover_failures[key] = message

    def fail_next(
        self,
        count: int,
        status: int = 503,
        path_prefix: str = "/api/v1/",
        retry_after: float | None = None,
    ) -> FaultPlan:
        """The next ``count`` requests under ``path_prefix`` fail with ``status`` (429 or 5xx)."""
        respond = rate_limited(retry_after) if status == 429 else server_error(status)
        plan = FaultPlan(respond=respond, first=count, path_prefix=path_prefix)
        self.faults.append(plan)
        return plan

    def lose_response(
        self, count: int = 1, path_prefix: str = "/api/v1/", status: int = 504
    ) -> FaultPlan:
        """The next ``count`` requests under ``path_prefix`` are carried out, but the answer is lost:
        the client gets the ingress's gateway error instead (a crash between a write and its reply)."""
        plan = FaultPlan(respond=server_error(status), first=count, path_prefix=path_prefix)
        self.lost_responses.append(plan)
        return plan

    def expire_tokens(self) -> None:
        with self._state:
            for token in self.tokens:
                self.tokens[token] = self.now() - 1

    def add_job(
        self,
        connection_id: str,
        status: str,
        *,
        created_at: float | None = None,
        updated_at: float | None = None,
        attempts: int = 1,
        records_synced: int = 0,
        bytes_synced: int = 0,
        config_type: str = "sync",
        failure_message: str = "Sync failed: the source refused the credentials.",
    ) -> int:
        """Plant a job in a connection's history (statuses: pending|running|incomplete|failed|succeeded|cancelled)."""
        with self._state:
            created = int(created_at if created_at is not None else self.now())
            updated = int(updated_at if updated_at is not None else created + 60)
            job = Job(
                max(self.jobs, default=0) + 1, connection_id, config_type, status, created, updated
            )
            job.records, job.bytes = records_synced, bytes_synced
            for number in range(attempts if status != "pending" else 0):
                last = number == attempts - 1
                state = (
                    {"succeeded": "succeeded", "running": "running"}.get(status, "failed")
                    if last
                    else "failed"
                )
                job.attempts.append(
                    self._attempt(
                        number,
                        state,
                        created,
                        updated,
                        records_synced if last else 0,
                        bytes_synced if last else 0,
                        failure_message,
                    )
                )
            self.jobs[job.job_id] = job
            return job.job_id

    def complete_job(
        self, job_id: int, status: str = "succeeded", records_synced: int = 0, bytes_synced: int = 0
    ) -> None:
        with self._state:
            job = self.jobs[job_id]
            job.status, job.updated_at = status, int(self.now())
            job.records, job.bytes = records_synced, bytes_synced
            if job.attempts:
                attempt = job.attempts[-1]
                attempt.update(
                    self._attempt(
                        attempt["id"],
                        "succeeded" if status == "succeeded" else "failed",
                        job.created_at,
                        job.updated_at,
                        records_synced,
                        bytes_synced,
                        "Sync failed.",
                    )
                )

    # ---------------------------------------------------------------------------------------
    # HTTP
    # ---------------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        response = self._route(request)
        if 200 <= response.status < 300:
            with self._lock:
                lost = next((r for p in self.lost_responses if (r := p.check(request))), None)
            if lost is not None:
                return lost
        return response

    def _route(self, request: Request) -> Response:
        path = request.path.rstrip("/")
        if request.method == "GET" and path == "/api/v1/health":
            return Response.json({"available": True})
        if not path.startswith("/api/v1/") or request.method != "POST":
            return micronaut_error(404, request.path, "Not Found", "Page Not Found")
        endpoint = path[len("/api/v1/") :]
        handler = getattr(self, "_h_" + endpoint.replace("/", "__"), None)
        if handler is None:
            return micronaut_error(404, request.path, "Not Found", "Page Not Found")
        if endpoint != "applications/token" and self.auth == "bearer":
            refused = self._authenticate(request)
            if refused is not None:
                return refused
        try:
            body = request.json()
        except ValueError as exc:
            return Response.json(
                known(422, f"Invalid json input. {exc}", "InvalidJsonInputException").body,
                status=422,
            )
        if not isinstance(body, dict):
            body = {}
        try:
            with self._state:
                result = handler(body)
        except ApiFailure as failure:
            return Response(
                failure.status,
                json.dumps(failure.body).encode(),
                {"Content-Type": failure.content_type},
            )
        if isinstance(result, Response):
            return result
        if result is None:
            return Response(204, b"", {})
        return Response.json(result)

    def _authenticate(self, request: Request) -> Response | None:
        header = request.header("authorization") or ""
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return micronaut_error(401, request.path, "Unauthorized", "Unauthorized")
        if token in self.static_tokens:
            return None
        with self._state:
            expires = self.tokens.get(token)
            if expires is None or expires <= self.now():
                return micronaut_error(401, request.path, "Unauthorized", "Unauthorized")
        return None

    def _issue_token(self) -> str:
        issued = int(self.now())
        self.tokens_issued += 1

        def part(data: JsonDict) -> str:
            return (
                base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode())
                .rstrip(b"=")
                .decode()
            )

        head = part({"alg": "HS256", "typ": "JWT"})
        claims = part(
            {
                "sub": DEFAULT_ORGANIZATION_ID,
                "roles": ["ADMIN"],
                "iat": issued,
                "exp": issued + self.token_lifetime_s,
                "jti": self.tokens_issued,
            }
        )
        signature = hmac.new(
            self._signing_key, f"{head}.{claims}".encode(), hashlib.sha256
        ).digest()
        token = f"{head}.{claims}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"
        self.tokens[token] = issued + self.token_lifetime_s
        return token

    def _h_applications__token(self, body: JsonDict) -> Any:
        if (
            body.get("client_id") != self.client_id
            or body.get("client_secret") != self.client_secret
        ):
            return micronaut_error(
                400, "/api/v1/applications/token", "Bad Request", "Invalid client id or token"
            )
        return {"access_token": self._issue_token()}

    # ---------------------------------------------------------------------------------------
    # helpers
    # ---------------------------------------------------------------------------------------
    @staticmethod
    def _require(body: Mapping[str, Any], model: str, *names: str) -> None:
        for name in names:
            if body.get(name) is None:
                raise invalid_input(f"{model}.{name}", "must not be null")

    @staticmethod
    def _enum(body: Mapping[str, Any], name: str) -> None:
        value = body.get(name)
        if value is not None and value not in _ENUMS[name]:
            raise known(
                422,
                f"Invalid json input. Cannot construct instance of enum from String value '{value}' for {name}: not one of the values accepted {list(_ENUMS[name])}",
                "InvalidJsonInputException",
            )

    def _workspace(self, workspace_id: Any) -> JsonDict:
        workspace = self.workspaces.get(str(workspace_id))
        if workspace is None:
            raise not_found("STANDARD_WORKSPACE", workspace_id)
        return workspace

    def _definition(
        self, definition_id: Any, kind: str, workspace_id: str | None = None
    ) -> Definition:
        definition = self.definitions.get(str(definition_id))
        if (
            definition is None
            or definition.kind != kind
            or (
                definition.workspace_id and workspace_id and definition.workspace_id != workspace_id
            )
        ):
            raise not_found(
                "STANDARD_SOURCE_DEFINITION"
                if kind == "source"
                else "STANDARD_DESTINATION_DEFINITION",
                definition_id,
            )
        return definition

    def _actor(self, actor_id: Any, kind: str) -> Actor:
        actor = self.actors.get(str(actor_id))
        if actor is None or actor.kind != kind:
            raise not_found(
                "SOURCE_CONNECTION" if kind == "source" else "DESTINATION_CONNECTION", actor_id
            )
        return actor

    def _connection(self, connection_id: Any) -> JsonDict:
        connection = self.connections.get(str(connection_id))
        if connection is None:
            raise not_found("STANDARD_SYNC", connection_id)
        return connection

    def _sync_job(
        self, kind: str, config_id: str, succeeded: bool = True, failure: str | None = None
    ) -> JsonDict:
        now = int(self.now())
        job: JsonDict = {
            "id": self._uuid(),
            "configType": kind,
            "configId": config_id,
            "createdAt": now,
            "endedAt": now,
            "succeeded": succeeded,
            "connectorConfigurationUpdated": False,
            "logType": "formatted",
            "logs": {"logLines": []},
        }
        if failure:
            job["failureReason"] = {
                "failureOrigin": "source",
                "failureType": "config_error",
                "externalMessage": failure,
                "internalMessage": failure,
                "retryable": False,
                "timestamp": now * 1000,
            }
        return job

    # ---------------------------------------------------------------------------------------
    # workspaces
    # ---------------------------------------------------------------------------------------
    def _h_workspaces__get(self, body: JsonDict) -> Any:
        self._require(body, "workspaceIdRequestBody", "workspaceId")
        return self._workspace(body["workspaceId"])

    def _h_workspaces__create(self, body: JsonDict) -> Any:
        self._require(body, "workspaceCreate", "name", "organizationId")
        if body["organizationId"] != DEFAULT_ORGANIZATION_ID:
            raise not_found("ORGANIZATION", body["organizationId"])
        ident = self.add_workspace(str(body["name"]))
        self._write("workspaces/create")
        return self.workspaces[ident]

    def _paged_workspaces(self, workspaces: list[JsonDict], body: JsonDict) -> JsonDict:
        needle = str(body.get("nameContains") or "").lower()
        matching = sorted(
            (w for w in workspaces if needle in w["name"].lower()),
            key=lambda w: (w["name"].lower(), w["workspaceId"]),
        )
        pagination = body.get("pagination") or {}
        offset = int(pagination.get("rowOffset") or 0)
        size = int(pagination.get("pageSize") or len(matching) or 1)
        return {"workspaces": matching[offset : offset + size]}

    def _h_workspaces__list_by_organization_id(self, body: JsonDict) -> Any:
        self._require(body, "listWorkspacesInOrganizationRequestBody", "organizationId")
        if body["organizationId"] != DEFAULT_ORGANIZATION_ID:
            raise not_found("ORGANIZATION", body["organizationId"])
        return self._paged_workspaces(list(self.workspaces.values()), body)

    def _h_workspaces__list_paginated(self, body: JsonDict) -> Any:
        self._require(body, "listResourcesForWorkspacesRequestBody", "workspaceIds", "pagination")
        wanted = set(body["workspaceIds"])
        return self._paged_workspaces(
            [w for w in self.workspaces.values() if w["workspaceId"] in wanted], body
        )

    # ---------------------------------------------------------------------------------------
    # definitions and specs
    # ---------------------------------------------------------------------------------------
    def _definition_read(self, definition: Definition) -> JsonDict:
        key = "sourceDefinitionId" if definition.kind == "source" else "destinationDefinitionId"
        read: JsonDict = {
            key: definition.definition_id,
            "name": definition.name,
            "dockerRepository": definition.docker_repository,
            "dockerImageTag": definition.docker_image_tag,
            "documentationUrl": definition.documentation_url,
            "protocolVersion": "0.2.0",
            "custom": definition.custom,
            "enterprise": False,
            "supportLevel": "none" if definition.custom else "certified",
            "releaseStage": "custom" if definition.custom else "generally_available",
        }
        if definition.kind == "source":
            read["sourceType"] = "custom" if definition.custom else definition.source_type
        return read

    def _visible(self, kind: str, workspace_id: str | None) -> list[Definition]:
        return [
            d
            for d in self.definitions.values()
            if d.kind == kind and (d.workspace_id is None or d.workspace_id == workspace_id)
        ]

    def _h_source_definitions__list(self, body: JsonDict) -> Any:
        return {
            "sourceDefinitions": [self._definition_read(d) for d in self._visible("source", None)]
        }

    def _h_source_definitions__list_for_workspace(self, body: JsonDict) -> Any:
        self._require(body, "workspaceIdActorDefinitionRequestBody", "workspaceId")
        self._workspace(body["workspaceId"])
        return {
            "sourceDefinitions": [
                self._definition_read(d) for d in self._visible("source", body["workspaceId"])
            ]
        }

    def _h_source_definitions__get(self, body: JsonDict) -> Any:
        self._require(body, "sourceDefinitionIdRequestBody", "sourceDefinitionId")
        return self._definition_read(self._definition(body["sourceDefinitionId"], "source"))

    def _h_source_definitions__get_for_workspace(self, body: JsonDict) -> Any:
        self._require(
            body, "sourceDefinitionIdWithWorkspaceId", "sourceDefinitionId", "workspaceId"
        )
        self._workspace(body["workspaceId"])
        return self._definition_read(
            self._definition(body["sourceDefinitionId"], "source", body["workspaceId"])
        )

    def _spec_read(self, definition: Definition, workspace_id: str) -> JsonDict:
        key = "sourceDefinitionId" if definition.kind == "source" else "destinationDefinitionId"
        return {
            key: definition.definition_id,
            "documentationUrl": definition.documentation_url,
            "connectionSpecification": definition.spec,
            "jobInfo": self._sync_job("get_spec", definition.definition_id),
        }

    def _h_source_definition_specifications__get(self, body: JsonDict) -> Any:
        self._require(
            body, "sourceDefinitionIdWithWorkspaceId", "sourceDefinitionId", "workspaceId"
        )
        self._workspace(body["workspaceId"])
        return self._spec_read(
            self._definition(body["sourceDefinitionId"], "source", body["workspaceId"]),
            body["workspaceId"],
        )

    def _h_destination_definitions__list_for_workspace(self, body: JsonDict) -> Any:
        self._require(body, "workspaceIdActorDefinitionRequestBody", "workspaceId")
        self._workspace(body["workspaceId"])
        return {
            "destinationDefinitions": [
                self._definition_read(d) for d in self._visible("destination", body["workspaceId"])
            ]
        }

    def _h_destination_definitions__get(self, body: JsonDict) -> Any:
        self._require(body, "destinationDefinitionIdRequestBody", "destinationDefinitionId")
        return self._definition_read(
            self._definition(body["destinationDefinitionId"], "destination")
        )

    def _h_destination_definition_specifications__get(self, body: JsonDict) -> Any:
        self._require(
            body, "destinationDefinitionIdWithWorkspaceId", "destinationDefinitionId", "workspaceId"
        )
        self._workspace(body["workspaceId"])
        read = self._spec_read(
            self._definition(body["destinationDefinitionId"], "destination"), body["workspaceId"]
        )
        read["supportedDestinationSyncModes"] = list(_DESTINATION_SYNC_MODES[:3])
        return read

    # ---------------------------------------------------------------------------------------
    # sources and destinations
    # ---------------------------------------------------------------------------------------
    def _actor_read(self, actor: Actor) -> JsonDict:
        definition = self.definitions[actor.definition_id]
        linked = [
            c
            for c in self.connections.values()
            if c[f"{actor.kind}Id"] == actor.actor_id and c["status"] != "deprecated"
        ]
        syncs = [
            j.updated_at
            for j in self.jobs.values()
            if j.config_type == "sync" and any(j.connection_id == c["connectionId"] for c in linked)
        ]
        read: JsonDict = {
            f"{actor.kind}DefinitionId": actor.definition_id,
            f"{actor.kind}Id": actor.actor_id,
            "workspaceId": actor.workspace_id,
            "connectionConfiguration": mask_secrets(actor.config, definition.spec),
            "name": actor.name,
            f"{actor.kind}Name": definition.name,
            "isVersionOverrideApplied": False,
            "supportState": "supported",
            "status": "active" if any(c["status"] == "active" for c in linked) else "inactive",
            "createdAt": actor.created_at,
            "numConnections": len(linked),
        }
        if syncs:
            read["lastSync"] = max(syncs)
        return read

    def _validate_config(self, definition: Definition, config: Any) -> None:
        if not isinstance(config, Mapping):
            raise known(
                422,
                "The provided configuration does not fulfill the specification. Errors: $: object expected",
                "BadObjectSchemaKnownException",
            )
        errors = _spec_errors(config, definition.spec)
        if errors:
            text = (
                "json schema validation failed when comparing the data to the json schema. \nErrors: "
                + ", ".join(errors)
            )
            raise known(
                422,
                f"The provided configuration does not fulfill the specification. Errors: {text}",
                "BadObjectSchemaKnownException",
            )

    def _create_actor(self, body: JsonDict, kind: str) -> JsonDict:
        model = "sourceCreate" if kind == "source" else "destinationCreate"
        self._require(
            body, model, "workspaceId", "name", f"{kind}DefinitionId", "connectionConfiguration"
        )
        self._workspace(body["workspaceId"])
        definition = self._definition(body[f"{kind}DefinitionId"], kind, body["workspaceId"])
        config = copy.deepcopy(body["connectionConfiguration"])
        self._validate_config(definition, config)
        actor = Actor(
            self._uuid(),
            body["workspaceId"],
            definition.definition_id,
            str(body["name"]),
            config,
            int(self.now()),
            kind,
        )
        self.actors[actor.actor_id] = actor
        self._write(f"{kind}s/create")
        return self._actor_read(actor)

    def _update_actor(self, body: JsonDict, kind: str) -> JsonDict:
        model = "sourceUpdate" if kind == "source" else "destinationUpdate"
        self._require(body, model, f"{kind}Id", "name", "connectionConfiguration")
        actor = self._actor(body[f"{kind}Id"], kind)
        config = restore_secrets(copy.deepcopy(body["connectionConfiguration"]), actor.config)
        self._validate_config(self.definitions[actor.definition_id], config)
        actor.config, actor.name = config, str(body["name"])
        self._write(f"{kind}s/update")
        return self._actor_read(actor)

    def _list_actors(self, body: JsonDict, kind: str) -> JsonDict:
        self._require(body, "actorListCursorPaginatedRequestBody", "workspaceId")
        self._workspace(body["workspaceId"])
        size = body.get("pageSize") or DEFAULT_PAGE_SIZE
        if not isinstance(size, int) or size < 1:
            raise invalid_input(
                "actorListCursorPaginatedRequestBody.pageSize",
                "must be greater than or equal to 1",
                size,
            )
        filters = body.get("filters") or {}
        states, needle = filters.get("states"), str(filters.get("searchTerm") or "").lower()
        reads = [
            self._actor_read(a)
            for a in self.actors.values()
            if a.kind == kind and a.workspace_id == body["workspaceId"]
        ]
        reads = [
            r
            for r in reads
            if (not states or r["status"] in states)
            and (needle in r["name"].lower() or needle in r[f"{kind}Name"].lower())
        ]
        sort_key = body.get("sortKey") or "actorName_asc"
        field_name, _, direction = str(sort_key).rpartition("_")
        column = {
            "actorName": "name",
            "actorDefinitionName": f"{kind}Name",
            "lastSync": "lastSync",
        }.get(field_name)
        if column is None or direction not in ("asc", "desc"):
            raise known(
                422,
                f"Invalid json input. Unknown sortKey '{sort_key}'",
                "InvalidJsonInputException",
            )
        reads.sort(
            key=lambda r: (
                str(r.get(column, "")).lower() if column != "lastSync" else r.get("lastSync", 0),
                r[f"{kind}Id"],
            ),
            reverse=direction == "desc",
        )
        cursor = body.get("cursor")
        if cursor:
            ids = [r[f"{kind}Id"] for r in reads]
            reads = reads[ids.index(cursor) + 1 :] if cursor in ids else []
        return {f"{kind}s": reads[:size], "page_size": size}

    def _h_sources__create(self, body: JsonDict) -> Any:
        return self._create_actor(body, "source")

    def _h_sources__update(self, body: JsonDict) -> Any:
        return self._update_actor(body, "source")

    def _h_sources__get(self, body: JsonDict) -> Any:
        self._require(body, "sourceIdRequestBody", "sourceId")
        return self._actor_read(self._actor(body["sourceId"], "source"))

    def _h_sources__list(self, body: JsonDict) -> Any:
        return self._list_actors(body, "source")

    def _h_sources__delete(self, body: JsonDict) -> Any:
        self._require(body, "sourceIdRequestBody", "sourceId")
        actor = self._actor(body["sourceId"], "source")
        for connection in self.connections.values():
            if connection["sourceId"] == actor.actor_id:
                connection["status"] = "deprecated"
        del self.actors[actor.actor_id]
        self._write("sources/delete")
        return None

    def _h_sources__check_connection(self, body: JsonDict) -> Any:
        self._require(body, "sourceIdRequestBody", "sourceId")
        actor = self._actor(body["sourceId"], "source")
        return self._check_result(actor, "check_connection_source")

    def _discover(self, actor: Actor) -> list[StreamDef]:
        message = self.discover_failures.get(actor.actor_id) or self.discover_failures.get(
            actor.definition_id
        )
        if message is None and any(
            DISCOVER_FAIL_MARKER in s for s in _config_strings(actor.config)
        ):
            message = "Discover failed: the API refused to list the account's reports (HTTP 403)."
        if message:
            raise DiscoverError(message)
        definition = self.definitions[actor.definition_id]
        if definition.catalog is None:
            raise DiscoverError(f"{definition.name} cannot discover a catalog")
        return definition.catalog(actor.config)

    def _h_sources__discover_schema(self, body: JsonDict) -> Any:
        self._require(body, "sourceDiscoverSchemaRequestBody", "sourceId")
        actor = self._actor(body["sourceId"], "source")
        try:
            streams = self._discover(actor)
        except DiscoverError as exc:
            return {
                "jobInfo": self._sync_job(
                    "discover_schema", actor.actor_id, succeeded=False, failure=str(exc)
                )
            }
        catalog = {
            "streams": [
                {"stream": s.to_api(), "config": _default_config(s, len(streams))} for s in streams
            ]
        }
        digest = hashlib.sha256(
            json.dumps([actor.actor_id, catalog], sort_keys=True).encode()
        ).hexdigest()
        catalog_id = str(uuid.UUID(digest[:32], version=4))
        self.catalogs[catalog_id] = catalog
        return {
            "catalog": catalog,
            "jobInfo": self._sync_job("discover_schema", actor.actor_id),
            "catalogId": catalog_id,
            "breakingChange": False,
        }

    def _h_destinations__create(self, body: JsonDict) -> Any:
        return self._create_actor(body, "destination")

    def _h_destinations__update(self, body: JsonDict) -> Any:
        return self._update_actor(body, "destination")

    def _h_destinations__get(self, body: JsonDict) -> Any:
        self._require(body, "destinationIdRequestBody", "destinationId")
        return self._actor_read(self._actor(body["destinationId"], "destination"))

    def _h_destinations__list(self, body: JsonDict) -> Any:
        return self._list_actors(body, "destination")

    # ---------------------------------------------------------------------------------------
    # connections
    # ---------------------------------------------------------------------------------------
    def _apply_schedule(self, connection: JsonDict, body: JsonDict) -> None:
        has_legacy, schedule_type = body.get("schedule") is not None, body.get("scheduleType")
        if has_legacy and schedule_type is not None:
            raise known(
                422,
                "Invalid json input. supply old or new schedule schema but not both",
                "BadObjectSchemaKnownException",
            )
        if has_legacy:
            legacy = body["schedule"]
            schedule_type, body = (
                "basic",
                {
                    "scheduleData": {
                        "basicSchedule": {
                            "timeUnit": legacy.get("timeUnit"),
                            "units": legacy.get("units"),
                        }
                    }
                },
            )
        if schedule_type is None:
            return
        self._enum({"scheduleType": schedule_type}, "scheduleType")
        data = body.get("scheduleData")
        if schedule_type != "manual" and data is None:
            raise known(
                422,
                "The provided configuration does not fulfill the specification. Errors: schedule data must be populated if schedule type is populated",
                "BadObjectSchemaKnownException",
            )
        connection.pop("schedule", None)
        connection.pop("scheduleData", None)
        connection["scheduleType"] = schedule_type
        if schedule_type == "basic":
            basic = data.get("basicSchedule") if isinstance(data, Mapping) else None
            if not isinstance(basic, Mapping):
                raise known(
                    422,
                    "The provided configuration does not fulfill the specification. Errors: if schedule type is basic, then scheduleData.basic must be populated",
                    "BadObjectSchemaKnownException",
                )
            if basic.get("timeUnit") not in _TIME_UNITS or not isinstance(basic.get("units"), int):
                raise invalid_input(
                    "connectionScheduleDataBasicSchedule",
                    "timeUnit must be one of minutes|hours|days|weeks|months and units an integer",
                )
            connection["scheduleData"] = {
                "basicSchedule": {"timeUnit": basic["timeUnit"], "units": basic["units"]}
            }
            connection["schedule"] = {
                "timeUnit": _LEGACY_TIME_UNITS[basic["timeUnit"]],
                "units": basic["units"],
            }
        elif schedule_type == "cron":
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
                data_ = {
                    k: v
                    for k, v in {
                        "connectionId": connection_id,
                        "cronExpression": expression,
                        "cronTimezone": zone,
                    }.items()
                    if v is not None
                }
                raise problem(
                    "cron-validation/missing-component",
                    "Cron is missing a component",
                    "The cron must specify a cron expression and a timezone.",
                    data_,
                )
            _validate_cron(str(expression), str(zone), connection_id)
            connection["scheduleData"] = {
                "cron": {"cronExpression": expression, "cronTimeZone": zone}
            }

    def _apply_catalog(self, connection: JsonDict, catalog: Any) -> None:
        if not isinstance(catalog, Mapping) or not isinstance(catalog.get("streams"), list):
            raise invalid_input("airbyteCatalog.streams", "must not be null")
        kept: list[JsonDict] = []
        names: set[tuple[str, str | None]] = set()
        for index, item in enumerate(catalog["streams"]):
            stream, config = (item or {}).get("stream"), (item or {}).get("config")
            if (
                not isinstance(stream, Mapping)
                or not stream.get("name")
                or not isinstance(config, Mapping)
            ):
                raise invalid_input(
                    f"airbyteCatalog.streams[{index}]", "stream.name and config must be set"
                )
            if (
                config.get("syncMode") not in _SYNC_MODES
                or config.get("destinationSyncMode") not in _DESTINATION_SYNC_MODES
            ):
                raise known(
                    422,
                    f"Invalid json input. streams[{index}] ({stream['name']}): syncMode must be one of {list(_SYNC_MODES)} and destinationSyncMode one of {list(_DESTINATION_SYNC_MODES)}",
                    "InvalidJsonInputException",
                )
            if config.get("selected") is None:
                # the server unboxes a null Boolean here and answers a 500
                raise known(
                    500,
                    f"Internal Server Error: Cannot invoke \"java.lang.Boolean.booleanValue()\" because the return value of \"AirbyteStreamConfiguration.getSelected()\" is null (stream {stream['name']})",
                    "InternalServerKnownException",
                )
            key = (str(stream["name"]), stream.get("namespace"))
            if key in names:
                raise known(
                    422,
                    f"Duplicate stream names found in the catalog: {stream['name']}",
                    "BadObjectSchemaKnownException",
                )
            names.add(key)
            if config["selected"]:
                kept.append(copy.deepcopy(dict(item)))
        connection["syncCatalog"] = {"streams": kept}

    def _apply_fields(self, connection: JsonDict, body: JsonDict) -> None:
        for name in _ENUMS:
            if name != "scheduleType":
                self._enum(body, name)
        for operation_id in body.get("operationIds") or []:
            if operation_id not in self.operations:
                raise not_found("STANDARD_SYNC_OPERATION", operation_id)
        for name in _CONNECTION_FIELDS:
            if body.get(name) is not None:
                connection[name] = copy.deepcopy(body[name])
        if body.get("tags") is not None:
            connection["tags"] = self._connection_tags(connection, body["tags"])
        if body.get("syncCatalog") is not None:
            self._apply_catalog(connection, body["syncCatalog"])
        self._apply_schedule(connection, body)

    def _h_connections__create(self, body: JsonDict) -> Any:
        self._require(body, "connectionCreate", "sourceId", "destinationId", "status")
        source, destination = (
            self._actor(body["sourceId"], "source"),
            self._actor(body["destinationId"], "destination"),
        )
        if source.workspace_id != destination.workspace_id:
            raise known(
                422,
                "The source and the destination belong to different workspaces",
                "BadObjectSchemaKnownException",
            )
        connection: JsonDict = {
            "connectionId": self._uuid(),
            "name": f"{source.name} <> {destination.name}",
            "namespaceDefinition": "source",
            "prefix": "",
            "sourceId": source.actor_id,
            "destinationId": destination.actor_id,
            "operationIds": [],
            "syncCatalog": {"streams": []},
            "scheduleType": "manual",
            "status": "active",
            "breakingChange": False,
            "notifySchemaChanges": False,
            "notifySchemaChangesByEmail": False,
            "nonBreakingChangesPreference": "ignore",
            "backfillPreference": "disabled",
            "created_at": int(self.now()),
            "workspaceId": source.workspace_id,
            "dataplaneGroupId": DATAPLANE_GROUP_ID,
            "tags": [],
        }
        self._apply_fields(connection, body)
        self.connections[connection["connectionId"]] = connection
        self._write("connections/create")
        return copy.deepcopy(connection)

    def _h_connections__update(self, body: JsonDict) -> Any:
        self._require(body, "connectionUpdate", "connectionId")
        current = self._connection(body["connectionId"])
        if current["status"] == "deprecated" and body.get("status") not in (None, "deprecated"):
            raise known(
                422,
                "Deprecated connections cannot be re-activated",
                "BadObjectSchemaKnownException",
            )
        updated = copy.deepcopy(current)
        self._apply_fields(updated, body)
        self.connections[updated["connectionId"]] = updated
        self._write("connections/update")
        return copy.deepcopy(updated)

    def _connection_tags(self, connection: JsonDict, tags: Any) -> list[JsonDict]:
        """Tags by id: a known tag must belong to the connection's workspace and reads back as
        stored; an unknown id is kept as sent (the sandbox does not model the tag foreign key)."""
        if not isinstance(tags, list):
            raise invalid_input("connectionCreate.tags", "must be an array of Tag")
        resolved: list[JsonDict] = []
        for index, tag in enumerate(tags):
            if not isinstance(tag, Mapping) or not tag.get("tagId"):
                raise invalid_input(f"connectionCreate.tags[{index}].tagId", "must not be null")
            stored = self.tags.get(str(tag["tagId"]))
            if stored is None:
                resolved.append(copy.deepcopy(dict(tag)))
                continue
            workspace = connection.get("workspaceId")
            if workspace and stored["workspaceId"] != workspace:
                raise known(
                    422,
                    f"Tag {stored['tagId']} belongs to workspace {stored['workspaceId']}, "
                    f"not to the connection's workspace {workspace}",
                    "BadObjectSchemaKnownException",
                )
            resolved.append(dict(stored))
        return resolved

    def _h_connections__get(self, body: JsonDict) -> Any:
        self._require(body, "connectionIdRequestBody", "connectionId")
        return copy.deepcopy(self._connection(body["connectionId"]))

    def _h_connections__list(self, body: JsonDict) -> Any:
        self._require(body, "workspaceIdRequestBody", "workspaceId")
        self._workspace(body["workspaceId"])
        found = [
            c
            for c in self.connections.values()
            if c["workspaceId"] == body["workspaceId"] and c["status"] != "deprecated"
        ]
        return {
            "connections": copy.deepcopy(
                sorted(found, key=lambda c: (c["name"], c["connectionId"]))
            )
        }

    def _h_connections__delete(self, body: JsonDict) -> Any:
        self._require(body, "connectionIdRequestBody", "connectionId")
        self._connection(body["connectionId"])["status"] = "deprecated"
        self._write("connections/delete")
        return None

    def _h_connections__sync(self, body: JsonDict) -> Any:
        self._require(body, "connectionIdRequestBody", "connectionId")
        connection = self._connection(body["connectionId"])
        if connection["status"] == "deprecated":
            raise known(
                422,
                f"Connection {connection['connectionId']} is deprecated and cannot sync",
                "BadObjectSchemaKnownException",
            )
        if any(
            j.connection_id == connection["connectionId"]
            and j.status in ("pending", "running", "incomplete")
            for j in self.jobs.values()
        ):
            raise known(
                409,
                f"A sync is already running for: {connection['connectionId']}",
                "ValueConflictKnownException",
            )
        job_id = self.add_job(
            connection["connectionId"], "running", created_at=self.now(), updated_at=self.now()
        )
        self.jobs[job_id].streams = [
            s["stream"]["name"] for s in connection["syncCatalog"]["streams"]
        ]
        if self.sync_outcome != "running":
            self.complete_job(job_id, self.sync_outcome)
        self._write("connections/sync")
        return self._job_info(self.jobs[job_id])

    # ---------------------------------------------------------------------------------------
    # tags (per workspace; a name is unique within its workspace)
    # ---------------------------------------------------------------------------------------
    def _tag(self, body: JsonDict) -> JsonDict:
        tag = self.tags.get(str(body.get("tagId")))
        if tag is None or tag["workspaceId"] != body.get("workspaceId"):
            raise not_found("TAG", body.get("tagId"))
        return tag

    def _unique_tag_name(self, workspace_id: str, name: str, tag_id: str | None = None) -> None:
        for tag in self.tags.values():
            if (
                tag["workspaceId"] == workspace_id
                and tag["name"] == name
                and tag["tagId"] != tag_id
            ):
                raise known(
                    409,
                    f"A tag named {name!r} already exists in workspace {workspace_id}",
                    "ConflictException",
                )

    def _h_tags__create(self, body: JsonDict) -> Any:
        self._require(body, "tagCreateRequestBody", "workspaceId", "name", "color")
        self._workspace(body["workspaceId"])
        self._unique_tag_name(body["workspaceId"], str(body["name"]))
        tag = {
            "tagId": self._uuid(),
            "workspaceId": body["workspaceId"],
            "name": str(body["name"]),
            "color": str(body["color"]),
        }
        self.tags[tag["tagId"]] = tag
        self._write("tags/create")
        return dict(tag)

    def _h_tags__list(self, body: JsonDict) -> Any:
        self._require(body, "tagListRequestBody", "workspaceId")
        self._workspace(body["workspaceId"])
        found = [dict(t) for t in self.tags.values() if t["workspaceId"] == body["workspaceId"]]
        return Response.json(sorted(found, key=lambda t: (t["name"], t["tagId"])))

    def _h_tags__update(self, body: JsonDict) -> Any:
        self._require(body, "tagUpdateRequestBody", "tagId", "workspaceId", "name", "color")
        tag = self._tag(body)
        self._unique_tag_name(tag["workspaceId"], str(body["name"]), tag["tagId"])
        tag.update(name=str(body["name"]), color=str(body["color"]))
        for connection in self.connections.values():
            connection["tags"] = [
                dict(tag) if t.get("tagId") == tag["tagId"] else t for t in connection["tags"]
            ]
        self._write("tags/update")
        return dict(tag)

    def _h_tags__delete(self, body: JsonDict) -> Any:
        self._require(body, "tagDeleteRequestBody", "tagId", "workspaceId")
        tag = self._tag(body)
        del self.tags[tag["tagId"]]
        for connection in self.connections.values():
            connection["tags"] = [t for t in connection["tags"] if t.get("tagId") != tag["tagId"]]
        self._write("tags/delete")
        return dict(tag)

    # ---------------------------------------------------------------------------------------
    # scheduler: check / discover a configuration before it is saved
    # ---------------------------------------------------------------------------------------
    def _unsaved_source(self, body: JsonDict) -> Actor:
        self._require(
            body, "sourceCoreConfig", "sourceDefinitionId", "connectionConfiguration", "workspaceId"
        )
        self._workspace(body["workspaceId"])
        definition = self._definition(body["sourceDefinitionId"], "source", body["workspaceId"])
        config = copy.deepcopy(body["connectionConfiguration"])
        ident = "00000000-0000-0000-0000-000000000000"
        if body.get("sourceId"):
            stored = self._actor(body["sourceId"], "source")
            config, ident = restore_secrets(config, stored.config), stored.actor_id
        self._validate_config(definition, config)
        return Actor(ident, body["workspaceId"], definition.definition_id, "", config, 0, "source")

    def _check_result(self, actor: Actor, config_type: str) -> JsonDict:
        message = self.check_failures.get(actor.actor_id) or self.check_failures.get(
            actor.definition_id
        )
        if message is None and any(CHECK_FAIL_MARKER in s for s in _config_strings(actor.config)):
            message = "Unable to connect: the API answered 401 Unauthorized (invalid or expired credentials)."
        result: JsonDict = {
            "status": "failed" if message else "succeeded",
            "jobInfo": self._sync_job(config_type, actor.actor_id),
        }
        if message:
            result["message"] = message
        return result

    def _h_scheduler__sources__check_connection(self, body: JsonDict) -> Any:
        return self._check_result(self._unsaved_source(body), "check_connection_source")

    def _h_scheduler__sources__discover_schema(self, body: JsonDict) -> Any:
        actor = self._unsaved_source(body)
        try:
            streams = self._discover(actor)
        except DiscoverError as exc:
            return {
                "jobInfo": self._sync_job(
                    "discover_schema", actor.actor_id, succeeded=False, failure=str(exc)
                )
            }
        catalog = {
            "streams": [
                {"stream": s.to_api(), "config": _default_config(s, len(streams))} for s in streams
            ]
        }
        return {
            "catalog": catalog,
            "jobInfo": self._sync_job("discover_schema", actor.actor_id),
            "breakingChange": False,
        }

    # ---------------------------------------------------------------------------------------
    # jobs
    # ---------------------------------------------------------------------------------------
    @staticmethod
    def _attempt(
        number: int, status: str, created: int, updated: int, records: int, size: int, failure: str
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

    def _job_read(self, job: Job) -> JsonDict:
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

    def _job_info(self, job: Job) -> JsonDict:
        attempts = [
            {"attempt": copy.deepcopy(a), "logType": "formatted", "logs": {"logLines": []}}
            for a in job.attempts
        ]
        return {"job": self._job_read(job), "attempts": attempts}

    def _h_jobs__list(self, body: JsonDict) -> Any:
        self._require(body, "jobListRequestBody", "configTypes")
        jobs = [j for j in self.jobs.values() if j.config_type in body["configTypes"]]
        if body.get("configId"):
            jobs = [j for j in jobs if j.connection_id == body["configId"]]
        if body.get("statuses"):
            jobs = [j for j in jobs if j.status in body["statuses"]]
        order = body.get("orderByField") or "createdAt"
        jobs.sort(
            key=lambda j: (j.updated_at if order == "updatedAt" else j.created_at, j.job_id),
            reverse=(body.get("orderByMethod") or "DESC") == "DESC",
        )
        pagination = body.get("pagination") or {}
        offset, size = (
            int(pagination.get("rowOffset") or 0),
            int(pagination.get("pageSize") or JOBS_DEFAULT_PAGE_SIZE),
        )
        page = [
            {"job": self._job_read(j), "attempts": copy.deepcopy(j.attempts)}
            for j in jobs[offset : offset + size]
        ]
        return {"jobs": page, "totalJobCount": len(jobs)}

    def _h_jobs__get(self, body: JsonDict) -> Any:
        self._require(body, "jobIdRequestBody", "id")
        job = self.jobs.get(body["id"])
        if job is None:
            raise not_found("JOB", body["id"])
        return self._job_info(job)

    def _h_jobs__get_last_replication_job(self, body: JsonDict) -> Any:
        self._require(body, "connectionIdRequestBody", "connectionId")
        self._connection(body["connectionId"])
        jobs = [
            j
            for j in self.jobs.values()
            if j.connection_id == body["connectionId"] and j.config_type == "sync"
        ]
        latest = max(jobs, key=lambda j: (j.created_at, j.job_id), default=None)
        return {"job": self._job_read(latest)} if latest else {}

    # ---------------------------------------------------------------------------------------
    # operations
    # ---------------------------------------------------------------------------------------
    def _check_operator(self, body: JsonDict) -> None:
        operator = body.get("operatorConfiguration")
        if not isinstance(operator, Mapping) or operator.get("operatorType") not in (
            "normalization",
            "dbt",
            "webhook",
        ):
            raise invalid_input(
                "operatorConfiguration.operatorType", "must be one of normalization|dbt|webhook"
            )
        if operator["operatorType"] == "webhook" and not isinstance(
            operator.get("webhook"), Mapping
        ):
            raise known(
                422,
                "Invalid json input. operatorConfiguration.webhook must be set for operatorType webhook",
                "BadObjectSchemaKnownException",
            )

    def _h_operations__create(self, body: JsonDict) -> Any:
        self._require(body, "operationCreate", "workspaceId", "name", "operatorConfiguration")
        self._workspace(body["workspaceId"])
        self._check_operator(body)
        operation = {
            "workspaceId": body["workspaceId"],
            "operationId": self._uuid(),
            "name": body["name"],
            "operatorConfiguration": copy.deepcopy(body["operatorConfiguration"]),
        }
        self.operations[operation["operationId"]] = operation
        self._write("operations/create")
        return copy.deepcopy(operation)

    def _h_operations__update(self, body: JsonDict) -> Any:
        self._require(body, "operationUpdate", "operationId", "name", "operatorConfiguration")
        operation = self._h_operations__get({"operationId": body["operationId"]})
        self._check_operator(body)
        operation.update(
            name=body["name"], operatorConfiguration=copy.deepcopy(body["operatorConfiguration"])
        )
        self.operations[operation["operationId"]] = operation
        self._write("operations/update")
        return copy.deepcopy(operation)

    def _h_operations__get(self, body: JsonDict) -> Any:
        self._require(body, "operationIdRequestBody", "operationId")
        operation = self.operations.get(str(body["operationId"]))
        if operation is None:
            raise not_found("STANDARD_SYNC_OPERATION", body["operationId"])
        return copy.deepcopy(operation)

    def _h_operations__list(self, body: JsonDict) -> Any:
        self._require(body, "connectionIdRequestBody", "connectionId")
        connection = self._connection(body["connectionId"])
        return {
            "operations": [
                copy.deepcopy(self.operations[o])
                for o in connection.get("operationIds") or []
                if o in self.operations
            ]
        }

    # ---------------------------------------------------------------------------------------
    # declarative (Builder) sources
    # ---------------------------------------------------------------------------------------
    def _project_read(self, project: JsonDict) -> JsonDict:
        read = {k: project[k] for k in ("name", "builderProjectId", "hasDraft", "updatedAt")}
        for key in (
            "sourceDefinitionId",
            "activeDeclarativeManifestVersion",
            "componentsFileContent",
        ):
            if project.get(key) is not None:
                read[key] = project[key]
        return read

    def _h_connector_builder_projects__create(self, body: JsonDict) -> Any:
        self._require(
            body, "connectorBuilderProjectWithWorkspaceId", "workspaceId", "builderProject"
        )
        self._workspace(body["workspaceId"])
        details = body["builderProject"]
        self._require(details, "connectorBuilderProjectDetails", "name")
        project = {
            "builderProjectId": self._uuid(),
            "workspaceId": body["workspaceId"],
            "name": details["name"],
            "hasDraft": details.get("draftManifest") is not None
            or details.get("yamlManifest") is not None,
            "updatedAt": int(self.now()),
            "componentsFileContent": details.get("componentsFileContent"),
        }
        self.projects[project["builderProjectId"]] = project
        self._write("connector_builder_projects/create")
        return Response.json(
            {"workspaceId": body["workspaceId"], "builderProjectId": project["builderProjectId"]},
            status=201,
        )

    def _h_connector_builder_projects__list(self, body: JsonDict) -> Any:
        self._require(body, "workspaceIdRequestBody", "workspaceId")
        self._workspace(body["workspaceId"])
        found = [
            self._project_read(p)
            for p in self.projects.values()
            if p["workspaceId"] == body["workspaceId"]
        ]
        return {"projects": sorted(found, key=lambda p: (p["name"], p["builderProjectId"]))}

    @staticmethod
    def _check_manifest(manifest: Any) -> JsonDict:
        if not isinstance(manifest, Mapping):
            raise invalid_input("declarativeSourceManifest", "must not be null")
        for name in ("description", "manifest", "spec", "version"):
            if manifest.get(name) is None:
                raise invalid_input(f"declarativeSourceManifest.{name}", "must not be null")
        spec = manifest["spec"]
        if not isinstance(spec, Mapping) or not isinstance(
            spec.get("connectionSpecification"), Mapping
        ):
            raise known(
                422,
                "The provided manifest spec has no connectionSpecification",
                "BadObjectSchemaKnownException",
            )
        try:
            manifest_streams(manifest["manifest"])
        except DiscoverError as exc:
            raise known(422, f"Invalid manifest: {exc}", "BadObjectSchemaKnownException") from None
        return dict(manifest)

    def _h_connector_builder_projects__publish(self, body: JsonDict) -> Any:
        self._require(
            body,
            "connectorBuilderPublishRequestBody",
            "workspaceId",
            "builderProjectId",
            "name",
            "initialDeclarativeManifest",
        )
        project = self.projects.get(str(body["builderProjectId"]))
        if project is None or project["workspaceId"] != body["workspaceId"]:
            raise not_found("CONNECTOR_BUILDER_PROJECT", body["builderProjectId"])
        if project.get("sourceDefinitionId"):
            raise known(
                409,
                f"Builder project {project['builderProjectId']} is already published",
                "ValueConflictKnownException",
            )
        manifest = self._check_manifest(body["initialDeclarativeManifest"])
        definition = Definition(
            self._uuid(),
            str(body["name"]),
            DECLARATIVE_REPOSITORY,
            str(manifest["manifest"].get("version") or "7.39.1"),
            "https://docs.airbyte.com/platform/connector-development/connector-builder-ui/overview",
            dict(manifest["spec"]["connectionSpecification"]),
            source_type="custom",
            custom=True,
            workspace_id=body["workspaceId"],
        )
        self.definitions[definition.definition_id] = definition
        self._store_manifest(definition, manifest, body.get("componentsFileContent"), active=True)
        project.update(
            sourceDefinitionId=definition.definition_id,
            activeDeclarativeManifestVersion=manifest["version"],
            updatedAt=int(self.now()),
        )
        self._write("connector_builder_projects/publish")
        return {"sourceDefinitionId": definition.definition_id}

    def _store_manifest(
        self, definition: Definition, manifest: JsonDict, components: Any, active: bool
    ) -> None:
        versions = self.manifests.setdefault(definition.definition_id, {})
        versions[int(manifest["version"])] = {
            "manifest": copy.deepcopy(manifest),
            "components": components,
        }
        if active:
            self._activate(definition, int(manifest["version"]))

    def _activate(self, definition: Definition, version: int) -> None:
        stored = self.manifests[definition.definition_id][version]["manifest"]
        content = stored["manifest"]
        definition.extra["activeVersion"] = version
        definition.spec = dict(stored["spec"]["connectionSpecification"])
        definition.catalog = lambda _config: manifest_streams(content)
        for project in self.projects.values():
            if project.get("sourceDefinitionId") == definition.definition_id:
                project["activeDeclarativeManifestVersion"] = version

    def _declarative(self, body: JsonDict) -> Definition:
        self._workspace(body["workspaceId"])
        definition = self._definition(body["sourceDefinitionId"], "source", body["workspaceId"])
        if definition.docker_repository != DECLARATIVE_REPOSITORY:
            raise known(400, "Definition is not declarative source", "BadRequestException")
        return definition

    def _h_declarative_source_definitions__create_manifest(self, body: JsonDict) -> Any:
        self._require(
            body,
            "declarativeSourceDefinitionCreateManifestRequestBody",
            "workspaceId",
            "sourceDefinitionId",
            "setAsActiveManifest",
            "declarativeManifest",
        )
        definition = self._declarative(body)
        manifest = self._check_manifest(body["declarativeManifest"])
        if int(manifest["version"]) in self.manifests.get(definition.definition_id, {}):
            raise known(
                409,
                f"Version {manifest['version']} for source definition {definition.definition_id} already exists",
                "ValueConflictKnownException",
            )
        self._store_manifest(
            definition,
            manifest,
            body.get("componentsFileContent"),
            active=bool(body["setAsActiveManifest"]),
        )
        self._write("declarative_source_definitions/create_manifest")
        return Response(201, b"", {})

    def _h_declarative_source_definitions__update_active_manifest(self, body: JsonDict) -> Any:
        self._require(
            body, "updateActiveManifestRequestBody", "workspaceId", "sourceDefinitionId", "version"
        )
        definition = self._declarative(body)
        if int(body["version"]) not in self.manifests.get(definition.definition_id, {}):
            raise not_found(
                "DECLARATIVE_MANIFEST", f"{definition.definition_id} version {body['version']}"
            )
        self._activate(definition, int(body["version"]))
        self._write("declarative_source_definitions/update_active_manifest")
        return None

    def _h_declarative_source_definitions__list_manifests(self, body: JsonDict) -> Any:
        self._require(
            body, "listDeclarativeManifestsRequestBody", "workspaceId", "sourceDefinitionId"
        )
        definition = self._declarative(body)
        active = definition.extra.get("activeVersion")
        versions = self.manifests.get(definition.definition_id, {})
        return {
            "manifestVersions": [
                {
                    "version": v,
                    "isActive": v == active,
                    "description": str(versions[v]["manifest"]["description"]),
                }
                for v in sorted(versions)
            ]
        }


def _default_config(stream: StreamDef, total: int) -> JsonDict:
    """What Airbyte proposes for a discovered stream (``configureDefaultSyncModesForNewStream``)."""
    selected = total == 1
    config: JsonDict = {
        "aliasName": re.sub(r"[^A-Za-z0-9_]", "_", stream.name),
        "cursorField": list(stream.cursor),
        "primaryKey": [list(k) for k in stream.primary_key],
        "selected": selected,
        "suggested": selected,
    }
    if stream.cursor and stream.primary_key:
        config.update(syncMode="incremental", destinationSyncMode="append_dedup")
    else:
        config.update(syncMode="full_refresh", destinationSyncMode="overwrite")
    return config


def _validate_cron(expression: str, zone: str, connection_id: str | None) -> None:
    """Quartz expression first, then the zone, as ``ConnectionScheduleHelper`` does."""
    from airbyte_provisioning.model.cron import CronError, parse_quartz, validate_timezone

    try:
        parse_quartz(expression)
    except CronError as exc:
        raise problem(
            "cron-validation/invalid-expression",
            "Invalid cron expression",
            "The cron expression is invalid",
            {"cronExpression": expression, "validationErrorMessage": str(exc)},
        ) from None
    data = {"connectionId": connection_id or "", "cronTimezone": zone}
    if zone.lower().startswith("etc"):
        raise problem(
            "cron-validation/invalid-timezone",
            "Invalid cron timezone",
            "The specified cron timezone is invalid",
            data,
        )
    try:
        validate_timezone(zone)
    except CronError:
        raise problem(
            "cron-validation/invalid-timezone",
            "Invalid cron timezone",
            "The specified cron timezone is invalid",
            data,
        ) from None


def create_app(**options: Any) -> AirbyteSandboxApp:
    """The sandbox with its default seed (one workspace, the four official sources, two destinations)."""
    return AirbyteSandboxApp(**options)


def seed_from_env(app: AirbyteSandboxApp, env: Mapping[str, str]) -> None:
    """Create the workspaces and destinations an env file names, so the scripts find them.

    ``AIRBYTE_WORKSPACE_ID`` + ``AIRBYTE_TEMPLATE_DESTINATION_ID`` form the template workspace;
    every tenant in ``AIRBYTE_TENANTS`` gets ``AIRBYTE_<SLUG>_WORKSPACE_ID`` and
    ``AIRBYTE_<SLUG>_DESTINATION_ID``. Empty ids are skipped.
    """
    pairs = [
        (
            env.get("AIRBYTE_WORKSPACE_ID", ""),
            env.get("AIRBYTE_TEMPLATE_DESTINATION_ID", ""),
            "template",
        )
    ]
    for slug in (s.strip() for s in env.get("AIRBYTE_TENANTS", "").split(",") if s.strip()):
        key = slug.upper().replace("-", "_")
        pairs.append(
            (
                env.get(f"AIRBYTE_{key}_WORKSPACE_ID", ""),
                env.get(f"AIRBYTE_{key}_DESTINATION_ID", ""),
                slug,
            )
        )
    for workspace_id, destination_id, label in pairs:
        if workspace_id and workspace_id not in app.workspaces:
            app.add_workspace(label, workspace_id)
        if workspace_id and destination_id and destination_id not in app.actors:
            app.add_destination(workspace_id, f"{label} warehouse", destination_id=destination_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Serve the Airbyte Config API sandbox on 127.0.0.1."
    )
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--auth", choices=("none", "bearer"), default="none")
    parser.add_argument("--client-id", default="sandbox-client-id")
    parser.add_argument("--client-secret", default="sandbox-client-secret")
    parser.add_argument(
        "--token-lifetime", type=int, default=900, help="seconds a bearer token lives"
    )
    parser.add_argument(
        "--workspace",
        action="append",
        default=[],
        metavar="ID[:NAME]",
        help="seed a workspace (repeatable)",
    )
    parser.add_argument(
        "--destination",
        action="append",
        default=[],
        metavar="WORKSPACE_ID:DESTINATION_ID[:NAME]",
        help="seed a Postgres destination (repeatable)",
    )
    parser.add_argument(
        "--env-file",
        help="seed the workspaces and destinations it names; accept its AIRBYTE_CLIENT_ID/SECRET",
    )
    args = parser.parse_args(argv)
    workspaces = [tuple(w.split(":", 1)) if ":" in w else w for w in args.workspace] or [
        (DEFAULT_WORKSPACE_ID, "Default Workspace")
    ]
    env: dict[str, str] = {}
    if args.env_file:
        from airbyte_provisioning.core.envfile import EnvFileError, read_env_file

        try:
            env = read_env_file(args.env_file)
        except EnvFileError as exc:
            parser.error(str(exc))
    app = create_app(
        auth=args.auth,
        client_id=env.get("AIRBYTE_CLIENT_ID") or args.client_id,
        client_secret=env.get("AIRBYTE_CLIENT_SECRET") or args.client_secret,
        token_lifetime_s=args.token_lifetime,
        workspaces=workspaces,
    )
    seed_from_env(app, env)
    for spec in args.destination:
        parts = spec.split(":", 2)
        if len(parts) < 2:
            parser.error(f"--destination {spec!r}: expected WORKSPACE_ID:DESTINATION_ID[:NAME]")
        if parts[0] not in app.workspaces:
            app.add_workspace(f"Workspace {parts[0][:8]}", parts[0])
        app.add_destination(
            parts[0], parts[2] if len(parts) > 2 else "Warehouse", destination_id=parts[1]
        )
    server = SandboxServer(app, port=args.port)
    banner = {
        "event": "sandbox.started",
        "url": server.url,
        "api": f"{server.url}/api/v1",
        "auth": args.auth,
    }
    return serve_until_interrupted(server, json.dumps(banner))


if __name__ == "__main__":
    raise SystemExit(main())

"""The sandbox's state: every resource the Config API holds, the clock, ids, and the write log.

Handlers (one module per resource) read and change a :class:`Store` under :attr:`Store.state_lock`;
the lookups here raise the 404 bodies Airbyte answers for an unknown id.
"""

from __future__ import annotations

import copy
import random
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from airbyte_provisioning.core.types import JsonDict
from sandboxes.airbyte.catalogs import (
    DESTINATION_DEFINITIONS,
    SOURCE_DEFINITIONS,
    ActorKind,
    Definition,
    load_spec_snapshots,
)
from sandboxes.airbyte.errors import not_found

DEFAULT_ORGANIZATION_ID = "00000000-0000-0000-0000-000000000000"
DEFAULT_WORKSPACE_ID = "00000000-0000-4000-8000-00000000a001"
DATAPLANE_GROUP_ID = "00000000-0000-4000-8000-0000000000d9"

AuthMode = Literal["none", "bearer"]
# what connections/sync leaves behind: a finished job, or one still running (the demo's choice)
SyncOutcome = Literal["succeeded", "failed", "cancelled", "running"]
JobStatus = Literal["pending", "running", "incomplete", "failed", "succeeded", "cancelled"]
WorkspaceSeed = str | tuple[str, str]


@dataclass
class Actor:
    actor_id: str
    workspace_id: str
    definition_id: str
    name: str
    config: JsonDict
    created_at: int
    kind: ActorKind


@dataclass
class Job:
    job_id: int
    connection_id: str
    config_type: str
    status: JobStatus
    created_at: int
    updated_at: int
    attempts: list[JsonDict] = field(default_factory=list)
    streams: list[str] = field(default_factory=list)
    records: int = 0
    bytes: int = 0


@dataclass
class Credentials:
    """Who may call: ``auth="bearer"`` demands a token from ``applications/token`` (or a static one)."""

    auth: AuthMode = "none"
    client_id: str = "sandbox-client-id"
    client_secret: str = "sandbox-client-secret"
    token_lifetime_s: int = 900
    static_tokens: Iterable[str] = ()


_DEFAULT_DESTINATION_CONFIG: JsonDict = {
    "host": "localhost",
    "port": 5432,
    "database": "warehouse",
    "schema": "public",
    "username": "airbyte",
    "password": "changeme-sandbox-password",
}


class Store:
    """All state; lookups that raise Airbyte's 404s; the hooks that seed workspaces and destinations."""

    def __init__(
        self,
        *,
        credentials: Credentials,
        workspaces: Iterable[WorkspaceSeed],
        spec_dir: Path | None,
        sync_outcome: SyncOutcome,
        clock: Callable[[], float],
        seed: int,
    ) -> None:
        if credentials.auth not in ("none", "bearer"):
            raise ValueError("auth must be 'none' or 'bearer'")
        self.auth: AuthMode = credentials.auth
        self.client_id = credentials.client_id
        self.client_secret = credentials.client_secret
        self.token_lifetime_s = credentials.token_lifetime_s
        self.static_tokens = set(credentials.static_tokens)
        self.tokens: dict[str, float] = {}
        self.tokens_issued = 0
        self.signing_key = b"sandbox-signing-key"
        self.sync_outcome: SyncOutcome = sync_outcome
        self._clock = clock
        self._offset = 0.0
        self._rng = random.Random(seed)
        self.state_lock = threading.RLock()
        self.writes = 0
        self.write_log: list[str] = []
        self.workspaces: dict[str, JsonDict] = {}
        self.definitions: dict[str, Definition] = {}
        self.actors: dict[str, Actor] = {}
        self.connections: dict[str, JsonDict] = {}
        self.operations: dict[str, JsonDict] = {}
        self.catalogs: dict[str, JsonDict] = {}
        self.jobs: dict[int, Job] = {}
        self.tags: dict[str, JsonDict] = {}
        self.projects: dict[str, JsonDict] = {}
        self.manifests: dict[str, dict[int, JsonDict]] = {}
        self.check_failures: dict[str, str] = {}
        self.discover_failures: dict[str, str] = {}
        self._seed_definitions(spec_dir)
        for item in workspaces:
            ident, name = (item, f"Workspace {item[:8]}") if isinstance(item, str) else item
            self.add_workspace(name, ident)

    def _seed_definitions(self, spec_dir: Path | None) -> None:
        snapshots = load_spec_snapshots(spec_dir)
        for definition in (*SOURCE_DEFINITIONS, *DESTINATION_DEFINITIONS):
            seeded = copy.deepcopy(definition)
            seeded.spec = snapshots.get(seeded.docker_repository, seeded.spec)
            self.definitions[seeded.definition_id] = seeded

    # -- clock, ids, writes ---------------------------------------------------------------------
    def now(self) -> float:
        return self._clock() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the sandbox clock forward (expires tokens, ages jobs) without waiting."""
        self._offset += seconds

    def new_id(self) -> str:
        """A UUID v4 from the seeded generator, so a run's ids repeat from one run to the next."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def record_write(self, endpoint: str) -> None:
        self.writes += 1
        self.write_log.append(endpoint)

    def reset_write_count(self) -> None:
        with self.state_lock:
            self.writes = 0
            self.write_log.clear()

    # -- seeding ----------------------------------------------------------------------------------
    def add_workspace(self, name: str, workspace_id: str | None = None) -> str:
        ident = workspace_id or self.new_id()
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
        ident = destination_id or self.new_id()
        settings = dict(config or _DEFAULT_DESTINATION_CONFIG)
        self.actors[ident] = Actor(
            ident, workspace_id, definition_id, name, settings, int(self.now()), "destination"
        )
        return ident

    # -- lookups ----------------------------------------------------------------------------------
    def workspace(self, workspace_id: Any) -> JsonDict:
        workspace = self.workspaces.get(str(workspace_id))
        if workspace is None:
            raise not_found("STANDARD_WORKSPACE", workspace_id)
        return workspace

    def definition(
        self, definition_id: Any, kind: ActorKind, workspace_id: str | None = None
    ) -> Definition:
        """A definition of ``kind``; a custom one only from the workspace it belongs to."""
        definition = self.definitions.get(str(definition_id))
        foreign = bool(
            definition
            and definition.workspace_id
            and workspace_id
            and definition.workspace_id != workspace_id
        )
        if definition is None or definition.kind != kind or foreign:
            model = "SOURCE" if kind == "source" else "DESTINATION"
            raise not_found(f"STANDARD_{model}_DEFINITION", definition_id)
        return definition

    def actor(self, actor_id: Any, kind: ActorKind) -> Actor:
        actor = self.actors.get(str(actor_id))
        if actor is None or actor.kind != kind:
            model = "SOURCE" if kind == "source" else "DESTINATION"
            raise not_found(f"{model}_CONNECTION", actor_id)
        return actor

    def connection(self, connection_id: Any) -> JsonDict:
        connection = self.connections.get(str(connection_id))
        if connection is None:
            raise not_found("STANDARD_SYNC", connection_id)
        return connection

    def sync_job(
        self, kind: str, config_id: str, succeeded: bool = True, failure: str | None = None
    ) -> JsonDict:
        """The ``jobInfo`` of a synchronous job (spec, check, discover), finished at once."""
        now = int(self.now())
        job: JsonDict = {
            "id": self.new_id(),
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

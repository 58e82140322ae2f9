"""A local, stateful imitation of Airbyte 1.8.0's Config API (``POST /api/v1/...``).

It behaves like the real server wherever the provisioning scripts depend on it; each resource's
module says how (:mod:`.workspaces`, :mod:`.definitions`, :mod:`.sources`, :mod:`.destinations`,
:mod:`.connections` with :mod:`.schedules`, :mod:`.tags`, :mod:`.jobs`, :mod:`.operations`,
:mod:`.builder`, :mod:`.auth`). :mod:`.routes` is the route table, :mod:`.store` the state,
:mod:`.errors` the real error bodies, :mod:`.configs` secret masking and spec validation,
:mod:`.catalogs` the seeded definitions and what they discover, :mod:`.faults` the injected
failures, :mod:`.app` the HTTP app and :mod:`.cli` the standalone server.

Test hooks on :class:`AirbyteSandboxApp`: :attr:`~.store.Store.writes` counts successful mutating
calls (a re-run must add none), ``add_job`` plants job histories, ``fail_next`` injects 429/5xx
through the base :class:`~sandboxes.base.FaultPlan`, ``lose_response`` carries a request out and
then answers a gateway error (a crash between a write and its reply), ``inject_faults`` draws
random faults of every kind a fleet run meets, ``latency_s`` slows every answer, ``call`` runs a
handler in-process.

Run standalone for ``make demo``: ``python -m sandboxes.airbyte --port 8000``.
"""

from sandboxes.airbyte.app import AirbyteSandboxApp, create_app
from sandboxes.airbyte.builder import DECLARATIVE_REPOSITORY
from sandboxes.airbyte.cli import main, seed_from_env
from sandboxes.airbyte.configs import MASK, mask_secrets, restore_secrets
from sandboxes.airbyte.errors import (
    ApiFailure,
    invalid_input,
    known,
    micronaut_error,
    not_found,
    problem,
)
from sandboxes.airbyte.faults import (
    FAULT_KINDS,
    FaultKind,
    RandomFaults,
    proxy_page,
    rate_limited,
    server_error,
)
from sandboxes.airbyte.routes import ROUTES
from sandboxes.airbyte.sources import CHECK_FAIL_MARKER, DISCOVER_FAIL_MARKER
from sandboxes.airbyte.store import (
    DATAPLANE_GROUP_ID,
    DEFAULT_ORGANIZATION_ID,
    DEFAULT_WORKSPACE_ID,
    Actor,
    Job,
    Store,
)

__all__ = [
    "CHECK_FAIL_MARKER",
    "DATAPLANE_GROUP_ID",
    "DECLARATIVE_REPOSITORY",
    "DEFAULT_ORGANIZATION_ID",
    "DEFAULT_WORKSPACE_ID",
    "DISCOVER_FAIL_MARKER",
    "FAULT_KINDS",
    "MASK",
    "ROUTES",
    "Actor",
    "AirbyteSandboxApp",
    "ApiFailure",
    "FaultKind",
    "Job",
    "RandomFaults",
    "Store",
    "create_app",
    "invalid_input",
    "known",
    "main",
    "mask_secrets",
    "micronaut_error",
    "not_found",
    "problem",
    "proxy_page",
    "rate_limited",
    "restore_secrets",
    "seed_from_env",
    "server_error",
]

"""Run render → observe → plan → apply over many units with bounded concurrency.

Units are grouped by workspace: a group is observed once, its units are planned together (tags
are workspace-wide) and applied one after the other, so two tenants sharing a workspace never
race for the same tag. Groups run in a thread pool. A unit's failure is recorded in its result and
never stops another unit; a saved plan is applied only for units whose fresh plan is identical.
The one exception is Airbyte itself missing (:class:`~airbyte_provisioning.api.AirbyteUnreachableError`,
the client's connection budget spent): it stops the whole run, raised from :func:`run_units`,
since every other unit would fail the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

from airbyte_provisioning.api import (
    AirbyteClient,
    AirbyteError,
    AirbyteNotFoundError,
    AirbyteUnreachableError,
)
from airbyte_provisioning.core import logs
from airbyte_provisioning.core.logs import Level
from airbyte_provisioning.core.types import JsonDict
from airbyte_provisioning.reconcile.apply import Applier, Outcome
from airbyte_provisioning.reconcile.model import DesiredUnit, Observed
from airbyte_provisioning.reconcile.observe import observe_workspace
from airbyte_provisioning.reconcile.plan import UnitPlan, plan_unit

DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 64

# planned (not applied), ok (applied), failed, blocked (it would delete sync state), stale (the
# saved plan no longer matches), skipped (not in the saved plan)
UnitStatus = Literal["planned", "ok", "failed", "blocked", "stale", "skipped"]


@dataclass
class UnitResult:
    unit: str
    workspace_id: str
    status: UnitStatus
    plan: UnitPlan
    outcomes: list[Outcome] = field(default_factory=list)
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("planned", "ok")

    def to_dict(self, applied: bool) -> JsonDict:
        data: JsonDict = {
            "tenant": self.unit,
            "workspace_id": self.workspace_id,
            "status": self.status,
        }
        if self.message:
            data["message"] = self.message
        if self.plan.problems:
            data["problems"] = self.plan.problems
        if applied and self.outcomes:
            planned = {a.key: a for a in self.plan.actions}
            rows = []
            for outcome in self.outcomes:
                row = {"planned": planned[outcome.key].action, **outcome.to_dict()}
                if planned[outcome.key].found_by:
                    row["found_by"] = planned[outcome.key].found_by
                if planned[outcome.key].warnings:
                    row["warnings"] = planned[outcome.key].warnings
                rows.append(row)
            data["resources"] = rows
        else:
            data["resources"] = [a.to_dict() for a in self.plan.actions]
        return data

    @property
    def persist(self) -> list[str]:
        lines = [o.persist for o in self.outcomes if o.persist and o.ok]
        if not self.outcomes:
            lines = [a.persist for a in self.plan.actions if a.persist]
        return [line for line in lines if line]


def recovered_count(results: Sequence[UnitResult]) -> int:
    """Creates whose outcome was unknown and that were resolved within the run."""
    return sum(1 for r in results for o in r.outcomes if o.recovered)


@dataclass
class RunOptions:
    apply: bool = False
    allow_state_reset: bool = False
    concurrency: int = DEFAULT_CONCURRENCY
    saved: dict[str, UnitPlan] | None = None  # unit -> saved plan (``--apply-plan``)


Observer = Callable[[str, list[DesiredUnit]], Observed]


def default_observer(client: AirbyteClient) -> Observer:
    def observe(workspace_id: str, units: list[DesiredUnit]) -> Observed:
        operation_tags = set()
        explicit = set()
        for unit in units:
            for connection in unit.connections:
                if connection.operations and connection.operations_workspace_id != workspace_id:
                    operation_tags.add(connection.tag)
                    if connection.connection_id:
                        explicit.add(connection.connection_id)
        return observe_workspace(
            client,
            workspace_id,
            [u.destination_id for u in units if not u.problems],
            operation_tags,
            explicit,
        )

    return observe


def run_units(
    client: AirbyteClient, units: Sequence[DesiredUnit], options: RunOptions
) -> list[UnitResult]:
    """Plan (and with ``options.apply`` apply) every unit; results keep the units' order."""
    groups: dict[str, list[DesiredUnit]] = {}
    for unit in units:
        groups.setdefault(unit.workspace_id, []).append(unit)
    observer = default_observer(client)
    workers = max(1, min(options.concurrency, MAX_CONCURRENCY, len(groups) or 1))

    def run(group: tuple[str, list[DesiredUnit]]) -> list[UnitResult]:
        return _run_group(client, group[0], group[1], options, observer)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="reconcile") as pool:
        finished = [r for results in pool.map(run, groups.items()) for r in results]
    by_unit = {r.unit: r for r in finished}
    return [by_unit[u.unit] for u in units]


def _run_group(
    client: AirbyteClient,
    workspace_id: str,
    units: list[DesiredUnit],
    options: RunOptions,
    observer: Observer,
) -> list[UnitResult]:
    with logs.bind(workspace_id=workspace_id):
        try:
            observed = observer(workspace_id, units)
        except AirbyteUnreachableError:
            raise
        except AirbyteError as exc:
            logs.log(Level.WARNING, "reconcile.observe_failed", reason=str(exc))
            return [
                UnitResult(
                    u.unit, workspace_id, "failed", UnitPlan(u.unit, workspace_id, [_why(u, exc)])
                )
                for u in units
            ]
        planned_tags: set[str] = set()
        plans = [plan_unit(u, observed, planned_tags) for u in units]
        applier = Applier(client, observed, allow_state_reset=options.allow_state_reset)
        return [
            _finish(applier, unit, plan, options) for unit, plan in zip(units, plans, strict=True)
        ]


def _why(unit: DesiredUnit, exc: AirbyteError) -> str:
    """Why a workspace could not be read, naming the variable that holds its id when it is
    missing from Airbyte."""
    variable = f"{unit.env_prefix}WORKSPACE_ID"
    if isinstance(exc, AirbyteNotFoundError):
        return (
            f"cannot read workspace {unit.workspace_id}: {variable}={unit.workspace_id} is not a "
            f"workspace of this Airbyte ({exc.message}); set {variable} to an existing workspace "
            "id, or create the workspace"
        )
    return f"cannot read workspace {unit.workspace_id} ({variable}): {exc}"


def _finish(applier: Applier, unit: DesiredUnit, plan: UnitPlan, options: RunOptions) -> UnitResult:
    with logs.bind(tenant_id=unit.unit):
        result = UnitResult(unit.unit, unit.workspace_id, "planned", plan)
        if options.saved is not None:
            saved = options.saved.get(unit.unit)
            if saved is None:
                result.status, result.message = "skipped", "not in the saved plan"
                return result
            if saved.fingerprint() != plan.fingerprint():
                result.status = "stale"
                result.message = (
                    "the saved plan no longer matches this tenant (Airbyte or the environment "
                    "changed since it was made, secrets included): nothing was applied; make a new "
                    "plan and review it"
                )
                logs.log(Level.WARNING, "reconcile.stale_plan", tenant=unit.unit)
                return result
        if not options.apply:
            if not plan.ok:
                result.status = "failed"
            return result
        try:
            result.outcomes = applier.apply_unit(unit, plan)
        except AirbyteUnreachableError:
            raise
        except Exception as exc:  # one tenant's bug must not stop the others
            logs.log(Level.ERROR, "reconcile.apply_crashed", error=f"{type(exc).__name__}: {exc}")
            result.status, result.message = "failed", f"{type(exc).__name__}: {exc}"
            return result
        if plan.problems or any(
            o.result == "failed" or o.result == "skipped" for o in result.outcomes
        ):
            result.status = "failed"
        elif any(o.result == "blocked" for o in result.outcomes):
            result.status = "blocked"
        else:
            result.status = "ok"
        logs.log(
            Level.INFO if result.ok else Level.WARNING,
            "reconcile.unit_applied",
            status=result.status,
            results={o.key: o.result for o in result.outcomes},
        )
        return result

"""The stack world the command tests drive: a fresh Airbyte sandbox seeded from env.example, the
environment an operator would have, and in-process runs of the commands."""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from airbyte_provisioning.commands import bootstrap_connections, provision_meta_google_connectors
from airbyte_provisioning.core.envfile import write_env_file
from sandboxes.airbyte import Actor, AirbyteSandboxApp
from sandboxes.airbyte.catalogs import FACEBOOK_MARKETING_ID

REPO = Path(__file__).resolve().parents[2]
TEMPLATE_IDS = (
    "AIRBYTE_TEMPLATE_META_METRICS_CONNECTION_ID",
    "AIRBYTE_TEMPLATE_GOOGLE_METRICS_CONNECTION_ID",
    "AIRBYTE_TEMPLATE_DIMENSIONS_DAILY_CONNECTION_ID",
)
TEMPLATE_WORKSPACE = "00000000-0000-4000-8000-00000000a001"
TEMPLATE_DESTINATION = "00000000-0000-4000-8000-00000000d001"
GLOBEX_WORKSPACE = "00000000-0000-4000-8000-00000000a002"
ACME_DESTINATION = "00000000-0000-4000-8000-00000000d101"
GLOBEX_DESTINATION = "00000000-0000-4000-8000-00000000d102"


def canary_token() -> str:
    """A realistic-looking Meta token, built at run time (never written in the repository)."""
    return "EAA" + "Zq9" * 14


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def doc(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.out)
        return parsed


@dataclass
class World:
    app: AirbyteSandboxApp
    url: str
    tmp: Path
    env: dict[str, str] = field(default_factory=dict)

    def env_file(self) -> Path:
        return write_env_file(self.tmp / "stack.env", self.env)

    def run(self, module: ModuleType, *argv: str) -> Run:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = module.main(["--env-file", str(self.env_file()), *argv])
        return Run(code, out.getvalue(), err.getvalue())

    def provision(self, *argv: str) -> Run:
        return self.run(provision_meta_google_connectors, *argv)

    def bootstrap(self, *argv: str) -> Run:
        return self.run(bootstrap_connections, *argv)

    def provision_templates(self) -> None:
        """Run provision and persist the template ids it prints, as an operator would."""
        result = self.provision()
        assert result.code == 0, result.out
        for line in result.doc["persist"]:
            key, value = line.split("=", 1)
            self.env[key] = value
        self.app.reset_write_count()

    def connections(self, workspace: str | None = None) -> list[dict[str, Any]]:
        return [
            c
            for c in self.app.connections.values()
            if c["status"] != "deprecated" and (workspace is None or c["workspaceId"] == workspace)
        ]

    def tagged(self, template: str, destination: str) -> list[dict[str, Any]]:
        return [
            c
            for c in self.connections()
            if c["destinationId"] == destination
            and any(t.get("name") == f"stack:{template}" for t in c["tags"])
        ]

    def sources_named(self, name: str) -> list[Any]:
        return [a for a in self.app.actors.values() if a.kind == "source" and a.name == name]

    def meta_source_by_hand(self, source_id: str, name: str) -> None:
        """A Meta source in globex-eu's workspace that the stack did not make (no key in its name)."""
        config = {
            "account_ids": ["1"],
            "credentials": {"auth_type": "Service", "access_token": "t"},
        }
        self.app.actors[source_id] = Actor(
            source_id, GLOBEX_WORKSPACE, FACEBOOK_MARKETING_ID, name, config, 0, "source"
        )

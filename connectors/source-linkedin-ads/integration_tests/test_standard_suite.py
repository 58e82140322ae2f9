"""airbyte-cdk standard tests (spec, check, discover, read) against the local LinkedIn sandbox.

The suite builds its scenarios from acceptance-test-config.yml while pytest collects, so the
sandbox is started then (once per process, on a free port) and every scenario's config is
re-pointed at it. The revoked-token config stays invalid because the sandbox does not know it.
"""

import json
from pathlib import Path
from typing import Any

import pytest
from airbyte_cdk.test import standard_tests
from airbyte_cdk.test.models.scenario import ConnectorTestScenario
from airbyte_cdk.test.standard_tests.pytest_hooks import (
    pytest_generate_tests as _generate_scenario_tests,
)

from sandboxes.base import SandboxServer
from sandboxes.linkedin import create_app


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # module-level, not `pytest_plugins`: a global plugin would parametrize other suites twice
    _generate_scenario_tests(metafunc)


CONNECTOR_DIR = Path(__file__).resolve().parent.parent
_server: SandboxServer | None = None


def sandbox_url() -> str:
    global _server
    if _server is None:
        _server = SandboxServer(create_app()).start()
    return _server.url


def _pointed_at_sandbox(config: dict[str, Any]) -> dict[str, Any]:
    url = sandbox_url()
    return {**config, "api_base_url": f"{url}/rest", "token_url": f"{url}/oauth/v2/accessToken"}


class TestLinkedInAdsStandardSuite(standard_tests.DeclarativeSourceTestSuite):
    @classmethod
    def get_scenarios(cls) -> list[ConnectorTestScenario]:
        scenarios = []
        for scenario in super().get_scenarios():
            if scenario.config_path is None:
                scenarios.append(scenario)
                continue
            config = json.loads((CONNECTOR_DIR / scenario.config_path).read_text())
            scenarios.append(
                scenario.model_copy(update={"config_dict": _pointed_at_sandbox(config)})
            )
        return scenarios

"""The CDK standard tests (spec, check, discover, basic read) against the local TikTok sandbox.

acceptance-test-config.yml points its configs at http://127.0.0.1:8765 for manual runs of
`airbyte-cdk connector test`; here each scenario is redirected to a sandbox this module serves on
a free port, so the suite runs offline inside `pytest` without a fixed port.
"""

import atexit
import functools
from datetime import UTC, datetime

import pytest
from airbyte_cdk.test.standard_tests import DeclarativeSourceTestSuite
from airbyte_cdk.test.standard_tests.pytest_hooks import (
    pytest_generate_tests as _generate_scenario_tests,
)

from sandboxes.base import SandboxServer
from sandboxes.tiktok import create_app


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    _generate_scenario_tests(metafunc)


@functools.cache
def _sandbox_url() -> str:
    server = SandboxServer(create_app(now=datetime(2024, 2, 20, 12, tzinfo=UTC))).start()
    atexit.register(server.stop)
    return server.url


class TestTikTokAdsStandardSuite(DeclarativeSourceTestSuite):
    @classmethod
    def get_scenarios(cls):  # type: ignore[no-untyped-def]
        scenarios = []
        for scenario in super().get_scenarios():
            config = scenario.get_config_dict(
                connector_root=cls.get_connector_root_dir(), empty_if_missing=True
            )
            if config.get("api_base_url"):
                config = {**config, "api_base_url": _sandbox_url()}
                scenario = scenario.model_copy(update={"config_dict": config})
            scenarios.append(scenario)
        return scenarios

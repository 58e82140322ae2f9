"""A fresh Airbyte sandbox per test, with the built-in specs (no snapshot files)."""

from __future__ import annotations

import pytest

from sandboxes.airbyte import AirbyteSandboxApp, create_app


@pytest.fixture
def app() -> AirbyteSandboxApp:
    return create_app(spec_dir=None)

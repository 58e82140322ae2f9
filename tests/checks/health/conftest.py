"""Fixtures the health checks' sandbox tests share."""

from __future__ import annotations

import pytest

from airbyte_provisioning.api import RetryPolicy


@pytest.fixture(autouse=True)
def no_retry_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries happen, but their backoff waits are zero."""
    monkeypatch.setattr(RetryPolicy, "delay", lambda self, attempt, retry_after=None: 0.0)

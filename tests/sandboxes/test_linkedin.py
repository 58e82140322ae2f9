"""The LinkedIn sandbox's per-second cap, on a patched clock (the only time-based behaviour)."""

import pytest

from sandboxes import linkedin
from sandboxes.base import Request


def _accounts_request() -> Request:
    return Request(
        method="GET",
        path="/rest/adAccounts",
        query={},
        headers={
            "linkedin-version": "202607",
            "x-restli-protocol-version": "2.0.0",
            "authorization": f"Bearer {linkedin.SANDBOX_ACCESS_TOKEN}",
        },
        body=b"",
        raw_query="q=search&search=(id:(values:List(500000001)))",
    )


def test_calls_beyond_the_cap_within_one_second_get_a_burst_429(monkeypatch: pytest.MonkeyPatch):
    clock = [100.2]
    monkeypatch.setattr(linkedin.time, "monotonic", lambda: clock[0])
    app = linkedin.create_app(qps_limit=2)

    statuses = [app.dispatch(_accounts_request()).status for _ in range(3)]
    clock[0] = 101.0
    next_second = app.dispatch(_accounts_request())

    assert statuses == [200, 200, 429]
    assert next_second.status == 200
    assert app.stats.throttled == 1


def test_without_a_cap_no_call_is_throttled(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(linkedin.time, "monotonic", lambda: 100.0)
    app = linkedin.create_app()

    assert {app.dispatch(_accounts_request()).status for _ in range(50)} == {200}

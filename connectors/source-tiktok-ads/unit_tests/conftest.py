"""Fixtures of this connector's tests (the shared loader fixtures live in the root conftest.py)."""

from collections.abc import Iterator

import freezegun
import pytest
import requests_mock

# the request budget's limiter keeps timestamps across threads; under a frozen clock its windows
# never move and mix frozen with real times, so it keeps real time while the connector's dates freeze
freezegun.configure(extend_ignore_list=["pyrate_limiter", "airbyte_cdk.sources.streams.call_rate"])


@pytest.fixture
def api() -> Iterator[requests_mock.Mocker]:
    with requests_mock.Mocker() as mocker:
        yield mocker

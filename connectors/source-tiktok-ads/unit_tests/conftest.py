"""Fixtures of this connector's tests (the shared loader fixtures live in the root conftest.py)."""

from collections.abc import Iterator

import freezegun
import pytest
import requests_mock

# the request budget's limiter keeps timestamps across threads; under a frozen clock its windows
# never move and mix frozen with real times, so it keeps real time while the connector's dates freeze.
# The connector's own pace (TikTokPace) reads the frozen clock: tests freeze with tick=True.
freezegun.configure(extend_ignore_list=["pyrate_limiter", "airbyte_cdk.sources.streams.call_rate"])


@pytest.fixture(autouse=True)
def _fresh_pace_and_answers(components_module) -> Iterator[None]:
    # the pace and the reused parent answers are shared per process on purpose; tests must not
    # inherit one another's
    components_module.TikTokPace.forget_all()
    components_module.TikTokRequester.forget_answers()
    yield
    components_module.TikTokPace.forget_all()
    components_module.TikTokRequester.forget_answers()


@pytest.fixture
def api() -> Iterator[requests_mock.Mocker]:
    with requests_mock.Mocker() as mocker:
        yield mocker

"""Fixtures of this connector's tests (the shared loader fixtures live in the root conftest.py)."""

from collections.abc import Iterator

import pytest
import requests_mock


@pytest.fixture(autouse=True)
def _isolated_process_state(components_module) -> Iterator[None]:
    # the OAuth token and the request pace are shared per process on purpose (every stream of a
    # sync uses them); tests must not inherit one another's
    components_module.LinkedInSharedOAuthAuthenticator.forget_tokens()
    components_module.LinkedInAdaptivePace.forget()
    yield
    components_module.LinkedInSharedOAuthAuthenticator.forget_tokens()
    components_module.LinkedInAdaptivePace.forget()


@pytest.fixture
def api() -> Iterator[requests_mock.Mocker]:
    """LinkedIn's API as requests-mock answers it; every request the connector made is recorded."""
    with requests_mock.Mocker() as mocker:
        yield mocker

"""Connector-local fixtures: a clean shared-token cache and the test helpers module."""

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _isolated_token_cache(components_module) -> Iterator[None]:
    # the OAuth token is shared per process on purpose; tests must not inherit one another's
    components_module.LinkedInSharedOAuthAuthenticator.forget_tokens()
    yield
    components_module.LinkedInSharedOAuthAuthenticator.forget_tokens()


@pytest.fixture(scope="session")
def h():
    """``unit_tests/helpers.py``; pytest's importlib mode puts no test folder on sys.path."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).with_name("helpers.py")
    spec = importlib.util.spec_from_file_location("linkedin_ads_test_helpers", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

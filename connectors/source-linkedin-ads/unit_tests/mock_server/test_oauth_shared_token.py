"""One OAuth refresh serves every stream of a sync (5.4.1 refreshed once per stream)."""

import requests_mock

from ..helpers import (
    ANALYTICS_STREAMS,
    BASE,
    ENTITY_STREAMS,
    REFRESH_TOKEN,
    TOKEN_URL,
    ConfigBuilder,
    run_read,
)


def test_every_stream_uses_the_one_refreshed_access_token(get_source, api):
    config = ConfigBuilder().with_oauth().with_(account_ids=[111, 222]).build()
    api.post(TOKEN_URL, json={"access_token": "changeme-fresh-token", "expires_in": 5_184_000})
    api.register_uri("GET", requests_mock.ANY, json={"elements": [], "metadata": {}})
    output = run_read(get_source, config, [*ENTITY_STREAMS, *ANALYTICS_STREAMS])

    assert not output.errors
    refreshes = [r for r in api.request_history if r.url.startswith(TOKEN_URL)]
    api_calls = [r for r in api.request_history if r.url.startswith(BASE)]
    assert len(refreshes) == 1
    assert len(api_calls) >= len(ENTITY_STREAMS) + len(ANALYTICS_STREAMS)
    assert {r.headers["Authorization"] for r in api_calls} == {"Bearer changeme-fresh-token"}
    body = refreshes[0].text
    assert "grant_type=refresh_token" in body and f"refresh_token={REFRESH_TOKEN}" in body

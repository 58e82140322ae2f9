"""One OAuth refresh serves every stream of a sync (5.4.1 refreshed once per stream)."""

import requests_mock

ALL_STREAMS = [
    "ad_accounts",
    "campaign_groups",
    "campaigns",
    "creatives",
    "ad_analytics_by_campaign",
    "ad_analytics_by_creative",
    "ad_analytics_by_campaign_group",
    "ad_analytics_by_account",
]


def test_every_stream_uses_the_one_refreshed_access_token(get_source, h):
    cfg = h.oauth_config(account_ids=[111, 222])
    with requests_mock.Mocker() as m:
        m.post(h.TOKEN_URL, json={"access_token": "changeme-fresh-token", "expires_in": 5_184_000})
        m.register_uri("GET", requests_mock.ANY, json={"elements": [], "metadata": {}})
        output = h.run_read(get_source, cfg, ALL_STREAMS)

    assert not output.errors
    refreshes = [r for r in m.request_history if r.url.startswith(h.TOKEN_URL)]
    api_calls = [r for r in m.request_history if r.url.startswith(h.BASE)]
    assert len(refreshes) == 1
    assert len(api_calls) >= len(ALL_STREAMS)
    assert {r.headers["Authorization"] for r in api_calls} == {"Bearer changeme-fresh-token"}
    body = refreshes[0].text
    assert "grant_type=refresh_token" in body and "refresh_token=changeme-refresh" in body

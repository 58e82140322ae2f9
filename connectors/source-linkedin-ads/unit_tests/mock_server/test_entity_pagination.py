"""Entity streams: pageToken pagination, server-side account filter, Rest.li wire format."""

from ..helpers import BASE, ConfigBuilder, page, raw_params, run_read


def test_campaigns_follow_page_tokens_and_keep_every_status(get_source, api):
    config = ConfigBuilder().with_(account_ids=[111, 222]).build()
    for account in (111, 222):
        api.get(
            f"{BASE}/adAccounts/{account}/adCampaigns",
            [
                {"json": page([{"id": account * 10 + 1}], next_token="b2Zmc2V0PTE=+")},
                {"json": page([{"id": account * 10 + 2}])},
            ],
        )
    output = run_read(get_source, config, ["campaigns"])

    ids = sorted((r.record.data["id"], r.record.data["account_id"]) for r in output.records)
    assert ids == [(1111, "111"), (1112, "111"), (2221, "222"), (2222, "222")]
    first, second = (r for r in api.request_history if "/111/" in r.url)
    assert raw_params(first) == {
        "q": "search",
        "search": "(status:(values:List(ACTIVE,PAUSED,ARCHIVED,COMPLETED,CANCELED,DRAFT,PENDING_DELETION,REMOVED)))",
        "pageSize": "1000",
    }
    assert raw_params(second)["pageToken"] == "b2Zmc2V0PTE%3D%2B"
    assert first.headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert first.headers["LinkedIn-Version"].isdigit()


def test_ad_accounts_are_filtered_server_side_by_account_ids(get_source, api):
    api.get(f"{BASE}/adAccounts", json=page([{"id": 111}, {"id": 222}]))
    output = run_read(
        get_source, ConfigBuilder().with_(account_ids=[111, 222]).build(), ["ad_accounts"]
    )

    assert [r.record.data["id"] for r in output.records] == [111, 222]
    assert raw_params(api.request_history[0])["search"] == "(id:(values:List(111,222)))"


def test_creatives_use_the_finder_header_and_small_pages(get_source, api):
    api.get(f"{BASE}/adAccounts/111/creatives", json=page([{"id": "urn:li:sponsoredCreative:9"}]))
    output = run_read(get_source, ConfigBuilder().build(), ["creatives"])

    record = output.records[0].record.data
    assert (record["creative_id"], record["account_id"]) == ("9", "111")
    request = api.request_history[0]
    assert request.headers["X-RestLi-Method"] == "FINDER"
    assert raw_params(request) == {"q": "criteria", "pageSize": "100"}

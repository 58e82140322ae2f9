"""Entity streams: pageToken pagination, server-side account filter, Rest.li wire format."""

import requests_mock


def test_campaigns_follow_page_tokens_and_keep_every_status(get_source, h):
    cfg = h.config(account_ids=[111, 222])
    with requests_mock.Mocker() as m:
        for account in (111, 222):
            url = f"{h.BASE}/adAccounts/{account}/adCampaigns"
            m.get(
                url,
                [
                    {"json": h.page([{"id": account * 10 + 1}], next_token="b2Zmc2V0PTE=+")},
                    {"json": h.page([{"id": account * 10 + 2}])},
                ],
            )
        output = h.run_read(get_source, cfg, ["campaigns"])

    ids = sorted((r.record.data["id"], r.record.data["account_id"]) for r in output.records)
    assert ids == [(1111, "111"), (1112, "111"), (2221, "222"), (2222, "222")]
    first, second = (r for r in m.request_history if "/111/" in r.url)
    assert h.raw_params(first) == {
        "q": "search",
        "search": "(status:(values:List(ACTIVE,PAUSED,ARCHIVED,COMPLETED,CANCELED,DRAFT,PENDING_DELETION,REMOVED)))",
        "pageSize": "1000",
    }
    assert h.raw_params(second)["pageToken"] == "b2Zmc2V0PTE%3D%2B"
    assert first.headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert first.headers["LinkedIn-Version"].isdigit()


def test_ad_accounts_are_filtered_server_side_by_account_ids(get_source, h):
    cfg = h.config(account_ids=[111, 222])
    with requests_mock.Mocker() as m:
        m.get(f"{h.BASE}/adAccounts", json=h.page([{"id": 111}, {"id": 222}]))
        output = h.run_read(get_source, cfg, ["ad_accounts"])

    assert [r.record.data["id"] for r in output.records] == [111, 222]
    assert h.raw_params(m.request_history[0])["search"] == "(id:(values:List(111,222)))"


def test_creatives_use_the_finder_header_and_small_pages(get_source, h):
    with requests_mock.Mocker() as m:
        m.get(
            f"{h.BASE}/adAccounts/111/creatives",
            json=h.page([{"id": "urn:li:sponsoredCreative:9"}]),
        )
        output = h.run_read(get_source, h.config(), ["creatives"])

    record = output.records[0].record.data
    assert (record["creative_id"], record["account_id"]) == ("9", "111")
    request = m.request_history[0]
    assert request.headers["X-RestLi-Method"] == "FINDER"
    assert h.raw_params(request) == {"q": "criteria", "pageSize": "100"}

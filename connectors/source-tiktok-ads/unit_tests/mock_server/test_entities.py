"""campaign/get, adgroup/get, ad/get and advertiser/info: full refresh per advertiser."""

import json

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.entrypoint_wrapper import read

from ..helpers import (
    ADVERTISER,
    BASE,
    OTHER_ADVERTISER,
    ConfigBuilder,
    advertiser_info,
    catalog,
    envelope,
    page,
    query,
)


def _read(get_source, config, stream):
    configured = catalog(stream, SyncMode.full_refresh)
    return read(get_source(config, catalog=configured), config, configured)


def _campaign(i: int, advertiser: str = ADVERTISER) -> dict:
    return {
        "advertiser_id": advertiser,
        "campaign_id": f"{advertiser}{i:03d}",
        "campaign_name": f"C{i}",
        "budget": 10.5,
    }


def test_single_page_of_campaigns_is_read_with_the_token_header(api, get_source):
    api.get(f"{BASE}/campaign/get/", json=page([_campaign(1), _campaign(2)]))

    output = _read(get_source, ConfigBuilder().build(), "campaigns")

    assert [record.record.data["campaign_id"] for record in output.records] == [
        f"{ADVERTISER}001",
        f"{ADVERTISER}002",
    ]
    (request,) = api.request_history
    assert request.headers["Access-Token"] == "changeme-test-token"
    assert query(request) == {"advertiser_id": ADVERTISER, "page_size": "1000"}


def test_many_pages_stop_at_total_page_and_a_full_last_page_costs_nothing_extra(api, get_source):
    rows = [_campaign(i) for i in range(2000)]

    def answer(request, context):
        page_no = int(query(request).get("page", "1"))
        return page(rows[(page_no - 1) * 1000 : page_no * 1000], page_no, 1000, total=len(rows))

    api.get(f"{BASE}/ad/get/", json=answer)

    output = _read(get_source, ConfigBuilder().build(), "ads")

    assert [query(request).get("page", "1") for request in api.request_history] == ["1", "2"]
    assert len(output.records) == 2000


def test_include_deleted_asks_for_every_status(api, get_source):
    api.get(f"{BASE}/adgroup/get/", json=page([]))
    _read(get_source, ConfigBuilder().with_(include_deleted=True).build(), "ad_groups")
    assert json.loads(query(api.request_history[0])["filtering"]) == {
        "primary_status": "STATUS_ALL"
    }


def test_without_advertiser_ids_the_authorized_advertisers_are_discovered(api, get_source):
    api.get(
        f"{BASE}/oauth2/advertiser/get/",
        json=envelope(
            {
                "list": [
                    {"advertiser_id": ADVERTISER, "advertiser_name": "A"},
                    {"advertiser_id": OTHER_ADVERTISER, "advertiser_name": "B"},
                ]
            }
        ),
    )
    api.get(
        f"{BASE}/campaign/get/",
        json=lambda request, context: page([_campaign(1, query(request)["advertiser_id"])]),
    )
    config = (
        ConfigBuilder()
        .with_(advertiser_ids=[], app_id="changeme-app", secret="changeme-secret")
        .build()
    )

    output = _read(get_source, config, "campaigns")

    assert sorted(record.record.data["advertiser_id"] for record in output.records) == [
        ADVERTISER,
        OTHER_ADVERTISER,
    ]
    discovery = [
        query(request)
        for request in api.request_history
        if request.path.endswith("/oauth2/advertiser/get/")
    ]
    assert discovery == [{"app_id": "changeme-app", "secret": "changeme-secret"}]


def test_configured_advertiser_ids_skip_discovery(api, get_source):
    api.get(f"{BASE}/campaign/get/", json=page([]))
    _read(
        get_source,
        ConfigBuilder().with_(app_id="changeme-app", secret="changeme-secret").build(),
        "campaigns",
    )
    assert all("oauth2" not in request.path for request in api.request_history)


def test_advertisers_stream_reads_advertiser_info_per_advertiser(api, get_source):
    api.get(f"{BASE}/advertiser/info/", json=advertiser_info(currency="JPY", timezone="Asia/Tokyo"))
    output = _read(get_source, ConfigBuilder().build(), "advertisers")
    assert output.records[0].record.data["currency"] == "JPY"
    assert json.loads(query(api.request_history[0])["advertiser_ids"]) == [ADVERTISER]


def test_sandbox_flag_switches_to_the_sandbox_host(api, get_source):
    api.get("https://sandbox-ads.tiktok.com/open_api/v1.3/campaign/get/", json=page([_campaign(1)]))
    output = _read(get_source, ConfigBuilder().with_(sandbox=True).build(), "campaigns")
    assert len(output.records) == 1

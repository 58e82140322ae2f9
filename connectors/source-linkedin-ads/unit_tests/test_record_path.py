"""The per-record path: answers parsed once, merged pages handed on without a JSON round trip,
pivots evaluated once per stream; records as a JSON round trip would have made them."""

import gc
import json
import weakref

import pytest
import requests
from airbyte_cdk.sources.declarative.decoders.json_decoder import JsonDecoder
from airbyte_cdk.sources.types import StreamSlice

ROWS = [
    {
        "pivotValues": ["urn:li:sponsoredCampaign:7", "urn:li:geo:103644278"],
        "dateRange": {
            "start": {"year": 2024, "month": 1, "day": 5},
            "end": {"year": 2024, "month": 1, "day": 5},
        },
        "costInUsd": "1.50",
        "impressions": 120,
        "conversionValueInLocalCurrency": "0.1",
        "landingPageClicks": 0,
        "videoViews": 1e-7,
        "comment": "Été ✓",
    }
]


def plain_page(body: dict) -> requests.Response:
    """The page as the requester built it before: its body dumped to JSON text."""
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps(body).encode()
    response.headers["Content-Type"] = "application/json"
    return response


@pytest.mark.parametrize("remaining", [None, "2024-01-06/2024-01-31;p"])
def test_a_merged_page_decodes_to_what_its_json_text_decodes_to(components_module, remaining):
    body = {"elements": json.loads(json.dumps(ROWS)), "_remaining_windows": remaining}
    page = components_module.MergedPage(body, "https://api.linkedin.com/rest/adAnalytics")
    decoder = components_module.LinkedInMergedPageDecoder(parameters={})
    expected = list(JsonDecoder(parameters={}).decode(plain_page(body)))
    assert list(decoder.decode(page)) == expected


def test_changing_decoded_records_leaves_the_page_as_linkedin_sent_it(components_module):
    body = {"elements": json.loads(json.dumps(ROWS)), "_remaining_windows": None}
    text = json.dumps(body).encode()
    page = components_module.MergedPage(body, "https://api.linkedin.com/rest/adAnalytics")
    decoder = components_module.LinkedInMergedPageDecoder(parameters={})
    (decoded,) = decoder.decode(page)
    for record in decoded["elements"]:
        record.pop("dateRange")
        record["costInUsd"] = 1.5
    assert page.content == text
    assert page.json() == json.loads(text)


def test_other_answers_are_decoded_by_the_cdk_json_decoder(components_module):
    answer = plain_page({"elements": [{"id": 1}], "paging": {"count": 1}})
    decoder = components_module.LinkedInMergedPageDecoder(parameters={})
    assert list(decoder.decode(answer)) == list(JsonDecoder(parameters={}).decode(answer))


def transform(components_module, pivots: str, row: dict) -> dict:
    transformation = components_module.LinkedInAnalyticsRowTransformation(
        pivots=pivots, config={}, parameters={}
    )
    record = dict(row)
    partition = StreamSlice(partition={"account_id": 500}, cursor_slice={})
    transformation.transform(record, stream_slice=partition)
    return record


def test_a_row_with_two_pivots_becomes_a_flat_typed_record(components_module):
    record = transform(components_module, "CAMPAIGN,MEMBER_COUNTRY_V2", ROWS[0])
    assert record == {
        "date": "2024-01-05",
        "account_id": "500",
        "campaign_id": "7",
        "member_country_v2": "urn:li:geo:103644278",
        "costInUsd": 1.5,
        "impressions": 120,
        "conversionValueInLocalCurrency": 0.1,
        "landingPageClicks": 0,
        "videoViews": 1e-7,
        "comment": "Été ✓",
    }


def test_pivots_are_evaluated_once_per_stream_not_per_record(components_module, monkeypatch):
    transformation = components_module.LinkedInAnalyticsRowTransformation(
        pivots="{{ parameters['pivot'] }}", config={}, parameters={"pivot": "CREATIVE"}
    )
    evaluations = []
    real_eval = transformation._pivots.eval
    monkeypatch.setattr(
        transformation._pivots, "eval", lambda *a, **k: evaluations.append(1) or real_eval(*a, **k)
    )
    partition = StreamSlice(partition={"account_id": 500}, cursor_slice={})
    records = [dict(ROWS[0], pivotValues=[f"urn:li:sponsoredCreative:{n}"]) for n in range(5)]
    for record in records:
        transformation.transform(record, stream_slice=partition)
    assert [r["creative_id"] for r in records] == ["0", "1", "2", "3", "4"]
    assert len(evaluations) == 1


def test_chunk_rows_merge_on_equal_date_ranges_whatever_their_key_order(components_module):
    key = components_module._date_range_key
    one = {
        "start": {"year": 2024, "month": 1, "day": 5},
        "end": {"day": 5, "month": 1, "year": 2024},
    }
    other = {
        "end": {"year": 2024, "month": 1, "day": 5},
        "start": {"day": 5, "year": 2024, "month": 1},
    }
    later = {
        "start": {"year": 2024, "month": 1, "day": 6},
        "end": {"year": 2024, "month": 1, "day": 6},
    }
    assert key(one) == key(other)
    assert key(one) != key(later)
    assert key(None) == key(None)


def test_an_answer_is_parsed_once_and_as_requests_parses_it(components_module):
    body = b'{"elements": [{"costInUsd": "1.5", "big": 123456789012345678901234567890}], "x": NaN}'
    response = requests.Response()
    response.status_code = 200
    response._content = body
    response.headers["Content-Type"] = "application/json"
    response.encoding = "utf-8"
    expected = response.json()
    hooked = components_module._parse_body_once(response)
    first = hooked.json()
    assert json.dumps(first) == json.dumps(expected)
    assert hooked.json() is first


def test_a_parsed_answer_is_freed_when_dropped_without_waiting_for_the_garbage_collector(
    components_module,
):
    # a hook that holds the answer (answer -> hook -> answer) keeps each page of rows alive
    # until the collector's next full pass
    response = requests.Response()
    response.status_code = 200
    response._content = b'{"elements": [{"costInUsd": "1.5"}]}'
    response.encoding = "utf-8"
    hooked = components_module._parse_body_once(response)
    assert hooked.json() == {"elements": [{"costInUsd": "1.5"}]}
    gone = weakref.ref(hooked)
    gc.disable()
    try:
        del response, hooked
        assert gone() is None
    finally:
        gc.enable()

"""Each TikTok answer is parsed once, and every reader gets what ``requests`` would have parsed."""

import gc
import json
import weakref

import pytest
import requests
from airbyte_cdk.sources.declarative.decoders.json_decoder import JsonDecoder

PAGE = {
    "code": 0,
    "message": "OK",
    "data": {
        "list": [
            {
                "dimensions": {"ad_id": "17", "stat_time_day": "2024-01-01 00:00:00"},
                "metrics": {"spend": "1.50", "ctr": "-", "ad_name": "Été ✓"},
            }
        ],
        "page_info": {"page": 1, "page_size": 1000, "total_number": 1, "total_page": 1},
    },
}


def answer(body: bytes, content_type: str = "application/json") -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = body
    response.headers["Content-Type"] = content_type
    response.encoding = requests.utils.get_encoding_from_headers(response.headers)
    return response


def hooked(components_module, body: bytes, content_type: str = "application/json"):
    return components_module._parse_body_once(answer(body, content_type))


@pytest.mark.parametrize(
    "body",
    [
        json.dumps(PAGE).encode(),
        json.dumps(PAGE, ensure_ascii=False).encode(),
        b'{"code": 0, "data": {"list": [], "ratio": NaN}}',
        b'{"code": 0, "big": 123456789012345678901234567890}',
        b'[{"code": 0}]',
        b'{"f": [0.1, 1e-320, 2.2250738585072011e-308, 9007199254740993, 1.7976931348623157e308]}',
        b'{"f": [-0, -0.0, 18446744073709551615, -9223372036854775808, 1E400]}',
        b'{"s": "\\ud800 lone surrogate", "\xc3\xa9": "\xff invalid utf-8"}',
    ],
    ids=["ascii", "utf8", "nan", "big-int", "list", "floats", "edges", "surrogate"],
)
def test_a_parsed_answer_equals_what_requests_parses(components_module, body):
    expected = answer(body).json()
    parsed = hooked(components_module, body).json()
    assert json.dumps(parsed, sort_keys=True) == json.dumps(expected, sort_keys=True)


def test_an_answer_is_parsed_once_whatever_the_number_of_readers(components_module, monkeypatch):
    response = answer(json.dumps(PAGE).encode())
    calls = []
    parse = requests.Response.json
    monkeypatch.setattr(
        requests.Response, "json", lambda self, **kw: calls.append(1) or parse(self, **kw)
    )
    hooked = components_module._parse_body_once(response)
    first = hooked.json()
    assert all(hooked.json() is first for _ in range(10))
    assert len(calls) == 1


def test_a_body_that_is_not_json_raises_requests_error_on_every_read(components_module):
    response = hooked(components_module, b"<html>502 Bad Gateway</html>", "text/html")
    for _ in range(2):
        with pytest.raises(requests.exceptions.JSONDecodeError):
            response.json()


def test_the_hook_is_installed_once_on_the_cdk_requesters_session(components_module):
    session = requests.Session()
    requester = type("Requester", (), {})()
    requester._http_client = type("Client", (), {"_session": session})()
    components_module._parse_bodies_once(requester)
    components_module._parse_bodies_once(requester)
    assert session.hooks["response"] == [components_module._parse_body_once]


@pytest.mark.parametrize(
    "body",
    [json.dumps(PAGE).encode(), b"[]", b'[{"a": 1}, {"a": 2}]', b"", b"<html>bad</html>"],
    ids=["page", "empty-list", "list", "empty", "not-json"],
)
def test_the_page_decoder_gives_what_the_cdk_json_decoder_gives(components_module, body):
    expected = list(JsonDecoder(parameters={}).decode(answer(body)))
    decoder = components_module.TikTokParsedAnswerDecoder(parameters={})
    assert list(decoder.decode(hooked(components_module, body))) == expected


def test_a_parsed_answer_is_freed_when_dropped_without_waiting_for_the_garbage_collector(
    components_module,
):
    # a hook that holds the answer (answer -> hook -> answer) keeps each 1,000-row page alive
    # until the collector's next full pass
    response = hooked(components_module, json.dumps(PAGE).encode())
    response.json()
    gone = weakref.ref(response)
    gc.disable()
    try:
        del response
        assert gone() is None
    finally:
        gc.enable()

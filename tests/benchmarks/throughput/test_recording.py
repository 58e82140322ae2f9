"""The throughput benchmark's recordings: keys, the recording app, the static app, the files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from benchmarks.throughput.recording import (
    INDEX_FILE,
    RecordedResponse,
    Recording,
    RecordingApp,
    RecordingError,
    StaticApp,
    request_key,
)
from sandboxes.base import Request, Response, SandboxApp, serve

REPORT = "/open_api/v1.3/report/integrated/get/"


def _request(
    path: str, raw_query: str = "", method: str = "GET", body: bytes = b"", **headers: str
) -> Request:
    return Request(method, path, {}, {k.lower(): v for k, v in headers.items()}, body, raw_query)


class NumberedApp(SandboxApp):
    """Answers every request with the next number, as sandboxes number their request ids."""

    def __init__(self) -> None:
        super().__init__()
        self.answered = 0

    def handle(self, request: Request) -> Response:
        self.answered += 1
        return Response.json({"answer": self.answered, "path": request.path})


def _recording() -> Recording:
    key = request_key(_request(REPORT, "advertiser_id=1&page=2&page_size=1000"))
    body = json.dumps({"code": 0, "data": {"list": [{"row": 1}]}}).encode()
    return Recording({key: RecordedResponse(200, "application/json", body)})


def test_the_key_of_a_request_ignores_the_order_of_its_query_and_its_headers():
    first = _request(REPORT, "page=2&advertiser_id=1", **{"Access-Token": "a"})
    second = _request(REPORT, "advertiser_id=1&page=2", **{"Access-Token": "b"})

    assert request_key(first) == request_key(second) == f"GET {REPORT}?advertiser_id=1&page=2"


def test_a_tunneled_query_keys_as_the_get_it_stands_for():
    tunneled = _request(
        "/rest/adAnalytics",
        method="POST",
        body=b"q=analytics&pivot=CAMPAIGN",
        **{"X-HTTP-Method-Override": "GET"},
    )

    assert request_key(tunneled) == request_key(
        _request("/rest/adAnalytics", "pivot=CAMPAIGN&q=analytics")
    )


def test_a_token_request_keys_without_its_posted_credentials():
    posted = _request("/oauth/v2/accessToken", method="POST", body=b"refresh_token=one")
    other = _request("/oauth/v2/accessToken", method="POST", body=b"refresh_token=two")

    assert request_key(posted) == request_key(other) == "POST /oauth/v2/accessToken"


def test_the_recording_app_keeps_the_first_answer_to_a_repeated_request():
    app = RecordingApp(NumberedApp())

    app.dispatch(_request(REPORT, "page=1"))
    second = app.dispatch(_request(REPORT, "page=1"))

    assert json.loads(second.body)["answer"] == 2
    (answer,) = app.recording.responses.values()
    assert json.loads(answer.body)["answer"] == 1


def test_the_static_server_answers_a_recorded_request_whatever_the_order_of_its_query():
    recording = _recording()
    (expected,) = recording.responses.values()
    app = StaticApp(recording)

    with serve(app) as server:
        answer = requests.get(
            f"{server.url}{REPORT}",
            params={"page_size": "1000", "page": "2", "advertiser_id": "1"},
            timeout=10,
        )

    assert answer.status_code == 200
    assert answer.content == expected.body
    assert app.unknown == []


def test_the_static_server_404s_a_request_it_has_not_recorded_and_names_its_key():
    app = StaticApp(_recording())

    with serve(app) as server:
        answer = requests.get(
            f"{server.url}{REPORT}",
            params={"advertiser_id": "1", "page": "3", "page_size": "1000"},
            timeout=10,
        )

    key = f"GET {REPORT}?advertiser_id=1&page=3&page_size=1000"
    assert answer.status_code == 404
    assert key in answer.json()["message"]
    assert app.unknown == [key]


def test_a_saved_recording_loads_with_the_same_answers(tmp_path: Path):
    recording = _recording()

    recording.save(tmp_path / "tiktok")
    loaded = Recording.load(tmp_path / "tiktok")

    assert loaded.responses == recording.responses


def test_a_recording_whose_body_file_is_gone_is_refused_naming_the_folder(tmp_path: Path):
    folder = tmp_path / "tiktok"
    _recording().save(folder)
    (body_name,) = [row["body"] for row in json.loads((folder / INDEX_FILE).read_text())]
    (folder / "bodies" / body_name).unlink()

    with pytest.raises(RecordingError, match=str(folder)):
        Recording.load(folder)

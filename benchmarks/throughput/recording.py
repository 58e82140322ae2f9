"""Recorded API answers, and the static app that serves them again.

A connector's read is recorded once against a sandbox (:class:`RecordingApp` keeps the first
answer to every distinct request) and frozen to a folder (:meth:`Recording.save`). The measured
reads then go to :class:`StaticApp`, which answers from memory by :func:`request_key`, so the
API side costs nothing but the socket write and the figures are the connector's alone.

The key is the method, the path and the sorted query pairs: the parameter order a connector
happens to use, the host and the headers (tokens) do not matter. A query tunneled in a form body
(``POST`` with ``X-HTTP-Method-Override: GET``, as LinkedIn's long Rest.li queries are) keys as
the ``GET`` it stands for. Any other body is not part of the key, so a token endpoint is answered
whatever credentials are posted to it::

    >>> request_key(Request("GET", "/r", {}, {}, b"", raw_query="b=2&a=1"))
    'GET /r?a=1&b=2'
    >>> request_key(Request("POST", "/oauth/v2/accessToken", {}, {}, b"refresh_token=x"))
    'POST /oauth/v2/accessToken'
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from benchmarks import BenchmarkError
from sandboxes.base import Request, Response, SandboxApp

INDEX_FILE = "responses.json"
BODIES_DIR = "bodies"


class RecordingError(BenchmarkError):
    """A recording folder that cannot be used; the message names it and what to do."""


def request_key(request: Request) -> str:
    """``METHOD /path?sorted-query``: what a recorded answer is found by (see the module doc)."""
    method = request.method.upper()
    pairs = parse_qsl(request.raw_query, keep_blank_values=True)
    if method == "POST" and (request.header("x-http-method-override") or "").upper() == "GET":
        method = "GET"
        pairs += parse_qsl(request.body.decode(errors="replace"), keep_blank_values=True)
    query = urlencode(sorted(pairs))
    return f"{method} {request.path}" + (f"?{query}" if query else "")


@dataclass(frozen=True)
class RecordedResponse:
    status: int
    content_type: str
    body: bytes

    def response(self) -> Response:
        return Response(self.status, self.body, {"Content-Type": self.content_type})


class Recording:
    """Answers by request key, in the order they were first recorded."""

    def __init__(self, responses: dict[str, RecordedResponse] | None = None) -> None:
        self.responses: dict[str, RecordedResponse] = dict(responses or {})

    def __len__(self) -> int:
        return len(self.responses)

    def save(self, folder: Path) -> None:
        """Write ``responses.json`` (keys, statuses, types) and one body file per answer."""
        bodies = folder / BODIES_DIR
        bodies.mkdir(parents=True, exist_ok=True)
        index = []
        for key, answer in self.responses.items():
            name = hashlib.sha256(key.encode()).hexdigest()[:24]
            (bodies / name).write_bytes(answer.body)
            index.append(
                {
                    "key": key,
                    "status": answer.status,
                    "content_type": answer.content_type,
                    "body": name,
                }
            )
        (folder / INDEX_FILE).write_text(json.dumps(index, indent=1))

    @classmethod
    def load(cls, folder: Path) -> Recording:
        index_path = folder / INDEX_FILE
        try:
            index = json.loads(index_path.read_text())
            responses = {
                str(row["key"]): RecordedResponse(
                    int(row["status"]),
                    str(row["content_type"]),
                    (folder / BODIES_DIR / str(row["body"])).read_bytes(),
                )
                for row in index
            }
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RecordingError(
                f"the recording in {folder} cannot be read ({exc}); delete the folder and run "
                "the benchmark again to record it anew"
            ) from None
        return cls(responses)


class RecordingApp(SandboxApp):
    """Forwards every request to ``target`` and keeps the first answer to each request key.

    Later answers to the same key are dropped: a sandbox numbers its answers (TikTok's
    ``request_id``, LinkedIn's access tokens), and the first is the one the read went on with.
    """

    name = "recording"

    def __init__(self, target: SandboxApp) -> None:
        super().__init__()
        self.target = target
        self.recording = Recording()
        self._keep_lock = threading.Lock()

    def dispatch(self, request: Request) -> Response:
        response = self.target.dispatch(request)
        answer = RecordedResponse(
            response.status,
            response.headers.get("Content-Type", "application/json"),
            response.body,
        )
        with self._keep_lock:
            self.recording.responses.setdefault(request_key(request), answer)
        return response


class StaticApp(SandboxApp):
    """Answers each request with its recorded answer; 404 names the key of one not recorded.

    ``unknown`` lists the keys asked for and not recorded, so a caller can tell a stale
    recording from a connector failure.
    """

    name = "static"

    def __init__(self, recording: Recording) -> None:
        super().__init__()
        self.recording = recording
        self.unknown: list[str] = []

    def handle(self, request: Request) -> Response:
        key = request_key(request)
        answer = self.recording.responses.get(key)
        if answer is not None:
            return answer.response()
        with self._lock:
            self.unknown.append(key)
        return Response.json({"message": f"no recorded answer for {key}"}, status=404)

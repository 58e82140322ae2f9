"""The HTTP plumbing every sandbox shares: routing, latency, fault injection, request log.

A sandbox is a :class:`SandboxApp` subclass that answers :class:`Request` objects with
:class:`Response` objects; :class:`SandboxServer` serves it on ``127.0.0.1`` from a background
thread. Faults are deterministic (by request count), so tests that rely on them never flake.
An app that raises :class:`ConnectionDropped` makes the server close the connection without an
answer, as a crashed server or a proxy that gave up would.

Inside a container (``docker-compose.yml``) the loopback interface cannot be published, so
``SANDBOX_BIND_HOST=0.0.0.0`` changes the default bind address; nothing sets it outside containers.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    # the query string as sent, before percent-decoding (Rest.li 2.0 values need it)
    raw_query: str = ""

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(
        cls, payload: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        merged = {"Content-Type": "application/json", **(headers or {})}
        return cls(status, json.dumps(payload).encode(), merged)

    @classmethod
    def text(cls, text: str, status: int, content_type: str = "text/html") -> Response:
        return cls(status, text.encode(), {"Content-Type": content_type})


class ConnectionDropped(Exception):
    """Raised by an app: the server closes the connection and sends nothing back."""


@dataclass
class FaultPlan:
    """Which requests fail, decided by their sequence number (1-based) on matching paths.

    ``every`` fails each n-th matching request; ``first`` fails the first n matching requests.
    ``respond`` builds the failure (an HTTP 5xx, a 429, or an HTTP 200 with an error code).
    """

    respond: Callable[[Request], Response]
    every: int = 0
    first: int = 0
    path_prefix: str = ""
    _seen: int = 0

    def check(self, request: Request) -> Response | None:
        if not request.path.startswith(self.path_prefix):
            return None
        self._seen += 1
        if self.first and self._seen <= self.first:
            return self.respond(request)
        if self.every and self._seen % self.every == 0:
            return self.respond(request)
        return None


class SandboxApp:
    """Base class: subclasses implement :meth:`handle`."""

    name = "sandbox"

    def __init__(self) -> None:
        self.latency_s = 0.0
        self.faults: list[FaultPlan] = []
        self.requests: list[Request] = []
        self._lock = threading.Lock()

    def handle(self, request: Request) -> Response:
        raise NotImplementedError

    def dispatch(self, request: Request) -> Response:
        with self._lock:
            self.requests.append(request)
            injected = next((r for plan in self.faults if (r := plan.check(request))), None)
        if self.latency_s:
            time.sleep(self.latency_s)
        if injected is not None:
            return injected
        return self.handle(request)

    def request_count(self, path_prefix: str = "") -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.path.startswith(path_prefix))


class SwitchableApp(SandboxApp):
    """Forwards every request to ``target``, so one server can serve a fresh app per test.

    Stopping a server waits out its 0.5 s poll interval; a test session starts one server and
    points it at each test's own sandbox instead.
    """

    def __init__(self) -> None:
        super().__init__()
        self.target: SandboxApp | None = None

    def dispatch(self, request: Request) -> Response:
        if self.target is None:
            return Response.json({"message": "no sandbox is being served"}, status=503)
        return self.target.dispatch(request)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # headers and body leave in two writes; with Nagle on, each keep-alive answer then waits
    # ~40 ms for the client's delayed ACK
    disable_nagle_algorithm = True

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            raw_query=parts.query,
        )
        try:
            response = self.server.app.dispatch(request)
        except ConnectionDropped:
            self.close_connection = True  # the client reads EOF where it expected a status line
            return
        except Exception as exc:  # a sandbox bug must surface as a 500, not a hung client
            response = Response.json({"message": f"sandbox error: {exc!r}"}, status=500)
        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read app.requests
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: SandboxApp) -> None:
        super().__init__(address, _Handler)
        self.app = app


DEFAULT_HOST = "127.0.0.1"
BIND_HOST_VARIABLE = "SANDBOX_BIND_HOST"


class SandboxServer:
    """Serves a :class:`SandboxApp` on the loopback interface from a daemon thread."""

    def __init__(self, app: SandboxApp, host: str | None = None, port: int = 0) -> None:
        self.app = app
        bind = host or os.environ.get(BIND_HOST_VARIABLE) or DEFAULT_HOST
        self._server = _Server((bind, port), app)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        host_text = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{host_text}:{port}"

    def start(self) -> SandboxServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def free_port() -> int:
    """A loopback port nothing listens on right now (the system just handed it out and took it
    back): a sandbox may take it, and a client connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_until_interrupted(server: SandboxServer, banner: str) -> int:
    """Start ``server``, print ``banner`` (flushed: compose and scripts wait for it), serve until
    Ctrl-C or SIGTERM. The standalone entry point of every sandbox.

    A process-directed signal may be delivered to any thread that does not block it; one that
    lands on the server thread would leave the main thread asleep forever. So both signals are
    blocked before the server thread starts (threads inherit the mask) and the main thread takes
    them synchronously with ``sigwait``.
    """
    import signal

    stop_signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    server.start()
    print(banner, flush=True)
    signal.sigwait(stop_signals)
    server.stop()
    return 0


@contextmanager
def serve(app: SandboxApp, port: int = 0) -> Iterator[SandboxServer]:
    with SandboxServer(app, port=port) as server:
        yield server

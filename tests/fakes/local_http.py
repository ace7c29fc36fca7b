"""A stdlib HTTP server on 127.0.0.1 in its own thread, for fakes that must serve
blocking clients (plexapi) and separate processes (the CLI) as well as asyncio tests.

Every such fake can be switched to misbehave as a real server does in an outage:
:meth:`LocalHttpServer.slow` (answers after a while), :meth:`~LocalHttpServer.hang`
(accepts, never answers until :meth:`~LocalHttpServer.behave` or ``stop``),
:meth:`~LocalHttpServer.fail` (answers every request with an HTTP status: 401, 500).
:attr:`~LocalHttpServer.in_flight` counts the requests being answered right now and
:attr:`~LocalHttpServer.peak_in_flight` the most at once, so a test can tell whether a
client sends requests side by side or one after the other without timing anything.

Also the ways a service can fail to be one: :class:`CannedAnswer` (the same answer to
every request: a reverse proxy's login page, a 500), :func:`silent_url` (accepts
connections, never answers) and :func:`closed_url` (connection refused).
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client gave up waiting (a timeout under test): nothing to report
        super().handle_error(request, client_address)


class LocalHttpServer:
    """Subclasses implement :meth:`_handle`; ``with Fake() as fake:`` serves at ``fake.url``."""

    url = ""
    _server: ThreadingHTTPServer | None = None
    _delay = 0.0
    _status: int | None = None
    _released: threading.Event | None = None
    in_flight = 0
    peak_in_flight = 0
    arrived = 0
    """Requests received, answered or not (a held one too)."""
    _counted: threading.Condition | None = None

    def _handle(self, http: BaseHTTPRequestHandler, method: str) -> None:
        raise NotImplementedError

    # -- misbehaving ------------------------------------------------------------------------

    def slow(self, seconds: float) -> None:
        """Answer every request ``seconds`` late (0: on time)."""
        self._delay = seconds

    def hang(self) -> None:
        """Accept every request and answer none, until :meth:`behave` (or ``stop``)."""
        self._hold().clear()

    def fail(self, status: int) -> None:
        """Answer every request with ``status`` (401, 500, ...) and nothing else."""
        self._status = status

    def behave(self) -> None:
        """Answer normally again (held requests are answered now)."""
        self._delay, self._status = 0.0, None
        self._hold().set()

    def wait_in_flight(self, count: int, timeout: float = 10.0) -> bool:
        """Whether ``count`` requests were being answered at once before ``timeout`` (a
        limit that only turns a hang into a failure)."""
        with self._counter():
            return self._counter().wait_for(lambda: self.peak_in_flight >= count, timeout)

    def _hold(self) -> threading.Event:
        if self._released is None:
            self._released = threading.Event()
            self._released.set()
        return self._released

    def _counter(self) -> threading.Condition:
        if self._counted is None:
            self._counted = threading.Condition()
        return self._counted

    def _count(self, change: int) -> None:
        with self._counter():
            self.arrived += max(0, change)
            self.in_flight += change
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            self._counter().notify_all()

    def _trouble_body(self, status: int) -> tuple[bytes, str]:
        """The body of a :meth:`fail` answer (a fake speaks its server's kind of error)."""
        return f"{status}".encode(), "text/plain"

    def _serve(self, http: BaseHTTPRequestHandler, method: str) -> None:
        self._count(+1)
        try:
            self._hold().wait()
            if self._delay:
                threading.Event().wait(self._delay)
            if self._status is not None:
                body, kind = self._trouble_body(self._status)
                http.send_response(self._status)
                http.send_header("Content-Type", kind)
                http.send_header("Content-Length", str(len(body)))
                http.end_headers()
                http.wfile.write(body)
                return
            self._handle(http, method)
        finally:
            self._count(-1)

    # -- serving ----------------------------------------------------------------------------

    def start(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._serve(self, "GET")

            def do_PUT(self) -> None:
                fake._serve(self, "PUT")

            def do_POST(self) -> None:
                fake._serve(self, "POST")

            def do_DELETE(self) -> None:
                fake._serve(self, "DELETE")

        self._hold()
        self._server = _Server(("127.0.0.1", 0), Handler)
        # A short poll, so stop() (shutdown waits for the loop to look) takes milliseconds,
        # not the half second serve_forever polls at by default.
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self.url

    def stop(self) -> None:
        self._hold().set()  # a held request ends now, not with the test process
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class CannedAnswer(LocalHttpServer):
    """Answers every request alike: ``status`` with ``body`` as ``kind`` (and ``headers``)."""

    def __init__(
        self,
        status: int,
        body: str,
        kind: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.body = body.encode()
        self.kind = kind
        self.headers = headers or {}

    def _handle(self, http: BaseHTTPRequestHandler, method: str) -> None:
        http.send_response(self.status)
        http.send_header("Content-Type", self.kind)
        http.send_header("Content-Length", str(len(self.body)))
        for name, value in self.headers.items():
            http.send_header(name, value)
        http.end_headers()
        http.wfile.write(self.body)


@contextlib.contextmanager
def silent_url() -> Iterator[str]:
    """A URL whose server takes the connection (the kernel's backlog does) and never
    answers: a service that hangs."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def closed_url() -> str:
    """A URL on a port nothing listens at: connection refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


__all__ = ["CannedAnswer", "LocalHttpServer", "closed_url", "silent_url"]

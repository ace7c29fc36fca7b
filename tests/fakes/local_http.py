"""A stdlib HTTP server on 127.0.0.1 in its own thread, for fakes that must serve
blocking clients (plexapi) and separate processes (the CLI) as well as asyncio tests.

Also the ways a service can fail to be one: :class:`CannedAnswer` (the same answer to
every request: a reverse proxy's login page, a 500), :func:`silent_url` (accepts
connections, never answers) and :func:`closed_url` (connection refused)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class LocalHttpServer:
    """Subclasses implement :meth:`_handle`; ``with Fake() as fake:`` serves at ``fake.url``."""

    url = ""
    _server: ThreadingHTTPServer | None = None

    def _handle(self, http: BaseHTTPRequestHandler, method: str) -> None:
        raise NotImplementedError

    def start(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_PUT(self) -> None:
                fake._handle(self, "PUT")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

            def do_DELETE(self) -> None:
                fake._handle(self, "DELETE")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self.url

    def stop(self) -> None:
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

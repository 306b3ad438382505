"""`dashboard --serve`: the web dashboard over HTTP on this machine, reloaded on change.

Two paths: `/` is the page, `/version` the fingerprint of the plan and history (see watch.py);
the page polls it and reloads when it changes. A request naming another host is refused, so a
web page elsewhere cannot reach the dashboard through DNS rebinding."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Page:
    """The page and its version; rebuilt when the fingerprint moves on."""

    def __init__(self, fingerprint: Callable[[], str], build: Callable[[str], bytes]) -> None:
        self._fingerprint, self._build = fingerprint, build
        self._lock = threading.Lock()
        self.version = fingerprint()
        self.body = build(self.version)

    def current(self) -> tuple[str, bytes]:
        with self._lock:
            now = self._fingerprint()
            if now != self.version:
                self.version, self.body = now, self._build(now)
            return self.version, self.body


def handler(page: Page, hosts: tuple[str, ...]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]")
            if host not in hosts:
                self._send(403, "text/plain", b"unknown host\n")
                return
            version, body = page.current()
            if self.path in ("/", "/index.html"):
                self._send(200, "text/html; charset=utf-8", body)
            elif self.path == "/version":
                self._send(200, "text/plain", version.encode())
            else:
                self._send(404, "text/plain", b"not found\n")

        def _send(self, code: int, kind: str, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the terminal shows the URL, not every poll

    return Handler


def server(page: Page, host: str, port: int) -> ThreadingHTTPServer:
    hosts = tuple({*LOOPBACK, host})
    return ThreadingHTTPServer((host, port), handler(page, hosts))

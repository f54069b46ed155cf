"""Small proxies on 127.0.0.1 between the app and the test S3 server, to make the faults a
real network and a real store can produce: a connection cut in the middle of a part, and a
store whose account of an object (HeadObject) differs from what it was sent."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.store.s3 import S3Server

Headers = dict[str, str]


class ConnectionCutter:
    """Forwards TCP to the store and, once, closes a connection after ``cut_after`` bytes
    from the app (the middle of a part), as a dropped network would; with ``pause``, it
    also waits that long on every 64 KiB the app sends (a slow uplink), and with
    ``download_pause`` on every 64 KiB the store sends back (a slow downlink)."""

    def __init__(
        self,
        upstream: S3Server,
        cut_after: int | None = None,
        *,
        pause: float = 0.0,
        download_pause: float = 0.0,
    ) -> None:
        self.upstream = upstream
        self.cut_after = cut_after
        self.pause = pause
        self.download_pause = download_pause
        self.cuts = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._sent = 0
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection((self.upstream.host, self.upstream.port))
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket, counted: bool) -> None:
        try:
            while data := source.recv(65536):
                if counted:
                    if self.pause:
                        time.sleep(self.pause)
                    with self._lock:
                        self._sent += len(data)
                        cut = (
                            self.cut_after is not None
                            and self.cuts == 0
                            and self._sent > self.cut_after
                        )
                        if cut:
                            self.cuts += 1
                    if cut:
                        target.sendall(data[: len(data) // 2])
                        break
                elif self.download_pause:
                    time.sleep(self.download_pause)
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                with suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()

    def close(self) -> None:
        self._closed = True
        self._listener.close()


class StoreAccountRewriter:
    """An HTTP proxy to the store that changes the headers of every HeadObject answer."""

    def __init__(self, upstream: S3Server, rewrite: Callable[[Headers], Headers]) -> None:
        self.rewrite = rewrite
        self.heads = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                connection = http.client.HTTPConnection(upstream.host, upstream.port, timeout=60)
                connection.request(self.command, self.path, body, dict(self.headers.items()))
                answer = connection.getresponse()
                payload = answer.read()
                headers = {k: v for k, v in answer.getheaders()}
                if self.command == "HEAD":
                    proxy.heads += 1
                    headers = proxy.rewrite(headers)
                self.send_response(answer.status, answer.reason)
                for key, value in headers.items():
                    if key.lower() not in ("transfer-encoding", "connection"):
                        self.send_header(key, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)
                connection.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def rewriting_head(upstream: S3Server, rewrite: Callable[[Headers], Headers]) -> Iterator[str]:
    proxy = StoreAccountRewriter(upstream, rewrite)
    try:
        yield proxy.endpoint
    finally:
        proxy.close()

"""A time-stamping service on 127.0.0.1 that misbehaves on purpose: slow, replaying another
request's nonce, or stamping other data. Its tokens are real ones from the force PKI's
time-stamping unit (certomancer), so only the misbehaviour is wrong."""

from __future__ import annotations

import contextlib
import enum
import hashlib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import tsp

from signing.live_pki import LivePki

SLOW_ANSWER_S = 3.0
"""How long the slow service waits before answering: longer than the tests' timeout."""


class Misbehaviour(enum.Enum):
    SLOW = "answers only after the client gave up"
    WRONG_NONCE = "answers with a nonce other than the one sent"
    OTHER_DATA = "stamps a digest other than the one sent"
    NOT_A_TSA = "answers with a web page"


@contextmanager
def misbehaving_tsa(pki: LivePki, how: Misbehaviour, stamp_time: datetime) -> Iterator[str]:
    """Serve on 127.0.0.1 until the block ends; yields the service's URL."""
    stamper = pki.arch.service_registry.summon_timestamper("tsa", stamp_time)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            request = tsp.TimeStampReq.load(body)
            if how is Misbehaviour.SLOW:
                time.sleep(SLOW_ANSWER_S)
            digest = request["message_imprint"]["hashed_message"].native
            nonce = request["nonce"].native
            if how is Misbehaviour.WRONG_NONCE:
                nonce += 1
            if how is Misbehaviour.OTHER_DATA:
                digest = hashlib.sha256(b"some other document").digest()
            request = tsp.TimeStampReq(
                {
                    "version": 1,
                    "message_imprint": {
                        "hash_algorithm": {"algorithm": "sha256"},
                        "hashed_message": digest,
                    },
                    "nonce": nonce,
                    "cert_req": True,
                }
            )
            answer = (
                b"<html>Service unavailable</html>"
                if how is Misbehaviour.NOT_A_TSA
                else stamper.request_tsa_response(request).dump()
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the slow case: the client hung up
                self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def unused_local_url() -> str:
    """The URL of a port on 127.0.0.1 that nothing listens on (a service that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/tsa"

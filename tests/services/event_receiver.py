"""A carrier's webhook receiver on 127.0.0.1, started by the test: it checks signatures, keeps each
idempotency key once, and can be told to fail, hang past the sender's timeout, or refuse."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Receiver:
    secret: str
    url: str = ""
    # What the next requests get, in order: "ok", "fail" (503), "hang" (kept, but answered too late),
    # "refuse" (400). When the script runs out, "ok".
    script: list[str] = field(default_factory=list)
    hang_s: float = 1.5
    accepted: list[dict[str, Any]] = field(default_factory=list)  # each key once, in arrival order
    requests: list[tuple[str, str]] = field(default_factory=list)  # (key, what happened)
    bad_signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def keys(self) -> list[str]:
        return [event["event_id"] for event in self.accepted]

    def handle(self, headers: Any, body: bytes) -> tuple[int, float]:
        """(status, delay) for one POST; records what a real receiver would keep."""
        expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        key = headers.get("Idempotency-Key", "")
        with self.lock:
            if not hmac.compare_digest(expected, headers.get("X-Station-Signature", "")):
                self.bad_signatures += 1
                self.requests.append((key, "bad signature"))
                return 401, 0.0
            step = self.script.pop(0) if self.script else "ok"
            self.requests.append((key, step))
            if step == "fail":
                return 503, 0.0
            if step == "refuse":
                return 400, 0.0
            event = json.loads(body)
            assert event["event_id"] == key
            if key not in self.keys():
                self.accepted.append(event)
            return 200, self.hang_s if step == "hang" else 0.0


@contextmanager
def receiver(secret: str, script: list[str] | None = None) -> Iterator[Receiver]:
    state = Receiver(secret=secret, script=list(script or []))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802  (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, delay = state.handle(self.headers, body)
            if delay:
                time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass  # the sender gave up waiting: it will try again

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/events"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

"""Loopback servers for the notification tests: a real SMTP server (aiosmtpd) and a real HTTP server."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station


def zto(n: int) -> str:
    return f"73{n:012d}"


def checkin(station: Station, n: int, phone: str | None = "13812345678", email: str | None = None) -> Any:
    return check_in(station, zto(n), batch="ZTO", phone=phone, email=email)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SmtpSink:
    """Collects every accepted mail; `refuse` answers the next N DATA commands with 451; an address in
    `unknown` is refused at RCPT with 550."""

    refuse: int = 0
    mails: list[EmailMessage] = field(default_factory=list)
    attempts: int = 0
    unknown: set[str] = field(default_factory=set)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's name)
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.unknown:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.attempts += 1
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 try again later"
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self.mails.append(mail)
        return "250 OK"


@contextmanager
def smtp_server(refuse: int = 0) -> Iterator[tuple[SmtpSink, int]]:
    sink = SmtpSink(refuse=refuse)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@dataclass
class Gateway:
    """An SMS gateway: checks the secret, refuses the first N requests with 503, drops repeated keys."""

    secret: str = "s3cret"
    refuse: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)
    delivered: dict[str, dict[str, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def http_gateway(secret: str = "s3cret", refuse: int = 0) -> Iterator[tuple[Gateway, str]]:
    gateway = Gateway(secret=secret, refuse=refuse)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with gateway.lock:
                gateway.requests.append({"headers": dict(self.headers), "body": body})
                if self.headers.get("X-Station-Secret") != gateway.secret:
                    code = 401
                elif gateway.refuse > 0:
                    gateway.refuse -= 1
                    code = 503
                else:
                    gateway.delivered.setdefault(body["idempotency_key"], body)
                    code = 200
            self.send_response(code)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway, f"http://127.0.0.1:{server.server_address[1]}/sms"
    finally:
        server.shutdown()
        server.server_close()

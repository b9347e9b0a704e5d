"""Where messages go: one small interface, four channels, chosen by `make_channel` from the settings.

- `FileChannel` (the default): appends each message to `outbox-messages-WITH-PHONE-NUMBERS.txt` in the user
  data folder. The file is the message itself, so it holds the recipient's full number: it is named so.
- `SmtpChannel`: e-mail through smtplib, plain, STARTTLS or SSL, optional login.
- `WebhookChannel`: a JSON POST per message for an SMS gateway (urllib), with the secret in a header and the
  idempotency key in the body and an `Idempotency-Key` header, so a gateway drops a repeat.
- `DummyChannel`: records messages, for tests.

A channel raises `ChannelError` when a message did not go out; `permanent` means retrying cannot help
(a refused address, a 4xx answer). Its `message` is ours (a `Message`, stored by id and read in the
reader's language); what a server or the system said is a parameter of it, data. Secrets (SMTP password, webhook secret) never live in the shared
database: `$STATION_SMTP_PASSWORD` / `$STATION_WEBHOOK_SECRET`, else `secrets.toml` next to this
counter's `counter.toml` (keys `smtp_password`, `webhook_secret`).
"""

from __future__ import annotations

import errno
import json
import logging
import os
import smtplib
import ssl
import threading
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import ClassVar, Protocol

from platformdirs import user_data_dir

from hardware.messages import Message as Text
from station_console.counter_config import APP_NAME
from station_console.i18n import N_
from station_console.logs import mask_text
from station_console.private_files import open_private_append_text, write_reason_message
from station_console.secrets_file import load_secrets
from station_console.services.notify.network_words import unreachable_reason
from station_console.services.notify.templates import Message
from station_console.settings import StationSettings

TIMEOUT_S = 20.0
FILE_NAME = "outbox-messages-WITH-PHONE-NUMBERS.txt"


PARAM_MAX = 200  # a server's or the system's words, kept in the message


class ChannelError(Exception):
    """The message did not go out. `message` is what the outbox stores and shows, masked (an address in a
    server's answer): our sentence as a `Message` (translated where shown), or other text as it is."""

    def __init__(self, text: str, *, permanent: bool = False, if_retried: str | None = None) -> None:
        self.message = _kept(text)
        super().__init__(self.message)
        self.permanent = permanent
        # What to say of a message that waits to be tried again, when that differs from `message`.
        self.retried_message = self.message if if_retried is None else _kept(if_retried)

    def said(self, *, retried: bool) -> str:
        """What the outbox stores and a pass shows: `retried_message` for a message tried again."""
        return self.retried_message if retried else self.message


def _kept(text: str) -> str:
    return _masked(text) if isinstance(text, Text) else mask_text(text)[:480]


def _masked(text: Text) -> Text:
    """`text` with its parameters masked; a parameter that is a message of ours stays one, to be read
    in the reader's language (a write's reason)."""
    return Text(
        text.msgid,
        **{
            k: _masked(v) if isinstance(v, Text) else mask_text(str(v))[:PARAM_MAX]
            for k, v in text.params.items()
        },
    )


# Outbox rows that failed before the message file's error said what to do are still read in words.
STORED_BEFORE = (
    N_("Cannot write the message file {path}: {error}"),
    N_(
        "Cannot write the message file {path}: {reason}. Its messages wait and are tried again:"
        " make room on its disk, or let this console write there."
    ),
)


def _failed(msgid: str, *, permanent: bool = False, **params: object) -> ChannelError:
    return ChannelError(Text(msgid, **params), permanent=permanent)


class Channel(Protocol):
    name: str
    address: str  # "email", "phone" or "any": which recipient field the channel needs
    idempotent: bool  # a repeat with the same key is dropped by the receiver (crash recovery may resend)

    def send(self, message: Message) -> None: ...


def read_secret(name: str) -> str:
    """`STATION_<NAME>` from the environment, else `<name>` from this counter's secrets.toml, else ''."""
    value = os.environ.get(f"STATION_{name.upper()}")
    if value:
        return value
    return str(load_secrets().get(name, ""))


def data_dir() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False))


class FileChannel:
    name = "file"
    address = "any"
    idempotent = False
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / FILE_NAME

    def send(self, message: Message) -> None:
        block = (
            f"=== {message.idempotency_key} to {message.to}\nSubject: {message.subject}\n\n{message.body}\n\n"
        )
        try:
            # Owner-only: the file holds full phone numbers and e-mail addresses.
            with self._lock, open_private_append_text(self.path) as out:
                out.write(block)
        except OSError as exc:  # the system's words are English: the log keeps them
            logging.getLogger(__name__).warning("cannot write %s: %s", self.path, exc)
            problem = Text(
                _FILE_PROBLEMS.get(exc.errno or 0, _FILE_PROBLEM),
                path=self.path,
                reason=write_reason_message(exc),
            )
            raise ChannelError(problem, if_retried=Text(_RETRIED, problem=problem)) from exc


# What went wrong with the message file, by the system error's kind, and what puts it right.
_NO_ROOM = N_("Cannot write the message file {path}: {reason}. Make room on its disk.")
_NO_PERMISSION = N_("Cannot write the message file {path}: {reason}. Let this console write there.")
_FILE_PROBLEMS = {
    **dict.fromkeys((errno.ENOSPC, errno.EDQUOT, errno.EFBIG), _NO_ROOM),
    **dict.fromkeys((errno.EACCES, errno.EPERM, errno.EROFS), _NO_PERMISSION),
    errno.EISDIR: N_(
        "Cannot write the message file {path}: a folder is in its place. Move that folder away."
    ),
    errno.ENOTDIR: N_(
        "Cannot write the message file {path}: a file is where its folder should be. Move that file away."
    ),
}
_FILE_PROBLEM = N_("Cannot write the message file {path}: {reason}.")
# Said only of a message that will be tried again, not of one given up on.
_RETRIED = N_("{problem} The messages wait and are tried again.")


class SmtpChannel:
    name = "smtp"
    address = "email"
    idempotent = False  # mail servers do not drop a repeated Message-ID

    def __init__(
        self,
        host: str,
        port: int,
        *,
        security: str = "starttls",
        user: str = "",
        password: str = "",
        sender: str = "",
        timeout: float = TIMEOUT_S,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.host, self.port, self.security = host, port, security
        self.user, self.password, self.sender = user, password, sender or f"station@{host or 'localhost'}"
        self.timeout = timeout
        self.ssl_context = ssl_context or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.ssl_context)
        client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            client.starttls(context=self.ssl_context)
        return client

    def send(self, message: Message) -> None:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, message.to, message.subject
        mail["Message-ID"] = make_msgid(idstring=message.idempotency_key)
        mail["X-Idempotency-Key"] = message.idempotency_key
        mail.set_content(message.body)
        try:
            with self._connect() as client:
                if self.user:
                    client.login(self.user, self.password)
                client.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            # The server's answer, not the address: the outbox shows recipients masked.
            answers = "; ".join(
                f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
                for code, text in exc.recipients.values()
            )
            raise _failed(
                N_("The mail server refused the recipient's address: {answer}"),
                permanent=True,
                answer=answers,
            ) from exc
        except smtplib.SMTPResponseException as exc:
            # 5xx: the server will not take it however often we try; 4xx: try again later.
            text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc)
            raise _failed(
                N_("The mail server answered {code}: {answer}"),
                permanent=500 <= exc.smtp_code < 600,
                code=exc.smtp_code,
                answer=text,
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise _failed(
                N_("Cannot reach the mail server {server}: {error}"),
                server=f"{self.host}:{self.port}",
                error=unreachable_reason(exc),
            ) from exc


class WebhookChannel:
    name = "webhook"
    address = "phone"
    idempotent = True  # the gateway is expected to drop a repeated idempotency key

    def __init__(
        self,
        url: str,
        *,
        secret: str = "",
        secret_header: str = "X-Station-Secret",
        timeout: float = TIMEOUT_S,
    ) -> None:
        self.url, self.secret, self.secret_header, self.timeout = url, secret, secret_header, timeout

    def send(self, message: Message) -> None:
        body = json.dumps(
            {
                "to": message.to,
                "subject": message.subject,
                "text": message.body,
                "idempotency_key": message.idempotency_key,
                "kind": message.kind,
                "codes": list(message.codes),
            },
            ensure_ascii=False,
        ).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": message.idempotency_key,
        }
        if self.secret:
            headers[self.secret_header] = self.secret
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            # 4xx (but 408/429) is the gateway refusing this message; 5xx and the rest are worth a retry.
            permanent = 400 <= exc.code < 500 and exc.code not in (408, 409, 425, 429)
            raise _failed(
                N_("The SMS gateway answered HTTP {code} {reason}"),
                permanent=permanent,
                code=exc.code,
                reason=exc.reason,
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise _failed(
                N_("Cannot reach the SMS gateway {url}: {error}"), url=self.url, error=unreachable_reason(exc)
            ) from exc


class DummyChannel:
    """Records what it was given; `fail_with` makes the next sends fail (tests)."""

    name = "dummy"

    def __init__(self, *, address: str = "any", idempotent: bool = False) -> None:
        self.address, self.idempotent = address, idempotent
        self.sent: list[Message] = []
        self.fail_with: list[ChannelError] = []

    def send(self, message: Message) -> None:
        if self.fail_with:
            raise self.fail_with.pop(0)
        self.sent.append(message)


def make_channel(settings: StationSettings) -> Channel | None:
    """The channel the station chose in Settings (None: `none`, nothing is sent)."""
    kind = settings.notify_channel
    if kind == "smtp":
        return SmtpChannel(
            settings.smtp_host,
            settings.smtp_port,
            security=settings.smtp_security,
            user=settings.smtp_user,
            password=read_secret("smtp_password"),
            sender=settings.smtp_from,
        )
    if kind == "webhook":
        return WebhookChannel(
            settings.webhook_url,
            secret=read_secret("webhook_secret"),
            secret_header=settings.webhook_secret_header,
        )
    if kind == "file":
        return FileChannel()
    return None

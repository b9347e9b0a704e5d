"""Where carrier events go: a signed webhook per carrier, or files for manual upload.

- `WebhookChannel`: one JSON POST per event. Headers: `Idempotency-Key` (the event's id, the same on
  every retry, so the receiver keeps each event once), `X-Station-Event` (its kind) and
  `X-Station-Signature: sha256=<hex>`, the HMAC-SHA256 of the exact body bytes with the carrier's secret.
  The secret never lives in the shared database: `$STATION_EVENT_SECRET_<CARRIER>`, else
  `[carrier_event_secrets]` in this counter's `secrets.toml` (`SF = "..."`). A 2xx answer, or 409 (the
  receiver already has that key), is delivered; 408, 425, 429 and 5xx, a timeout or a refused connection
  are retried; any other 4xx is permanent (the event goes to the dead-letter list).
- `FileChannel`: appends the same JSON, one line per event, to `<folder>/<CARRIER>-<day>.jsonl` (folder:
  the target's, else `carrier-events/` in the user data folder), for stations that upload by hand. The
  file is this user's only (0600), as are the folders it creates (0700). A chosen folder missing once
  an event has gone out into it (`folders.py`) is a drive or share not connected, never created: the
  event waits (written into the empty mount point, it was marked sent and never reached the carrier).
  A chosen folder never used yet is made, as at the first use.

A channel raises `EventChannelError` when an event did not go out. Its `message` is our sentence (a
`Message`, kept in `last_error` by id and read in the reader's language); what a receiver or the system
said is a parameter of it, data.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import threading
import tomllib
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol

from hardware.messages import Message
from station_console.counter_config import config_path
from station_console.i18n import N_
from station_console.private_files import open_private_append_text, write_reason_message
from station_console.services.notify.channels import data_dir
from station_console.settings import EventTarget

TIMEOUT_S = 10.0
FOLDER = "carrier-events"


PARAM_MAX = 200  # a receiver's or the system's words, kept in the message


class EventChannelError(Exception):
    """An event did not go out: `failed(N_("..."), **params)` for our sentence; plain text is kept as it is."""

    def __init__(self, text: str, *, permanent: bool = False, unusable: bool = False) -> None:
        self.message: str = text if isinstance(text, Message) else text[:480]
        super().__init__(self.message)
        self.permanent = permanent
        # The target itself cannot be used (a file where the folder should be): the event waits for
        # its retry as after any failure, but the pass says the carrier could send nothing.
        self.unusable = unusable

    @classmethod
    def failed(
        cls, msgid: str, /, *, permanent: bool = False, unusable: bool = False, **params: object
    ) -> EventChannelError:
        kept = {k: v if isinstance(v, Message) else str(v)[:PARAM_MAX] for k, v in params.items()}
        # a reason of ours stays translatable
        return cls(Message(msgid, **kept), permanent=permanent, unusable=unusable)


class EventChannel(Protocol):
    name: str
    idempotent: bool  # a repeat with the same key is harmless (the receiver keeps one)

    def send(self, event_id: str, kind: str, body: bytes) -> None: ...


def body_of(event: dict[str, Any]) -> bytes:
    """The exact bytes sent and signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def read_event_secret(carrier: str) -> str:
    """The carrier's webhook secret from the environment or this counter's secrets.toml ('' if none)."""
    value = os.environ.get(f"STATION_EVENT_SECRET_{carrier.upper()}")
    if value:
        return value
    path = config_path().with_name("secrets.toml")
    if not path.exists():
        return ""
    table = tomllib.loads(path.read_text(encoding="utf-8")).get("carrier_event_secrets", {})
    return str(table.get(carrier) or table.get("*") or "") if isinstance(table, dict) else ""


class WebhookChannel:
    name = "webhook"
    idempotent = True

    def __init__(self, url: str, secret: str, *, timeout: float = TIMEOUT_S) -> None:
        self.url, self.secret, self.timeout = url, secret, timeout

    def send(self, event_id: str, kind: str, body: bytes) -> None:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": event_id,
            "X-Station-Event": kind,
            "X-Station-Signature": sign(self.secret, body),
        }
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 409:  # the receiver already has this key: it was delivered before
                return
            permanent = 400 <= exc.code < 500 and exc.code not in (408, 425, 429)
            raise EventChannelError.failed(
                N_("The receiver answered HTTP {code} {reason}"),
                permanent=permanent,
                code=exc.code,
                reason=exc.reason,
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise EventChannelError.failed(
                N_("Cannot reach the receiver {url}: {error}"), url=self.url, error=reason
            ) from exc


class FileChannel:
    name = "file"
    idempotent = False
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, folder: Path, carrier: str, day_of: Any, *, makes_folder: bool = True) -> None:
        self.folder, self.carrier, self.day_of = folder, carrier, day_of
        self.makes_folder = makes_folder  # False: a missing folder is not connected, as a printer's

    def path_for(self, body: bytes) -> Path:
        at = datetime.fromisoformat(json.loads(body)["at"])
        return self.folder / f"{self.carrier}-{self.day_of(at).isoformat()}.jsonl"

    def holds(self, event_id: str, body: bytes) -> bool:
        """The event is already in its file (a crash came between the write and the mark)."""
        path = self.path_for(body)
        if not path.exists():
            return False
        needle = f'"event_id":"{event_id}"'
        with path.open(encoding="utf-8") as lines:
            return any(needle in line for line in lines)

    def send(self, event_id: str, kind: str, body: bytes) -> None:
        path = self.path_for(body)
        if not self.makes_folder and not self.folder.is_dir():
            raise EventChannelError.failed(
                N_("Folder {folder} not found: check that its drive or network share is connected"),
                unusable=True,
                folder=self.folder,
            )
        try:
            # Pickup codes and masked phones: 0600, in folders made 0700 (a chosen one is left as it is).
            with self._lock, open_private_append_text(path) as out:
                out.write(body.decode() + "\n")
        except OSError as exc:
            raise EventChannelError.failed(
                N_("Cannot write the event file {path}: {error}"),
                unusable=(exc.errno or 0) in UNUSABLE_FOLDER,
                path=path,
                error=write_reason_message(exc),
            ) from exc


# The system errors that say the folder cannot be written at all until someone changes it (as the
# notify file channel tells them apart): a full disk may clear by itself, these never do.
UNUSABLE_FOLDER = frozenset({errno.ENOTDIR, errno.EISDIR, errno.EACCES, errno.EPERM, errno.EROFS})


def chosen_folder(target: EventTarget) -> Path | None:
    """The folder a file target names (None: the default one in the data folder, or not by file)."""
    return Path(target.folder).expanduser() if target.channel == "file" and target.folder else None


def channel_for(target: EventTarget, carrier: str, day_of: Any, *, once_used: bool = False) -> EventChannel:
    """The channel `target` names for `carrier`; a webhook without a URL or a secret is refused.
    `once_used`: an event has gone out into the chosen folder, so it was there: missing, it waits."""
    if target.channel == "webhook":
        secret = read_event_secret(carrier)
        if not target.url:
            raise EventChannelError.failed(
                N_("No webhook URL for {carrier}"), permanent=True, carrier=carrier
            )
        if not secret:
            raise EventChannelError.failed(
                N_("No secret for {carrier}: add it under [carrier_event_secrets] in secrets.toml"),
                permanent=True,
                carrier=carrier,
            )
        return WebhookChannel(target.url, secret, timeout=target.timeout_s)
    folder = chosen_folder(target)
    if folder is None:
        return FileChannel(data_dir() / FOLDER, carrier, day_of)
    return FileChannel(folder, carrier, day_of, makes_folder=not once_used)

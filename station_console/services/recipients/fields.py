"""A directory entry's fields as typed or imported: checked, normalised, or refused with the reason.

One rule per field for the import, the command line and the Settings screen alike. Values are text
in and typed values out; phones come back parsed (`Phone`: tail, masked form, full number), and a
directory phone must be a full number (a tail alone reaches no one).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from db.models import Consent, DeliveryPreference
from hardware.messages import Message
from station_console import name_limit
from station_console.errors import Refused
from station_console.i18n import N_, LaterText, _
from station_console.logs import mask_text
from station_console.safe_text import clean as safe_clean
from station_console.safe_text import cut, printable
from station_console.services.checkin.phones import Phone, parse_phone

# Longest text per field (the column sizes of db.models.Recipient).
LENGTHS = {
    "external_id": 64,
    "name": name_limit.NAME_MAX,
    "preferred_name": name_limit.NAME_MAX,
    "email": 120,
    "building": 32,
    "unit": 16,
    "room": 16,
    "department": 64,
}
TEXT_FIELDS = tuple(LENGTHS)
# Stored as written (`prose`); the other text fields are matched or compared, so folded (`clean`).
PROSE_FIELDS = frozenset({"department"})
# What the Settings screen calls each field; a refusal names a field by it, never by its key.
FIELD_LABELS = {
    "external_id": N_("Id"),
    "name": N_("Name"),
    "preferred_name": N_("Preferred name"),
    "phones": N_("Phones (first one first)"),
    "email": N_("E-mail"),
    "building": N_("Building"),
    "unit": N_("Unit"),
    "room": N_("Room"),
    "floor": N_("Floor"),
    "department": N_("Department"),
    "language": N_("Language (zh, en)"),
}
# A field as an import's summary names it, in its columns and an entry's changes (its JSON keeps the
# keys); the consent's own stamp (when, how, by whom) goes with the consent. It starts from
# fields.FIELD_LABELS and says some of them shorter (a summary line has no room for the form's hints).
SUMMARY_LABELS = {
    **FIELD_LABELS,
    "phone": N_("Phone"),
    "phone2": N_("Second phone"),
    "phones": N_("Phones"),
    "language": N_("Language"),
    "active": N_("Active"),
    "source": N_("Source"),
    "consent": N_("Consent"),
    "delivery_preference": N_("Choice"),
    "proxy_allowed": N_("Proxies allowed"),
    "reminders_opt_out": N_("Reminders"),
}
PREFERENCES = tuple(p.value for p in DeliveryPreference)
CONSENT_LABELS = {"granted": N_("consented"), "refused": N_("did not consent"), None: N_("not asked")}


def consent_label(consent: str | None, *, recorded: bool) -> str:
    """The entry's consent in words. A withdrawal stores no answer, as "not asked" does: that an
    answer was recorded at all (its time) tells it apart, so a person who took a yes back does not
    read as one never asked."""
    if consent is None and recorded:
        return _("withdrawn")
    return _(CONSENT_LABELS.get(consent, consent or ""))


CHANNELS = ("counter", "phone", "sms", "app", "paper", "import")
CHANNEL_LABELS = {
    "counter": N_("at the counter"),
    "phone": N_("by phone"),
    "sms": N_("by text message"),
    "app": N_("in the app"),
    "paper": N_("on paper"),
    "import": N_("directory import"),
}
# A person's language, as the detail pane and `recipients show` name it (the field stores the code).
LANGUAGE_LABELS = {"zh": N_("Chinese"), "en": N_("English")}
# Where an entry came from: typed in (no source), the default import, else the import mapping's own name.
SOURCE_LABELS = {"": N_("typed in"), "directory": N_("directory import")}

# What people write in a directory's cells, Chinese and English.
_PREFERENCE_WORDS = {
    "station": ("station", "pickup", "pick up", "self", "驿站", "自取", "到站自取", "驿站自取", "代收"),
    "door": ("door", "delivery", "home", "送货上门", "上门", "送上门", "按需投递", "投递"),
    "locker": ("locker", "cabinet", "快递柜", "智能柜", "柜"),
    "proxy": ("proxy", "neighbour", "neighbor", "代取", "邻居", "他人代取", "亲友代取"),
}
_YES = ("yes", "y", "true", "1", "是", "同意", "已同意", "允许", "√", "✓", "ok")
_NO = ("no", "n", "false", "0", "否", "不同意", "拒绝", "不允许", "×", "✗", "x")
_LANGUAGES = {
    "zh": ("zh", "cn", "chinese", "中文", "汉语", "普通话"),
    "en": ("en", "english", "英文", "英语"),
}
_PHONE_SPLIT = re.compile(r"[;；,，/、|]+|\s{2,}")
_TRAILING_DIGITS = re.compile(r"(\d+)$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def clean(text: Any) -> str:
    """Cell or typed text: NFKC (full-width letters and digits), no control characters, trimmed."""
    if text is None:
        return ""
    value = str(text)
    if not unicodedata.is_normalized("NFKC", value):
        value = unicodedata.normalize("NFKC", value)
    if not value.isprintable():  # the common case skips the per-character pass (an import has 100,000s)
        value = printable(value)  # a terminal escape goes whole, not just its ESC (`[31m` would stay)
    return value.strip()


def prose(text: Any) -> str:
    """Text a clerk or a file writes as words (a note, a department): kept as written, only what
    `safe_text.clean` takes out (escape sequences, control characters) gone. NFKC is for keys that are
    matched (a room, a phone, an id): folding prose would change what was said (a full-width ： to :)."""
    return safe_clean(None if text is None else str(text))


def text_field(field: str, text: Any) -> str | None:
    value = prose(text) if field in PROSE_FIELDS else clean(text)
    if not value:
        if field == "name":
            raise Refused(N_("A recipient needs a name."), code="name_empty")
        return None
    if len(value) > LENGTHS[field]:
        raise Refused(
            N_("{field} is longer than {max} characters."),
            code="too_long",
            field=LaterText(Message(FIELD_LABELS[field])),
            max=LENGTHS[field],
        )
    if field == "email" and not _EMAIL.match(value):
        raise Refused(N_("Not an e-mail address."), code="bad_email")
    return value


def phones(text: Any) -> list[Phone]:
    """Every phone in a cell (`13812345678 / 13987654321`), full numbers only, duplicates dropped."""
    found: dict[str, Phone] = {}
    for part in _PHONE_SPLIT.split(clean(text)):
        if not part.strip():
            continue
        phone = parse_phone(part)
        if phone.full is None:
            raise Refused(
                N_("A directory phone must be a full number, not {masked}."),
                code="phone_partial",
                masked=phone.masked,
            )
        found.setdefault(phone.full, phone)
    return list(found.values())


def _word(text: Any) -> str:
    return clean(text).lower().replace("：", ":")


def preference(text: Any) -> str | None:
    value = _word(text)
    if not value:
        return None
    for key, words in _PREFERENCE_WORDS.items():
        if value == key or value in words:
            return key
    raise Refused(
        N_("Unknown delivery choice {value}: use station, door, locker or proxy."),
        code="bad_preference",
        value=cut(mask_text(value), 20),
    )


def yes_no(text: Any) -> bool | None:
    value = _word(text)
    if not value:
        return None
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise Refused(N_("Not a yes or no: {value}."), code="bad_yes_no", value=cut(mask_text(value), 20))


def consent(text: Any) -> str | None:
    answer = yes_no(text)
    return None if answer is None else Consent.GRANTED if answer else Consent.REFUSED


def language(text: Any) -> str | None:
    value = _word(text)
    if not value:
        return None
    for key, words in _LANGUAGES.items():
        if value in words:
            return key
    raise Refused(
        N_("Unknown language {value}: use zh or en."), code="bad_language", value=cut(mask_text(value), 20)
    )


def floor(text: Any) -> int | None:
    value = clean(text).rstrip("层楼Ff").strip()
    if not value:
        return None
    if re.fullmatch(r"-?\d{1,3}", value):
        return int(value)
    raise Refused(
        N_("A floor is a whole number: {value}."), code="bad_floor", value=cut(mask_text(value), 20)
    )


def floor_of_room(room: str | None) -> int | None:
    """`502` -> 5, `1203` -> 12, `B-302` -> 3: the digits before the last two; None for short numbers."""
    if not room:
        return None
    if room.isascii() and room.isdigit():  # the common case, without the pattern
        return int(room[:-2]) if len(room) >= 3 else None
    match = _TRAILING_DIGITS.search(room)
    if match is None or len(match.group(1)) < 3:
        return None
    return int(match.group(1)[:-2])


def channel(text: str) -> str:
    value = clean(text).lower()
    if value not in CHANNELS:
        raise Refused(
            N_("Unknown channel {value}: use {channels}."),
            code="bad_channel",
            value=cut(mask_text(value), 20),
            channels=", ".join(CHANNELS),
        )
    return value

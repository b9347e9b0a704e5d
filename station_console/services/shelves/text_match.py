"""What the Parcels search's one text box matches, and how far its first page reads.

A phone tail, a masked phone as screens show one (`183****1531`: by its tail's index, then the digits
it shows in front; `****1531` is the tail), a full phone number (by its tail's index, then the
number: the full number has no index of its own, which would cost every check-in a page; eleven digits
starting with 1 are a DHL Express waybill's shape too, found whole on the waybill's index) and a pickup
code are found through indexes. A waybill typed whole, by its start or by its last digits
(`LIKE 'x%'`, `LIKE '%x'`) is not: with `ORDER BY id DESC LIMIT` SQLite walks the parcel table until
a page is full, so a tail with few matches read every parcel the station ever had (200-290 ms at
1,000,000). The parcel a customer asks about is
nearly always on the shelves or recent, so the first page of such a search reads the newest
`RECENT_IDS` parcels by id range, and below them only what an index finds: parcels on the shelves
(`ix_parcel_status_checked_in`) and the whole waybill (`uq_parcel_waybill_on_shelf`). The page stays
newest first and in order: its range reaches down to the oldest of those. When it holds no more than
that range's matches, `next_before_id` is where the range ended, and the next page (F8) reads all the
older history: the parcels whose waybill holds the text, read off the waybill index (every parcel's, a
twentieth of the table) when they are few (`older_candidates`).

A search with dates (the business day of check-in) reads its days instead, through the business-day
index, with no id bound: the clerk gave dates to look at those days, however old. Only when the days
hold more than `DATED_PARCELS` parcels (counted from the index alone, stopping there) does the first
page keep the recent bound: reading a day's parcels row by row costs about 2 µs each, so a year of them
would be slower than the whole read the bound avoids.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, literal_column, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from db.models import Parcel, ParcelStatus
from db.models.parcels import LEFT_STATUSES
from station_console.phone_masking import mask
from station_console.services.core.phone_shapes import phone_digits, virtual_number
from station_console.services.scan.waybill import normalise

RECENT_IDS = 50_000  # parcels a first page reads by id range: about 10 ms at the bench's 1,000,000
# Parcels an older page of a waybill search takes from the waybill index's candidates (`older_candidates`);
# more, and the page walks the table as before: so many matches fill a page soon.
OLDER_CANDIDATES = 1_000
DATED_PARCELS = 200_000  # parcels a dated first page reads whole: about 85 ms, a month at the bench's
DASHES = re.compile(r"[\s\u2010-\u2015\u2212\uff0d_]+")
CODE_SHAPE = re.compile(r"^[0-9A-Za-z]+(-[0-9A-Za-z]+){1,3}$")
# A phone as screens show it (`phone_masking.mask`), typed back: `183****1531`, `****1531`, a virtual
# number's `170****5678-8462`. Full-width `＊` is `*` by now (NFKC); a dot or an `x` masks too. With
# no digits in front, fewer stars say "ending in" as well (`*1531`); `x1531` stays a waybill's start.
_MASK = r"[*\u2022\u25cfxX]{4,8}"
_FEW_STARS = r"[*\u2022\u25cf]{1,3}"
MASKED_PHONE = re.compile(rf"(?:(\d{{1,4}})-?{_MASK}|{_MASK}|{_FEW_STARS})-?(\d{{4}})(?:-(\d{{3,5}}))?")
_OTHER_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
# Written as the partial indexes write their WHERE: SQLite uses one only when it sees its own term.
_ON_SHELF = col(Parcel.status) == literal_column("'on_shelf'")
_LEFT = col(Parcel.status).in_([literal_column(f"'{s.value}'") for s in LEFT_STATUSES])


@dataclass(frozen=True)
class TextMatch:
    condition: Any
    indexed: bool  # an index finds every row: the page needs no bound
    whole_waybill: Any = None  # the text as a whole waybill, on the waybill's index
    waybill_text: str | None = None  # the waybill (or its start or tail) searched for, normalised


def normalise_code(text: str) -> str:
    """`６－５－００３` -> `6-5-3`: full width, any dash, spaces and leading zeros do not matter."""
    text = unicodedata.normalize("NFKC", text).strip()
    parts = [p for p in DASHES.split(text.replace("-", " ")) if p]
    return "-".join(p.lstrip("0") or "0" if p.isdigit() else p.upper() for p in parts)


def text_match(text: str, *, cancelled: bool = False) -> TextMatch:
    """The condition for what a clerk typed, guessed from its shape. `cancelled`: undone check-ins were
    asked for (no index holds their codes)."""
    text = unicodedata.normalize("NFKC", text).strip()
    digits = re.sub(r"\D", "", text)
    if re.fullmatch(r"\d{4}", text):
        return TextMatch(col(Parcel.phone_tail) == text, indexed=True)
    if masked := masked_phone_match(text):
        return masked
    mobile = text if re.fullmatch(r"1\d{10}", text) else phone_digits(text).mobile  # +86 138-0013-8000
    if mobile is not None:
        phone = full_phone_match(mobile, tail=mobile[-4:], shown=mask(mobile))
        if mobile != text:  # `+86 138-0013-8000`: written as a phone, no waybill
            return phone
        # Eleven digits starting with 1 are a DHL Express waybill's shape too: its parcel is found by
        # it, on the waybill's index as the phone is on its tail's.
        return TextMatch(or_(phone.condition, col(Parcel.waybill) == text), indexed=True)
    virtual = virtual_number(text)
    if virtual is not None:
        number, ext = virtual.split("-")
        return full_phone_match(virtual, tail=ext[-4:].rjust(4, "0"), shown=f"{mask(number)}-{ext}")
    if CODE_SHAPE.match(DASHES.sub("-", text)) and digits and not text.isalnum():
        code = col(Parcel.pickup_code) == normalise_code(text)
        if cancelled:
            return TextMatch(code, indexed=False)
        # A code on the shelves and one that left each have a partial index; without the status terms
        # neither is used and the whole table is read.
        return TextMatch(or_(and_(_ON_SHELF, code), and_(_LEFT, code)), indexed=True)
    result = normalise(text)
    waybill = result.waybill or text.upper()
    whole = col(Parcel.waybill) == waybill
    # `%` and `_` typed by a clerk are characters to find, not LIKE wildcards.
    return TextMatch(
        or_(
            whole,
            col(Parcel.waybill).startswith(waybill, autoescape=True),
            col(Parcel.waybill).endswith(waybill, autoescape=True) if len(waybill) >= 4 else whole,
        ),
        indexed=False,
        whole_waybill=whole,
        waybill_text=waybill,
    )


def full_phone_match(full: str, *, tail: str, shown: str) -> TextMatch:
    """A whole number typed (a mobile, a virtual number with its extension) finds every parcel that
    came with it, however old: by their tail on its index, then the number. A parcel that never had a
    full number (a privacy waybill's `138****5678`) is found by the masked form it shows, as pickup
    finds it. One whose number was purged is not: the purge ended what tied it to a number, and its
    masked form is ten thousand numbers' (13899991531's parcel listed for 13812341531). Typed masked,
    the form finds it, claiming no more than the form."""
    return TextMatch(
        and_(
            col(Parcel.phone_tail) == tail,
            or_(
                col(Parcel.phone_full) == full,
                and_(
                    col(Parcel.phone_full).is_(None),
                    col(Parcel.phone_purged_at).is_(None),
                    col(Parcel.masked_phone) == shown,
                ),
            ),
        ),
        indexed=True,
    )


def masked_phone_match(text: str) -> TextMatch | None:
    """A phone typed as a screen shows it (`183****1531`, `183 **** 1531`, or with fewer digits in front,
    `18****1531`) finds the parcels whose phone matches the digits it shows at both ends: by their tail
    on its index, then the start of the masked form they show (a privacy waybill's own form too), or of
    their full number (`1831****1531`: a screen shows three). With no digits in front (`****1531`,
    `*1531`) it is the tail: a mobile shows as `183****1531`, and a clerk typing the stars means any
    phone ending so. It finds no more than the tail alone does. None when `text` is not one."""
    m = MASKED_PHONE.fullmatch(_OTHER_DASHES.sub("-", re.sub(r"\s", "", text)))
    if m is None:
        return None
    head, last4, ext = m.groups()
    if ext:  # a virtual number: its tail is the extension's, as check-in stores it
        tail, ending = ext[-4:].rjust(4, "0"), f"{last4}-{ext}"
    else:
        tail, ending = last4, last4
    by_tail = col(Parcel.phone_tail) == tail
    masked, full = col(Parcel.masked_phone), col(Parcel.phone_full)
    if head is None:
        # Every virtual number shows its head: its form ends the one typed.
        shows = masked.endswith(f"****{ending}", autoescape=True) if ext else None
        return TextMatch(by_tail if shows is None else and_(by_tail, shows), indexed=True)
    # The ending too: a virtual number's tail is its extension's (`170****8462` is not `170****5678-8462`).
    shown = and_(masked.startswith(head), masked.endswith(f"****{ending}"))
    number = and_(full.startswith(head), full.endswith(ending), *([] if ext else [~full.contains("-")]))
    return TextMatch(and_(by_tail, or_(shown, number)), indexed=True)


def first_page_floor(session: Session, stmt: SelectOfScalar[Parcel], match: TextMatch) -> int | None:
    """The lowest parcel id a first page of `stmt` (already holding `match`) reads, or None to read all:
    the newest RECENT_IDS parcels, and down to the oldest match on the shelves or by whole waybill."""
    top = session.exec(select(func.max(Parcel.id))).one()
    if top is None or top <= RECENT_IDS:
        return None
    floor = top - RECENT_IDS + 1
    # Their ids, not min(id): SQLite would answer min() by walking the primary key up from the oldest.
    ids = stmt.with_only_columns(col(Parcel.id))
    pinned = list(session.execute(ids.where(col(Parcel.status) == ParcelStatus.ON_SHELF)).scalars())
    if match.whole_waybill is not None:
        pinned += session.execute(ids.where(match.whole_waybill)).scalars()
    floor = min([floor, *(i for i in pinned if i is not None)])
    older = session.exec(select(col(Parcel.id)).where(col(Parcel.id) < floor).limit(1)).first()
    return floor if older is not None else None


def older_candidates(session: Session, match: TextMatch, before_id: int) -> list[int] | None:
    """The ids below `before_id` whose waybill holds the text searched for, read off the waybill index
    (`uq_parcel_waybill_on_shelf` holds every parcel's), or None when there are more than
    OLDER_CANDIDATES or the database is not SQLite. An older page's `ORDER BY id DESC LIMIT` walked the
    table below the first page's bound for a tail with few matches (about 270 ms warm at the bench's
    1,000,000, 4 s cold); the index is a twentieth of the table. `instr` finds the text anywhere, a
    superset the page's own condition narrows (waybills are stored upper-case, as the text is); it is
    cheaper than the three LIKEs per entry. `id + 0`: on `id` itself, SQLite walks the table again."""
    if match.waybill_text is None or session.get_bind().dialect.name != "sqlite":
        return None
    found = session.exec(
        select(col(Parcel.id))
        .where(func.instr(col(Parcel.waybill), match.waybill_text) > 0, col(Parcel.id) + 0 < before_id)
        .limit(OLDER_CANDIDATES + 1)
    ).all()
    ids = [i for i in found if i is not None]
    return ids if len(ids) <= OLDER_CANDIDATES else None


def days_are_few(session: Session, since: date | None, until: date | None) -> bool:
    """The business days `since`..`until` (inclusive, either open) hold at most DATED_PARCELS parcels:
    a first page may read them whole instead of the recent ones. Counted on the business-day index,
    never past the limit, so a year costs what the limit does (about 9 ms at 200,000)."""
    if since is None and until is None:
        return False
    bounds = []
    if since is not None:
        bounds.append(col(Parcel.business_day) >= since)
    if until is not None:
        bounds.append(col(Parcel.business_day) <= until)
    days = select(col(Parcel.id)).where(*bounds).limit(DATED_PARCELS + 1)
    counted = select(func.count()).select_from(days.subquery())
    return session.execute(counted).scalar_one() <= DATED_PARCELS

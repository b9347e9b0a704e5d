"""Identity documents for real-name sending (实名收寄), checked for shape and never kept whole.

Only the type and the last 4 characters leave this module (in `IdTrace`); the number itself is not
stored, logged, put in an audit event or in an error message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from station_console.errors import Refused
from station_console.i18n import N_, _
from station_console.services.sendout.regions import folded

RESIDENT, PASSPORT, HK_MACAU, TAIWAN = "resident", "passport", "hk_macau", "taiwan"
ID_TYPES = (RESIDENT, PASSPORT, HK_MACAU, TAIWAN)
ID_TYPE_LABELS = {
    RESIDENT: N_("Resident ID card"),
    PASSPORT: N_("Passport"),
    HK_MACAU: N_("Hong Kong / Macau travel permit"),
    TAIWAN: N_("Taiwan travel permit"),
}
# The counter form's drop-down: the words a clerk knows each by, short enough to read whole in it;
# receipts and records name each in full (`identity.ID_TYPE_LABELS`).
ID_TYPE_SHORT = {
    RESIDENT: N_("ID card"),
    PASSPORT: N_("Passport"),
    HK_MACAU: N_("HK/MO pass"),
    TAIWAN: N_("TW pass"),
}
# ISO 7064 MOD 11-2 as GB 11643 uses it: weight 2^(17-i) mod 11 for the 17 digits, then a table.
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK = "10X98765432"
_SHAPES = {
    PASSPORT: re.compile(r"^(?=.*\d)[A-Z0-9]{6,9}$"),
    HK_MACAU: re.compile(r"^[HM]\d{8}(\d{2})?$"),
    TAIWAN: re.compile(r"^\d{8}$"),
}


@dataclass(frozen=True)
class IdTrace:
    """What is kept of a checked document."""

    id_type: str
    last4: str

    @property
    def masked(self) -> str:
        return f"****{self.last4}"


def resident_check_char(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def _bad(id_type: str) -> Refused:
    # The number is deliberately not a parameter: it must not reach logs or the screen's history.
    return Refused(N_("That is not a valid {kind} number."), code="bad_id", kind=_(ID_TYPE_LABELS[id_type]))


def check_id(id_type: str, number: str, *, today: date) -> IdTrace:
    """The document's trace when `number` has the shape of `id_type`; `Refused` otherwise.

    `today` is the station's own date (`Station.local_date`): a birth date is checked against the
    counter's calendar, not the machine's, which may keep another zone or another clock.
    """
    if id_type not in ID_TYPES:
        raise Refused(
            N_("Unknown ID type; use one of {types}."), code="bad_id_type", types=", ".join(ID_TYPES)
        )
    raw = folded(number).upper().replace(" ", "").replace("-", "")
    if id_type == RESIDENT:
        if not re.fullmatch(r"\d{17}[\dX]", raw) or raw[0] not in "12345678":
            raise _bad(id_type)
        try:
            born = date(int(raw[6:10]), int(raw[10:12]), int(raw[12:14]))
        except ValueError:
            raise _bad(id_type) from None
        if born.year < 1900 or born > today:
            raise _bad(id_type)
        if resident_check_char(raw[:17]) != raw[17]:
            raise _bad(id_type)
    elif not _SHAPES[id_type].match(raw):
        raise _bad(id_type)
    return IdTrace(id_type, raw[-4:])

"""The price of one send, with its working: zone, chargeable weight, first weight, further steps,
minimum, insurance, packaging. Pure arithmetic on a `Tariff`; integer cents and grams throughout.

Each line keeps a code and its parameters, so the same quote reads right in either language on the
screen, the receipt and `station sendout quote --json`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any

from station_console.errors import Refused
from station_console.i18n import N_, get_language, translate, translate_n
from station_console.safe_text import cut
from station_console.services.core.money import decimal_text
from station_console.services.core.station import Station
from station_console.services.sendout.regions import ZONE_LABELS, find_province, folded, province_zone
from station_console.services.sendout.tariff import Tariff

MAX_WEIGHT_G = 100_000  # a counter parcel; heavier goes as freight, not express
MAX_SIDE_MM = 3_000
# The weight lines say the weight the first weight and its steps charge (`billed`): 0.8 kg read as
# "chargeable 0.8 kg" beside a price for the first 1 kg.
LINE_TEXT = {
    "zone": N_("Zone: {origin} to {destination}, {zone}"),
    "weight": N_("Weighed {actual} kg, charged as {billed} kg"),
    "weight_volumetric": N_(
        "Weight {chargeable} kg: the greater of actual {actual} kg and volumetric "
        "{dims} cm / {divisor} = {volumetric} kg; charged as {billed} kg"
    ),
    "first": N_("First {first} kg"),
    "additional": N_("Additional {extra} kg in {steps} of {step} kg at {price} ({rounding})"),
    "minimum": N_("Raised to the minimum freight of {minimum}"),
    "insurance": N_("Insurance {permille}‰ of the declared {value}, at least {minimum}"),
    "packaging": N_("Packaging: {name}"),
}
# A quote saved before the weight lines named the billed weight (a receipt printed again) has no
# `billed`: its lines read as they were written.
LINE_UNBILLED = {
    "weight": N_("Chargeable weight {chargeable} kg (actual {actual} kg)"),
    "weight_volumetric": N_(
        "Chargeable weight {chargeable} kg: the greater of actual {actual} kg and volumetric "
        "{dims} cm / {divisor} = {volumetric} kg"
    ),
}
# The same lines in a few words, for a narrow box (the quote under the form at 80 columns): the
# working's sums are the receipt's and the wide screen's.
LINE_SHORT = {
    "zone": N_("{zone}"),  # the destination is in the form above
    "weight": N_("Charged {billed} kg"),
    "weight_volumetric": N_("Charged {billed} kg"),
    "first": N_("First {first} kg"),
    # The steps, not the weight past the first: "Charged 3 kg" over "Extra 1.5 kg" read as a sum that
    # does not add up; 1 kg and 2 x 1 kg make the 3 kg charged.
    "additional": N_("Extra {count} × {step} kg"),
    "minimum": N_("Minimum freight"),
    "insurance": N_("Insurance"),
    "packaging": N_("Packaging: {name}"),
}
ROUNDING_LABELS = {
    "up": N_("part steps rounded up"),
    "nearest": N_("rounded to the nearest step"),
    "down": N_("part steps not charged"),
}


def money(cents: int) -> str:
    """A figure in a column of sums (`12.05`, `-0.50`): core.money's one form of it."""
    return decimal_text(cents)


def kg(grams: int) -> str:
    text = f"{grams / 1000:.3f}".rstrip("0").rstrip(".")
    return text or "0"


@dataclass(frozen=True)
class QuoteLine:
    code: str
    amount_cents: int
    params: dict[str, Any]

    def text(self, lang: str | None = None, *, short: bool = False) -> str:
        lang = lang or get_language()
        params = dict(self.params)
        if "zone" in params:
            params["zone"] = translate(ZONE_LABELS.get(params["zone"], params["zone"]), lang)
        if "rounding" in params:
            params["rounding"] = translate(ROUNDING_LABELS[params["rounding"]], lang)
        if "steps" in params:  # stored as the count: a saved quote reads in whoever's language shows it
            params["count"] = params["steps"]
            params["steps"] = translate_n("{n} step", "{n} steps", params["steps"], lang, n=params["steps"])
        if self.code in LINE_UNBILLED and "billed" not in params:
            return translate(LINE_UNBILLED[self.code], lang, **params)
        return translate((LINE_SHORT if short else LINE_TEXT)[self.code], lang, **params)

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "code": self.code,
            "amount": self.amount_cents,
            "text": self.text(lang),
            "params": self.params,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QuoteLine:
        return cls(str(data["code"]), int(data["amount"]), dict(data.get("params", {})))


@dataclass(frozen=True)
class Quote:
    carrier: str
    origin: str
    destination: str
    zone: str
    currency: str
    tariff_version: int
    tariff_sha256: str
    weight_g: int
    volumetric_g: int | None
    chargeable_g: int
    billed_g: int  # the weight the steps charge for
    lines: tuple[QuoteLine, ...]

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "total": self.total_cents,
            "total_text": money(self.total_cents),
            "currency": self.currency,
            "carrier": self.carrier,
            "origin": self.origin,
            "destination": self.destination,
            "zone": self.zone,
            "tariff_version": self.tariff_version,
            "tariff_sha256": self.tariff_sha256,
            "weight_g": self.weight_g,
            "volumetric_g": self.volumetric_g,
            "chargeable_g": self.chargeable_g,
            "billed_g": self.billed_g,
            "lines": [line.to_json(lang) for line in self.lines],
        }


def billed_grams(saved_quote: dict[str, Any], chargeable_g: int | None) -> int:
    """The weight a send's price was computed on, from its saved quote: what every paper calls the
    chargeable weight, so the receipt, the label and the manifest say one figure. A quote saved
    before it kept `billed_g` falls back to the greater of actual and volumetric, as it printed."""
    return int(saved_quote.get("billed_g") or chargeable_g or 0)


def volumetric_grams(dims_mm: tuple[int, int, int], divisor: int) -> int:
    """L x W x H (cm³) / divisor kg, in grams rounded up: mm³ / divisor is exactly grams."""
    length, width, height = dims_mm
    return -(-(length * width * height) // divisor)


def steps_for(extra_g: int, step_g: int, rounding: str, grace_g: int) -> int:
    """Whole steps charged for `extra_g` past the first weight."""
    extra = max(0, extra_g - grace_g)
    if rounding == "down":
        return extra // step_g
    if rounding == "nearest":
        return (2 * extra + step_g) // (2 * step_g)
    return -(-extra // step_g)


def check_weight(weight_g: int, dims_mm: tuple[int, int, int] | None) -> None:
    if not 0 < weight_g <= MAX_WEIGHT_G:
        raise Refused(
            N_("Weight must be more than 0 and at most {max} kg."), code="bad_weight", max=kg(MAX_WEIGHT_G)
        )
    if dims_mm is not None and not all(0 < side <= MAX_SIDE_MM for side in dims_mm):
        raise Refused(
            N_("Each side must be more than 0 and at most {max} cm."), code="bad_dims", max=MAX_SIDE_MM // 10
        )


def zone_of(station: Station, tariff: Tariff, destination: str) -> tuple[str, str, str]:
    """(origin, destination as the tariff knows it, zone)."""
    dest = find_province(destination)
    if tariff.zoning == "province":
        origin_text = station.settings().send_origin
        origin = find_province(origin_text)
        if origin is None:
            raise Refused(
                N_("The station's province {origin} is unknown: fix send_origin in Settings."),
                code="bad_origin",
                origin=cut(origin_text, 20),
            )
        if dest is None:
            raise Refused(
                N_("Unknown destination {text}: give a province, e.g. 新疆 or Xinjiang."),
                code="unknown_destination",
                text=cut(folded(destination), 40),
            )
        return origin.name, dest.name, province_zone(origin, dest, tariff.remote)
    keys = [folded(destination).upper()]
    if dest is not None:
        keys.append(dest.code)
    for key in keys:
        if key in tariff.zones:
            return "", key, tariff.zones[key]
    raise Refused(
        N_("{carrier} has no zone for {text}; known: {known}."),
        code="unknown_destination",
        carrier=tariff.carrier,
        text=cut(folded(destination), 40),
        known=cut(", ".join(sorted(tariff.zones)), 200),
    )


def price(
    station: Station,
    tariff: Tariff,
    *,
    destination: str,
    weight_g: int,
    dims_mm: tuple[int, int, int] | None = None,
    declared_value_cents: int = 0,
    insured: bool = False,
    packaging: str | None = None,
) -> Quote:
    """Price one parcel on `tariff`; a `Refused` names what is wrong with the input."""
    check_weight(weight_g, dims_mm)
    if declared_value_cents < 0:
        raise Refused(N_("The declared value cannot be negative."), code="bad_value")
    origin, dest, zone = zone_of(station, tariff, destination)
    rate = tariff.rates[zone]
    lines = [QuoteLine("zone", 0, {"origin": origin or "-", "destination": dest, "zone": zone})]

    volumetric = None
    if dims_mm is not None and tariff.volumetric_divisor:
        volumetric = volumetric_grams(dims_mm, tariff.volumetric_divisor)
    chargeable = max(weight_g, volumetric or 0)
    steps = steps_for(chargeable - rate.first_g, rate.step_g, tariff.rounding, tariff.grace_g)
    billed = rate.first_g + steps * rate.step_g
    weights = {"chargeable": kg(chargeable), "actual": kg(weight_g), "billed": kg(billed)}
    if volumetric is not None and dims_mm is not None:
        dims = "x".join(_cm(side) for side in dims_mm)
        params: dict[str, Any] = weights | {"dims": dims}
        params |= {"divisor": tariff.volumetric_divisor, "volumetric": kg(volumetric)}
        lines.append(QuoteLine("weight_volumetric", 0, params))
    else:
        lines.append(QuoteLine("weight", 0, weights))

    lines.append(QuoteLine("first", rate.first_cents, {"first": kg(rate.first_g)}))
    freight = rate.first_cents + steps * rate.step_cents
    if chargeable > rate.first_g:
        params = {"extra": kg(chargeable - rate.first_g), "steps": steps, "step": kg(rate.step_g)}
        params |= {"price": money(rate.step_cents), "rounding": tariff.rounding}
        lines.append(QuoteLine("additional", steps * rate.step_cents, params))
    if freight < tariff.minimum_cents:
        lines.append(
            QuoteLine("minimum", tariff.minimum_cents - freight, {"minimum": money(tariff.minimum_cents)})
        )
    if insured and declared_value_cents > 0:
        premium = Decimal(declared_value_cents) * tariff.insurance_permille / 1000
        amount = max(int(premium.to_integral_value(rounding=ROUND_CEILING)), tariff.insurance_min_cents)
        params = {"permille": _plain(tariff.insurance_permille), "value": money(declared_value_cents)}
        params["minimum"] = money(tariff.insurance_min_cents)
        lines.append(QuoteLine("insurance", amount, params))
    if packaging:
        if packaging not in tariff.packaging:
            raise Refused(
                N_("{carrier} sells no packaging called {name}."),
                code="unknown_packaging",
                carrier=tariff.carrier,
                name=cut(packaging, 40),
            )
        lines.append(QuoteLine("packaging", tariff.packaging[packaging], {"name": packaging}))
    return Quote(
        carrier=tariff.carrier,
        origin=origin,
        destination=dest,
        zone=zone,
        currency=tariff.currency,
        tariff_version=tariff.version,
        tariff_sha256=tariff.sha256,
        weight_g=weight_g,
        volumetric_g=volumetric,
        chargeable_g=chargeable,
        billed_g=billed,
        lines=tuple(lines),
    )


def quote(station: Station, carrier: str, **parcel: Any) -> Quote:
    """`price` on `carrier`'s current tariff (read only: anyone may ask)."""
    from station_console.services.sendout import tariff as tariffs

    return price(station, tariffs.load(station, carrier.strip().upper()), **parcel)


def _cm(mm: int) -> str:
    return str(mm // 10) if mm % 10 == 0 else f"{mm / 10:.1f}"


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")

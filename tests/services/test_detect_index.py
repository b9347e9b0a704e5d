"""The detector's index by first character changes nothing: a scan gets exactly the Detection that
trying every pattern of its length gives (same candidates in the same order, same refusal).

The reference detector is the same table with every pattern's first characters unknown, so every
pattern of a length is in every bucket of that length. Inputs: the public test numbers, this suite's
and the bench's waybills, each with every possible first character, one-character mutations, and
random letters and digits; the seed table alone and with patterns whose start is not a plain literal.
"""

from __future__ import annotations

import json
import random
import string
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from station_console.bench.detect import sample_scans
from station_console.services.admin.setup import carrier_seed
from station_console.services.scan.checksums import luhn
from station_console.services.scan.detect import WAYBILL_CHARS, Detection, Detector, compile_pattern

DATA = json.loads((Path(__file__).parent / "data" / "tracking_numbers.json").read_text(encoding="utf-8"))
ALPHABET = string.digits + string.ascii_uppercase


def with_luhn(body: str) -> str:
    return next(body + d for d in string.digits if luhn(body + d))


# Starts that are not one literal, each with waybills it matches (the mutations cover the rest). The
# first of every three has a check digit, so refusals by check digit are compared too.
ODD_STARTS: list[tuple[str, list[str]]] = [
    ("^[K-M3][0-9]{9}$", [with_luhn("K12345678"), with_luhn("312345678")]),  # a class: range and literal
    ("^(?:QX|R7|[2-3]Z)[0-9]{8}$", ["QX12345678", "R712345678", "2Z12345678"]),  # alternatives
    ("^.Q[0-9]{8}$", ["9Q12345678", "QQ12345678"]),  # any character
    (
        "^[WZ]?V[0-9]{8}$",
        [with_luhn("WV1234567"), with_luhn("V1234567")],
    ),  # an optional class before a literal
    ("^X*Y?[0-9]{10}$", ["XXY0123456789", "Y0123456789", "0123456789"]),  # items that may match nothing
    (r"^\d\w[0-9]{8}$", ["1A23456789", "5123456789"]),  # categories
    ("^[^0-4][0-9]{9}$", [with_luhn("512345678"), with_luhn("B12345678")]),  # a negated class
    ("(?i)^zq[0-9]{8}$", ["ZQ12345678"]),  # case-insensitive: a lower-case literal matches
    ("^(?i:b)[0-9]{9}$", ["B123456789"]),  # the same, in a group
    ("^U+?[0-9]{9}$", [with_luhn("UU12345678")]),  # a lazy repeat
    ("^(?:WX)?V[0-9]{9}$", ["WXV123456789", "V123456789"]),  # an optional group (run on `regex`)
    ("^(A|AB)+[0-9]{8}$", ["AAB12345678", "ABA12345678"]),  # not plainly linear: the timed engine
    ("^(?=[0-9])[0-9]{10}$", [with_luhn("499273987")]),  # a lookahead
]


def odd_table() -> list[dict[str, Any]]:
    """The seed table with one carrier per odd start, after the seed's carriers."""
    table = carrier_seed()
    for i, (regex, _examples) in enumerate(ODD_STARTS):
        spec: dict[str, Any] = {"regex": regex}
        if i % 3 == 0:
            spec["checksum"] = "luhn"
        table.append(
            {
                "code": f"ODD{i}",
                "name_en": f"Odd {i}",
                "name_zh": f"奇{i}",
                "sort_order": 100 + i,
                "patterns": [spec],
            }
        )
    return table


def unindexed(detector: Detector) -> Detector:
    """The same table, every pattern tried on every scan of its lengths."""
    names = {code: (detector.name_of(code, "en"), detector.name_of(code, "zh")) for code in detector.carriers}
    return Detector(names, [replace(p, first=None) for p in detector.patterns])


def waybills() -> list[str]:
    rng = random.Random(17)
    numbers = [
        number
        for entries in DATA["carriers"].values()
        for lists in entries.values()
        for kind in ("valid", "invalid")
        for number in lists[kind]
    ]
    numbers += [example for _regex, examples in ODD_STARTS for example in examples]
    numbers += sample_scans(400, seed=17)
    out: list[str] = []
    for number in numbers:
        out.append(number)
        clean = "".join(c for c in number.upper() if c in WAYBILL_CHARS)
        if not clean:
            continue
        out += [c + clean[1:] for c in ALPHABET]  # every bucket of its length
        at = rng.randrange(len(clean))
        out.append(clean[:at] + rng.choice(ALPHABET) + clean[at + 1 :])
        out += [clean[1:], clean + rng.choice(string.digits)]  # the neighbouring lengths
    out += ["".join(rng.choices(ALPHABET, k=rng.randint(1, 45))) for _ in range(2000)]
    out += ["".join(rng.choices(string.digits, k=rng.randint(8, 34))) for _ in range(2000)]
    return out


WAYBILLS = waybills()


def outcome(found: Detection) -> tuple[Any, ...]:
    error = None if found.error is None else (found.error.code, found.error.message("en"))
    return (found.waybill, found.candidates, found.conflict, error, found.skipped)


@pytest.mark.parametrize("table", [carrier_seed, odd_table], ids=["seed", "odd starts"])
def test_the_index_finds_what_every_pattern_of_the_length_finds(table: Any) -> None:
    indexed = Detector.from_carriers(table())
    reference = unindexed(indexed)
    differ = []
    seen: set[str] = set()
    for i, raw in enumerate(WAYBILLS):
        batch = (None, "SF", "ODD3", "usps")[i % 4]
        want = outcome(reference.detect(raw, batch))
        got = outcome(indexed.detect(raw, batch))
        if got != want:
            differ.append((raw, batch, got, want))
        seen.update(c.carrier for c in want[1])
    assert differ[:5] == []
    # Every carrier was found by some input, so a pattern the index dropped would have shown.
    assert seen == set(indexed.carriers)


def test_every_seed_pattern_is_indexed_by_its_first_characters() -> None:
    firsts = {p.regex.pattern: p.first for p in Detector.from_carriers(carrier_seed()).patterns}
    assert all(first is not None for first in firsts.values())
    assert firsts["^SF[0-9A-Z][0-9]{12}$"] == {"S"}
    assert firsts["^(77|43)[0-9]{12,15}$"] == {"7", "4"}
    assert firsts["^[AHJKTV][0-9]{10}$"] == set("AHJKTV")
    assert firsts["^[A-Z]{2}[0-9]{9}[A-Z]{2}$"] == set(string.ascii_uppercase)


@pytest.mark.parametrize(
    ("regex", "first"),
    [
        ("^[K-M3][0-9]{9}$", set("KLM3")),
        ("^(?:QX|R7|[2-3]Z)[0-9]{8}$", set("QR23")),
        ("^[WZ]?V[0-9]{8}$", set("WZV")),
        ("^X*Y?[0-9]{10}$", set("XY") | set(string.digits)),
        (r"^\d\w[0-9]{8}$", set(string.digits)),
        ("^U+?[0-9]{9}$", {"U"}),
        ("^a[0-9]{9}$", set()),  # a lower-case start never matches a cleaned waybill
        ("^.Q[0-9]{8}$", None),
        ("^[^0-4][0-9]{9}$", None),
        ("(?i)^zq[0-9]{8}$", None),
        ("^(?i:b)[0-9]{9}$", None),
        ("^(?:WX)?V[0-9]{9}$", None),  # run on the `regex` engine: never read from `re`'s parse
        ("^(?=[0-9])[0-9]{10}$", None),
    ],
)
def test_first_characters_are_read_from_the_pattern(regex: str, first: set[str] | None) -> None:
    assert compile_pattern("X", {"regex": regex}).first == first

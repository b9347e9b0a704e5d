"""Code128 with a compact subset plan, shared by every printer language.

python-barcode switches to subset C late on odd digit runs (an SF waybill costs 11 extra modules), and
on a 40 mm label at 203 dpi every module counts: 145 modules at 2 dots fit, 156 barely do. So the plan
is made here once (B for text, C for runs of 4+ digits, an odd run's first digit kept in B) and each
language encodes the same plan: TSPL `128M` and ZPL `^BC` get explicit subset switches, so the
printer's bars are exactly as wide as the layout computed.
"""

from __future__ import annotations

from dataclasses import dataclass

from barcode.charsets import code128 as cs
from barcode.codex import Code128

START = {"B": cs.START_CODES["B"], "C": cs.START_CODES["C"]}
SWITCH = {"B": 100, "C": 99}  # CODE B / CODE C symbol values


@dataclass(frozen=True)
class Segment:
    subset: str  # "B" or "C"
    text: str


def plan(data: str) -> list[Segment]:
    """Split `data` (printable ASCII) into subset B and subset C runs."""
    if not data or any(ch not in cs.B for ch in data):
        raise ValueError(f"cannot encode {data!r} in Code128 subset B/C")
    segments: list[Segment] = []
    i = 0
    while i < len(data):
        j = i
        while j < len(data) and data[j].isdigit():
            j += 1
        run = j - i
        whole = i == 0 and j == len(data)
        if run >= 4 or (whole and run >= 2 and run % 2 == 0):
            if run % 2:
                _append(segments, "B", data[i])
                i += 1
            segments.append(Segment("C", data[i:j]))
            i = j
        else:
            k = max(j, i + 1)
            # Text up to the next run worth switching for.
            while k < len(data) and not _c_run_at(data, k):
                k += 1
            _append(segments, "B", data[i:k])
            i = k
    return segments


def _c_run_at(data: str, k: int) -> bool:
    n = 0
    while k + n < len(data) and data[k + n].isdigit():
        n += 1
    return n >= 4


def _append(segments: list[Segment], subset: str, text: str) -> None:
    if segments and segments[-1].subset == subset:
        segments[-1] = Segment(subset, segments[-1].text + text)
    else:
        segments.append(Segment(subset, text))


def escpos_payload(data: str) -> str:
    """The plan as ESC/POS function B's CODE128 data: `{B`/`{C` before each run, subset C as digit pairs."""
    payload = ""
    for seg in plan(data):
        payload += "{" + seg.subset
        payload += (
            seg.text
            if seg.subset == "B"
            else "".join(chr(int(seg.text[i : i + 2])) for i in range(0, len(seg.text), 2))
        )
    return payload


def symbols(data: str) -> list[int]:
    """Symbol values from the start code to the last data symbol (no checksum)."""
    out: list[int] = []
    for n, seg in enumerate(plan(data)):
        out.append(START[seg.subset] if n == 0 else SWITCH[seg.subset])
        if seg.subset == "C":
            out.extend(int(seg.text[p : p + 2]) for p in range(0, len(seg.text), 2))
        else:
            out.extend(cs.B[ch] for ch in seg.text)
    return out


def module_count(data: str) -> int:
    """Width in modules: 11 per symbol (with the checksum) and 13 for the stop pattern."""
    return 11 * (len(symbols(data)) + 1) + 13


class PlannedCode128(Code128):
    """python-barcode's Code128 drawing our subset plan (its writer and checksum unchanged)."""

    def _build(self) -> list[int]:
        return symbols(self.code)


def modules(data: str) -> str:
    """The bars as a string of '1' (black) and '0' (white) modules."""
    return PlannedCode128(data).build()[0]

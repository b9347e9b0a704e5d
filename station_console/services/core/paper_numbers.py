"""The number a person reads for a delivery run or a batch: the one its printout shows and its barcode
carries (DR000012). Refusals, the screens, the CLI and the audit trail name them with these, never by
the bare row id, so the number a clerk reads out matches the paper in the courier's hand.

Each kind has its own letters: the ids of each table start at 1, and two papers a courier signs (a
check-in courier batch's receipt, a send-out handover's manifest) must never carry the same code.
"""

from __future__ import annotations

RUN = "DR"  # a door delivery run's sheet
COURIER_BATCH = "HB"  # a check-in courier batch's receipt (parcels handed in)
HANDOVER_BATCH = "SB"  # a send-out handover batch's manifest (parcels sent)
RETURN_BATCH = "RB"  # a return batch's manifest (parcels going back)


def paper_number(prefix: str, row_id: int) -> str:
    return f"{prefix}{row_id:06d}"


def run_number(run_id: int) -> str:
    return paper_number(RUN, run_id)


def courier_batch_number(batch_id: int) -> str:
    return paper_number(COURIER_BATCH, batch_id)


def handover_batch_number(batch_id: int) -> str:
    return paper_number(HANDOVER_BATCH, batch_id)


def return_batch_number(batch_id: int) -> str:
    return paper_number(RETURN_BATCH, batch_id)

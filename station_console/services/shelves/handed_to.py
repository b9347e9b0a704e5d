"""Who a parcel was handed to, for its timeline: the proxy who collected it, or who received it at the
door. Kept off the (never edited) events, on their own rows, so the purge can blank the names."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from db.models import DeliveryItem, DeliveryStatus, EventKind, ParcelEvent, ProxyPickup


def handed_to(session: Session, parcel_id: int) -> dict[int, dict[str, Any]]:
    """Who collected or received the parcel, by event id: kept off the (never edited) events so the
    purge can blank the names; joined in for the timeline. A purged name reads as ""."""
    found: dict[int, dict[str, Any]] = {}
    proxies = {
        p.id: p for p in session.exec(select(ProxyPickup).where(ProxyPickup.parcel_id == parcel_id)).all()
    }
    # By run: a delivery undone at the counter keeps who was recorded as receiving it, for its event.
    received_on = {
        item.run_id: item
        for item in session.exec(
            select(DeliveryItem).where(
                DeliveryItem.parcel_id == parcel_id,
                col(DeliveryItem.status).in_((DeliveryStatus.DELIVERED, DeliveryStatus.UNDONE)),
            )
        ).all()
    }
    for event in session.exec(
        select(ParcelEvent).where(ParcelEvent.parcel_id == parcel_id, ParcelEvent.kind == EventKind.PICKED_UP)
    ).all():
        proxy = proxies.get(event.details.get("proxy"))
        if proxy is not None:
            found[event.id or 0] = {
                "proxy_name": proxy.name,
                "proxy_phone": f"****{proxy.phone_tail}",
                **({"proxy_id_last4": proxy.id_last4} if proxy.id_last4 else {}),
            }
        elif event.details.get("method") == "door" and (
            received := received_on.get(event.details.get("run"))
        ):
            found[event.id or 0] = {
                "received_by": received.received_by or "",
                **({"signature": received.signature_name} if received.signature_name else {}),
                **({"photo": received.photo_ref} if received.photo_ref else {}),
            }
    return found

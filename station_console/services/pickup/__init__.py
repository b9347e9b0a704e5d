"""Pickup: lookups and query shapes, the scan check and handover, undo, the guessing guard."""

"""Scan to waybill and carrier: normalising, check digits, detection, the carrier table."""

"""Check-in: the one-transaction check-in (and its undo), phone numbers."""

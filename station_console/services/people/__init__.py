"""People and trust: clerks, reading and verifying the audit trail, privacy."""

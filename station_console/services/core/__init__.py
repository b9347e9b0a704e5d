"""What every service shares: the `Station` handle, settings load, roles, the closed-day guard, database faults, the audit record step."""

"""Running a station: setup, demo data, backup, the live view, devices, settings changes."""

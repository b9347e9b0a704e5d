"""station-console: the terminal console of a parcel pickup station."""

__version__ = "0.1.0"

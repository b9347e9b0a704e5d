"""Which of this counter's settings a running console takes only when it is started again.

It takes the others at once: the busy-database wait and the labels' font as they are saved
(`StationApp.counter_settings`), the wedge scanner's from the next key (`KeyRouter`), and the printers
(Printers restarts the print worker), scale, e-waybill provider and waybill printer, read each time they
are used. The station's settings reach every running console within a second (the live view).
"""

from __future__ import annotations

from station_console.counter_settings import CounterSettings

# The counter's name is the station's as it opened (on every event), the language is every text's as
# the console started, and the device scanner is opened once, as the console starts.
RESTART_NEEDED = ("counter", "language", "scanner")


def needs_restart(old: CounterSettings, new: CounterSettings) -> list[str]:
    """The fields among `RESTART_NEEDED` that differ between `old` and `new`, in that order."""
    return [name for name in RESTART_NEEDED if getattr(old, name) != getattr(new, name)]

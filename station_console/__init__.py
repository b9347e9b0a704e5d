"""station-console: the terminal console of a parcel pickup station."""

import gc

__version__ = "0.1.0"

# Start-up time: loading SQLAlchemy, pydantic, the models and Textual makes a few hundred thousand
# objects that live as long as the process, and the cyclic collector walked them all again at each
# full collection (a sixth of the console's import time). Collections are rarer until the program has
# loaded; `settle_memory()` then puts the default back and sets what was loaded aside for good.
_DEFAULT_GC_THRESHOLD = gc.get_threshold()
gc.set_threshold(50_000, *_DEFAULT_GC_THRESHOLD[1:])
_settled = False


def settle_memory() -> None:
    """Once the program has loaded (the console's first screen is drawn, a command is found): the
    collector's default thresholds, and what exists now kept out of its later full collections."""
    global _settled
    if not _settled:
        _settled = True
        gc.set_threshold(*_DEFAULT_GC_THRESHOLD)
        gc.freeze()

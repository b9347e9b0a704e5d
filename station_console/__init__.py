"""station-console: the terminal console of a parcel pickup station."""

import gc

__version__ = "0.1.0"

# Start-up time: loading SQLAlchemy, pydantic, the models and Textual makes a few hundred thousand
# objects that live as long as the process, and the cyclic collector walked them all again at each
# full collection (a sixth of the console's import time). Collections are rarer until the program has
# loaded; `settle_memory()` then puts the default back and sets what was loaded aside for good, and
# `settle_signed_in()` sets aside what the console makes once a clerk is signed in.
_DEFAULT_GC_THRESHOLD = gc.get_threshold()
gc.set_threshold(50_000, *_DEFAULT_GC_THRESHOLD[1:])
_settled = False
_settled_signed_in = False


def settle_memory() -> None:
    """Once the program has loaded (the console's first screen is drawn, a command is found): the
    collector's default thresholds, and what exists now kept out of its later full collections."""
    global _settled
    if not _settled:
        _settled = True
        gc.set_threshold(*_DEFAULT_GC_THRESHOLD)
        gc.freeze()


def settle_signed_in() -> None:
    """Once, after `settle_memory`, when a clerk is signed in and the first mode screen is drawn: what
    the station's opening, the sign-in and that screen made (SQLAlchemy's engine, mappers and statement
    caches, the screen and the modules it loaded: some 25,000 objects) kept out of later full
    collections too, which walked them all again every few seconds mid-shift.

    Garbage is collected first, so only what is alive now is set aside. What is set aside is still
    freed as usual when nothing refers to it any more; only a cycle of it dropped later is never
    collected (the memory of what was alive at this one moment, at most)."""
    global _settled_signed_in
    if _settled and not _settled_signed_in:
        _settled_signed_in = True
        gc.collect()
        gc.freeze()

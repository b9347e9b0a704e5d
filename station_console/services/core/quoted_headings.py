"""What a refusal or a report quotes of an imported file's headings (a pre-alert, the recipient
directory, a shelf layout): each cut and a phone in it masked, the first few and how many more. A file
saved without its heading row has its first row there, a person's phone among it, and a header row can
be a whole line of anything: never quoted whole."""

from __future__ import annotations

from collections.abc import Iterable

from station_console.i18n import LaterList
from station_console.logs import mask_text
from station_console.safe_text import cut

HEADING_SHOWN, HEADINGS_SHOWN = 20, 12  # characters of each heading, headings listed


def heading_shown(heading: str) -> str:
    """One heading as quoted: masked, then cut to `HEADING_SHOWN` characters with a sign."""
    return cut(mask_text(heading), HEADING_SHOWN)


def headings_shown(headings: Iterable[str]) -> LaterList:
    """The file's headings (the blank ones left out) as a refusal's parameter: the first
    `HEADINGS_SHOWN`, each as `heading_shown` quotes it, then how many more."""
    return LaterList(tuple(heading_shown(h) for h in headings if h.strip()), at_most=HEADINGS_SHOWN)

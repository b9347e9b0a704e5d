"""One catalogue for each set of codes: two catalogues of the same codes drift apart (a parcel read
"on shelf" in one list and "on the shelf" in another; a refused scan had two names on the check-in screen
and in the audit trail). A catalogue is a module-level dict of codes to labels: every value a catalogued message
id without placeholders, whatever the dict is called (a copy named `BATCH_STATES` is a catalogue too; a table
of sentences such as the notices' subjects is not)."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict
from collections.abc import Mapping

import hardware
import station_console
from station_console.i18n import catalog


def catalogues() -> dict[int, tuple[str, Mapping[object, str]]]:
    """Every label catalogue of the code, by identity (a re-export is the same catalogue)."""
    found: dict[int, tuple[str, Mapping[object, str]]] = {}
    messages = catalog("zh")
    for package in (station_console, hardware):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if info.name.endswith("__main__"):  # runs the command line
                continue
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if (
                    isinstance(value, dict)
                    and value
                    and all(isinstance(v, str) and v in messages and "{" not in v for v in value.values())
                ):
                    found.setdefault(id(value), (f"{info.name}.{name}", value))
    return found


def test_the_walk_finds_the_catalogues() -> None:
    from station_console.services.checkin.dismissals import KIND_LABELS
    from station_console.services.notify.templates import SUBJECT
    from station_console.services.printing.jobs import PRINTER_STATES
    from station_console.services.shelves.lists import STATUS_LABELS

    found = catalogues()
    assert id(STATUS_LABELS) in found and id(KIND_LABELS) in found and len(found) > 30
    assert id(PRINTER_STATES) in found  # by its shape, not its name
    assert id(SUBJECT) not in found  # sentences with placeholders, one per kind of notice


def test_no_two_catalogues_label_the_same_codes() -> None:
    by_codes: dict[frozenset[str], list[str]] = defaultdict(list)
    for name, labels in catalogues().values():
        by_codes[frozenset(str(code) for code in labels)].append(name)
    twins = {tuple(sorted(codes)): names for codes, names in by_codes.items() if len(names) > 1}
    assert twins == {}, "one catalogue each, imported where it is shown"

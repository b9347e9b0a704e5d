"""One catalogue for each set of codes: two catalogues of the same codes drift apart (a parcel read
"on shelf" in one list and "on the shelf" in another; a refused scan had two names on the check-in screen
and in the audit trail). A catalogue is a module-level dict of codes to labels: every value a catalogued message
id without placeholders, whatever the dict is called (a copy named `BATCH_STATES` is a catalogue too; a table
of sentences such as the notices' subjects is not)."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import sys
from collections import defaultdict
from collections.abc import Mapping
from types import ModuleType

import hardware
import station_console
from station_console.i18n import N_, LabelSubset, catalog
from station_console.services.core.outbox_states import OUTBOX_STATE_LABELS


def _catalogue_names() -> list[tuple[ModuleType, str, Mapping[object, str]]]:
    """Every module-level name bound to a label catalogue: (module, name, catalogue)."""
    messages = catalog("zh")
    found: list[tuple[ModuleType, str, Mapping[object, str]]] = []
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
                    found.append((module, name, value))
    return found


def catalogues() -> dict[int, tuple[str, Mapping[object, str]]]:
    """Every label catalogue of the code, by identity (a re-export is the same catalogue)."""
    found: dict[int, tuple[str, Mapping[object, str]]] = {}
    for module, name, value in _catalogue_names():
        found.setdefault(id(value), (f"{module.__name__}.{name}", value))
    return found


def _comment_above(module: ModuleType, name: str) -> str:
    """The comment lines right above `name`'s top-level assignment in `module` (and on its first line)."""
    lines = inspect.getsource(module).splitlines()
    for node in ast.parse("\n".join(lines)).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            first = node.lineno - 1
            above = []
            for line in reversed(lines[:first]):
                if not line.lstrip().startswith("#"):
                    break
                above.append(line)
            return "\n".join([*reversed(above), lines[first]])
    return ""  # bound by an import: a re-export says nothing of its own


def test_the_walk_finds_the_catalogues() -> None:
    from station_console.services.checkin.dismissals import KIND_LABELS
    from station_console.services.notify.templates import SUBJECT
    from station_console.services.printing.sending import PRINTER_STATES
    from station_console.services.shelves.search import STATUS_LABELS

    found = catalogues()
    assert id(STATUS_LABELS) in found and id(KIND_LABELS) in found and len(found) > 30
    assert id(PRINTER_STATES) in found  # by its shape, not its name
    assert id(SUBJECT) not in found  # sentences with placeholders, one per kind of notice


def test_no_two_catalogues_label_the_same_codes() -> None:
    """Unless one says in a comment above it, naming the other (`module.NAME`), why it words them apart
    (a drop-down's short words beside the full names a receipt records)."""
    sites: dict[int, list[tuple[ModuleType, str]]] = defaultdict(list)
    for module, name, value in _catalogue_names():
        sites[id(value)].append((module, name))

    def explained(one: int, other: int) -> bool:
        names = {f"{m.__name__.rsplit('.', 1)[-1]}.{n}" for m, n in sites[other]}
        return any(name in _comment_above(m, n) for m, n in sites[one] for name in names)

    by_codes: dict[frozenset[str], list[int]] = defaultdict(list)
    found = catalogues()
    for key, (_name, labels) in found.items():
        by_codes[frozenset(str(code) for code in labels)].append(key)
    twins = {
        tuple(sorted(codes)): [found[key][0] for key in keys]
        for codes, keys in by_codes.items()
        if len(keys) > 1 and not (len(keys) == 2 and (explained(*keys) or explained(*reversed(keys))))
    }
    assert twins == {}, "one catalogue each, imported where it is shown, or the second says why"


def _source(labels: Mapping[object, str]) -> Mapping[object, str]:
    """The catalogue `labels` takes its labels from (itself unless it is a `LabelSubset`)."""
    while isinstance(labels, LabelSubset):
        labels = labels.whole
    return labels


def subset_copies(names: list[tuple[ModuleType, str, Mapping[object, str]]]) -> list[str]:
    """Catalogues whose codes are some of another's, neither taken from it nor explained."""
    sites: dict[int, list[tuple[ModuleType, str]]] = defaultdict(list)
    for module, name, value in names:
        sites[id(value)].append((module, name))
    found = {id(value): (f"{module.__name__}.{name}", value) for module, name, value in reversed(names)}

    def says_why(one: Mapping[object, str], other: Mapping[object, str]) -> bool:
        other_names = {f"{m.__name__.rsplit('.', 1)[-1]}.{n}" for m, n in sites[id(other)]}
        comments = [_comment_above(m, n) for m, n in sites[id(one)]]
        return any(o in c for o in other_names for c in comments)

    copies = []
    for part_name, part in found.values():
        for whole_name, whole in found.values():
            codes, more = {str(c) for c in part}, {str(c) for c in whole}
            if not codes < more or _source(part) is _source(whole):
                continue
            if not (says_why(part, whole) or says_why(whole, part)):
                copies.append(f"{part_name} < {whole_name}")
    return copies


def test_a_catalogue_of_some_codes_of_another_takes_them_from_it() -> None:
    """A catalogue whose codes are some of another's takes its labels from it (`LabelSubset`), or one of
    the two says in a comment above it, naming the other (`module.NAME`), why its codes mean something
    else. A copy of a few of the labels is how one set of codes comes to read two ways."""
    assert subset_copies(_catalogue_names()) == [], "take the labels from the whole, or say why they differ"


# Two catalogues of some outbox states, for the test below: one copied, one taken from the whole.
_COPIED_STATES: dict[object, str] = {"dead": N_("dead letter"), "dropped": N_("dropped")}
_TAKEN_STATES = LabelSubset(OUTBOX_STATE_LABELS, ("dead", "dropped"))


def test_a_subset_copy_is_caught() -> None:
    here = sys.modules[__name__]
    names: list[tuple[ModuleType, str, Mapping[object, str]]] = [
        *_catalogue_names(),
        (here, "_COPIED_STATES", _COPIED_STATES),
        (here, "_TAKEN_STATES", _TAKEN_STATES),
    ]
    copies = [copy.split(" < ") for copy in subset_copies(names)]  # named where first bound
    assert [(part, whole.rsplit(".", 1)[-1]) for part, whole in copies] == [
        (f"{__name__}._COPIED_STATES", "OUTBOX_STATE_LABELS")
    ], copies

"""Point 2 (roles), the console's keys: every key of the console has one stated role in the table
(`services/core/roles.py`), and a manager's key runs an action method marked with it, so the service's
check refuses a clerk before anything opens. The `station` commands' roles are test_p2_roles.py.
"""

from __future__ import annotations

from station_console.services.core.roles import ACTIONS, Need


def console_keys() -> set[str]:
    """Every binding id of the console: the app's and every screen's and widget's."""
    import importlib
    import pkgutil

    from textual.binding import Binding

    import station_console.tui as tui

    found: set[str] = set()
    for info in pkgutil.walk_packages(tui.__path__, f"{tui.__name__}."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            for binding in getattr(value, "BINDINGS", None) or ():
                if (
                    isinstance(binding, Binding)
                    and binding.id
                    and getattr(value, "__module__", None) == module.__name__
                ):
                    found.add(binding.id)
        for binding in getattr(module, "CLERK_BINDINGS", ()):
            if binding.id:
                found.add(binding.id)
    return found


def test_every_console_key_has_exactly_one_role() -> None:
    keys = console_keys()
    assert len(keys) > 60
    owners = {key: [name for name, spec in ACTIONS.items() if key in spec.keys] for key in keys}
    assert {key: names for key, names in owners.items() if len(names) != 1} == {}
    listed = {k for spec in ACTIONS.values() for k in spec.keys}
    assert listed - keys == set(), "the role table names a key the console does not have"


def console_key_methods() -> list[tuple[str, str, object]]:
    """Each console binding with an id, as (id, where it is bound, the action method it runs)."""
    import importlib
    import pkgutil

    from textual.binding import Binding

    import station_console.tui as tui

    found = []
    for info in pkgutil.walk_packages(tui.__path__, f"{tui.__name__}."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if not isinstance(value, type) or value.__module__ != module.__name__:
                continue
            for binding in getattr(value, "BINDINGS", None) or ():
                if isinstance(binding, Binding) and binding.id and not binding.action.startswith("app."):
                    name = binding.action.split("(")[0]
                    method = getattr(value, f"action_{name}", None)
                    found.append((binding.id, f"{value.__name__}.action_{name}", method))
    return found


def test_each_managers_key_is_refused_to_others_before_it_opens_anything() -> None:
    """A manager's key runs an action method marked with that key (`tui/role_keys.py`), so a clerk, or
    nobody, is refused with the table's own sentence before any form or question opens; the screens'
    Pilot tests (tests/tui/test_manager_keys.py) press them. A key's method marked with another key
    would be checked against the wrong action."""
    managers = {k for spec in ACTIONS.values() if spec.need is Need.MANAGER for k in spec.keys}
    bound = console_key_methods()
    unmarked = {
        (key, where): getattr(method, "role_key", None)
        for key, where, method in bound
        if key in managers and getattr(method, "role_key", None) != key
    }
    assert unmarked == {}
    assert {key for key, _where, _method in bound} >= managers
    marks = {getattr(method, "role_key", None) for _key, _where, method in bound} - {None}
    assert marks <= managers, "a key of anyone's work is marked as a manager's"

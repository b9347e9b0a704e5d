"""Every refusal reads as a sentence: what a service raises (a `StationError`) and what a screen says
as an error ends in its full stop, in English and in Chinese. Labels, titles, column heads and hints are
not refusals and are not looked at: only the message ids given to a refusal are."""

from __future__ import annotations

import ast
from pathlib import Path

import station_console
from station_console.i18n import catalog

REFUSALS = {
    "StationError",
    "NotFound",
    "Refused",
    "PermissionDenied",
    "DatabaseUnavailable",
    "ProviderFailed",
    "ScaleUnavailable",
    "DatabaseDamaged",
}
EN_ENDS = (".", "?", "!", ".)", ".'", '."')
ZH_ENDS = ("。", "？", "！", "。）", "。」", "。”")
# Ends a refusal may have without a stop of its own:
ALLOWED_ENDS = (
    "{reason}",  # the reason said ends it: a refusal nested in it brings its own stop
    "{log}",  # a log file's path, to be copied whole
    "station restore FILE",  # a command to type: a stop after it would be typed too
    "init --demo",
)


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "N_") and node.args:
        node = node.args[0]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _callee(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _screen_refusal_parts(node: ast.Call) -> list[ast.AST]:
    """What a screen says as a refusal without raising one: a warning or error toast's text (a toast
    of its screen's, `notify_of_screen(screen, text)`, is a warning unless it says otherwise), the text
    of a screen's `failed(tag, text)`, and a file reader's `too_large=` refusal."""
    parts: list[ast.AST] = [k.value for k in node.keywords if k.arg == "too_large"]
    callee = _callee(node)
    severity = next((k.value for k in node.keywords if k.arg == "severity"), None)
    warns = isinstance(severity, ast.Constant) and severity.value in ("warning", "error")
    if callee == "notify" and node.args and warns:
        parts.append(node.args[0])
    if callee == "notify_of_screen" and len(node.args) >= 2:
        said_as = severity if severity is not None else node.args[2] if len(node.args) > 2 else None
        if said_as is None or (isinstance(said_as, ast.Constant) and said_as.value in ("warning", "error")):
            parts.append(node.args[1])
    if callee == "failed" and len(node.args) == 2:
        parts.append(node.args[1])
    return parts


def _named_messages(tree: ast.Module) -> dict[tuple[str | None, str], list[ast.AST]]:
    """What a name given to a refusal holds, by (function, name): a module's `SHAPES = N_("...")` under
    (None, "SHAPES"), and a function's parameter under (its name, the parameter's) with the value each
    call in the module gives it (`_name(runner, N_("Type the runner's name"))`). Only literals were
    looked at, and a refusal's words kept in a name went unread."""
    named: dict[tuple[str | None, str], list[ast.AST]] = {}
    params: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            params[node.name] = [
                a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)
            ]
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    named.setdefault((None, target.id), []).append(node.value)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (callee := _callee(node)) in params:
            given = [
                *zip(params[callee], node.args, strict=False),
                *((k.arg, k.value) for k in node.keywords if k.arg),
            ]
            for name, value in given:
                named.setdefault((callee, name), []).append(value)
    return named


def _messages_of(
    part: ast.AST, function: str | None, named: dict[tuple[str | None, str], list[ast.AST]]
) -> list[ast.AST]:
    """The message a refusal is given: a literal, or what the name it is given holds."""
    if not isinstance(part, ast.Name):
        return [part]
    return named.get((function, part.id)) or named.get((None, part.id), [])


def _calls_by_function(tree: ast.Module) -> list[tuple[ast.Call, str | None]]:
    """Each call of a module with the function it is made in (None: at the module's level)."""
    calls: list[tuple[ast.Call, str | None]] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Call):
                calls.append((child, function))
            visit(
                child, child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            )

    visit(tree, None)
    return calls


def refusals() -> dict[str, str]:
    """Each refusal's message id (and its singular, its advice) -> where it is raised or said."""
    found: dict[str, str] = {}
    root = Path(station_console.__file__).parent
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        named = _named_messages(tree)
        for node, function in _calls_by_function(tree):
            parts = _screen_refusal_parts(node)
            said = any(
                k.arg == "error" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in node.keywords
            )
            if node.args and (_callee(node) in REFUSALS or said):
                parts += [node.args[0], *(k.value for k in node.keywords if k.arg in ("one", "advice"))]
            for part in (m for p in parts for m in _messages_of(p, function, named)):
                if (msgid := _literal(part)) is not None:
                    found.setdefault(msgid, f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_the_scan_finds_the_refusals() -> None:
    found = refusals()
    assert len(found) > 300
    assert "{field} is empty." in found and "Unknown carrier {carrier}." in found
    # Given by a name: a module's constant (`Refused(SHAPES)`), a function's parameter (`Refused(missing)`).
    assert {
        "A phone is its last 4 digits, an 11-digit mobile number, or + country code and number.",
        "Type the runner's name.",
    } <= set(found)
    # What screens say without raising: a warning toast, a screen's failed(), a file too big to read.
    assert {
        "Only a closed day can be reopened.",
        "Use a date like 2026-11-25.",  # a toast of its screen's, a warning by default
        "{path} is too big for a pre-alert file (over {mb} MB).",
    } <= set(found)


def test_every_refusal_ends_in_its_full_stop_in_english_and_chinese() -> None:
    zh = catalog("zh")
    unfinished = [
        (msgid, zh.get(msgid), where)
        for msgid, where in refusals().items()
        if not msgid.endswith(ALLOWED_ENDS)
        and (not msgid.endswith(EN_ENDS) or (msgid in zh and not zh[msgid].endswith(ZH_ENDS)))
    ]
    assert unfinished == []

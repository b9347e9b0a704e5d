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
    """What a screen says as a refusal without raising one: a warning or error toast's text, the text
    of a screen's `failed(tag, text)`, and a file reader's `too_large=` refusal."""
    parts: list[ast.AST] = [k.value for k in node.keywords if k.arg == "too_large"]
    callee = _callee(node)
    if callee == "notify" and node.args:
        severity = next((k.value for k in node.keywords if k.arg == "severity"), None)
        if isinstance(severity, ast.Constant) and severity.value in ("warning", "error"):
            parts.append(node.args[0])
    if callee == "failed" and len(node.args) == 2:
        parts.append(node.args[1])
    return parts


def refusals() -> dict[str, str]:
    """Each refusal's message id (and its singular, its advice) -> where it is raised or said."""
    found: dict[str, str] = {}
    root = Path(station_console.__file__).parent
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            parts = _screen_refusal_parts(node)
            said = any(
                k.arg == "error" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in node.keywords
            )
            if node.args and (_callee(node) in REFUSALS or said):
                parts += [node.args[0], *(k.value for k in node.keywords if k.arg in ("one", "advice"))]
            for part in parts:
                if (msgid := _literal(part)) is not None:
                    found.setdefault(msgid, f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_the_scan_finds_the_refusals() -> None:
    found = refusals()
    assert len(found) > 300
    assert "{field} is empty." in found and "Unknown carrier {carrier}." in found
    # What screens say without raising: a warning toast, a screen's failed(), a file too big to read.
    assert {
        "Only a closed day can be reopened.",
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

"""Every message the console can show has its Simplified Chinese translation."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

from station_console.cli_help import CLICK_METAVARS, help_paragraphs, metavar_msgid
from station_console.errors import StationError
from station_console.i18n import CURRENT, N_, Translator, _, _n, catalog, set_language, translate, translate_n
from station_console.safe_text import cut

PACKAGE = Path(__file__).resolve().parents[1] / "station_console"
SOURCES = [PACKAGE, PACKAGE.parent / "hardware", PACKAGE.parent / "db"]
MARKERS = {"_", "N_", "tr"}
# (singular, plural, count, ...): Chinese is catalogued by the plural. `tr` is a Translator (a document's
# own language), `tr.n` its plural; a `LaterCount` is a count as a parameter of a refusal.
PLURAL_MARKERS = {"_n", "translate_n", "tr.n", "LaterCount"}


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _marker(func: ast.expr) -> str | None:
    """`_`, `tr`... for a call of a name; `tr.n` for a method of a name."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return f"{func.value.id}.{func.attr}"
    return None


@functools.cache
def source_calls() -> tuple[tuple[ast.Call, Path, Path], ...]:
    """Every call in the code, with its file and the source root; parsed once for the module's tests."""
    return tuple(
        (node, path, root)
        for root in SOURCES
        for path in root.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
    )


def calls() -> list[tuple[str, list[str | None], str]]:
    """Every call of a translation marker in the code: its name, literal arguments, where it is."""
    return [
        (marker, [_literal(a) for a in node.args[:2]], f"{path.relative_to(root.parent)}:{node.lineno}")
        for node, path, root in source_calls()
        if (marker := _marker(node.func)) in MARKERS | PLURAL_MARKERS
    ]


def message_ids() -> dict[str, str]:
    """Every literal message id in the code (`_()`, `N_()`, the plural of `_n()`, the `station`
    command's help), with where it was seen."""
    found: dict[str, str] = {}
    for name, args, where in calls():
        msgid = args[1] if name in PLURAL_MARKERS and len(args) > 1 else args[0] if args else None
        if msgid is not None:
            found.setdefault(msgid, where)
    for msgid, where in [*help_ids().items(), *binding_ids().items()]:
        found.setdefault(msgid, where)
    return found


def binding_ids() -> dict[str, str]:
    """A key's description and tooltip (`Binding(key, action, description, tooltip=...)`): the footer
    translates them when it shows them, marked or not."""
    found: dict[str, str] = {}
    for node, path, root in source_calls():
        if _marker(node.func) != "Binding":
            continue
        texts = [node.args[2]] if len(node.args) > 2 else []
        texts += [k.value for k in node.keywords if k.arg in ("description", "tooltip")]
        for text in texts:
            if isinstance(text, ast.Call) and _marker(text.func) in MARKERS and text.args:
                text = text.args[0]
            if (msgid := _literal(text)) is not None:
                found.setdefault(msgid, f"{path.relative_to(root.parent)}:{node.lineno}")
    return found


COMMAND_DECORATORS = {"command", "group"}


def help_ids() -> dict[str, str]:
    """The `station` command's help, translated when shown (`cli_help.py`): each paragraph of a
    command's docstring and of a `help=`, and each metavar (`metavar=`, an argument's name)."""
    found: dict[str, str] = {word: "click" for word in map(metavar_msgid, CLICK_METAVARS)}
    for node, path, root in source_calls():
        if path.parent.name != "commands" and path.name != "cli.py":
            continue
        where = f"{path.relative_to(root.parent)}:{node.lineno}"
        keywords = {k.arg: _literal(k.value) for k in node.keywords}
        for paragraph in help_paragraphs(keywords.get("help") or ""):
            found.setdefault(paragraph, where)
        metavar = keywords.get("metavar")
        if metavar is None and _marker(node.func) == "argument" and node.args:
            metavar = (_literal(node.args[0]) or "").upper() or None
        if metavar:
            found.setdefault(metavar_msgid(metavar), where)
    for path in [PACKAGE / "cli.py", *(PACKAGE / "commands").glob("*.py")]:
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(fn, ast.FunctionDef) and any(_is_command(d) for d in fn.decorator_list):
                for paragraph in help_paragraphs(ast.get_docstring(fn, clean=False) or ""):
                    found.setdefault(paragraph, f"station_console/{path.relative_to(PACKAGE)}:{fn.lineno}")
    return found


def _is_command(decorator: ast.expr) -> bool:
    """`@command(...)`, `@group(...)`, `@some_group.command(...)`."""
    func = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in COMMAND_DECORATORS


def test_the_scan_finds_the_commands_help() -> None:
    ids = help_ids()
    assert "List parcels, newest check-in first (phones masked)." in ids  # a docstring
    assert "Print the result as JSON." in ids  # a help=
    assert metavar_msgid("WAYBILL") in ids and metavar_msgid("REF") in ids  # an argument, a metavar=
    assert len(ids) > 350


def test_singular_and_plural_say_the_same_things() -> None:
    plurals = [
        (args, where)
        for name, args, where in calls()
        if name in PLURAL_MARKERS
        # the definitions, and StationError's message, which passes its own forms on
        and not where.startswith(("station_console/i18n.py", "station_console/errors.py"))
    ]
    assert plurals, "the scan finds the plural calls"
    for (singular, plural), where in plurals:
        assert singular and plural, f"{where}: both forms are literal text"
        assert set(re.findall(r"{(\w+)}", singular)) == set(re.findall(r"{(\w+)}", plural)), where


def test_one_is_singular_in_english_and_chinese_has_one_form() -> None:
    assert _n("{n} parcel", "{n} parcels", 1, n=1) == "1 parcel"
    assert _n("{n} parcel", "{n} parcels", 0, n=0) == "0 parcels"
    assert translate_n("{n} parcel", "{n} parcels", 1, "zh", n=1) == translate("{n} parcels", "zh", n=1)


def test_a_refusals_singular_says_what_its_plural_says() -> None:
    """`one=` of a StationError is the English singular of its message id (the plural)."""
    pairs = []
    for node, path, _root in source_calls():
        one = next((k.value for k in node.keywords if k.arg == "one"), None)
        if one is not None and node.args:
            first = node.args[0]
            plural = _literal(first.args[0]) if isinstance(first, ast.Call) and first.args else None
            pairs.append((_literal(one), plural, f"{path}:{node.lineno}"))
    assert pairs, "the scan finds the refusals with a singular"
    for singular, plural, where in pairs:
        assert singular and plural, f"{where}: both forms are literal text"
        assert set(re.findall(r"{(\w+)}", singular)) == set(re.findall(r"{(\w+)}", plural)), where
        assert "count" in re.findall(r"{(\w+)}", plural), f"{where}: the count decides the form"


def test_a_refusal_about_a_count_says_one_or_many() -> None:
    def refusal(count: int) -> StationError:
        return StationError(N_("{count} parcels wait"), one="{count} parcel waits", count=count)

    assert refusal(1).message("en") == "1 parcel waits" and refusal(2).message("en") == "2 parcels wait"
    assert refusal(1).message("zh") == translate("{count} parcels wait", "zh", count=1)


def test_the_scan_finds_messages() -> None:
    assert len(message_ids()) > 10
    assert binding_ids()["Keep the current batch"].startswith("station_console/tui/")
    assert "Receive parcels" in binding_ids()  # marked: N_("Receive parcels")


# Widgets whose words a clerk reads, and which positional argument is their words (a Binding's 3rd).
WORDED_WIDGETS = {
    "Button": 0,
    "AnswerButton": 0,
    "Label": 0,
    "Static": 0,
    "Checkbox": 0,
    "Tick": 0,
    "RoutedTick": 0,
    "SpaceTick": 0,
    "NoScanTick": 0,
    "Binding": 2,
}
WORDED_KEYWORDS = {"label", "description", "tooltip", "content", "renderable"}


def test_every_word_on_a_key_button_or_label_in_the_console_is_marked_for_translation() -> None:
    """A literal given to a Button, Label, Static, tick box or a key's Binding is marked (`_()`, `N_()`):
    the batch picker's 'Cancel' and 'Keep the current batch' were plain, found by no one grepping for
    what to translate. Words only: a literal with no letter (a separator) is not one."""
    plain = []
    for node, path, root in source_calls():
        name = _marker(node.func)
        if "tui" not in path.relative_to(root).parts or name not in WORDED_WIDGETS:
            continue
        texts = node.args[WORDED_WIDGETS[name] :][:1]
        texts += [k.value for k in node.keywords if k.arg in WORDED_KEYWORDS]
        for text in texts:
            if (literal := _literal(text)) is not None and any(c.isalpha() for c in literal):
                plain.append(f"{path.relative_to(root.parent)}:{node.lineno}: {name}({literal!r})")
    assert not plain, "words not marked for translation:\n" + "\n".join(plain)


def test_every_message_has_a_chinese_translation() -> None:
    zh = catalog("zh")
    missing = {msgid: where for msgid, where in message_ids().items() if msgid not in zh}
    assert not missing, "messages without a zh translation:\n" + "\n".join(
        f"  {where}: {msgid!r}" for msgid, where in sorted(missing.items(), key=lambda kv: kv[1])
    )


def test_an_english_message_glosses_no_word_in_chinese() -> None:
    """English screens and the English `station --help` read English: "Move parcels (移库)" put the
    Chinese name beside the English one, which the Chinese catalogue carries. Chinese stays where it is
    data (a file's heading 运单号, a province typed as 新疆). `message_ids` holds the help's too."""
    gloss = re.compile(r"\([\u4e00-\u9fff]+\)")
    assert help_ids().keys() <= message_ids().keys()
    mixed = {msgid: where for msgid, where in message_ids().items() if gloss.search(msgid)}
    assert not mixed


def test_translations_keep_their_placeholders() -> None:
    zh = catalog("zh")
    bad = [
        msgid
        for msgid, text in zh.items()
        if set(re.findall(r"{(\w+)}", msgid)) != set(re.findall(r"{(\w+)}", text))
    ]
    assert not bad, f"placeholders differ in: {bad}"


def test_translation_follows_the_current_language() -> None:
    set_language("zh")
    assert _("Check-in") == "入库"
    set_language("en")
    assert _("Check-in") == "Check-in"
    assert translate("Check-in", "zh") == "入库"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        set_language("fr")


def test_a_translator_speaks_its_documents_language_or_the_consoles() -> None:
    one = ("NOT balanced: {count} difference", "NOT balanced: {count} differences")
    set_language("zh")
    try:
        assert Translator("en")("Balanced") == "Balanced"  # the PDF without a Chinese font
        assert Translator("en").n(*one, 1, count=1) == "NOT balanced: 1 difference"
        assert CURRENT("Balanced") == translate("Balanced", "zh") != "Balanced"
        assert CURRENT.n(*one, 1, count=1) == translate(one[1], "zh", count=1) != one[1].format(count=1)
    finally:
        set_language("en")
    assert CURRENT.n(*one, 1, count=1) == "NOT balanced: 1 difference"
    assert CURRENT.n(*one, 2, count=2) == "NOT balanced: 2 differences"


def test_no_message_id_has_two_chinese_translations() -> None:
    """The catalog files are merged into one: an id in two files with two translations silently takes
    the later file's, so one of the two screens reads a word nobody chose for it (use a distinct id)."""
    import tomllib
    from collections import defaultdict
    from importlib import resources

    translations: dict[str, dict[str, str]] = defaultdict(dict)
    for entry in (resources.files("station_console") / "locale" / "zh").iterdir():
        if entry.name.endswith(".toml"):
            for msgid, text in tomllib.loads(entry.read_text(encoding="utf-8")).items():
                translations[msgid][entry.name] = text
    clashes = {m: files for m, files in translations.items() if len(set(files.values())) > 1}
    assert clashes == {}


def test_a_write_off_has_one_chinese_name() -> None:
    """The report's column, the close dialog beside it, the statuses and the audit say the same word."""
    written_off = [zh for en, zh in catalog("zh").items() if "write" in en.lower() and "off" in en.lower()]
    assert written_off and all("核销" not in zh for zh in written_off)


def test_sentences_follow_each_other_as_each_language_writes_them() -> None:
    from station_console.i18n import sentences

    assert sentences("Matched.", "", "Phone saved.") == "Matched. Phone saved."
    set_language("zh")
    assert sentences("已匹配。", "", "手机号已保存。") == "已匹配。手机号已保存。"


# "{n} <plural noun>" in a message that is not a plural form: each such word, when it is not a noun.
VERBS_AFTER_A_NAME = {
    "is", "has", "was", "does", "waits", "takes", "sells", "owes", "needs", "looks", "holds", "goes", "fails",
    "exists", "differs", "matches", "stands",
}  # fmt: skip
UNITS = {"ms", "pcs"}  # abbreviations take no plural
BOUNDS = {"max", "min", "limit"}  # "at most {max} characters": a limit is never one
NOT_A_COUNT = {"{language} printers", "{carriers} waybills", "{size} parcels", "{capacity} units"}
NEVER_ONE = {
    "Backed up to {file} ({size} bytes); the copy was checked": "a database file is never one byte",
    "Preparing {n} parcels of data": "a benchmark's scale, thousands, formatted with separators",
    "{waybill} is too long for a waybill ({n} characters, at most {max}).": "more than the longest waybill",
    "{n} customers share this number: check who is here.": "two or more, or it would not be said",
}


def test_a_count_of_things_takes_its_form_from_the_count() -> None:
    """A message that counts things ("{n} parcels", "{n} sender(s)") is a plural form (`_n`, `one=`,
    `LaterCount`), or its count is a sub-phrase that is: never a fixed plural that says "1 parcels"."""
    from station_console.services.notify.templates import INTRO, SUBJECT

    plural_forms = {args[1] for name, args, _where in calls() if name in PLURAL_MARKERS and len(args) > 1}
    for node, _path, _root in source_calls():
        if any(k.arg == "one" for k in node.keywords) and node.args:
            first = node.args[0]
            plural_forms.add(_literal(first.args[0]) if isinstance(first, ast.Call) and first.args else None)
    # a notice's "_many" forms are for two parcels or more, its others for one
    plural_forms |= {
        text for texts in (SUBJECT, INTRO) for key, text in texts.items() if key.endswith("_many")
    }
    fixed = []
    for msgid, where in message_ids().items():
        if msgid in plural_forms or msgid in NEVER_ONE:
            continue
        if re.search(r"\{\w+\} (\w+ )?\w+\(s\)", msgid):
            fixed.append(f"{where}: {msgid!r}")
        for m in re.finditer(r"\{(\w+)\} (\w+s|people)\b", msgid):
            if m[2] not in VERBS_AFTER_A_NAME | UNITS and m[1] not in BOUNDS and m[0] not in NOT_A_COUNT:
                fixed.append(f"{where}: {m[0]!r} in {msgid!r}")
    assert not fixed, "\n".join(fixed)


@functools.cache
def library_strings() -> frozenset[str]:
    """Every string literal in click's and Textual's code: their own messages (click's errors and help
    headings, a Textual widget's key descriptions) reach the console in English and are translated here."""
    import click
    import textual

    found: set[str] = set()
    for package in (click, textual):
        assert package.__file__ is not None
        for path in Path(package.__file__).parent.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (text := _literal(node)) is not None:  # type: ignore[arg-type]
                    found.add(text)
    return frozenset(found)


def test_every_chinese_translation_is_of_a_message_the_console_has() -> None:
    """A translation left behind when its English changed is dead weight a translator keeps updating,
    and hides that the new English was never translated."""
    import tomllib
    from importlib import resources

    ours, theirs = message_ids(), library_strings()
    stale = [
        f"{entry.name}: {msgid!r}"
        for entry in (resources.files("station_console") / "locale" / "zh").iterdir()
        if entry.name.endswith(".toml")
        for msgid in tomllib.loads(entry.read_text(encoding="utf-8"))
        if msgid not in ours and msgid not in theirs
    ]
    assert stale == [], "translations of no message:\n" + "\n".join(sorted(stale))


def _quoted(text: str, at: int) -> bool:
    return any(q.start() < at < q.end() for q in re.finditer(r"“[^“”]*”", text))


def test_a_path_through_the_screens_is_quoted_in_chinese() -> None:
    """ "在“设置 > 打印机”中添加" reads the path as one name; "在 设置 > 打印机 中" set it off with spaces,
    which Chinese does not put between its characters and the console breaks a line at ("设置（Ctrl+S）>
    寄件规则" too, its '>' after a full-width bracket)."""
    unquoted = [
        text
        for text in catalog("zh").values()
        if any(not _quoted(text, m.start()) for m in re.finditer("(?<!-)> ", text))
    ]
    assert unquoted == []


# Spaces between Chinese characters that lay text out rather than set a word off: a label's fields,
# and two field hints as short as their English.
SPACED_ON_PURPOSE = frozenset(
    {"{code}  shelf {shelf} layer {layer}  {carrier} {waybill}", "size WxH mm", "LxWxH cm"}
)


def test_a_format_or_an_example_is_quoted_in_chinese_not_set_off_by_spaces() -> None:
    """ "请以“货架-层”的形式" and "例如“新疆”或“Xinjiang”" read the format and the example as one thing;
    "请以 货架-层 的形式" put spaces between Chinese characters, which Chinese does not write."""
    spaced = [
        text
        for msgid, text in catalog("zh").items()
        if msgid not in SPACED_ON_PURPOSE
        and any(
            not _quoted(text, m.start())
            for m in re.finditer(r"(?<=[\u3400-\u9fff（）]) +(?=[\u3400-\u9fff])", text)
        )
    ]
    assert spaced == []


def test_the_hand_over_toast_reads_as_one_chinese_sentence() -> None:
    """'demo-clerk 留下未完成的寄件页填了一半的表单已关闭。' piled the phrase between two verbs; the toast
    now says what was closed first, then whose it was, and a dialog is named as a window or a form, not
    as the act (a 'courier's batch being closed' read as the batch itself closed)."""
    toast = "Closed {what}, left open by {clerk}."
    sendout = translate("the half-filled form on Send-out", "zh")
    assert (
        translate(toast, "zh", what=sendout, clerk="demo-clerk")
        == "已关闭 demo-clerk 留下的寄件页上填了一半的表单。"
    )
    batch = translate("a courier's batch being closed", "zh")
    assert translate(toast, "zh", what=batch, clerk="Wang") == "已关闭 Wang 留下的结束快递员批次的确认。"
    move = translate("a move", "zh")
    assert (
        translate("Closed {what}, left open by the last clerk.", "zh", what=move)
        == "已关闭上一位店员留下的移库窗口。"
    )


def test_a_chinese_colon_follows_a_name_or_a_placeholder_before_chinese_text() -> None:
    """ "SF1400000000005：记录显示……" with the Chinese colon, as the rest of the Chinese console writes it;
    "{waybill}: {left}" read "SF1400000000005: 记录显示……", an English colon and space inside a Chinese
    sentence. A format's own colon ("厂商:产品") or a JSON example's ("total": 分) stays as written."""
    ascii_colon = re.compile(r"(?<=[\u3400-\u9fff}A-Za-z0-9)）]):[ \t]+(?=[\u3400-\u9fff]|\{[a-z_]+\})")
    assert [text for text in catalog("zh").values() if ascii_colon.search(text)] == []


def test_a_cut_quote_ends_its_sentence_without_a_second_stop() -> None:
    """A quote cut for showing ends in "…": the sentence's full stop after it would read "…." ("…。"), so
    it is left out in both languages; a quote shown whole keeps it, and so does an English "..." after
    a placeholder."""
    long = cut("SF" + "1" * 60, 20)
    assert (
        translate(N_("Not an amount of money: {text}."), "en", text=long) == f"Not an amount of money: {long}"
    )
    assert translate(N_("Not an amount of money: {text}."), "zh", text=long) == f"不是金额：{long}"
    assert (
        translate(N_("No parcel on the shelves for {query}."), "zh", query=long)
        == f"货架上没有 {long} 的包裹。"
    )
    assert (
        translate(N_("Not an amount of money: {text}."), "en", text="12,5") == "Not an amount of money: 12,5."
    )
    assert translate(N_("Not an amount of money: {text}."), "zh", text="12,5") == "不是金额：12,5。"
    assert translate(N_("Finishing before quitting: {items}..."), "en", items=long) == (
        f"Finishing before quitting: {long}..."
    )
    refusal = StationError(N_("Not an amount of money: {text}."), text=long)
    assert refusal.message("en").endswith("1…") and refusal.message("zh").endswith("1…")


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "Unknown carrier \\x1b[31mZTO."), ("zh", "未知快递公司 \\x1b[31mZTO。")],
)
def test_a_quoted_control_character_is_written_out_in_the_message(lang: str, said: str) -> None:
    """A message quoting typed text shows its control characters as escapes: raw, a pipe (click strips
    escape sequences there) printed "Unknown carrier ZTO." for what was not ZTO. Numbers, new lines
    and a translated part stay as they are."""
    from station_console.errors import NotFound

    refused = NotFound(N_("Unknown carrier {carrier}."), code="unknown_carrier", carrier="\x1b[31mZTO")
    assert refused.message(lang) == said
    assert translate("{label}: {value}", "en", label="a\tb", value="c\nd\x07") == "a\tb: c\nd\\x07"
    assert translate("{n} parcels", "en", n=3) == "3 parcels"

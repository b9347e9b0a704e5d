"""click's own words go through our catalogue (`click_words.py` reaches into click's modules): these
fail when a click upgrade moves what it translates, or adds a message without its Chinese."""

from __future__ import annotations

import ast
import gettext
import importlib
from pathlib import Path
from typing import TypedDict

import click
import pytest
from click.testing import CliRunner

from station_console import click_words
from station_console.cli import cli
from station_console.cli_help import HELP_OPTION_HELP
from station_console.i18n import catalog, set_language

CLICK = Path(click.__file__).parent
# Modules whose words a clerk never meets (see MODULES in click_words.py).
UNUSED = {"shell_completion", "_termui_impl", "_winconsole"}


def _click_modules_that_translate() -> dict[str, ast.Module]:
    trees = {path.stem: ast.parse(path.read_text(encoding="utf-8")) for path in CLICK.glob("*.py")}
    return {
        name: tree
        for name, tree in trees.items()
        if any(isinstance(node, ast.ImportFrom) and node.module == "gettext" for node in ast.walk(tree))
    }


def _message_ids(tree: ast.Module) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("_", "ngettext")
        ):
            found |= {
                a.value for a in node.args[:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)
            }
    return found


def test_every_click_module_that_translates_is_rebound() -> None:
    translating = _click_modules_that_translate()
    assert {f"click.{name}" for name in translating.keys() - UNUSED} == set(click_words.MODULES)
    click_words.install()
    for name in click_words.MODULES:
        module = importlib.import_module(name)
        assert getattr(module, "_", None) is not gettext.gettext, name
        assert getattr(module, "ngettext", None) is not gettext.ngettext, name


def test_every_click_message_a_clerk_can_meet_has_its_chinese() -> None:
    zh = catalog("zh")
    translating = _click_modules_that_translate()
    ids = set().union(*(_message_ids(translating[name]) for name in translating.keys() - UNUSED))
    assert {"Usage:", "Show this message and exit.", "Repeat for confirmation", HELP_OPTION_HELP} <= ids
    assert "required" in zh  # click translates the word it puts in `[required]` by a variable
    assert sorted(ids - zh.keys()) == []


def test_help_says_usage_in_chinese() -> None:
    out = CliRunner().invoke(cli, ["--lang", "zh", "--help"], prog_name="station").output
    assert out.startswith("用法：station")
    assert "显示此帮助并退出。" in out


def test_a_prompts_confirmation_is_chinese() -> None:
    set_language("zh")
    try:
        out = (
            CliRunner()
            .invoke(
                click.Command("ask", callback=lambda: click.prompt("PIN", confirmation_prompt=True)),
                input="1\n2\n3\n3\n",
            )
            .output
        )
    finally:
        set_language("en")
    assert "再输入一次以确认" in out and "错误：两次输入的值不一致。" in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["parcels", "--limit", "x"], "错误：'--limit' 的值无效：'x' 不是有效的整数。"),
        (["report", "--day", "x"], "错误：没有选项 '--day'。您是不是要输入 '--date'？"),
        (["clerk", "add"], "错误：缺少参数 '名称'。"),
        (["clerk", "pinn"], "错误：没有命令 'pinn'。您是不是要输入 'pin'？"),
        (
            ["delivery", "plan", "--runner", "Li", "--limit", "501"],
            "错误：'--limit' 的值无效：501 不在范围 1<=x<=500 内。",
        ),
        (
            ["clerk", "add", "Li", "--role", "boss"],
            "错误：'--role' 的值无效：'boss' 不是 'clerk', 'manager' 之一。",
        ),
        (["prealert", "import"], "错误：缺少参数 '文件'。"),
        (["fees", "list", "--bogus"], "错误：没有选项 '--bogus'。"),
        (["devices", "x"], "错误：多出了参数（x）。"),  # ends in its stop, as every other refusal
    ],
)
def test_clicks_sentences_read_as_chinese(db_url: str, args: list[str], says: str) -> None:
    """click fills its sentences with words of its own (a type's English name) and ends them with its
    own punctuation (an ASCII full stop, a space before the suggestion)."""
    out = CliRunner().invoke(cli, ["--db", db_url, "--lang", "zh", *args])
    assert out.exit_code == 2
    assert says in out.output.splitlines()[-1], out.output


class Okay(TypedDict, total=False):
    file_okay: bool
    dir_okay: bool


@pytest.mark.parametrize(
    ("okay", "english", "chinese"),
    [
        ({"dir_okay": False}, "File", "文件"),
        ({"file_okay": False}, "Directory", "文件夹"),
        ({}, "Path", "路径"),
    ],
)
def test_a_path_made_while_chinese_is_spoken_keeps_its_english_kind(
    tmp_path: Path, okay: Okay, english: str, chinese: str
) -> None:
    # click names a path's kind as the type is made: a command module imported under Chinese kept
    # 文件, its metavar was looked up by that, and the help test failed in some orders.
    click_words.install()
    set_language("zh")
    try:
        kind = click.Path(exists=True, **okay)
        command = click.Command(
            "read", params=[click.Argument(["src"], type=kind)], callback=lambda src: None
        )
        assert kind.name == english.lower()
        missing = str(tmp_path / "gone")
        out = CliRunner().invoke(command, [missing]).output
        assert f"{chinese} '{missing}' 不存在。" in out
        set_language("en")
        out = CliRunner().invoke(command, [missing]).output
        assert f"{english} '{missing}' does not exist." in out
    finally:
        set_language("en")

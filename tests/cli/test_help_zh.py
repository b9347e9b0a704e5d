"""`station --help` and its usage errors speak the clerk's language: every command's help, click's own
words, and the metavars; English stays as it was. The language is chosen before the arguments are
parsed (`--lang`, $STATION_LANG, the locale), and no database is opened for help or a usage error."""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from station_console.cli import cli
from station_console.cli_help import Argument, Command, Option, help_paragraphs, metavar_msgid
from station_console.cli_help import _metavar_word as metavar_word
from station_console.i18n import catalog, set_language
from station_console.text_columns import display_width

# Three English words in a row: a sentence left untranslated (option names, `counter.toml`, codes
# such as `pg_dump` or `ZTO` are single words among Chinese).
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}\b")
CJK = re.compile(r"[\u4e00-\u9fff]")


def commands() -> Iterator[tuple[str, click.Command, click.Context]]:
    """Every registered command and group, with a context for it, by its path."""

    def walk(
        cmd: click.Command, ctx: click.Context, path: str
    ) -> Iterator[tuple[str, click.Command, click.Context]]:
        yield path, cmd, ctx
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                assert sub is not None
                yield from walk(
                    sub, sub.make_context(name, [], parent=ctx, resilient_parsing=True), f"{path} {name}"
                )

    yield from walk(cli, cli.make_context("station", [], resilient_parsing=True), "station")


def help_of(*args: str, env: dict[str, str] | None = None) -> click.testing.Result:
    return CliRunner().invoke(cli, [*args], env=env, prog_name="station", catch_exceptions=False)


@pytest.fixture(autouse=True)
def _english_locale(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    # No database: help and usage errors must not need one.
    monkeypatch.setenv("STATION_DB", "sqlite:////nonexistent/folder/station.db")
    yield
    set_language("en")


def test_every_help_text_and_metavar_has_its_chinese() -> None:
    zh = catalog("zh")
    missing: list[str] = []
    seen = 0
    for path, cmd, ctx in commands():
        assert isinstance(cmd, Command), f"{path}: declared with click's own class, its help stays English"
        texts = [cmd.__dict__.get("_english_help")]
        for param in cmd.params:
            if param.name == "help":
                continue
            assert isinstance(param, Option | Argument), f"{path} {param.name}: click's own class"
            texts.append(param.__dict__.get("_english_help"))
            word = metavar_word(param, ctx)
            if word and metavar_msgid(word) not in zh:
                missing.append(f"{path} {param.name}: metavar {word!r}")
        for text in texts:
            for paragraph in help_paragraphs(text or ""):
                seen += 1
                if paragraph not in zh:
                    missing.append(f"{path}: {paragraph!r}")
    assert seen > 300, "the walk reaches every command"
    assert not missing, "help without a zh translation:\n" + "\n".join(missing)


def test_every_commands_help_reads_chinese_with_no_english_sentence() -> None:
    every = list(commands())  # each context parses no arguments, so chooses the locale's English
    set_language("zh")
    leftovers = []
    for path, cmd, ctx in every:
        text = cmd.get_help(ctx).replace(ctx.command_path, "station")  # `station sendout tariff set`
        assert "用法：" in text and "选项：" in text, path
        leftovers += [f"{path}: {line.strip()}" for line in text.splitlines() if ENGLISH_RUN.search(line)]
    assert leftovers == []


def test_root_help_in_chinese() -> None:
    result = help_of("--lang", "zh", "--help")
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("用法：station [选项] [命令] [参数]...")
    for text in (
        "station：包裹驿站控制台及其命令。",
        "选项：",
        "命令：",
        "显示此帮助并退出。",
        "--pin PIN码",
    ):
        assert text in out
    assert "checkin       入库一个包裹：" in out
    assert not ENGLISH_RUN.search(out), out


def test_a_commands_help_in_chinese_aligns_its_columns() -> None:
    out = help_of("--lang", "zh", "checkin", "--help").output
    assert out.startswith("用法：station checkin [选项] 运单号\n")
    assert "  --handover 编号    该包裹所属的、尚未交接的快递员批次。\n" in out
    assert "  --size [s|m|l|xl]  尺寸（默认：预到货信息中的尺寸，其次是设置）。\n" in out
    # Every option's text starts in one column (a Chinese metavar is two columns a character), and no
    # line is wider than the 80 columns click's test runner lays help out in.
    for line in out.split("选项：\n")[1].splitlines():
        lead = re.match(r"  -\S.*?\s{2,}", line)
        column = display_width(lead.group()) if lead else len(line) - len(line.lstrip())
        assert column == 21, line
    assert max(display_width(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (["--lang", "zh", "checkin"], {}, "错误：缺少参数 '运单号'。"),
        (
            ["--lang", "zh", "checkin", "X", "--size", "Q"],
            {},
            "错误：'--size' 的值无效：'Q' 不是 's', 'm', 'l', 'xl' 之一。",
        ),
        (["nosuch"], {"STATION_LANG": "zh"}, "错误：没有命令 'nosuch'。"),
        # A name that does not start like a word: click parses the rest again as options.
        (["--lang", "zh", "{0}%s[/]"], {}, "错误：没有命令 '{0}%s[/]'。"),
        (["--lang", "zh", "checkin", "--x"], {}, "错误：没有选项 '--x'。"),
        (
            ["--lang", "zh", "parcels", "--limit", "0"],
            {},
            "错误：'--limit' 的值无效：0 不在范围 1<=x<=100000 内。",
        ),
    ],
)
def test_a_usage_error_in_chinese_exits_2(args: list[str], env: dict[str, str], said: str) -> None:
    result = help_of(*args, env=env)
    assert result.exit_code == 2
    assert said in result.output
    assert "输入 'station" in result.output and "查看帮助。" in result.output
    assert "Usage" not in result.output and "Error" not in result.output


def test_a_chinese_locale_or_station_lang_chooses_chinese_and_lang_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert help_of("-h").output.startswith("用法：")
    assert help_of("--lang", "en", "-h").output.startswith("Usage:")
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert help_of("-h", env={"STATION_LANG": "zh"}).output.startswith("用法：")
    assert help_of("--lang", "en", "checkin", "-h", env={"STATION_LANG": "zh"}).output.startswith("Usage:")
    # `--lang` after `--help` counts too: the language is known before any option is acted on.
    assert help_of("--db", "x", "--help", "--lang", "zh").output.startswith("用法：")


def test_english_help_is_unchanged() -> None:
    out = help_of("checkin", "--help").output
    assert out.startswith(
        "Usage: station checkin [OPTIONS] WAYBILL\n\n  Check in one parcel: shelf location, pickup"
    )
    assert "  --handover ID      The open courier batch it arrives in.\n" in out
    assert "  -h, --help         Show this message and exit.\n" in out
    assert not CJK.search(out)
    root = help_of("--help").output
    assert "Commands:\n  audit         The audit trail: verify its hash chain, a parcel's...\n" in root
    assert (
        "  --limit INTEGER RANGE           How many parcels to show, newest first.\n"
        "                                  [default: 100; 1<=x<=100000]\n"
        in help_of("parcels", "--help").output
    )
    error = help_of("checkin")
    assert error.exit_code == 2 and "Error: Missing argument 'WAYBILL'." in error.output


def test_a_usage_error_changes_nothing(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    before = run("parcels", "--json").output
    bad = run("checkin", "731111111111111", "--size", "Q", lang="zh")
    assert bad.exit_code == 2 and "错误" in bad.output
    assert run("parcels", "--json").output == before


def test_an_options_default_and_range_are_joined_in_chinese() -> None:
    """click joins an option's default and range with "; " itself; in Chinese they take "；"."""
    out = help_of("--lang", "zh", "shelves", "add", "--help").output
    assert "层数。  [默认：5；1<=x<=50]" in out, out
    assert "[default: 5; 1<=x<=50]" in help_of("shelves", "add", "--help").output

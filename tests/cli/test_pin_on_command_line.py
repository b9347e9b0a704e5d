"""`--pin` keeps working (scripts give it), but a command line is no place for a PIN: every user of the
machine reads it in `ps`, and the shell keeps it in its history. So it says so, in one line on stderr in
the clerk's language, naming the safer ways; $STATION_PIN and the prompt say nothing of the kind."""

from __future__ import annotations

import json

import click.testing
import pytest
from click.testing import CliRunner

from cli.conftest import PIN
from station_console.cli import cli

WARNING = {
    "en": "station: warning: a PIN given with --pin can be read by anyone on this machine (ps) and stays in "
    "the shell's history; set STATION_PIN instead, or leave --pin out to be asked for it.\n",
    "zh": "station: 注意：用 --pin 给出的 PIN，本机任何用户都能看到（ps），并会留在 shell 的历史记录里；"
    "请改用 STATION_PIN，或不加 --pin，按提示输入。\n",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_pin_on_the_command_line_works_and_is_warned_about_in_the_clerks_language(
    db_url: str, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STATION_PIN")
    words = ["--db", db_url, "--lang", lang, "--clerk", "Boss", "--pin", PIN, "clerk", "list", "--json"]
    done = CliRunner().invoke(cli, words, catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert {row["name"] for row in json.loads(done.stdout)} == {"Boss", "Tester"}  # stdout: the document
    assert done.stderr == WARNING[lang]


def test_a_wrong_pin_on_the_command_line_is_warned_about_too(db_url: str) -> None:
    refused = CliRunner().invoke(
        cli, ["--db", db_url, "--lang", "en", "--clerk", "Boss", "--pin", "1111", "parcels"]
    )
    assert refused.exit_code == 1
    assert refused.stderr.startswith(WARNING["en"]), refused.stderr


def test_a_help_page_asked_with_a_pin_given_says_no_warning(db_url: str) -> None:
    """Nothing is signed in for a help page: the PIN is not used."""
    shown = CliRunner().invoke(cli, ["--db", db_url, "--clerk", "Boss", "--pin", PIN, "parcels", "--help"])
    assert shown.exit_code == 0 and shown.stderr == "", shown.stderr


def test_the_pin_in_station_pin_says_no_warning(db_url: str) -> None:
    """$STATION_PIN (set for every CLI test) signs the clerk in as --pin does, without the warning."""
    done = CliRunner().invoke(
        cli, ["--db", db_url, "--lang", "en", "--clerk", "Boss", "clerk", "list", "--json"]
    )
    assert done.exit_code == 0, done.output
    assert done.stderr == ""


def test_the_pin_asked_for_says_no_warning(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """No PIN given: on a terminal it is asked for (hidden), and nothing warns of what was never typed
    where others see it."""
    monkeypatch.delenv("STATION_PIN")
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True)  # a terminal
    words = ["--db", db_url, "--lang", "en", "--clerk", "Boss", "clerk", "list", "--json"]
    done = CliRunner().invoke(cli, words, input=f"{PIN}\n", catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert done.stderr == "PIN for Boss: \n"  # the prompt, and nothing more
    assert "warning" not in done.output


NEW_PIN_WARNING = {
    "en": "station: warning: a new PIN given with --pin can be read by anyone on this machine (ps) and stays "
    "in the shell's history; leave --pin out to be asked for it.\n",
    "zh": "station: 注意：用 --pin 给出的新 PIN，本机任何用户都能看到（ps），并会留在 shell 的历史记录里；"
    "请不加 --pin，按提示输入。\n",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "command", [("clerk", "add", "Zhao", "--pin", "5836"), ("clerk", "pin", "Tester", "--pin", "5836")]
)
def test_a_new_pin_on_the_command_line_works_and_is_warned_about_in_the_clerks_language(
    db_url: str, lang: str, command: tuple[str, ...]
) -> None:
    """`clerk add --pin` and `clerk pin --pin` put the new PIN where `ps` shows it, as the signing-in
    --pin does; the warning names the prompt, since $STATION_PIN is the signed-in clerk's PIN."""
    done = CliRunner().invoke(cli, ["--db", db_url, "--lang", lang, "--clerk", "Boss", *command])
    assert done.exit_code == 0, done.output
    assert done.stderr == NEW_PIN_WARNING[lang]
    signed_in = CliRunner().invoke(
        cli, ["--db", db_url, "--clerk", command[2], "clerk", "list"], env={"STATION_PIN": "5836"}
    )
    assert signed_in.exit_code == 0, signed_in.output  # the new PIN taken all the same


def test_a_new_pin_refused_with_the_command_is_warned_about_all_the_same(db_url: str) -> None:
    """A clerk may not add one: the PIN was on the command line before the refusal."""
    refused = CliRunner().invoke(
        cli, ["--db", db_url, "--lang", "en", "clerk", "add", "Zhao", "--pin", "5836"]
    )
    assert refused.exit_code == 1
    assert refused.stderr.startswith(NEW_PIN_WARNING["en"]), refused.stderr

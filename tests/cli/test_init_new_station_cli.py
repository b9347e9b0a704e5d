"""`station init` on a new station, as its owner runs it first: what it made, and what comes next."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner, Result

from station_console.cli import cli
from station_console.errors import StationError

pytestmark = pytest.mark.new_station  # no clerk yet: the first day of a real station


def run(db_url: str, *args: str, lang: str = "en") -> Result:
    return CliRunner().invoke(cli, ["--db", db_url, "--lang", lang, *args])


def test_init_says_what_a_new_database_was_given(db_url: str) -> None:
    """The station's opening seeds a new database before `init` runs its own (idempotent) seeding,
    which then found everything there: `init` said nothing added, and its JSON 0 carriers and shelves."""
    made = run(db_url, "init", "--timezone", "Asia/Shanghai", "--opening-hours", "09:00-21:00", "--json")
    assert made.exit_code == 0, made.output
    added = json.loads(made.stdout)["added"]
    path = db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        carriers, shelves, layers = (
            db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("carrier", "shelf", "layer")
        )
    assert carriers and shelves and layers
    assert added == {"carriers": carriers, "shelves": shelves, "layers": layers}
    again = run(db_url, "init", "--json")  # the same database again: nothing new
    assert json.loads(again.stdout)["added"] == {"carriers": 0, "shelves": 0, "layers": 0}


def test_init_on_a_new_station_says_how_the_first_manager_is_made(db_url: str) -> None:
    made = run(db_url, "init", "--timezone", "Asia/Shanghai", "--opening-hours", "09:00-21:00")
    assert made.exit_code == 0, made.output
    assert "shelves added: 10" in made.output
    assert "No clerk yet" in made.output and "station clerk add NAME --role manager" in made.output
    zh = run(db_url, "init", lang="zh")
    assert "还没有店员" in zh.output and "station clerk add NAME --role manager" in zh.output
    assert run(db_url, "clerk", "add", "Wang", "--pin", "9071").exit_code == 0
    later = run(db_url, "init")  # a manager exists: nothing more to say about one
    assert later.exit_code == 0, later.output
    assert "clerk" not in later.output


def test_a_time_zone_typed_wrong_at_init_is_asked_again(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Asked on a terminal: a zone typed wrong was refused only after the hours were asked too, and the
    whole command with it; now the question is asked again, saying why."""
    monkeypatch.setattr("station_console.commands.setup._on_a_terminal", lambda: True)
    made = CliRunner().invoke(
        cli,
        ["--db", db_url, "--lang", "en", "init"],
        input="Mars/Olympus\nAsia/Shanghai\n25:00-26:00\n08:30-20:00\n",
    )
    assert made.exit_code == 0, made.output
    assert "Unknown time zone Mars/Olympus" in made.output
    assert "Opening hours look like 09:00-21:00" in made.output
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as db:
        (value,) = db.execute("SELECT value FROM setting WHERE key = 'station'").fetchone()
    settings = json.loads(value)
    assert (settings["timezone"], settings["opening_hours"]) == ("Asia/Shanghai", "08:30-20:00")


def refusal(db_url: str, *args: str, lang: str = "en") -> str:
    """Why a command was refused, as `station` prints it (exit 1), in `lang`."""
    refused = run(db_url, *args, lang=lang)
    assert refused.exit_code == 1 and isinstance(refused.exception, StationError), refused.output
    return refused.exception.message()


def test_a_command_on_a_station_with_no_clerk_names_how_the_first_is_made(db_url: str) -> None:
    """`station clerk list` after `init` said only "Nobody is signed in", with nobody to sign in as."""
    assert run(db_url, "init", "--timezone", "Asia/Shanghai", "--opening-hours", "09:00-21:00").exit_code == 0
    for lang, words in (("en", "no clerk yet"), ("zh", "还没有店员")):
        said = refusal(db_url, "clerk", "list", lang=lang)
        assert "station clerk add NAME --role manager" in said and words in said
    assert run(db_url, "clerk", "add", "Wang", "--pin", "9071").exit_code == 0
    said = refusal(db_url, "clerk", "list")  # a clerk exists: signing in is the way
    assert said.startswith("Nobody is signed in: sign in") and "clerk add" not in said

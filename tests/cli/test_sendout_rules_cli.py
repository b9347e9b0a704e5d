"""`station sendout tariff|checklist|stock ...` through click, on a real SQLite file: the send-out rules
a manager sets from files, who may, the files read as the Send-out rules screen reads them, and a version
stored meanwhile by another manager (the other send-out commands: test_sendout_cli.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli import sendout_cli_helpers as shared
from cli.sendout_cli_helpers import PIN
from station_console.services.admin.setup import open_station

pytestmark = pytest.mark.new_station  # its own clerks: Li and Wang, and nobody signed in by default


db_url, run, staff = shared.db_url, shared.run, shared.staff  # the shared fixtures, as the tests name them


def test_stock_and_tariff_are_a_managers(run, staff, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    numbers = tmp_path / "sf.csv"
    numbers.write_text("waybill\nSF0000000000011\nSF0000000000012\n", encoding="utf-8")
    assert run("sendout", "stock", "import", "SF", str(numbers), clerk="Li").exit_code == 1
    imported = run("sendout", "stock", "import", "SF", str(numbers), "--json", clerk="Wang")
    assert json.loads(imported.stdout)["imported"] == 2
    assert json.loads(run("sendout", "stock", "list").stdout) == {"stock": {"SF": 2}}
    rates = tmp_path / "sf.csv"
    rates.write_text(
        "zone,first_g,first_cents,step_g,step_cents\nsame,1000,900,1000,100\nnear,1000,1000,1000,200\n"
        "far,1000,1100,1000,300\nremote,1000,1900,1000,900\n",
        encoding="utf-8",
    )
    stored = run("sendout", "tariff", "set", "SF", str(rates), clerk="Wang")
    assert stored.exit_code == 0 and "version 1" in stored.output
    assert (
        json.loads(
            run("sendout", "quote", "--carrier", "SF", "--to", "新疆", "--weight", "1", "--json").stdout
        )["total"]
        == 1900
    )
    history = json.loads(run("sendout", "tariff", "history", "SF").stdout)["versions"]
    assert [v["version"] for v in history] == [1, 0]  # the built-in table stays listed
    builtin = json.loads(run("sendout", "tariff", "show", "SF", "--version", "0").stdout)
    assert (builtin["version"], builtin["sha256"]) == (0, history[1]["sha256"])


def test_tariff_set_takes_a_toml_or_csv_file_as_the_screen_does(run, staff, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A tariff in a file ending neither .toml nor .csv is refused in the Send-out rules screen's
    words, those of every typed file of another kind, and nothing is stored; the same table as .toml
    is stored."""
    table = 'currency = "CNY"\nzoning = "province"\n' + "".join(
        f"[rates.{zone}]\nfirst_g = 1000\nfirst_cents = {cents}\nstep_g = 1000\nstep_cents = 100\n"
        for zone, cents in (("same", 900), ("near", 1000), ("far", 1100), ("remote", 1900))
    )
    for name in ("sf.txt", "sf"):
        (tmp_path / name).write_text(table, encoding="utf-8")
        refused = run("sendout", "tariff", "set", "SF", str(tmp_path / name), clerk="Wang")
        said = f"{tmp_path / name} was not read: the kinds of file taken here are .toml, .csv."
        assert refused.exit_code == 1 and said in refused.output, refused.output
    assert [
        v["version"] for v in json.loads(run("sendout", "tariff", "history", "SF").stdout)["versions"]
    ] == [0]
    (tmp_path / "sf.toml").write_text(table, encoding="utf-8")
    stored = run("sendout", "tariff", "set", "SF", str(tmp_path / "sf.toml"), clerk="Wang")
    assert stored.exit_code == 0 and "version 1" in stored.output, stored.output


def test_a_tariff_set_over_a_version_stored_meanwhile_is_refused(  # type: ignore[no-untyped-def]
    run, staff, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another manager stores a version between this command's read of the table and its write: the CSV's
    rates would go over the table it read, that version replaced unseen. Refused, theirs kept; again: saved."""
    from station_console.services.sendout import tariff as tariffs

    rates = tmp_path / "sf.csv"
    rates.write_text(
        "zone,first_g,first_cents,step_g,step_cents\nsame,1000,900,1000,100\nnear,1000,1000,1000,200\n"
        "far,1000,1100,1000,300\nremote,1000,1900,1000,900\n",
        encoding="utf-8",
    )
    real = tariffs.body_from_text

    def another_manager_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        other = open_station(db_url, clerk_name="Wang", pin=PIN)
        try:
            with other.read() as session:
                theirs = tariffs.current_version(session, "SF")
            assert theirs is not None  # the built-in table
            tariffs.set_tariff(other, "SF", {**theirs.body, "minimum_cents": 1200})
        finally:
            other.engine.dispose()
        return real(*args, **kwargs)

    monkeypatch.setattr(tariffs, "body_from_text", another_manager_meanwhile)
    late = run("sendout", "tariff", "set", "SF", str(rates), clerk="Wang")
    assert late.exit_code == 1, late.output
    assert (
        "SF tariff: another counter or command saved a change while this one was being made, so nothing "
        "was saved. Make the change again: it starts from what is saved now." in late.output
    ), late.output
    monkeypatch.setattr(tariffs, "body_from_text", real)
    history = json.loads(run("sendout", "tariff", "history", "SF").stdout)["versions"]
    assert [v["version"] for v in history] == [1, 0]  # theirs alone, over the built-in one
    again = run("sendout", "tariff", "set", "SF", str(rates), clerk="Wang")
    assert again.exit_code == 0 and "version 2" in again.output, again.output
    shown = json.loads(run("sendout", "tariff", "show", "SF").stdout)
    assert shown["table"]["minimum_cents"] == 1200  # their change under this one's rates
    assert shown["table"]["rates"]["remote"]["first_cents"] == 1900


def test_a_checklist_set_over_a_version_stored_meanwhile_is_refused(  # type: ignore[no-untyped-def]
    run, staff, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another manager stores a checklist between this command's read of the current one and its
    write: this file would replace theirs unseen. Refused, theirs kept; run again: stored over it."""
    from station_console.services.sendout import inspection

    mine = tmp_path / "checklist.toml"
    mine.write_text('[[items]]\nid = "knives"\nzh = "管制刀具"\nen = "Controlled knives"\n', encoding="utf-8")
    real = inspection.body_from_text

    def another_manager_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        other = open_station(db_url, clerk_name="Wang", pin=PIN)
        try:
            inspection.set_checklist(other, {"items": [{"id": "cash", "zh": "现金", "en": "Cash"}]})
        finally:
            other.engine.dispose()
        return real(*args, **kwargs)

    monkeypatch.setattr(inspection, "body_from_text", another_manager_meanwhile)
    late = run("sendout", "checklist", "set", str(mine), clerk="Wang")
    assert late.exit_code == 1, late.output
    assert "The inspection checklist: another counter or command saved a new version" in late.output, (
        late.output
    )
    monkeypatch.setattr(inspection, "body_from_text", real)
    shown = json.loads(run("sendout", "checklist", "show").stdout)
    assert (shown["version"], [i["id"] for i in shown["items"]]) == (1, ["cash"])  # theirs kept
    again = run("sendout", "checklist", "set", str(mine), clerk="Wang")
    assert again.exit_code == 0 and "Checklist version 2 stored" in again.output, again.output
    history = json.loads(run("sendout", "checklist", "history").stdout)["versions"]
    assert [v["version"] for v in history] == [2, 1, 0]  # the built-in list stays listed under them
    assert history[2]["sha256"] == inspection.builtin_version().sha256


def test_rule_files_are_read_as_the_console_reads_them(  # type: ignore[no-untyped-def]
    run, staff, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tariff set, checklist set and stock import refuse a folder, a missing file, one too large for a
    rule file and one of no text (neither UTF-8 nor GBK) in the words of the Send-out rules screen, and store nothing; a clerk
    is refused stock before the file is looked at."""
    from station_console.services.sendout import rule_files

    monkeypatch.setattr(rule_files, "MAX_BYTES", 100)
    # Each file of a kind its command reads (another kind is refused unread, before its size or text).
    commands = {
        ("tariff", "set", "SF"): ".csv",
        ("checklist", "set"): ".toml",
        ("stock", "import", "SF"): ".txt",
    }
    for kind in set(commands.values()):
        (tmp_path / f"big{kind}").write_text("SF0000000000011\n" * 10, encoding="utf-8")
        (tmp_path / f"bin{kind}").write_bytes(bytes(range(128, 200)))
    for name, said in (
        ("", "is a folder: type the path of a file"),
        ("gone", "No such file:"),
        ("big", "is larger than 0 MB: not a rule or stock file"),
        ("bin", "is neither UTF-8 nor GBK text: save it as UTF-8"),
    ):
        for command, kind in commands.items():
            path = tmp_path / f"{name}{kind}" if name else tmp_path
            done = run("sendout", *command, str(path), clerk="Wang")
            assert done.exit_code == 1 and said in done.output, (command, done.output)
    assert (
        "Only a manager"
        in run("sendout", "stock", "import", "SF", str(tmp_path / "gone.csv"), clerk="Li").output
    )
    assert json.loads(run("sendout", "stock", "list").stdout) == {"stock": {}}
    assert json.loads(run("sendout", "checklist", "show").stdout)["version"] == 0
    assert [
        v["version"] for v in json.loads(run("sendout", "tariff", "history", "SF").stdout)["versions"]
    ] == [0]


@pytest.mark.parametrize("clerk", ["Li", None])
def test_each_rule_file_is_refused_to_a_clerk_or_nobody_before_it_is_read(
    run, staff, tmp_path: Path, clerk
) -> None:  # type: ignore[no-untyped-def]
    """As stock import was, tariff set and checklist set are refused as a manager's before the file is
    looked at (they said "No such file", or what was wrong with its rows, to anyone)."""
    for command, action in (
        (("tariff", "set", "SF"), "edit tariffs"),
        (("checklist", "set"), "edit the inspection checklist"),
        (("stock", "import", "SF"), "import waybill numbers"),
    ):
        done = run("sendout", *command, str(tmp_path / "gone.csv"), clerk=clerk)
        assert (done.exit_code, done.output) == (
            1,
            f"station: Only a manager can {action}. Ask a manager to sign in.\n",
        ), command

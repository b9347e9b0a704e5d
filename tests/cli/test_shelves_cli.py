"""Shelf-work commands through click on a real SQLite file: map, move, stocktake, returns, problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from station_helpers import file_snapshot

from station_console.cli import cli

AS_MANAGER = ("--clerk", "Boss")  # the PIN: $STATION_PIN (cli/conftest.py)
WAYBILLS = ["JT0000000000001", "JT0000000000002", "SF1234567890123"]


@pytest.fixture
def run(db_url: str):  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(
            cli, ["--db", db_url, "--lang", "en", *args], input=input, catch_exceptions=False
        )

    for waybill in WAYBILLS:
        assert invoke("checkin", waybill, "--phone", "13812345678").exit_code == 0
    return invoke


def test_map_move_and_timeline(run) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(run("shelves", "--json").output)
    first = next(c for c in data[0]["layers"] if c["label"] == "1")
    assert (first["parcel_count"], first["used_units"], first["fill_pct"]) == (3, 6, 15)
    moved = json.loads(run("move", WAYBILLS[0], "--to", "6-5", "--json").output)
    assert moved[0]["to_location"] == "6-5" and moved[0]["pickup_code"].startswith("6-5-")
    timeline = json.loads(run("parcel", WAYBILLS[0], "--json").output)
    assert [e["kind"] for e in timeline["events"]] == ["checked_in", "moved"]
    assert "moved" in run("parcel", WAYBILLS[0]).output
    refused = run("move", WAYBILLS[0], "--to", "99-1")
    assert refused.exit_code == 1 and "no shelf or layer 99-1 here" in refused.output


def test_stocktake_reads_scans_from_stdin_and_prints_json(run) -> None:  # type: ignore[no-untyped-def]
    out = run(
        "stocktake", "1", "--close", "--fix", "missing", input=f"@1\n{WAYBILLS[0]}\nJT0000000000077\n\n"
    )
    result = json.loads(out.output)
    assert result["counts"] == {"match": 1, "missing": 2, "wrong_layer": 0, "wrong_shelf": 0, "extra": 1}
    assert result["status"] == "closed"
    assert sorted(result["result"]["fixes"]["marked_missing"]) == sorted(WAYBILLS[1:])
    problems = run("problems").output
    assert WAYBILLS[1] in problems and "missing" in problems


def test_a_clerks_put_back_fix_is_refused_once(run) -> None:  # type: ignore[no-untyped-def]
    """`--fix put-back` is a manager's: a clerk's stocktake is refused before any scan is read, said once
    on stderr as every command says a refusal (it was also printed as JSON), and nothing is begun; with
    --json the refusal is the one JSON document on stdout, as every command's under --json."""
    said = "Only a manager can put back a parcel recorded as having left. Ask a manager to sign in."
    refused = run("stocktake", "1", "--close", "--fix", "put-back", input=f"{WAYBILLS[0]}\n")
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr == f"station: {said}\n"
    asked = run("stocktake", "1", "--close", "--fix", "put-back", "--json", input=f"{WAYBILLS[0]}\n")
    assert (asked.exit_code, asked.stderr) == (1, f"station: {said}\n")
    answer = json.loads(asked.stdout)
    assert set(answer) == {"error", "message"} and answer["message"] == said
    begun = json.loads(run("stocktake", "1", input="").stdout)  # a new one: none was left unfinished
    assert begun["counts"]["match"] == 0


def test_a_repeat_scan_is_counted_in_the_stocktakes_json_not_left_out(run) -> None:  # type: ignore[no-untyped-def]
    """A parcel scanned twice counts once, and the second scan is listed as a repeat: it went nowhere
    in the output before, and a count of lines in and of parcels out did not add up."""
    scans = f"{WAYBILLS[0]}\n{WAYBILLS[1]}\n {WAYBILLS[0]} \n{WAYBILLS[0]}\n"
    result = json.loads(run("stocktake", "1-1", input=scans).stdout)
    assert result["counts"]["match"] == 2 and len(result["match"]) == 2
    assert result["repeats"] == [
        {"scan": WAYBILLS[0], "waybill": WAYBILLS[0]},
        {"scan": WAYBILLS[0], "waybill": WAYBILLS[0]},
    ]
    assert result["errors"] == []


def test_a_paused_stocktake_resumes(run) -> None:  # type: ignore[no-untyped-def]
    first = json.loads(run("stocktake", "1-1", input=f"{WAYBILLS[0]}\n").stdout)
    assert first["status"] == "paused"
    resumed = run("stocktake", "１－１", "--resume", input=f"{WAYBILLS[1]}\n")
    again = json.loads(resumed.stdout)
    assert again["id"] == first["id"] and again["counts"]["match"] == 2
    assert resumed.stderr == f"Resumed stocktake {first['id']} of layer 1-1\n"


def test_resuming_for_another_layer_is_refused_and_counts_nothing(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    """`--resume` for 1-2 resumed 1-1's unfinished stocktake, said so on stderr and went on reading the
    scans: 1-2's parcels were recorded as found on 1-1, and a close's relocation would have moved them
    there. It is refused now, counting nothing and leaving it paused; given as 1-1 it resumes."""
    first = json.loads(run("stocktake", "1-1", input="").stdout)
    refused = run("stocktake", "1-2", "--resume", "--json", input=f"{WAYBILLS[0]}\n")
    assert refused.exit_code == 1 and json.loads(refused.stdout)["error"] == "stocktake_other_scope"
    assert refused.stderr == (
        f"station: Stocktake {first['id']} of layer 1-1 is not finished, so it was not resumed for layer 1-2: "
        "its scans would be recorded as found on 1-1. Resume it as 1-1, or count layer 1-2 once it is closed.\n"
    )
    zh = CliRunner().invoke(cli, ["--db", db_url, "--lang", "zh", "stocktake", "1", "--resume"], input="")
    assert zh.exit_code == 1 and zh.stderr == (
        f"station: 1-1 层的盘库 {first['id']} 尚未结束，因此没有为1号货架继续该盘库：否则扫描会被记为在 1-1 层找到。"
        "请以 1-1 继续该盘库，或在其结束后再盘点1号货架。\n"
    )
    again = json.loads(run("stocktake", "1-1", "--resume", input="").stdout)
    assert (again["id"], again["status"], again["counts"]["match"]) == (first["id"], "paused", 0)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("stocktake", "99"), "There is no shelf or layer 99"),
        (("stocktake", "1-9", "--resume"), "Shelf 1 has no layer 9."),
        (("sendout", "tariff", "show", "XX"), "No tariff for XX"),
        (("sendout", "tariff", "show", "SF", "--version", "99"), "SF has no tariff version 99."),
    ],
    ids=["stocktake", "stocktake --resume", "tariff show", "tariff show --version"],
)
def test_a_refusal_of_a_command_that_prints_json_is_said_once_and_as_json_only_under_json(  # type: ignore[no-untyped-def]
    run, args: tuple[str, ...], said: str
) -> None:
    """`stocktake` and `sendout tariff show` print their result as JSON; a refusal was printed as JSON
    on stdout and on stderr, twice at a terminal, and `--json` (every other JSON command's) was a usage
    error. Now, as every command: the refusal on stderr, exit 1; with --json also as the one JSON
    document on stdout."""
    plain = run(*args, input="")
    assert (plain.exit_code, plain.stdout) == (1, "")
    assert plain.stderr.startswith(f"station: {said}") and plain.stderr.count("\n") == 1
    asked = run(*args, "--json", input="")
    assert (asked.exit_code, asked.stderr) == (1, plain.stderr)
    answer = json.loads(asked.stdout)
    assert set(answer) == {"error", "message"} and answer["message"] == plain.stderr[9:].strip()


def test_resuming_a_shelf_counted_whole_for_one_layer_counts_the_scans_on_that_layer(run) -> None:  # type: ignore[no-untyped-def]
    """As on the console, the layer asked is the layer scanned now: the scan is found on 1-1, not
    somewhere on shelf 1."""
    first = json.loads(run("stocktake", "1", input="").stdout)
    resumed = run("stocktake", "1-1", "--resume", input=f"{WAYBILLS[0]}\n")
    (match,) = json.loads(resumed.stdout)["match"]
    assert (match["waybill"], match["found"]) == (WAYBILLS[0], "1-1")
    assert resumed.stderr.startswith(f"Stocktake {first['id']} of shelf 1 is not finished, so layer 1-1 is")
    assert resumed.stderr.endswith("The layer scanned now is set to 1-1.\n")


def test_resuming_a_layer_that_does_not_exist_or_a_shelf_with_none_unfinished_is_refused(run) -> None:  # type: ignore[no-untyped-def]
    """1-9 (a typing slip on a shelf of five layers) resumed shelf 1's stocktake of 1-1."""
    first = json.loads(run("stocktake", "1-1", input="").stdout)
    slip = run("stocktake", "1-9", "--resume", "--json", input=f"{WAYBILLS[0]}\n")
    assert (slip.exit_code, slip.stderr) == (1, "station: Shelf 1 has no layer 9.\n")
    assert json.loads(slip.stdout)["error"] == "no_layer"
    none = run("stocktake", "2", "--resume", input="")
    assert (none.exit_code, none.stderr) == (1, "station: No unfinished stocktake on shelf 2.\n")
    again = json.loads(run("stocktake", "1-1", "--resume", input="").stdout)
    assert (again["id"], again["counts"]["match"]) == (first["id"], 0)


def test_returns_problem_and_write_off(run) -> None:  # type: ignore[no-untyped-def]
    batch = json.loads(run("returns", "open", "JT", "--json").output)
    added = json.loads(run("returns", "add", str(batch["id"]), *WAYBILLS[:2], "--recalled", "--json").output)
    assert added["count"] == 2
    wrong = run("returns", "add", str(batch["id"]), WAYBILLS[2])
    assert wrong.exit_code == 1 and "SF parcel" in wrong.output
    closed = json.loads(run("returns", "close", str(batch["id"]), "--signed-by", "Wang", "--json").output)
    assert closed["status"] == "closed" and {p["status"] for p in closed["parcels"]} == {"returned"}
    flagged = json.loads(run("problem", WAYBILLS[2], "--kind", "damaged", "--note", "wet", "--json").output)
    assert flagged["problem_kind"] == "damaged"
    assert run("write-off", WAYBILLS[2], "--reason", "lost").exit_code == 1  # a clerk may not
    listed = json.loads(run("search", "--status", "returned", "--json").output)
    assert {r["waybill"] for r in listed["rows"]} == set(WAYBILLS[:2])


def test_returns_close_expecting_the_count_listed_refuses_a_batch_changed_since(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    """`returns show` listed one parcel; another counter's `returns add` put a second in. `close --expect
    1` returns nothing, says how many it holds, and lists the batch as it is now; `--expect 2` closes it;
    without `--expect` it closes what it holds, as before."""
    batch = json.loads(run("returns", "open", "JT", "--json").output)
    run("returns", "add", str(batch["id"]), WAYBILLS[0], "--recalled")
    run("returns", "add", str(batch["id"]), WAYBILLS[1], "--recalled")
    before = file_snapshot(Path(db_url.removeprefix("sqlite:///")))
    refused = run("returns", "close", str(batch["id"]), "--signed-by", "Wang", "--expect", "1")
    number = f"RB{batch['id']:06d}"
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"station: {number} now holds 2 parcels, not the 1 listed: another counter changed it. "
        "Nothing was closed: check the list and close again.\n"
    )
    assert refused.stdout.splitlines()[0] == f"Return batch {number}  JT  open  2 parcels"
    assert WAYBILLS[0] in refused.stdout and WAYBILLS[1] in refused.stdout
    as_json = run("returns", "close", str(batch["id"]), "--signed-by", "Wang", "--expect", "1", "--json")
    answer = json.loads(as_json.stdout)  # the one JSON document, with the batch as it is now
    assert (answer["error"], answer["batch"]["number"], answer["batch"]["count"]) == (
        "batch_changed",
        number,
        2,
    )
    assert [p["waybill"] for p in answer["batch"]["parcels"]] == WAYBILLS[:2]
    assert file_snapshot(Path(db_url.removeprefix("sqlite:///"))) == before
    closed = json.loads(
        run("returns", "close", str(batch["id"]), "--signed-by", "Wang", "--expect", "2", "--json").output
    )
    assert (closed["status"], closed["count"]) == ("closed", 2)


def test_returns_list_names_who_signed_as_show_does(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    """A closed batch's line in `returns list` names the courier who signed (as typed, an escape code
    dropped), as `show` does; an open one names nobody."""
    closed = json.loads(run("returns", "open", "JT", "--json").output)
    run("returns", "add", str(closed["id"]), WAYBILLS[0], "--recalled")
    signer = "Li [/] \x1b[31mWei"
    assert run("returns", "close", str(closed["id"]), "--signed-by", signer).exit_code == 0
    still_open = json.loads(run("returns", "open", "SF", "--json").output)
    number = f"RB{closed['id']:06d}"
    shown = run("returns", "show", str(closed["id"])).output.splitlines()[0]
    assert shown == f"Return batch {number}  JT  closed  1 parcel  signed by Li [/] Wei"
    listed = run("returns", "list").output.splitlines()
    assert listed == [f"Return batch RB{still_open['id']:06d}  SF  open  0 parcels", shown]
    as_json = json.loads(run("returns", "list", "--json").output)
    assert [b["signed_by_name"] for b in as_json] == [None, "Li [/] Wei"]
    zh = CliRunner().invoke(cli, ["--db", db_url, "--lang", "zh", "returns", "list"], catch_exceptions=False)
    assert zh.output.splitlines()[1] == f"退回批次 {number}  JT  已结束  1 件  签收人 Li [/] Wei"


def test_a_clerks_problem_kinds_leave_out_the_stocktakes_put_back(run) -> None:  # type: ignore[no-untyped-def]
    """'Found after it left' is flagged only by a stocktake's put-back; by hand it is not a choice."""
    assert "[damaged|refused|wrong_address|unreadable|missing|recalled]" in run("problem", "--help").output
    refused = run("problem", WAYBILLS[2], "--kind", "put_back", "--note", "on the floor")
    assert refused.exit_code == 2 and "'put_back' is not one of" in refused.output
    assert WAYBILLS[2] not in run("problems").output


def test_shelf_import_needs_a_manager(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    layout = tmp_path / "layout.csv"
    layout.write_text("shelf,zone,layers,capacity_units,accepts_sizes\nA,main,3,30,SML\n", encoding="utf-8")
    result = run("shelves", "import", str(layout))
    assert result.exit_code == 1 and "manager" in result.output
    assert "A" not in [s["label"] for s in json.loads(run("shelves", "--json").output)]
    overdue = json.loads(run("overdue", "--json").output)
    assert overdue["summary"]["ok"] == 3 and overdue["parcels"] == []


def test_a_parcels_timeline_in_chinese_says_its_status_and_a_reprint_in_words(run) -> None:  # type: ignore[no-untyped-def]
    assert run("print", WAYBILLS[0]).exit_code == 0  # a reprint of its pickup label
    shown = run("--lang", "zh", "parcel", WAYBILLS[0])
    assert shown.exit_code == 0, shown.output
    head = shown.output.splitlines()[0]
    assert "在架" in head and "on_shelf" not in head, head
    assert "已补打标签" in shown.output and "面单" not in shown.output, shown.output


def test_a_phone_typed_into_a_problem_note_is_stored_masked(run) -> None:  # type: ignore[no-untyped-def]
    typed = "wet box, customer 139-1111-2222 called, will come Friday"
    flagged = json.loads(run("problem", WAYBILLS[2], "--kind", "damaged", "--note", typed, "--json").output)
    assert flagged["problem_note"] == "wet box, customer 139****2222 called, will come Friday"
    timeline = json.loads(run("parcel", WAYBILLS[2], "--json").output)
    assert "1111" not in json.dumps(timeline)
    assert timeline["events"][-1]["details"]["note"] == flagged["problem_note"]


def test_a_note_too_long_for_its_field_is_refused_and_nothing_is_stored(run, db_url) -> None:  # type: ignore[no-untyped-def]
    before = file_snapshot(Path(db_url.removeprefix("sqlite:///")))
    pasted = run("problem", WAYBILLS[2], "--kind", "damaged", "--note", "wet " + "x" * 5000)
    assert pasted.exit_code == 1 and "Note is longer than 500 characters" in pasted.output
    in_chinese = run("--lang", "zh", "problem", WAYBILLS[2], "--kind", "damaged", "--note", "x" * 501)
    assert in_chinese.exit_code == 1 and "备注超过 500 个字符" in in_chinese.output
    assert file_snapshot(Path(db_url.removeprefix("sqlite:///"))) == before
    typed = "rang 139-1111-2222 " + "y" * 481  # 500 as typed
    kept = json.loads(run("problem", WAYBILLS[2], "--kind", "damaged", "--note", typed, "--json").output)
    assert kept["problem_note"] == "rang 139****2222 " + "y" * 481


@pytest.mark.parametrize(
    ("lang", "band", "age"), [("en", "amber", "2 d 23 h"), ("zh", "黄色预警", "2 天 23 小时")]
)
def test_overdue_says_the_age_in_the_whole_hours_its_band_counts(
    run, db_url, clock, lang: str, band: str, age: str
) -> None:  # type: ignore[no-untyped-def]
    """71.6 h on the shelf is amber under the 72 h red band: it read "72h", the red band's start."""
    from datetime import timedelta

    from sqlmodel import Session, create_engine, select

    from db.models import Parcel

    engine = create_engine(db_url)
    with Session(engine) as session:
        parcel = session.exec(select(Parcel).where(Parcel.waybill == WAYBILLS[0])).one()
        parcel.checked_in_at = clock.now - timedelta(hours=71.6)
        session.add(parcel)
        session.commit()
    engine.dispose()
    (line,) = run("--lang", lang, "overdue").output.splitlines()
    assert line.startswith(f"{band}  {age}  {WAYBILLS[0]}"), line


def test_a_layer_edited_to_what_it_is_says_nothing_changed(run) -> None:  # type: ignore[no-untyped-def]
    layer = next(c for c in json.loads(run("shelves", "--json").output)[0]["layers"] if c["label"] == "1")
    same = run(*AS_MANAGER, "shelves", "edit", "1-1", "--capacity", str(layer["capacity_units"]))
    assert same.exit_code == 0, same.output
    assert same.output.strip() == "Nothing changed: nothing to save."
    changed = run(*AS_MANAGER, "shelves", "edit", "1-1", "--capacity", str(layer["capacity_units"] + 1))
    assert changed.output.strip() == "1-1 updated"


def test_a_layer_added_by_a_location_names_the_shelf_it_went_on(run) -> None:  # type: ignore[no-untyped-def]
    """`ov-1` (a layer of OV, as every location reads) adds a layer to OV: it said "shelf OV-1", a
    shelf no station can have (a shelf label has no dash)."""
    added = run(*AS_MANAGER, "shelves", "add-layer", "ov-1")
    assert (added.exit_code, added.output) == (0, "Layer added to shelf OV\n")
    shelf = next(r for r in json.loads(run("shelves", "--json").output) if r["label"] == "OV")
    assert [c["label"] for c in shelf["layers"]] == ["1", "2", "3"]
    refused = run(*AS_MANAGER, "shelves", "add", "OV-1")
    assert (refused.exit_code, refused.stderr) == (
        1,
        "station: A shelf label is 1 to 16 letters A-Z or digits, without a dash.\n",
    )


def test_a_shelf_edited_to_what_it_is_says_nothing_changed(run) -> None:  # type: ignore[no-untyped-def]
    shelf = json.loads(run("shelves", "--json").output)[0]
    same = run(*AS_MANAGER, "shelves", "edit", shelf["label"], "--zone", shelf["zone"])
    assert same.exit_code == 0, same.output
    assert same.output.strip() == "Nothing changed: nothing to save."
    changed = run(*AS_MANAGER, "shelves", "edit", shelf["label"], "--zone", "overflow")
    assert changed.output.strip() == f"{shelf['label']} updated"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("3-2", "--capacity", "50", "--zone", "bogus"), "Zone must be one of main, floor, overflow"),
        (("3-2", "--capacity", "0", "--zone", "floor"), "Capacity must be at least 1 unit."),
        (
            ("3-2", "--capacity", "3000000000", "--zone", "floor"),
            "Capacity can be at most 9999 units a layer",
        ),
        (("3-2", "--capacity", "50", "--walk-order", str(10**20)), "Walking order must be a whole number"),
        (("3-9", "--zone", "floor"), "Shelf 3 has no layer 9"),
        (("99-1", "--capacity", "50", "--zone", "floor"), "There is no shelf or layer 99-1 here"),
    ],
)
def test_a_refused_shelf_edit_saves_none_of_its_values(run, db_url, args, said) -> None:  # type: ignore[no-untyped-def]
    """A layer's capacity and its shelf's zone or walking order in one command: one refused, none saved."""
    before = file_snapshot(Path(db_url.removeprefix("sqlite:///")))
    refused = run(*AS_MANAGER, "shelves", "edit", *args)
    assert refused.exit_code == 1 and said in refused.output, refused.output
    assert "updated" not in refused.output
    assert file_snapshot(Path(db_url.removeprefix("sqlite:///"))) == before
    saved = run(
        *AS_MANAGER, "shelves", "edit", "3-2", "--capacity", "50", "--zone", "floor", "--walk-order", "7"
    )
    assert saved.exit_code == 0 and saved.output.strip() == "3-2 updated", saved.output
    shelf = next(s for s in json.loads(run("shelves", "--json").output) if s["label"] == "3")
    layer = next(c for c in shelf["layers"] if c["label"] == "2")
    assert (layer["capacity_units"], shelf["zone"], shelf["walk_order"]) == (50, "floor", 7)


def test_a_gbk_layout_is_read_as_the_console_reads_it(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Excel in China saves CSV in GBK: `shelves import` opened the file as UTF-8 and stopped at its
    first Chinese byte, where Edit shelves' import read it. Now both read it the one shared way, and
    refuse a file of no text, or a folder, in the same words."""
    layout = tmp_path / "货架.csv"
    layout.write_bytes(
        "shelf,zone,layers,capacity_units,accepts_sizes,备注\nA,main,3,30,SML,靠窗\n".encode("gbk")
    )
    added = run(*AS_MANAGER, "shelves", "import", str(layout), "--json")
    assert added.exit_code == 0, added.output
    assert json.loads(added.output) == {"shelves": 1, "layers": 3, "skipped": 0}
    shelf = next(s for s in json.loads(run("shelves", "--json").output) if s["label"] == "A")
    assert [c["capacity_units"] for c in shelf["layers"]] == [30, 30, 30]
    (tmp_path / "bin.csv").write_bytes(bytes(range(128, 200)))
    for path, said in (
        (tmp_path / "bin.csv", "is neither UTF-8 nor GBK text: save it as UTF-8"),
        (tmp_path, "is a folder: type the path of a file"),
    ):
        refused = run(*AS_MANAGER, "shelves", "import", str(path))
        assert refused.exit_code == 1 and said in refused.output, refused.output


def test_a_location_typed_with_a_minus_sign_is_refused_not_read_as_another_place(run) -> None:  # type: ignore[no-untyped-def]
    """`station stocktake -- -1` started a stocktake of shelf 1, and a line `@-1` counted the scans after
    it on layer 1: a dash with nothing before it was dropped."""
    minus = run("stocktake", "--json", "--", "-1", input=f"{WAYBILLS[0]}\n")
    assert minus.exit_code == 1
    assert minus.stderr.startswith("station: -1 is not a shelf or layer: ")
    assert json.loads(minus.stdout)["error"] == "bad_location"
    counted = json.loads(run("stocktake", "1", input=f"@-1\n{WAYBILLS[0]}\n").stdout)
    assert counted["counts"]["match"] == 0
    assert [e["error"] for e in counted["errors"]] == ["bad_location"]
    moved = run("move", WAYBILLS[0], "--to", "6--5")
    assert moved.exit_code == 1 and "6--5 is not a shelf or layer" in moved.output


def test_a_location_holding_a_terminal_code_is_refused_saying_so_not_as_a_blank_shelf(run) -> None:  # type: ignore[no-untyped-def]
    """`--to $'\\e[2J'` said "There is no shelf ." (the code stripped whole, nothing left to name): the
    refusal says the location holds control characters, shows them written out, and moves nothing."""
    before = json.loads(run("parcel", WAYBILLS[0], "--json").output)
    moved = run("move", WAYBILLS[0], "--to", "\x1b[2J")
    assert moved.exit_code == 1
    assert "station: \\x1b[2J is not a shelf or layer: it holds control characters" in moved.stderr
    assert "\x1b" not in moved.output and "no shelf" not in moved.output
    as_json = json.loads(run("move", WAYBILLS[0], "--to", "6\x07-5", "--json").stdout)
    assert as_json["error"] == "bad_location" and "6\\x07-5" in as_json["message"]
    assert json.loads(run("parcel", WAYBILLS[0], "--json").output) == before


def test_search_with_none_recent_says_where_the_older_ones_are_once(
    run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A first page that read only the newest parcels and found none says so with the --before to
    type, once: a "More:" line after it repeated the same id."""
    from station_console.services.shelves import text_match

    monkeypatch.setattr(text_match, "RECENT_IDS", 1)
    lines = run("search", "99999").output.splitlines()
    assert lines == ["None on the shelves or among recent parcels. Older ones: --before 3"]
    assert run("search", "99999", "--before", "3").output.splitlines() == ["No parcels."]


def test_search_with_some_recent_says_it_read_only_recent_ones(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A first page that found some parcels but read only the shelves and recent ones says so, as the
    page with none does: "More: --before" read as a full page, older matches unsaid."""
    from station_console.services.shelves import text_match

    monkeypatch.setattr(text_match, "RECENT_IDS", 1)
    lines = run("search", "SF123").output.splitlines()
    assert "SF1234567890123" in lines[-2]
    assert lines[-1] == "Only the shelves and recent parcels were read. Older ones: --before 3"
    assert not [line for line in lines if line.startswith("More:")]
    assert json.loads(run("search", "SF123", "--json").output)["recent_only"] is True


def test_search_with_dates_reads_those_days_whole(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Dates name the days to read: the page is all of their matches, with no "recent only" line."""
    from station_console.services.shelves import text_match

    monkeypatch.setattr(text_match, "RECENT_IDS", 1)
    undated = json.loads(run("search", "SF123", "--json").output)
    assert undated["recent_only"] is True
    day = undated["rows"][0]["business_day"]
    days = ("--since", day, "--until", day)
    lines = run("search", "SF123", *days).output.splitlines()
    assert "SF1234567890123" in lines[-1] and not [line for line in lines if "recent" in line]
    assert json.loads(run("search", "SF123", *days, "--json").output)["recent_only"] is False


def test_returns_open_says_whether_it_found_the_carriers_batch_or_opened_one(run) -> None:  # type: ignore[no-untyped-def]
    new = run("returns", "open", "JT")
    number = new.stdout.splitlines()[1].split()[2]
    carrier = json.loads(run("returns", "show", number, "--json").stdout)["carrier_name"]
    assert new.stdout.splitlines()[:2] == [
        f"Opened a new return batch for {carrier}.",
        f"Return batch {number}  JT  open  0 parcels",
    ]
    found = run("returns", "open", "JT", "--json")
    assert json.loads(found.stdout)["opened"] is False
    again = run("returns", "open", "jt").stdout.splitlines()[0]
    assert again == f"{carrier} had a return batch open already: parcels go into it."
    assert json.loads(run("returns", "open", "SF", "--json").stdout)["opened"] is True

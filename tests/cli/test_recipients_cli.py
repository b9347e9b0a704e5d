"""`station recipients ...` and `station delivery ...` through click, on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from station_helpers import column_starts

from station_console.cli import cli

PEOPLE_CSV = (
    "学号,姓名,手机,楼栋,单元,房间,配送方式\r\n"
    "00123,张三,13812345678,A3,2,502,驿站\r\n"
    "00124,李四,13987654321,A3,1,1203,送货上门\r\n"
    "00124,李四重复,13987654321,A3,1,1204,\r\n"
    "00125,张三,13700001111,B1,,305,\r\n"
)
FULL_NUMBERS = ("13812345678", "13987654321", "13700001111")
pytestmark = pytest.mark.new_station  # its own manager, boss, made as a first run


@pytest.fixture
def run(db_url: str) -> Any:
    runner = CliRunner()

    def invoke(*args: str, clerk: bool = True, input: str | None = None, lang: str = "en") -> Any:
        who = ["--clerk", "boss"] if clerk else []
        return runner.invoke(
            cli,
            ["--db", db_url, "--lang", lang, *who, *args],
            input=input,
            env={"STATION_PIN": "1357"},  # not --pin: its warning would be in every output
            catch_exceptions=False,
        )

    assert invoke("clerk", "add", "boss", "--role", "manager", "--pin", "1357", clerk=False).exit_code == 0
    return invoke


@pytest.fixture
def gbk_file(tmp_path: Path) -> Path:
    path = tmp_path / "名单.csv"
    path.write_bytes(PEOPLE_CSV.encode("gbk"))
    return path


def test_import_previews_asks_and_writes_only_when_told(run: Any, gbk_file: Path) -> None:
    dry = run("recipients", "import", str(gbk_file), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "gb18030" in dry.output and "Would write: 3 new" in dry.output
    assert "Line 4: id 00124 again (first on line 3): skipped" in dry.output
    assert "Same name, different people: 张三 (00123, 00125)" in dry.output
    assert "138****5678" in dry.output and not any(n in dry.output for n in FULL_NUMBERS)
    refused = run("recipients", "import", str(gbk_file), input="")
    assert refused.exit_code == 1 and "--yes" in refused.output
    assert "Nobody in the directory." in run("recipients", "list").output
    done = run("recipients", "import", str(gbk_file), "--yes", "--mapping", "campus", "--json")
    data = json.loads(done.output)
    assert (data["added"], data["source"], data["dry_run"]) == (3, "campus", False)
    assert json.loads(run("recipients", "mappings", "--json").output)["campus"]["name"] == "姓名"


def test_a_file_that_writes_nobody_is_not_asked_about(run: Any, tmp_path: Path) -> None:
    """Every row refused: the import asked "Write these changes?" (or for --yes) about nothing; now it
    says there is nothing to write, and the CLI keeps its own words for the problems past those shown."""
    path = tmp_path / "nameless.csv"
    path.write_text("学号,姓名\r\n" + "".join(f"{n:05},\r\n" for n in range(1, 31)), encoding="utf-8")
    done = run("recipients", "import", str(path), input="")
    assert done.exit_code == 0, done.output
    assert "Nothing to write: nobody in nameless.csv is new, changed or to deactivate." in done.output
    assert "--yes" not in done.output and "Write these changes?" not in done.output
    assert "more problems (--json lists them all)" in done.output
    assert "Nobody in the directory." in run("recipients", "list").output


def test_a_file_without_an_id_column_is_refused_with_the_command_lines_way_out(
    run: Any, tmp_path: Path
) -> None:
    """The command line maps a heading with --column; renaming it in the file is the console's word."""
    path = tmp_path / "no-id.csv"
    path.write_text("姓名,手机\r\n张三,13812345678\r\n", encoding="utf-8")
    refused = run("recipients", "import", str(path), "--dry-run")
    assert refused.exit_code == 1
    assert "The file has no id column" in refused.output and "--column external_id=HEADER" in refused.output
    assert "in the file, then import it again" not in refused.output


def test_list_and_show_mask_phones_and_need_a_clerk(run: Any, gbk_file: Path) -> None:
    run("recipients", "import", str(gbk_file), "--yes")
    listed = run("recipients", "list", "--json")
    rows = json.loads(listed.output)
    assert [r["external_id"] for r in rows] == ["00124", "00123", "00125"]  # by building, unit, room
    assert rows[0]["phones"] == ["139****4321"] and rows[0]["location"] == "A3-1-1203"
    shown = run("recipients", "show", "00123")
    assert "张三" in shown.output and "directory import" in shown.output
    in_chinese = run("recipients", "show", "00123", lang="zh").output
    assert "  来源：" in in_chinese and "  来源:" not in in_chinese  # a Chinese line's own colon
    for output in (listed.output, shown.output):
        assert not any(n in output for n in FULL_NUMBERS)
    anonymous = run("recipients", "list", clerk=False)
    assert anonymous.exit_code == 1 and "Nobody is signed in" in anonymous.output


LONG_NAME = "欧阳" + "娜" * 18  # 20 characters, 40 columns
LONG_PLACE = ("九号楼东单元", "1201室")


def test_a_long_chinese_name_or_room_keeps_the_directory_listings_aligned(run: Any, gbk_file: Path) -> None:
    """Padded to fixed widths, a 20-character name or 九号楼东单元-1201室 pushed the rest of its row right."""
    run("recipients", "import", str(gbk_file), "--yes")
    building, room = LONG_PLACE
    added = run(
        "recipients",
        "add",
        "--set",
        f"name={LONG_NAME}",
        "--set",
        f"building={building}",
        "--set",
        f"room={room}",
        "--set",
        "phones=13600001234",
        lang="zh",
    )
    assert added.exit_code == 0, added.output
    listed = run("recipients", "list", lang="zh").output.splitlines()
    assert len(listed) == 4 and any(LONG_NAME in line and "九号楼东单元-1201室" in line for line in listed)
    assert len(set(column_starts(listed))) == 1, listed
    run("recipients", "edit", "00123", "--set", f"name={LONG_NAME}", lang="zh")
    matched = run("recipients", "match", "欧阳", lang="zh").output.splitlines()
    assert len(matched) == 2 and len(set(column_starts(matched))) == 1, matched


def test_a_long_chinese_name_keeps_a_door_run_aligned(run: Any, gbk_file: Path) -> None:
    run("recipients", "import", str(gbk_file), "--yes")
    run("recipients", "edit", "00124", "--set", f"name={LONG_NAME}")
    run("checkin", "JT0000000000001", "--recipient", "00124")
    run("checkin", "JT0000000000002", "--recipient", "00123")
    for waybill in ("JT0000000000001", "JT0000000000002"):
        run("delivery", "request", waybill)
    waiting = run("--lang", "zh", "delivery", "waiting").output.splitlines()
    assert len(waiting) == 2 and len(set(column_starts(waiting))) == 1, waiting
    run_id = str(json.loads(run("delivery", "plan", "--runner", "小刘", "--json").output)["id"])
    stops = run("--lang", "zh", "delivery", "show", run_id).output.splitlines()[1:]
    assert len(stops) == 2 and len(set(column_starts(stops))) == 1, stops


def test_consent_match_checkin_and_who_is_this(run: Any, gbk_file: Path) -> None:
    run("recipients", "import", str(gbk_file), "--yes")
    recorded = run(
        "recipients", "consent", "00123", "--granted", "--reminders", "off", "--channel", "counter"
    )
    assert recorded.exit_code == 0 and "consented" in recorded.output
    matched = json.loads(run("recipients", "match", "zs", "--json").output)
    assert [(m["external_id"], m["consent_missing"]) for m in matched] == [("00123", False), ("00125", True)]
    warned = run("checkin", "JT0000000000001", "--recipient", "00125")
    assert warned.exit_code == 0 and "No consent on record" in warned.output
    door = run("checkin", "JT0000000000002", "--recipient", "00124")
    assert "door delivery" in door.output
    bad = run("recipients", "consent", "00123", "--channel", "counter")
    assert bad.exit_code == 1 and "Nothing to record" in bad.output


def test_a_refusal_at_check_in_reads_as_a_refusal_not_as_never_asked(run: Any, gbk_file: Path) -> None:
    run("recipients", "import", str(gbk_file), "--yes")
    run("recipients", "consent", "00125", "--refused", "--channel", "phone")
    refused = run("checkin", "JT0000000000001", "--recipient", "00125")
    assert refused.exit_code == 0 and "refused to have parcels held" in refused.output
    assert "No consent on record" not in refused.output
    in_chinese = run("checkin", "JT0000000000002", "--recipient", "00125", lang="zh")
    assert "收件人拒绝驿站代收" in in_chinese.output
    as_json = json.loads(run("checkin", "JT0000000000003", "--recipient", "00125", "--json").output)
    assert (as_json["consent"], as_json["consent_missing"]) == ("refused", True)
    run("recipients", "consent", "00123", "--granted", "--channel", "counter")
    run("recipients", "consent", "00123", "--withdrawn", "--channel", "phone")
    matched = json.loads(run("recipients", "match", "zs", "--json").output)
    assert [(m["external_id"], m["consent_state"]) for m in matched] == [
        ("00123", "withdrawn"),
        ("00125", "refused"),
    ]
    listed = run("recipients", "match", "zs").output
    assert "consent withdrawn" in listed and "refused consent" in listed
    withdrawn = run("checkin", "JT0000000000004", "--recipient", "00123")
    assert "withdrew consent" in withdrawn.output


def test_a_withdrawal_repeated_says_nothing_changed_and_records_nothing(run: Any, gbk_file: Path) -> None:
    """The second `--withdrawn` writes nothing; it printed the person's line as the first did, as if it
    had. An answer that was already the person's says so too, in the clerk's language."""

    def answers() -> int:
        return len(json.loads(run("recipients", "show", "00123", "--json").output)["history"])

    run("recipients", "import", str(gbk_file), "--yes")
    run("recipients", "consent", "00123", "--granted", "--channel", "counter")
    first = run("recipients", "consent", "00123", "--withdrawn", "--channel", "phone")
    assert first.exit_code == 0 and "Nothing changed" not in first.output, first.output
    recorded = answers()
    again = run("recipients", "consent", "00123", "--withdrawn", "--channel", "phone")
    assert again.exit_code == 0 and again.output == "Nothing changed: the consent was already withdrawn.\n"
    zh = run("recipients", "consent", "00123", "--withdrawn", "--channel", "sms", lang="zh")
    assert zh.exit_code == 0 and zh.output == "没有任何更改：同意早已撤回。\n", zh.output
    assert answers() == recorded
    assert run("recipients", "consent", "00123", "--choice", "door", "--channel", "phone").exit_code == 0
    same = run("recipients", "consent", "00123", "--choice", "door", "--channel", "phone")
    assert same.output == "Nothing changed: that answer was recorded already.\n", same.output
    assert answers() == recorded + 1
    # --json says whether it changed anything, as its text does: the person's fields alone could not.
    as_json = ["recipients", "consent", "00123", "--choice", "station", "--channel", "phone", "--json"]
    assert json.loads(run(*as_json).output)["changed"] is True
    repeated = json.loads(run(*as_json).output)
    assert repeated["changed"] is False and repeated["delivery_preference"] == "station"


def test_a_withdrawn_consent_reads_as_withdrawn_not_as_never_asked_in_the_directory(
    run: Any, gbk_file: Path
) -> None:
    run("recipients", "import", str(gbk_file), "--yes")
    run("recipients", "consent", "00123", "--granted", "--channel", "counter")
    recorded = run("recipients", "consent", "00123", "--withdrawn", "--channel", "phone")
    assert "withdrawn" in recorded.output and "not asked" not in recorded.output
    listed = {line.split()[0]: line for line in run("recipients", "list").output.splitlines()}
    assert listed["00123"].endswith("withdrawn") and listed["00125"].endswith("not asked")
    assert run("recipients", "show", "00123", lang="zh").output.splitlines()[0].endswith("已撤回")


def test_the_consent_report_counts_a_withdrawal_apart_from_never_asked(run: Any, gbk_file: Path) -> None:
    """`recipients report` (and the day report's line) counted a person who took a yes back among those
    never asked, though the list, show and check-in say withdrawn."""
    run("recipients", "import", str(gbk_file), "--yes")
    run("recipients", "consent", "00123", "--granted", "--channel", "counter")
    run("recipients", "consent", "00123", "--withdrawn", "--channel", "phone")
    run("recipients", "consent", "00125", "--refused", "--channel", "phone")
    cover = json.loads(run("recipients", "report", "--json").output)
    assert cover["consent"] == {"granted": 0, "refused": 1, "withdrawn": 1, "unknown": cover["active"] - 2}
    said = run("recipients", "report").output.splitlines()[0]
    assert f"withdrawn 1, not asked {cover['active'] - 2} " in said, said
    assert "撤回 1，未征询" in run("recipients", "report", lang="zh").output


def test_two_contradicting_consent_answers_are_refused_and_nothing_is_recorded(
    run: Any, gbk_file: Path
) -> None:
    """`--granted --refused` recorded the last one typed, as if the other had not been: a usage error now."""
    run("recipients", "import", str(gbk_file), "--yes")
    before = run("recipients", "show", "00123", "--json").output
    for answers in (("--granted", "--refused"), ("--withdrawn", "--granted")):
        both = run("recipients", "consent", "00123", *answers, "--channel", "counter")
        assert both.exit_code == 2 and "Give one answer" in both.output, both.output
    assert run("recipients", "show", "00123", "--json").output == before
    assert run("recipients", "consent", "00123", "--withdrawn", "--channel", "counter").exit_code == 0


def test_show_and_list_say_what_a_person_said_in_words_not_codes(run: Any, gbk_file: Path) -> None:
    run("recipients", "import", str(gbk_file), "--yes")
    run(
        "recipients",
        "consent",
        "00123",
        "--granted",
        "--choice",
        "door",
        "--proxy",
        "allow",
        "--channel",
        "phone",
    )
    run("recipients", "consent", "00123", "--withdrawn", "--channel", "sms")
    shown = run("recipients", "show", "00123").output
    assert "by phone boss: Consent=consented, Choice=door delivery, Proxies allowed=yes" in shown
    assert "by text message boss: Consent=answer withdrawn" in shown
    assert not any(code in shown for code in ("granted", "door=", "consent=", "choice=", "proxy="))
    blank = run("recipients", "show", " ")
    assert blank.exit_code == 1 and "Name a recipient: their id (00123) or #number." in blank.output
    listed = run("recipients", "list").output
    assert "door delivery" in listed and " door " not in listed.replace("door delivery", "")


def test_show_in_chinese_says_who_wrote_down_what_with_the_chinese_colon_and_brackets(
    run: Any, gbk_file: Path
) -> None:
    run("recipients", "import", str(gbk_file), "--yes")
    run(
        "recipients",
        "consent",
        "00123",
        "--granted",
        "--choice",
        "door",
        "--channel",
        "phone",
        "--note",
        "周末不在家",
    )
    shown = run("recipients", "show", "00123", lang="zh").output
    said = shown.splitlines()[-1]
    assert said.endswith(" boss：同意代收=已同意、收件方式=送货上门（周末不在家）"), said
    assert not any(ascii in said for ascii in (": ", " (", ", "))


def test_edit_is_a_managers_and_bad_values_change_nothing(run: Any, gbk_file: Path) -> None:
    run("recipients", "import", str(gbk_file), "--yes")
    edited = run("recipients", "edit", "00123", "--set", "room=608", "--set", "phones=13811112222")
    assert edited.exit_code == 0 and "A3-2-608" in edited.output and "138****2222" in edited.output
    bad = run("recipients", "edit", "00123", "--set", "phones=5678")
    assert bad.exit_code == 1 and "full number" in bad.output
    assert "A3-2-608" in run("recipients", "show", "00123").output
    assert run("recipients", "edit", "00123", "--set", "room").exit_code == 2


def test_a_door_run_on_the_command_line(run: Any, gbk_file: Path, tmp_path: Path) -> None:
    run("recipients", "import", str(gbk_file), "--yes")
    run("checkin", "JT0000000000001", "--recipient", "00124")
    run("checkin", "JT0000000000002", "--recipient", "00123")
    assert run("delivery", "request", "JT0000000000002").exit_code == 0
    planned = json.loads(run("delivery", "plan", "--runner", "小刘", "--json").output)
    assert [s["address"] for s in planned["stops"]] == ["A3-2-502", "A3-1-1203"]  # floor 5, then 12
    run_id = str(planned["id"])
    pdf = tmp_path / "sheet.pdf"
    assert run("delivery", "sheet", run_id, "--pdf", str(pdf)).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert run("delivery", "out", run_id, "JT0000000000001", "JT0000000000002").exit_code == 0
    assert "out for delivery" in run("pickup", "1-1-1001").output
    stranger = run("delivery", "delivered", run_id, "JT0000000000009", "--to", "x")
    assert stranger.exit_code == 1
    assert run("delivery", "delivered", run_id, "JT0000000000001", "--to", "本人").exit_code == 0
    assert run("delivery", "failed", run_id, "JT0000000000002", "--reason", "not_home").exit_code == 0
    assert run("delivery", "runs").output.split()[1:3] == ["open", "小刘"]
    assert run("--lang", "zh", "delivery", "runs").output.split()[1:3] == ["进行中", "小刘"]
    closed = json.loads(run("delivery", "close", run_id, "--json").output)
    assert [s["status"] for s in closed["stops"]] == ["failed", "delivered"]  # walking order
    assert run("--lang", "zh", "delivery", "show", run_id).output.split()[2:5] == ["已结束", "派送员", "小刘"]
    report = json.loads(run("report", "--format", "json").output)
    assert report["balanced"] and report["door"]["delivered"] == 1 and report["door"]["failed"] == 1


def test_a_door_runs_close_says_its_parcels_never_taken_out_wait_for_the_next(
    run: Any, gbk_file: Path
) -> None:
    """Listed "cancelled" in the run, they are on their shelves, asked for again: said so, as the
    console says it."""
    run("recipients", "import", str(gbk_file), "--yes")
    run("checkin", "JT0000000000001", "--recipient", "00124")
    run("checkin", "JT0000000000002", "--recipient", "00123")
    assert run("delivery", "request", "JT0000000000002").exit_code == 0
    planned = json.loads(run("delivery", "plan", "--runner", "小刘", "--json").output)
    assert len(planned["stops"]) == 2
    run_id = str(planned["id"])
    assert run("delivery", "out", run_id, "JT0000000000001").exit_code == 0
    assert run("delivery", "delivered", run_id, "JT0000000000001", "--to", "本人").exit_code == 0
    closed = run("delivery", "close", run_id)
    assert closed.exit_code == 0
    assert closed.output.splitlines()[-1] == "1 parcel never taken out stays on its shelf, for the next run."
    as_json = json.loads(run("delivery", "show", run_id, "--json").output)
    assert [s["status"] for s in as_json["stops"]].count("cancelled") == 1


def test_proxy_pickup_on_the_command_line(run: Any) -> None:
    run("checkin", "JT0000000000001", "--phone", "13812345678")
    without_code = run(
        "pickup", "5678", "--confirm", "JT0000000000001", "--proxy-name", "老王", "--proxy-phone", "2222"
    )
    assert without_code.exit_code == 1 and "only with the pickup code" in without_code.output
    with_code = run(
        "pickup", "1-1-1001", "--confirm", "JT0000000000001", "--proxy-name", "老王", "--proxy-phone", "2222"
    )
    assert with_code.exit_code == 0, with_code.output
    timeline = json.loads(run("parcel", "JT0000000000001", "--json").output)
    assert timeline["events"][-1]["details"]["proxy_name"] == "老王"


def test_a_storage_fee_due_is_settled_when_the_runner_takes_the_parcel(run: Any, gbk_file: Path) -> None:
    run("recipients", "import", str(gbk_file), "--yes")
    assert run("fees", "set", "standard", "--free-days", "0", "--per-day", "1.5").exit_code == 0
    run("checkin", "JT0000000000001", "--recipient", "00124")
    run("delivery", "request", "JT0000000000001")
    run_id = str(json.loads(run("delivery", "plan", "--runner", "小刘", "--json").output)["id"])
    refused = run("delivery", "out", run_id, "JT0000000000001")
    assert refused.exit_code == 1 and "1.50 CNY" in refused.output
    paid = run("delivery", "out", run_id, "JT0000000000001", "--pay", "cash", "--json")
    assert paid.exit_code == 0, paid.output
    assert json.loads(paid.output)[0]["status"] == "out"
    assert run("delivery", "delivered", run_id, "JT0000000000001", "--to", "本人").exit_code == 0
    report = json.loads(run("report", "--format", "json").output)
    assert report["storage_fees"]["paid_cents"] == {"cash": 150} and report["storage_fees"]["balanced"]
    assert report["balanced"] and report["door"]["delivered"] == 1


def test_a_withdrawn_consent_in_the_history_is_told_apart_from_an_answer_that_left_consent_alone(
    run: Any, gbk_file: Path
) -> None:
    """A withdrawal said with a proxy change, and a proxy change alone: the record and `show` say the
    consent was taken back in the first, and nothing of consent in the second."""
    run("recipients", "import", str(gbk_file), "--yes")
    run("recipients", "consent", "00123", "--granted", "--channel", "phone")
    run("recipients", "consent", "00123", "--withdrawn", "--proxy", "allow", "--channel", "sms")
    run("recipients", "consent", "00123", "--proxy", "deny", "--channel", "counter")
    history = json.loads(run("recipients", "show", "00123", "--json").output)["history"]
    assert [h["consent"] for h in history[-3:]] == ["granted", "withdrawn", None]
    assert json.loads(run("recipients", "show", "00123", "--json").output)["consent"] is None
    shown = run("recipients", "show", "00123").output
    assert "by text message boss: Consent=answer withdrawn, Proxies allowed=yes" in shown
    assert "at the counter boss: Proxies allowed=no" in shown


def test_a_recall_of_a_parcel_out_for_delivery_says_nothing_was_recorded_and_how_to_flag_it(
    run: Any, gbk_file: Path
) -> None:
    """`returns add --recalled` refuses a parcel the runner has out, as before, but the refusal said
    only that it is out: the clerk could not tell the recall went unrecorded, nor how to record it."""
    waybill = "JT0000000000001"
    run("recipients", "import", str(gbk_file), "--yes")
    run("checkin", waybill, "--recipient", "00123")
    run("delivery", "request", waybill)
    run_id = str(json.loads(run("delivery", "plan", "--runner", "小刘", "--json").output)["id"])
    assert run("delivery", "out", run_id, waybill).exit_code == 0
    batch = str(json.loads(run("returns", "open", "JT", "--json").output)["id"])
    refused = run("returns", "add", batch, waybill, "--recalled", "--note", "sender")
    assert refused.exit_code == 1
    assert f"{waybill} is out for delivery on run DR000001. Nothing was recorded" in refused.stderr
    assert "station problem with --kind recalled and a note" in refused.stderr
    zh = run("returns", "add", batch, waybill, "--recalled", lang="zh")
    assert zh.exit_code == 1 and "未做任何记录" in zh.stderr and "--kind recalled" in zh.stderr
    assert json.loads(run("problems", "--json").output) == []
    assert json.loads(run("returns", "show", batch, "--json").output)["count"] == 0
    flagged = run("problem", waybill, "--kind", "recalled", "--note", "sender")
    assert flagged.exit_code == 0, flagged.output
    again = run("returns", "add", batch, waybill, "--recalled")
    assert again.exit_code == 1 and "It is flagged recalled already" in again.stderr


def test_deactivating_one_of_two_sharing_a_phone_says_its_waiting_parcel_went_to_the_other(
    run: Any, gbk_file: Path
) -> None:
    run("recipients", "import", str(gbk_file), "--yes")
    assert run("recipients", "add", "--set", "name=王五", "--set", "phones=13812345678").exit_code == 0
    run("checkin", "JT0000000000001", "--phone", "13812345678")  # two people's phone: matched to nobody
    said = run("recipients", "deactivate", "00123")
    assert said.exit_code == 0, said.output
    assert "1 parcel on the shelves with a phone they shared is now matched to the one other person" in (
        said.output
    )


def test_link_run_twice_to_the_same_person_says_it_is_theirs_already(run: Any, gbk_file: Path) -> None:
    run("recipients", "import", str(gbk_file), "--yes")
    code = json.loads(run("checkin", "JT0000000000001", "--json").output)["pickup_code"]
    assert "is now matched" in run("recipients", "link", code, "00123").output
    again = run("recipients", "link", code, "00123")
    assert again.exit_code == 0, again.output
    assert again.output == f"{code} is already matched to 张三: nothing changed.\n"
    in_chinese = run("recipients", "link", code, "00123", lang="zh")
    assert in_chinese.output == f"{code} 本来就已匹配给张三：未做更改。\n"
    assert json.loads(run("recipients", "link", code, "00123", "--json").output)["already"] is True

"""`station clerk|audit|privacy ...` and `--clerk` needing the PIN, through the real CLI."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner, Result
from conftest import FakeClock
from station_helpers import column_starts

from station_console.cli import cli
from station_console.errors import NotFound, PermissionDenied, Refused

MANAGER = ["--clerk", "Wang", "--pin", "9071"]
# Where a test reads stderr line by line: the PIN in $STATION_PIN, a --pin would bring its warning.
WANG, LI = {"STATION_PIN": "9071"}, {"STATION_PIN": "1357"}
pytestmark = pytest.mark.new_station  # these tests make their own clerks, from the first run on


def run(db_url: str, *args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", db_url, "--lang", "en", *args], input=input, env=env)


def setup_station(db_url: str) -> None:
    assert run(db_url, "clerk", "add", "Wang", "--role", "manager", "--pin", "9071").exit_code == 0
    assert run(db_url, *MANAGER, "clerk", "add", "Li", "--pin", "1357").exit_code == 0


def test_first_run_manager_then_clerks_added_by_the_manager(db_url: str) -> None:
    first = run(db_url, "clerk", "add", "Wang", "--pin", "9071")  # no role given: the first is the manager
    assert first.exit_code == 0, first.output
    assert "Added Wang (manager)" in first.output
    anonymous = run(db_url, "clerk", "add", "Li", "--pin", "1357")
    assert isinstance(anonymous.exception, PermissionDenied)
    added = run(db_url, *MANAGER, "clerk", "add", "Li", "--pin", "1357", "--json")
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["role"] == "clerk"
    listed = json.loads(run(db_url, *MANAGER, "clerk", "list", "--json").stdout)
    assert [(c["name"], c["role"], c["active"]) for c in listed] == [
        ("Li", "clerk", True),
        ("Wang", "manager", True),
    ]


def test_first_run_pin_can_come_from_the_environment(db_url: str) -> None:
    result = run(db_url, "clerk", "add", "Wang", env={"STATION_PIN": "9071"})
    assert result.exit_code == 0, result.output
    assert run(db_url, "--clerk", "Wang", "clerk", "list", env={"STATION_PIN": "9071"}).exit_code == 0


def test_clerk_option_needs_the_right_pin(db_url: str) -> None:
    setup_station(db_url)
    wrong = run(db_url, "--clerk", "Wang", "--pin", "0000", "clerk", "add", "Zhao", "--pin", "5836")
    assert isinstance(wrong.exception, Refused) and wrong.exception.code == "bad_credentials"
    missing = run(db_url, "--clerk", "Wang", "clerk", "list")  # no terminal to ask on
    assert isinstance(missing.exception, Refused) and missing.exception.code == "pin_required"
    as_clerk = run(db_url, "--clerk", "Li", "--pin", "1357", "clerk", "add", "Zhao", "--pin", "5836")
    assert isinstance(as_clerk.exception, PermissionDenied)
    names = [c["name"] for c in json.loads(run(db_url, *MANAGER, "clerk", "list", "--json").stdout)]
    assert names == ["Li", "Wang"]


def test_pin_change_and_deactivation(db_url: str) -> None:
    setup_station(db_url)
    own = run(db_url, "--clerk", "Li", "--pin", "1357", "clerk", "pin", "Li", "--pin", "4173")
    assert own.exit_code == 0, own.output
    assert run(db_url, "--clerk", "Li", "--pin", "4173", "clerk", "list").exit_code == 0
    assert run(db_url, *MANAGER, "clerk", "deactivate", "Li").exit_code == 0
    blocked = run(db_url, "--clerk", "Li", "--pin", "4173", "clerk", "list")
    assert isinstance(blocked.exception, Refused) and blocked.exception.code == "clerk_inactive"


def test_a_manager_changes_a_role_and_the_services_refusals_change_nothing(db_url: str) -> None:
    """`station clerk role NAME ROLE`, beside `clerk pin`: a clerk refused, the last manager kept, the
    role a clerk has, an unknown clerk; each refusal is the service's, and nothing changes."""
    setup_station(db_url)
    made = run(db_url, *MANAGER, "clerk", "role", "li", "manager")
    assert (made.exit_code, made.stdout) == (0, "Li is now a manager.\n")
    back = run(db_url, *MANAGER, "clerk", "role", "Li", "clerk")
    assert (back.exit_code, back.stdout) == (0, "Li is now a clerk.\n")
    refusals = [
        (["--clerk", "Li", "clerk", "role", "Li", "manager"], PermissionDenied, "manager_only"),
        ([*MANAGER, "clerk", "role", "Wang", "clerk"], Refused, "last_manager"),
        ([*MANAGER, "clerk", "role", "Li", "clerk"], Refused, "same_role"),
        ([*MANAGER, "clerk", "role", "Ghost", "manager"], NotFound, "no_clerk"),
    ]
    for args, kind, code in refusals:
        refused = run(db_url, *args, env=LI)
        assert isinstance(refused.exception, kind) and refused.exception.code == code, args
        assert refused.stdout == ""
    unknown = run(db_url, *MANAGER, "clerk", "role", "Li", "owner")
    assert unknown.exit_code == 2 and "'owner' is not one of 'clerk', 'manager'" in unknown.output
    listed = json.loads(run(db_url, *MANAGER, "clerk", "list", "--json").stdout)
    assert [(c["name"], c["role"]) for c in listed] == [("Li", "clerk"), ("Wang", "manager")]


def test_audit_verify_passes_then_fails_after_a_hand_edit(db_url: str, tmp_path: object) -> None:
    setup_station(db_url)
    for waybill in ("SF1234567890123", "JT1234567890123"):
        assert run(db_url, *MANAGER, "checkin", "--phone", "13812345678", waybill).exit_code == 0
    ok = run(db_url, "audit", "verify")
    assert ok.exit_code == 0 and ok.stdout.strip().startswith("ok ") and "events" in ok.stdout
    count = int(ok.stdout.split()[1])
    assert json.loads(run(db_url, "audit", "verify", "--json").stdout) == {
        "ok": True,
        "checked": count,
        "first_bad_id": None,
        "reason": None,
        "day": None,
        "closes": 0,
        "sealed": 0,
        "anchored": 0,
    }
    path = db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        (target,) = conn.execute(
            "SELECT id FROM parcel_event WHERE kind = 'checked_in' ORDER BY id LIMIT 1"
        ).fetchone()
        conn.execute('UPDATE parcel_event SET details = \'{"waybill": "X"}\' WHERE id = ?', (target,))
    bad = run(db_url, "audit", "verify", "--json")
    assert bad.exit_code == 1
    assert json.loads(bad.stdout) == {
        "ok": False,
        "checked": target - 1,
        "first_bad_id": target,
        "reason": "edited",
        "day": None,
        "closes": 0,
        "sealed": 0,
        "anchored": 0,
    }
    plain = run(db_url, "audit", "verify")
    assert plain.exit_code == 1 and f"event {target} was changed" in plain.stderr


def test_audit_timeline_and_activity(db_url: str) -> None:
    setup_station(db_url)
    assert (
        run(
            db_url, "--clerk", "Li", "--pin", "1357", "checkin", "SF1234567890123", "--phone", "13812345678"
        ).exit_code
        == 0
    )
    timeline = run(db_url, *MANAGER, "audit", "timeline", "SF1234567890123")
    assert timeline.exit_code == 0, timeline.output
    assert "checked in" in timeline.stdout and "Li@" in timeline.stdout
    assert "13812345678" not in timeline.stdout and "138****5678" in timeline.stdout
    activity = json.loads(run(db_url, *MANAGER, "audit", "activity", "Li", "--json").stdout)
    assert activity["counts"] == {"checked_in": 1}


def test_audit_show_prints_one_event_whole_that_the_listings_cut(db_url: str) -> None:
    setup_station(db_url)
    li = ["--clerk", "Li", "--pin", "1357"]
    assert run(db_url, *li, "checkin", "SF1234567890123", "--phone", "13812345678").exit_code == 0
    note = "Box crushed at one corner; " * 10 + "the END"
    marked = run(db_url, *li, "problem", "SF1234567890123", "--kind", "damaged", "--note", note)
    assert marked.exit_code == 0, marked.output
    events = json.loads(run(db_url, *li, "audit", "timeline", "SF1234567890123", "--json").stdout)
    checked_in, problem = events[0]["id"], events[-1]["id"]
    listed = run(db_url, *li, "audit", "timeline", "SF1234567890123").stdout
    assert "the END" not in listed and "…" in listed  # the listing cuts a long change
    shown = run(db_url, *li, "audit", "show", str(problem))
    assert shown.exit_code == 0, shown.output
    head, *lines = shown.stdout.splitlines()
    assert head.startswith(f"{problem}  ") and "problem marked" in head and "Li@" in head
    assert lines == ["  waybill: SF1234567890123", "  problem: damaged", f"  note: {note.strip()}"]
    phone = run(db_url, *li, "audit", "show", str(checked_in)).stdout
    assert "  phone: 138****5678" in phone.splitlines() and "13812345678" not in phone
    as_json = json.loads(run(db_url, *li, "audit", "show", str(problem), "--json").stdout)
    assert as_json["id"] == problem and as_json["details"]["note"] == note.strip()
    missing = run(db_url, *li, "audit", "show", "999999")
    assert isinstance(missing.exception, NotFound) and missing.exception.message() == "No audit event 999999."
    anonymous = run(db_url, "audit", "show", str(problem))
    assert isinstance(anonymous.exception, PermissionDenied) and "138" not in anonymous.stdout


def test_privacy_commands(db_url: str) -> None:
    setup_station(db_url)
    assert run(db_url, *MANAGER, "checkin", "SF1234567890123", "--phone", "13812345678").exit_code == 0
    as_clerk = run(db_url, "--clerk", "Li", "privacy", "export", "13812345678", env=LI)
    assert (as_clerk.exit_code, as_clerk.stdout) == (1, "")  # its refusal on stderr, once
    assert as_clerk.stderr.startswith("station: Only a manager can export full data")
    export = run(db_url, *MANAGER, "privacy", "export", "13812345678")
    assert export.exit_code == 0, export.output
    assert json.loads(export.stdout)["parcels"][0]["waybill"] == "SF1234567890123"
    purge = run(db_url, "privacy", "purge", "--json")
    assert json.loads(purge.stdout)["purged"] == 0  # still on the shelf
    deleted = run(db_url, *MANAGER, "privacy", "delete", "13812345678", "--yes", "--json")
    assert deleted.exit_code == 0, deleted.output
    assert json.loads(deleted.stdout)["parcels"] == 1
    assert run(db_url, "audit", "verify").exit_code == 0


def test_the_clerk_list_keeps_its_columns_in_chinese(db_url: str) -> None:
    """A Chinese name or role takes two columns a character, and a name longer than a fixed column (12
    characters, 24 columns) pushed the columns after it right on its line: the columns are sized from
    the rows."""
    setup_station(db_url)
    long_name = "欧阳" + "娜" * 10
    for name in ("王芳", long_name):
        assert run(db_url, *MANAGER, "clerk", "add", name, "--pin", "2468").exit_code == 0
    listed = CliRunner().invoke(cli, ["--db", db_url, "--lang", "zh", *MANAGER, "clerk", "list"])
    assert listed.exit_code == 0, listed.output
    lines = [line for line in listed.stdout.splitlines() if line.strip()]
    assert {line.split()[0] for line in lines} == {"Li", "Wang", "王芳", long_name}
    assert len(set(column_starts(lines))) == 1, listed.output


def test_a_lock_out_that_ends_after_midnight_is_listed_with_its_day(db_url: str, clock: FakeClock) -> None:
    """Locked out at 23:59:30 for a minute: a bare "00:00" read as a lock already over since midnight."""
    assert run(db_url, "init", "--timezone", "Asia/Shanghai", "--opening-hours", "09:00-21:00").exit_code == 0
    setup_station(db_url)
    clock.now = datetime(2026, 11, 25, 15, 59, 30, tzinfo=UTC)  # 23:59:30 at the station (UTC+8)
    for n in range(5):  # the fifth wrong PIN in a row locks Li out for a minute
        guess = run(db_url, "--clerk", "Li", "--pin", f"90{n}1", "clerk", "list")
        said = "clerk_locked" if n == 4 else "bad_credentials"  # the try that locks says so
        assert isinstance(guess.exception, Refused) and guess.exception.code == said
    for lang, state in (("en", "locked until 11-26 00:00"), ("zh", "锁定至 11-26 00:00")):
        listed = CliRunner().invoke(cli, ["--db", db_url, "--lang", lang, *MANAGER, "clerk", "list"])
        assert listed.exit_code == 0, listed.output
        (li,) = [line for line in listed.output.splitlines() if line.startswith("Li ")]
        assert state in li, listed.output


def test_a_clerk_is_refused_before_being_asked_for_a_new_pin(db_url: str) -> None:
    setup_station(db_url)
    clerk = ["--clerk", "Li", "--pin", "1357"]
    # No --pin: a manager would be asked for it; a clerk hears the refusal first, not "give the PIN".
    for args in (["clerk", "add", "Zhao"], ["clerk", "pin", "Wang"]):
        refused = run(db_url, *clerk, *args)
        assert isinstance(refused.exception, PermissionDenied), (args, refused.output)
    asked = run(db_url, *MANAGER, "clerk", "add", "Zhao")  # no terminal to ask on
    assert isinstance(asked.exception, Refused) and asked.exception.code == "pin_required"
    own = run(db_url, *clerk, "clerk", "pin", "Li")  # their own: allowed, so the PIN is asked for
    assert isinstance(own.exception, Refused) and own.exception.code == "pin_required"


def test_privacy_refusals_under_json_are_json(db_url: str) -> None:
    """`privacy delete --json` of an unknown phone said only a plain 'station: ...' line, where other
    commands under --json give {"error": ...}. `privacy export`, with no --json, says its refusal once
    on stderr as every command does; it printed it twice, as JSON on stdout too."""
    setup_station(db_url)
    assert run(db_url, *MANAGER, "checkin", "SF1234567890123", "--phone", "13812345678").exit_code == 0
    for who, args, code, message in [
        (
            "Wang",
            ["delete", "13900000000", "--yes", "--json"],
            "no_person",
            "No parcel holds that phone number.",
        ),
        ("Wang", ["delete", "5678", "--yes", "--json"], "phone_partial", None),
        ("Li", ["delete", "13812345678", "--yes", "--json"], "manager_only", None),
        ("Wang", ["export", "13900000000"], "no_person", "No parcel holds that phone number."),
        ("Li", ["export", "13812345678"], "manager_only", None),
    ]:
        refused = run(db_url, "--clerk", who, "privacy", *args, env=WANG if who == "Wang" else LI)
        assert refused.exit_code == 1, (args, refused.output)
        if args[0] == "export":  # no --json asked: said once, on stderr, as by every other command
            assert refused.stdout == "", args
            assert isinstance(refused.exception, SystemExit)
            assert refused.stderr.startswith("station: "), refused.stderr
            assert message is None or refused.stderr == f"station: {message}\n"
            continue
        answer = json.loads(refused.stdout)
        assert answer["error"] == code, (args, answer)
        assert refused.stderr == f"station: {answer['message']}\n"
        assert message is None or answer["message"] == message
    kept = json.loads(run(db_url, *MANAGER, "privacy", "export", "13812345678").stdout)
    assert kept["parcels"][0]["waybill"] == "SF1234567890123"  # nothing was deleted


def test_signed_out_pin_change_says_who_signs_in_for_own_and_for_anothers(db_url: str) -> None:
    """Signed out, `clerk pin Wang` said only "sign in to change your own PIN": whoever meant to reset
    another clerk's PIN was sent to sign in as that clerk. Both ways are named, and nothing changes."""
    setup_station(db_url)
    for lang, own, anothers in [
        ("en", "as Wang for their own PIN", "as a manager for another clerk's"),
        ("zh", "请以 Wang 登录", "须由店长登录"),
    ]:
        refused = run(db_url, "--lang", lang, "clerk", "pin", "Wang", "--pin", "2580")
        assert isinstance(refused.exception, PermissionDenied), refused.output
        assert refused.exception.code == "not_signed_in"
        said = refused.exception.message()
        assert own in said and anothers in said, said
    assert run(db_url, *MANAGER, "clerk", "list").exit_code == 0  # the old PIN still signs in

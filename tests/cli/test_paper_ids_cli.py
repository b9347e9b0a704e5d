"""A run or a batch named on the command line by the number its paper shows (RB000003, rb3) or by its
bare id (3); a number of another kind, or no number at all, refused in the clerk's words, exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from station_console.commands._paper_ids import paper_id
from station_console.errors import Refused

WAYBILL = "75123456789012"

# Every command that names a run or a batch: the kind of number it takes, its words ("{id}": the
# number), and whether it answers in JSON.
COMMANDS = [
    ("DR", ("delivery", "show", "{id}"), True),
    ("DR", ("delivery", "sheet", "{id}", "--pdf", "run.pdf"), False),
    ("DR", ("delivery", "sheet", "{id}"), False),
    ("DR", ("delivery", "out", "{id}", WAYBILL), True),
    ("DR", ("delivery", "delivered", "{id}", WAYBILL, "--to", "self"), True),
    ("DR", ("delivery", "failed", "{id}", WAYBILL, "--reason", "other"), True),
    ("DR", ("delivery", "close", "{id}"), True),
    ("HB", ("handover", "show", "{id}"), True),
    ("HB", ("handover", "close", "{id}", "--courier", "Wang"), True),
    ("HB", ("handover", "receipt", "{id}", "--pdf", "receipt.pdf"), False),
    ("HB", ("handover", "receipt", "{id}"), False),
    ("HB", ("checkin", WAYBILL, "--carrier", "ZTO", "--phone", "13812345678", "--handover", "{id}"), True),
    ("SB", ("sendout", "manifest", "{id}"), False),
    ("RB", ("returns", "show", "{id}"), True),
    ("RB", ("returns", "add", "{id}", WAYBILL), True),
    ("RB", ("returns", "remove", "{id}", WAYBILL), False),
    ("RB", ("returns", "manifest", "{id}"), False),
    ("RB", ("returns", "close", "{id}", "--signed-by", "Wang"), True),
]
IDS = [" ".join(words[:2]) + (" --pdf" if "--pdf" in words else "") for _kind, words, _json in COMMANDS]
OTHER = {"DR": "HB", "HB": "RB", "SB": "DR", "RB": "SB"}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PDF named by a relative path (none is written) would land in the test's folder."""
    monkeypatch.chdir(tmp_path)


def _words(words: tuple[str, ...], number: str) -> list[str]:
    return [number if w == "{id}" else w for w in words]


@pytest.mark.parametrize(("kind", "words", "has_json"), COMMANDS, ids=IDS)
def test_a_paper_number_names_what_its_bare_id_names(run, kind: str, words, has_json: bool) -> None:  # type: ignore[no-untyped-def]
    """No such run or batch: the paper's number, in capitals or not, reaches the service as its id
    does, and is refused as that id is (not found), where click refused it as no integer (exit 2)."""
    bare = run(*_words(words, "999"))
    assert bare.exit_code == 1, bare.output
    assert f"{kind}000999" in bare.stderr, bare.stderr  # the number is said before any printer
    for number in (f"{kind}000999", f"{kind.lower()}999"):
        given = run(*_words(words, number))
        assert (given.exit_code, given.stderr) == (1, bare.stderr), given.output


@pytest.mark.parametrize(("kind", "words", "has_json"), COMMANDS, ids=IDS)
def test_a_number_of_another_kind_is_refused_in_the_clerks_words(
    run, kind: str, words, has_json: bool
) -> None:  # type: ignore[no-untyped-def]
    other = f"{OTHER[kind]}000001"
    refused = run(*_words(words, other))
    assert refused.exit_code == 1, refused.output
    assert refused.stderr.startswith(f"station: {other} is a "), refused.stderr
    assert ", not a" in refused.stderr and f"({kind}000003)" in refused.stderr, refused.stderr
    zh = run(*_words(words, other), lang="zh")
    assert zh.exit_code == 1 and zh.stderr.startswith(f"station: {other} 是"), zh.stderr
    assert f"（如 {kind}000003）" in zh.stderr, zh.stderr
    if has_json:  # --json typed after the number: the refusal waits for it
        answered = run(*_words(words, other), "--json")
        assert answered.exit_code == 1
        assert json.loads(answered.stdout) == {"error": "other_kind", "message": refused.stderr[9:].strip()}


def test_a_return_batch_is_shown_and_closed_by_its_number_and_not_by_another_kinds(run) -> None:  # type: ignore[no-untyped-def]
    opened = json.loads(run("returns", "open", "ZTO", "--json").output)
    number = f"RB{opened['id']:06d}"
    shown = json.loads(run("returns", "show", number, "--json").output)
    assert (shown["id"], shown["status"]) == (opened["id"], "open")
    wrong = run("returns", "close", f"HB{opened['id']:06d}", "--signed-by", "Wang")
    assert wrong.exit_code == 1
    assert json.loads(run("returns", "show", str(opened["id"]), "--json").output)["status"] == "open"
    closed = run("returns", "close", f"rb{opened['id']}", "--signed-by", "Wang", "--json")
    assert closed.exit_code == 1 and "empty" in closed.stderr  # the service's own refusal: it got the id


def test_a_parcel_checks_in_to_the_courier_batch_its_receipt_numbers(run) -> None:  # type: ignore[no-untyped-def]
    opened = json.loads(run("handover", "open", "ZTO", "--courier", "Wang", "--json").output)
    label = opened["label"]
    assert label == f"HB{opened['id']:06d}"
    done = run("checkin", WAYBILL, "--carrier", "ZTO", "--phone", "13812345678", "--handover", label.lower())
    assert done.exit_code == 0, done.output
    shown = json.loads(run("handover", "show", label, "--json").output)
    assert WAYBILL in shown["extra"] + shown["received"], shown


@pytest.mark.parametrize(
    ("given", "code"),
    [("", "not_a_number"), ("RB", "not_a_number"), ("3x", "not_a_number"), ("XX3", "not_a_number")],
)
def test_what_is_no_number_is_refused(given: str, code: str) -> None:
    with pytest.raises(Refused) as refused:
        paper_id("RB", given)
    assert refused.value.code == code


def test_the_forms_of_one_number() -> None:
    assert [paper_id("RB", g) for g in ("3", "RB000003", "rb3", " Rb03 ", "000003")] == [3] * 5

"""Key-timing decoder: scanner bursts become scans, a person's typing passes through untouched, and
scanner output that is not a whole code is refused, never typed."""

from __future__ import annotations

import pytest

from hardware.scanners.wedge import Partial, Scan, Typed, WedgeDecoder, WedgeOutput, propose
from station_console.settings import CounterSettings


def burst(text: str, start: float, gap_ms: float = 4, end: str | None = "enter") -> list[tuple[str, float]]:
    keys = list(text) + ([end] if end else [])
    return [(k, start + i * gap_ms / 1000) for i, k in enumerate(keys)]


def run(decoder: WedgeDecoder, keys: list[tuple[str, float]], tail_s: float = 1.0) -> list[WedgeOutput]:
    out: list[WedgeOutput] = []
    for key, t in keys:
        out += decoder.feed(key, t)
    last = keys[-1][1] if keys else 0.0
    out += decoder.flush(last + tail_s)
    return out


def typed_text(outputs: list[WedgeOutput]) -> list[str]:
    return [k for o in outputs if isinstance(o, Typed) for k in o.keys]


def test_a_scanner_burst_ending_with_enter_is_one_scan() -> None:
    out = run(WedgeDecoder(), burst("SF1234567890123", 10.0))
    assert out == [Scan("SF1234567890123")]


def test_a_person_typing_is_never_a_scan_and_every_key_passes_through() -> None:
    dec = WedgeDecoder()
    keys = burst("SF1234567890123", 5.0, gap_ms=85)
    out = run(dec, keys)
    assert not any(isinstance(o, Scan) for o in out)
    assert typed_text(out) == [k for k, _ in keys]


def test_a_fast_typist_with_rollover_is_still_a_person() -> None:
    # pairs of keys 15 ms apart (rollover), 90 ms between pairs
    t, keys = 0.0, []
    for i, ch in enumerate("12345678"):
        keys.append((ch, t))
        t += 0.015 if i % 2 == 0 else 0.090
    keys.append(("enter", t + 0.1))
    out = run(WedgeDecoder(), keys)
    assert not any(isinstance(o, Scan) for o in out)
    assert typed_text(out) == [k for k, _ in keys]


def test_typed_keys_are_held_only_until_the_timing_decides() -> None:
    dec = WedgeDecoder()
    assert dec.feed("a", 1.0) == []
    assert dec.pending
    assert dec.flush(1.01) == []  # still could be a scanner
    assert dec.flush(1.0 + dec.flush_delay_s()) == [Typed(("a",))]
    assert not dec.pending


def test_scans_at_one_per_300_ms_never_split_or_merge() -> None:
    codes = [f"7312345678{i:04d}" for i in range(40)]
    keys: list[tuple[str, float]] = []
    for i, code in enumerate(codes):
        keys += burst(code, 100.0 + i * 0.3, gap_ms=6)
    out = run(WedgeDecoder(), keys)
    assert out == [Scan(c) for c in codes]


def test_a_hiccup_inside_an_established_scan_does_not_split_it() -> None:
    keys = burst("JT1234567890123", 0.0, gap_ms=5)
    keys = keys[:8] + [(k, t + 0.05) for k, t in keys[8:]]  # 55 ms pause mid-code (busy machine)
    assert run(WedgeDecoder(), keys) == [Scan("JT1234567890123")]


def test_an_enter_storm_produces_nothing() -> None:
    storm = [("enter", 3.0 + i * 0.005) for i in range(30)]
    assert run(WedgeDecoder(), storm) == []


def test_an_enter_pressed_once_and_read_twice_at_once_is_one_enter() -> None:
    """A key bounce (or a terminal sending one press twice) puts two Enters a millisecond apart: the
    clerk's Enter, not a storm. Dropped, the clerk's "Enter hands them over" did nothing, unsaid."""
    assert run(WedgeDecoder(), [("enter", 2.0), ("enter", 2.001)]) == [Typed(("enter",))]
    assert run(WedgeDecoder(), [("enter", 2.0), ("enter", 2.001), ("x", 2.5)]) == [
        Typed(("enter",)),
        Typed(("x",)),
    ]
    assert run(WedgeDecoder(), [("enter", 2.0), ("ctrl+j", 2.001)]) == []  # CR and LF: a scanner's, empty


def test_an_enter_storm_right_after_a_scan_adds_nothing() -> None:
    keys = burst("YT1234567890123", 0.0) + [("enter", 0.08 + i * 0.004) for i in range(10)]
    assert run(WedgeDecoder(), keys) == [Scan("YT1234567890123")]


def test_the_scanners_second_terminator_after_a_refused_scan_is_no_persons_enter() -> None:
    """A scanner that ends each code with CR LF (or CR CR) sends its second terminator a few ms after
    the first. After a refused code (too short, no prefix) that one was released as the clerk's Enter:
    at Pickup an Enter nobody pressed hands the scanned parcels over."""
    short = burst("AB1", 0.0) + [("enter", 0.0161)]
    assert run(WedgeDecoder(), short) == [Partial("short", "AB1")]
    crlf = burst("AB1", 0.0) + [("ctrl+j", 0.0161)]
    assert run(WedgeDecoder(), crlf) == [Partial("short", "AB1")]
    unframed = burst("SF1234567890", 0.0) + [("enter", 0.0521)]
    assert run(WedgeDecoder(prefix="]"), unframed) == [Partial("framing", "SF1234567890")]
    # The clerk's own Enter a person's pace later still counts.
    later = burst("AB1", 0.0) + [("enter", 0.3)]
    assert run(WedgeDecoder(), later) == [Partial("short", "AB1"), Typed(("enter",))]


def test_one_enter_pressed_by_a_person_passes_through() -> None:
    assert run(WedgeDecoder(), [("enter", 2.0)]) == [Typed(("enter",))]


def test_a_cr_lf_pair_after_a_scan_is_dropped() -> None:
    keys = burst("DPK123456789012", 0.0, end="\r") + [("\n", 0.0 + 16 * 0.004)]
    assert run(WedgeDecoder(), keys) == [Scan("DPK123456789012")]


def test_an_enter_right_behind_a_paste_after_a_scan_is_the_persons() -> None:
    """A paste came between the scan and this Enter: not the scanner's extra CR/LF, the clerk's Enter
    (it was dropped, and the phone pasted for the parcel just scanned sat unsaved)."""
    dec = WedgeDecoder()
    out = run(dec, burst("SF1234567890123", 0.0), tail_s=0.0)
    assert dec.interrupt() == []
    assert out + run(dec, [("enter", 16 * 0.004 + 0.004)]) == [
        Scan("SF1234567890123"),
        Typed(("enter",)),
    ]


def test_prefix_and_suffix_are_required_and_stripped() -> None:
    dec = WedgeDecoder(prefix="]C1", suffix="#")
    assert run(dec, burst("]C1ABC123456#", 0.0)) == [Scan("ABC123456")]
    assert run(dec, burst("ABC123456#", 5.0)) == [Partial("framing", "ABC123456#")]


def test_a_short_fast_burst_is_refused_not_typed() -> None:
    # "123" scanned off a box: scanner speed, so never a phone number typed into a field
    assert run(WedgeDecoder(min_length=6), burst("12345", 0.0)) == [Partial("short", "12345")]
    assert run(WedgeDecoder(), burst("123", 0.0)) == [Partial("short", "123")]


def test_tab_terminator() -> None:
    dec = WedgeDecoder(terminator="tab")
    assert run(dec, burst("ABCDEF123", 0.0, end="tab")) == [Scan("ABCDEF123")]
    assert not any(isinstance(o, Scan) for o in run(dec, burst("ABCDEF123", 9.0, end="enter")))


def test_no_terminator_ends_the_scan_after_the_idle_timeout() -> None:
    dec = WedgeDecoder(terminator="none", idle_timeout_ms=80)
    keys = burst("ABCDEF123", 0.0, end=None)
    for key, t in keys:
        assert dec.feed(key, t) == []
    last = keys[-1][1]
    assert dec.flush(last + 0.05) == []  # a hiccup, not the end yet
    assert dec.flush(last + 0.09) == [Scan("ABCDEF123")]


def test_no_terminator_scans_300_ms_apart_stay_separate() -> None:
    dec = WedgeDecoder(terminator="none")
    keys = burst("AAAAAA111", 0.0, end=None) + burst("BBBBBB222", 0.3, end=None)
    assert run(dec, keys) == [Scan("AAAAAA111"), Scan("BBBBBB222")]


def test_a_person_key_after_a_scan_is_typed_not_merged() -> None:
    keys = burst("SF1234567890123", 0.0) + [("x", 0.5)]
    assert run(WedgeDecoder(), keys) == [Scan("SF1234567890123"), Typed(("x",))]


def test_built_from_counter_settings() -> None:
    settings = CounterSettings(wedge_prefix="*", wedge_terminator="tab", wedge_max_key_gap_ms=20)
    dec = WedgeDecoder.from_settings(settings)
    assert (dec.prefix, dec.terminator, dec.max_gap) == ("*", "tab", 0.02)
    assert run(dec, burst("*CODE1234", 0.0, gap_ms=10, end="tab")) == [Scan("CODE1234")]


# -- scans that arrive in pieces ------------------------------------------------------------------

WAYBILLS = ["773100000000100", "SF1234567890123", "73123456789012", "JT0000000000001"]
HICCUPS_MS = [10, 25, 40, 80, 150, 220, 300]


def split(
    code: str, at: int, hiccup_ms: float, start: float = 50.0, end: str | None = "enter"
) -> list[tuple[str, float]]:
    keys = burst(code, start, 4, end)
    return keys[:at] + [(k, t + hiccup_ms / 1000) for k, t in keys[at:]]


@pytest.mark.parametrize("code", WAYBILLS)
@pytest.mark.parametrize("hiccup", HICCUPS_MS)
def test_a_scan_split_anywhere_is_whole_or_refused_never_a_fragment(code: str, hiccup: float) -> None:
    for at in range(1, len(code) + 1):  # after the last character too: a late Enter
        out = run(WedgeDecoder(), split(code, at, hiccup))
        scans = [o for o in out if isinstance(o, Scan)]
        typed = typed_text(out)
        if hiccup <= 30 or at >= 3:
            assert out == [Scan(code)], (at, hiccup, out)
        else:
            # One or two keys cannot be told from typing: released at once, then taken back.
            assert scans == [] and typed == list(code[:at]), (at, hiccup, out)
            assert out[-1] == Partial("split", code[at:], retract=at), (at, hiccup, out)


def test_a_split_tail_that_is_a_valid_waybill_of_another_carrier_is_refused() -> None:
    # 773100000000100 (STO) without its first 7 reads as 73100000000100 (a ZTO shape)
    out = run(WedgeDecoder(), split("773100000000100", 1, 120))
    assert Scan("73100000000100") not in out
    assert out == [Typed(("7",)), Partial("split", "73100000000100", retract=1)]


def test_a_split_scan_in_three_pieces_is_joined() -> None:
    keys = burst("SF1234567890123", 0.0)
    keys = keys[:5] + [(k, t + 0.1) for k, t in keys[5:10]] + [(k, t + 0.35) for k, t in keys[10:]]
    assert run(WedgeDecoder(), keys) == [Scan("SF1234567890123")]


def test_a_head_whose_rest_never_comes_is_refused_and_so_is_a_late_tail() -> None:
    dec = WedgeDecoder(rejoin_ms=400)
    head = burst("7739100", 0.0, end=None)
    out = []
    for key, t in head:
        out += dec.feed(key, t)
    assert out == [] and dec.pending
    assert dec.deadline() == pytest.approx(head[-1][1] + 0.03)  # the burst may go on
    assert dec.flush(head[-1][1] + 0.05) == []  # it stalled: held as a head
    assert dec.deadline() == pytest.approx(head[-1][1] + 0.4)
    assert dec.flush(head[-1][1] + 0.3) == []  # still waiting for the rest
    assert dec.flush(head[-1][1] + 0.41) == [Partial("split", "7739100")]
    assert not dec.pending
    # the rest, 0.6 s late: it may be that head's tail, so it is refused too
    assert run(dec, burst("00000100", head[-1][1] + 0.6)) == [Partial("split", "00000100")]
    # a clean scan a moment later goes through
    assert run(dec, burst("SF1234567890123", head[-1][1] + 2.0)) == [Scan("SF1234567890123")]


def test_garbage_typed_before_a_scan_stays_typing_and_the_scan_is_whole() -> None:
    keys = [(k, 1.0 + i * 0.2) for i, k in enumerate("abc")] + burst("JT0000000000001", 3.0)
    out = run(WedgeDecoder(), keys)
    assert typed_text(out) == ["a", "b", "c"] and out[-1] == Scan("JT0000000000001")


def test_a_key_typed_just_before_a_scan_makes_it_doubtful() -> None:
    keys = [("5", 1.0)] + burst("JT0000000000001", 1.2)
    assert run(WedgeDecoder(), keys) == [Typed(("5",)), Partial("split", "JT0000000000001", retract=1)]


def typed_at_a_persons_pace(text: str, start: float, gap_s: float = 0.15) -> list[tuple[str, float]]:
    return [(k, start + i * gap_s) for i, k in enumerate(text)]


def test_a_phone_typed_at_a_persons_pace_right_before_a_scan_loses_at_most_its_last_key() -> None:
    # Keys 150 ms apart, the scan 150 ms after the last: both last keys were taken back as the scan's
    # head (a scanner's two keys are never 150 ms apart), so the clerk retyped both.
    phone = typed_at_a_persons_pace("13800138000", 1.0)
    out = run(WedgeDecoder(), phone + burst("JT0000000000001", phone[-1][1] + 0.15))
    assert typed_text(out) == list("13800138000")
    # The last key may still be a scanner's first (it can stall after one key): refused, that key only.
    assert out[-1] == Partial("split", "JT0000000000001", retract=1)


def test_a_real_two_key_head_split_off_by_a_hiccup_is_refused_and_both_keys_taken_back() -> None:
    # The clerk's phone, then a scan whose first two keys came scanner-fast and then stalled 150 ms.
    phone = typed_at_a_persons_pace("5678", 1.0)
    scan = split("773100000000100", 2, 150, start=phone[-1][1] + 0.15)
    out = run(WedgeDecoder(), phone + scan)
    assert typed_text(out) == list("567877") and not any(isinstance(o, Scan) for o in out)
    assert out[-1] == Partial("split", "3100000000100", retract=2)


def test_a_real_one_key_head_after_a_persons_keys_is_refused_and_only_that_key_taken_back() -> None:
    phone = typed_at_a_persons_pace("5678", 1.0)
    scan = split("773100000000100", 1, 150, start=phone[-1][1] + 0.15)
    out = run(WedgeDecoder(), phone + scan)
    assert typed_text(out) == list("56787") and not any(isinstance(o, Scan) for o in out)
    assert out[-1] == Partial("split", "73100000000100", retract=1)


def test_a_persons_keys_long_before_a_scan_are_not_taken_back() -> None:
    phone = typed_at_a_persons_pace("5678", 1.0)
    out = run(WedgeDecoder(), phone + burst("JT0000000000001", phone[-1][1] + 0.5))
    assert typed_text(out) == list("5678") and out[-1] == Scan("JT0000000000001")


def test_enter_twice_by_a_person_is_two_enters() -> None:
    out = run(WedgeDecoder(), [("enter", 1.0), ("enter", 1.3)])
    assert out == [Typed(("enter",)), Typed(("enter",))]


def test_a_named_key_inside_a_scanner_burst_refuses_it_and_still_works() -> None:
    keys = burst("SF12345", 0.0, end=None) + [("f9", 0.05)]
    assert run(WedgeDecoder(), keys) == [Partial("garbled", "SF12345"), Typed(("f9",))]


def test_an_input_methods_word_is_typing_however_fast_it_comes() -> None:
    # An input method commits a word at once: three keys a millisecond apart were held as a scanner's
    # head and refused as a split scan, so a courier's Chinese name could not be typed.
    assert run(WedgeDecoder(), burst("张师傅", 0.0, gap_ms=1, end=None)) == [
        Typed(("张",)),
        Typed(("师",)),
        Typed(("傅",)),
    ]
    # A person's key held undecided goes first; a scanner's burst that stalled before the word is
    # refused (a word that comes back to back with ASCII keys is one word: the next test).
    assert typed_text(run(WedgeDecoder(), [("a", 0.0), ("王", 0.05)])) == ["a", "王"]
    assert run(WedgeDecoder(), burst("SF12345", 0.0, end=None) + [("张", 0.1)]) == [
        Partial("garbled", "SF12345"),
        Typed(("张",)),
    ]


@pytest.mark.parametrize(
    "text", ["3号楼502室 王小明", "王小明 502", "SOHO现代城A座1001室", "ＳＦ１２３４５６"]
)
def test_ascii_inside_an_input_methods_word_is_typed_with_it(text: str) -> None:
    # A word committed at once with ASCII in it: `502` before `室` was refused as a scan broken into
    # (so the address lost its room number), `502` after `明` held as a scan's head and refused split.
    out = run(WedgeDecoder(), burst(text, 0.0, gap_ms=1, end=None))
    assert typed_text(out) == list(text) and not any(isinstance(o, Partial) for o in out)
    # ...and its Enter, pressed by the person after it, is one Enter.
    out = run(WedgeDecoder(), burst(text, 0.0, gap_ms=1, end=None) + [("enter", 0.5)])
    assert typed_text(out) == [*text, "enter"]


def test_a_scan_after_an_input_methods_word_is_still_a_scan() -> None:
    keys = burst("王小明", 0.0, gap_ms=1, end=None) + burst("SF1234567890123", 0.2)
    assert run(WedgeDecoder(), keys) == [
        Typed(("王",)),
        Typed(("小",)),
        Typed(("明",)),
        Scan("SF1234567890123"),
    ]


def test_a_scanners_own_prefix_outside_ascii_still_frames_a_scan() -> None:
    assert run(WedgeDecoder(prefix="§"), burst("§SF1234567890123", 0.0)) == [Scan("SF1234567890123")]


def test_a_paste_settles_what_is_held_first() -> None:
    dec = WedgeDecoder()
    dec.feed("a", 1.0)
    assert dec.interrupt() == [Typed(("a",))] and not dec.pending
    for key, t in burst("SF12345", 2.0, end=None):
        dec.feed(key, t)
    assert dec.interrupt() == [Partial("garbled", "SF12345")] and not dec.pending
    assert dec.interrupt() == []


def test_with_a_prefix_intake_is_exact_through_hiccups() -> None:
    dec = WedgeDecoder(prefix="~", rejoin_ms=400)
    keys = split("~SF1234567890123", 2, 250)  # a hiccup right after the prefix and first letter
    assert run(dec, keys) == [Scan("SF1234567890123")]
    # a fast burst without the prefix is not a scan and not typing
    assert run(dec, burst("SF1234567890124", 5.0)) == [Partial("framing", "SF1234567890124")]
    # a person typing is still typing
    assert typed_text(run(dec, [(k, 9.0 + i * 0.2) for i, k in enumerate("5678")])) == list("5678")


@pytest.mark.parametrize("typed", ["5", "56"], ids=["one-key", "two-keys-scanner-fast"])
def test_only_a_scan_carrying_its_prefix_has_no_typed_head(typed: str) -> None:
    """A scan that carries its prefix starts there: the keys typed just before are no head of it."""
    dec = WedgeDecoder(prefix="]C1", rejoin_ms=400)
    keys = [(k, 1.0 + i * 0.01) for i, k in enumerate(typed)] + burst("]C1JT0000000000001", 1.2)
    assert run(dec, keys) == [Typed(tuple(typed)), Scan("JT0000000000001")]
    keys = [("5", 3.0)] + split("]C1SF1234567890123", 4, 250, start=3.15)  # a hiccup inside: joined
    assert run(dec, keys) == [Typed(("5",)), Scan("SF1234567890123")]
    # The scanner stalled after the prefix's first key, released as typing: the rest is its tail.
    keys = burst("]", 5.0, end=None) + burst("C1JT0000000000001", 5.15)
    assert run(dec, keys) == [Typed(("]",)), Partial("split", "C1JT0000000000001", retract=1)]
    assert run(dec, burst("JT0000000000001", 7.0)) == [Partial("framing", "JT0000000000001")]
    # A suffix alone says nothing of where a scan began: its first key may still have been typed.
    keys = burst("7", 9.0, end=None) + burst("73100000000100#", 9.15)
    assert run(WedgeDecoder(suffix="#"), keys) == [Typed(("7",)), Partial("split", "73100000000100#", 1)]


def test_a_prefixed_scan_soon_after_a_refused_head_is_a_whole_scan() -> None:
    """A head refused as split makes the next scan within twice the window doubtful (it may be the
    tail), but a scan carrying its prefix starts there: it is whole whatever came before it."""
    dec = WedgeDecoder(prefix="~", rejoin_ms=400)
    head = burst("~JT00000", 0.0, end=None)  # the rest never comes
    out = run(dec, head + burst("~773100000000100", head[-1][1] + 0.6))
    assert out == [Partial("split", "~JT00000"), Scan("773100000000100")]
    # Without its prefix at that moment it is still refused (no prefix: not a scan at all here).
    dec = WedgeDecoder(rejoin_ms=400)
    head = burst("JT00000", 0.0, end=None)
    out = run(dec, head + burst("773100000000100", head[-1][1] + 0.6))
    assert out == [Partial("split", "JT00000"), Partial("split", "773100000000100")]


def test_no_terminator_with_a_suffix_ends_exactly_at_the_suffix() -> None:
    dec = WedgeDecoder(prefix="~", suffix="#", terminator="none")
    out = run(dec, split("~ABC123456#", 6, 200, end=None))
    assert out == [Scan("ABC123456")]


def test_settings_are_proposed_from_the_scanners_own_gaps() -> None:
    bursts = [burst(code, i * 1.0, gap_ms=6) for i, code in enumerate(WAYBILLS)]
    found = propose(bursts)
    assert found is not None
    assert found.terminator == "enter" and found.scans == 4
    assert 15 <= found.max_gap_ms <= 20 and found.largest_gap_ms == pytest.approx(6, abs=0.01)
    assert found.min_length == 8
    decoder = WedgeDecoder(max_gap_ms=found.max_gap_ms, min_length=found.min_length)
    assert run(decoder, burst("SF1234567890123", 0.0, gap_ms=6)) == [Scan("SF1234567890123")]
    assert propose([burst("ab", 0.0)]) is None  # two characters say nothing about a scanner


@pytest.mark.parametrize("tail", ["7", "77", "7\n"], ids=["one", "two", "one-and-enter"])
def test_a_long_pastes_last_keys_behind_its_refused_head_go_with_it(tail: str) -> None:
    """A 5,000-character paste arriving in pieces: the timer decides on what has come (a split head,
    refused) while its last keys are still on their way, stamped right behind it. They were released
    as typing, one stray character (and its Enter) left in the field; they go with the refusal."""
    d = WedgeDecoder()
    keys = burst("7" * 4998, 0.0, gap_ms=1, end=None)
    out: list[WedgeOutput] = []
    for key, t in keys:
        out += d.feed(key, t)
    out += d.flush(keys[-1][1] + 1.0)  # the timer, run late behind the keys queued so far
    rest = [("enter" if k == "\n" else k, keys[-1][1] + (i + 1) / 1000) for i, k in enumerate(tail)]
    out += run(d, rest)
    assert [type(o) for o in out] == [Partial] and typed_text(out) == []
    # A person typing after the refusal (its rejoin time gone) is typing again.
    assert typed_text(run(d, [("5", rest[-1][1] + 1.0)])) == ["5"]


def test_a_person_typing_soon_after_a_refused_head_is_typing() -> None:
    """Only keys within a scanner's gap of the refused head are its tail: a clerk's phone typed a
    quarter of a second after it (a test clock, or a timer that ran early) is typed, not dropped."""
    d = WedgeDecoder()
    keys = burst("JT0000", 0.0, gap_ms=4, end=None)
    out: list[WedgeOutput] = []
    for key, t in keys:
        out += d.feed(key, t)
    out += d.flush(keys[-1][1] + 1.0)
    assert [type(o) for o in out] == [Partial]
    assert typed_text(run(d, [("1", keys[-1][1] + 0.25)])) == ["1"]

"""Key-timing decoder: scanner bursts become scans, a person's typing passes through untouched."""

from __future__ import annotations

from hardware.scanners.wedge import Scan, Typed, WedgeDecoder, WedgeOutput
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


def test_an_enter_storm_right_after_a_scan_adds_nothing() -> None:
    keys = burst("YT1234567890123", 0.0) + [("enter", 0.08 + i * 0.004) for i in range(10)]
    assert run(WedgeDecoder(), keys) == [Scan("YT1234567890123")]


def test_one_enter_pressed_by_a_person_passes_through() -> None:
    assert run(WedgeDecoder(), [("enter", 2.0)]) == [Typed(("enter",))]


def test_a_cr_lf_pair_after_a_scan_is_dropped() -> None:
    keys = burst("DPK123456789012", 0.0, end="\r") + [("\n", 0.0 + 16 * 0.004)]
    assert run(WedgeDecoder(), keys) == [Scan("DPK123456789012")]


def test_prefix_and_suffix_are_required_and_stripped() -> None:
    dec = WedgeDecoder(prefix="]C1", suffix="#")
    assert run(dec, burst("]C1ABC123456#", 0.0)) == [Scan("ABC123456")]
    no_prefix = run(dec, burst("ABC123456#", 5.0))
    assert not any(isinstance(o, Scan) for o in no_prefix)
    assert typed_text(no_prefix)[:3] == ["A", "B", "C"]


def test_a_short_fast_burst_is_not_a_scan_but_is_not_lost() -> None:
    out = run(WedgeDecoder(min_length=6), burst("12345", 0.0))
    assert out == [Typed(("1", "2", "3", "4", "5", "enter"))]


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

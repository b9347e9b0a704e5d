"""The console fuzzer's command line (scripts/fuzz_console.py): its options, their defaults, and the line
that names a run's set-up as its summary prints it."""

from __future__ import annotations

import argparse

from fuzz_focus import FOCUSES
from fuzz_harness import terminal_size

SIZE = (160, 45)
CLERKS = {"manager": "demo-manager", "clerk": "demo-clerk"}


def parse_options(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keys", type=int, default=1000, help="keys per run")
    parser.add_argument("--runs", type=int, default=1, help="runs, seeds --seed, --seed + 1, ...")
    parser.add_argument("--role", choices=sorted(CLERKS), default="manager")
    parser.add_argument("--size", type=terminal_size, default=SIZE, help="the terminal, e.g. 80x24 (160x45)")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="the console's language (en)")
    parser.add_argument("--markup", action="store_true", help="also type Rich markup into the fields")
    parser.add_argument(
        "--rules",
        action="store_true",
        help="also Ctrl+F (Send-out rules) and the paths of rule and pre-alert files typed",
    )
    parser.add_argument(
        "--stop-on", metavar="TEXT", help="a note holding TEXT is a crash too: stops the run and is shrunk"
    )
    parser.add_argument(
        "--empty",
        action="store_true",
        help="a new station instead of the demo: the first manager is made by keys (named for --role)",
    )
    parser.add_argument(
        "--focus",
        choices=sorted(FOCUSES),
        help="weight one screen's own flows (fuzz_focus.py; checkin: scans, phones typed after them, sizes,"
        " F7/F8/F9, Ctrl+N/Z, split and markup scans, fuzz_checkin.py); a replay too",
    )
    parser.add_argument(
        "--double-read",
        action="store_true",
        help="scans read twice: again right behind themselves, or the previous scan a few keys later",
    )
    parser.add_argument(
        "--pastes",
        action="store_true",
        help="also pastes at any screen (a waybill, a code, a phone, markup, lines), right behind an Enter,"
        " a scan, an F key or Esc or not; checked to land in the focused field or the one the key led to",
    )
    parser.add_argument(
        "--old-parcels",
        type=int,
        default=0,
        metavar="N",
        help="with --focus parcels: N parcels picked up long ago added to the run's station (60000 crosses"
        " the search's first-page bound, so F8 reads older ones)",
    )
    parser.add_argument(
        "--printers",
        action="store_true",
        help="the run's counter.toml has printers (folders, a TCP port, some set up wrong) that the fuzzer"
        " takes away and sets up wrong while the console runs (fuzz_printers.py); a replay needs it too",
    )
    parser.add_argument("--replay", help="a printed sequence (tokens separated by spaces) instead")
    parser.add_argument("--no-shrink", action="store_true")
    parser.add_argument("--shrink-budget", type=float, default=600.0, help="seconds")
    args = parser.parse_args()
    if args.old_parcels and args.focus != "parcels":
        parser.error("--old-parcels is for --focus parcels")
    return args


def setup_line(args: argparse.Namespace) -> str:
    """The options a run was started with, as its summary line names them (a replay needs the same)."""
    width, height = args.size
    return (
        f"role {args.role} {width}x{height} {args.lang}"
        + (" empty" if args.empty else "")
        + (f" focus {args.focus}" if args.focus else "")
        + (" double-read" if args.double_read else "")
        + (" pastes" if args.pastes else "")
        + (" markup" if args.markup else "")
        + (" rules" if args.rules else "")
        + (f" old-parcels {args.old_parcels}" if args.old_parcels else "")
        + (" printers" if args.printers else "")
    )

"""What the console fuzzer checks on a quiet console (scripts/fuzz_console.py): notes that look wrong
without stopping it (stacked dialogs, raw markup, widgets past the edge, English on a zh screen, focus
out of sight), and the watches that turn a lost check-in, a failed worker or a toast on a locked
console into what the run reports."""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path
from typing import Any

# The console's own markup, shown raw (a Text given markup, markup given to a Text): its tags on screen.
# The typed text's tags are not among them: shown as data (a refusal quoting it) is right.
RAW_MARKUP = re.compile(
    r"\[/?(?:b|i|u|s|bold|dim|italic|reverse|underline|strike|red|green|yellow|blue|cyan|white|"
    r"\$[\w-]+)(?: [^\]]*)?\]|\[/\]"
)

# Control characters (C0 but tab, DEL, C1) among the cells a quiet console draws.
HIDDEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def quiet_notes(app: Any) -> list[str]:
    """What looks wrong on a quiet console without stopping it."""
    from textual.screen import ModalScreen
    from textual.widgets import Select

    from station_console.tui.screens.keys_list import KeysList
    from station_console.tui.screens.signin import SignInScreen
    from station_console.tui.screens.unsaved import LeaveUnsaved

    notes = []
    for mode, stack in app._screen_stacks.items():
        if not stack:
            notes.append(f"mode {mode} has no screen")
        # The sign-in goes over whatever is open (a lock hides every screen), and so do the question
        # about a form's unsaved changes as the clerk leaves (a carrier's form), the key list (Ins) and
        # the clerk's own PIN change (Ctrl+P), and a form's own question over it (the refund's): not a
        # dialog too many.
        over_any = (SignInScreen, LeaveUnsaved, KeysList)
        dialogs = [
            type(s).__name__
            for below, s in zip([None, *stack], stack, strict=False)
            if isinstance(s, ModalScreen)
            and not isinstance(s, over_any)
            and not own_pin(s)
            and not own_question(below, s)
        ]
        if len(dialogs) > 1:
            notes.append(f"mode {mode}: {len(dialogs)} dialogs stacked: {' > '.join(dialogs)}")
    # Another mode's screens wait as they were left, a Select open too; so do those a lock hides.
    under = [] if isinstance(app.screen, SignInScreen) else app.screen_stack[:-1]
    for screen in under:
        notes += [
            f"a Select open on {type(screen).__name__}, under {type(app.screen).__name__}"
            for select in screen.query(Select)
            if select.expanded
        ]
    # The key list (Ins, a priority key) goes over any dialog, the sign-in too: it lists the sign-in's keys.
    keys_on_sign_in = isinstance(app.screen, KeysList) and isinstance(app.screen_stack[-2], SignInScreen)
    # A sign-in answered under the key list keeps its answer and closes with it as the list closes (a
    # dialog's held answer, `Dialog.dismiss`): the clerk is signed in, the dialog not stuck.
    held = keys_on_sign_in and app.screen_stack[-2].answer_kept()
    if app.signing_in and app.station.clerk_id is not None and not held:
        notes.append("sign-in dialog over a signed-in console")
    if app.signing_in and not isinstance(app.screen, SignInScreen) and not keys_on_sign_in:
        notes.append(f"{type(app.screen).__name__} over the sign-in dialog")
    if app.station_open and app.station.clerk_id is None and not app.signing_in:
        notes.append(f"nobody signed in and no sign-in dialog: {type(app.screen).__name__} shown")
    focused = app.focused
    if focused is not None and focused.screen is not app.screen:
        owner, top = type(focused.screen).__name__, type(app.screen).__name__
        notes.append(f"focus on {type(focused).__name__} of {owner}, under {top}")
    return notes


def own_question(below: Any, screen: Any) -> bool:
    """A form's own yes/no question over it, by design: the refund's form reads the send, then asks
    (naming the send, its customer, the money) over itself (`RefundDialog.done_submit`). Known by the
    question recording the same act as the form beneath."""
    from station_console.tui.screens.question_keys import QuestionDialog

    if not isinstance(screen, QuestionDialog) or isinstance(below, QuestionDialog):
        return False  # two questions stacked are one too many, whatever they record
    what = getattr(below, "what", None)
    return what is not None and screen.what == what


def own_pin(screen: Any) -> bool:
    """The clerk's own PIN form (Ctrl+P, `own_pin_form`): a FormDialog known by what it records."""
    return getattr(screen, "what", None) == "a PIN change"


def screen_lines(app: Any) -> list[str]:
    """What the terminal shows now, line by line, the fields' own text left out (what was typed shows
    there as typed, scrolled or cut at either end)."""
    from textual.widgets import Input, TextArea

    strips = app.screen._compositor.render_strips()
    lines = [strip.text for strip in strips]
    width = app.size.width
    for widget, (region, _clip) in app.screen._compositor.visible_widgets.items():
        if not isinstance(widget, Input | TextArea):
            continue
        left, right = max(region.x, 0), min(region.right, width)
        for y in range(max(region.y, 0), min(region.bottom, len(strips))):
            strip = strips[y]  # cropped by cells (a Chinese character takes two), not characters
            lines[y] = strip.crop(0, left).text + " " * (right - left) + strip.crop(right, width).text
    return lines


def english_msgids(template: Path) -> list[str]:
    """The catalogue's English phrases a zh console must never show as they are: two words at least,
    no placeholder, a Chinese that differs; longest first. Those the demo station holds as data (its
    name 'Parcel Station', a reason typed in English) are its own words, shown as they were stored."""
    from station_console.i18n import catalog

    with sqlite3.connect(template) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        data = "\n".join(
            value
            for table in tables
            for row in db.execute(f'SELECT * FROM "{table}"')  # noqa: S608  names from the schema itself
            for value in row
            if isinstance(value, str)
        )
    phrases = {
        msgid
        for msgid, zh in catalog("zh").items()
        if zh != msgid and "{" not in msgid and msgid.isascii() and len(msgid.split()) >= 2
    }
    return sorted((p for p in phrases if p not in data), key=len, reverse=True)


class PagedAway:
    """The focused field a key of the fuzzer's own scrolled out of sight: a form's PageDown (or an arrow
    the form takes) leaves it where it was scrolled to, by design, until a key goes to the field (the
    console then shows it first) or the focus moves on in its screen. Its "not shown" is no finding.
    One such field per screen: another screen paged on the way (Reports' Home) leaves Send-out's as
    it was, and coming back finds it so."""

    def __init__(self) -> None:
        self.fields: dict[Any, Any] = {}  # a screen: its field paged away
        # For a "not shown" that nothing excused: the last key taken as a page key and the last key
        # handed on, each with the focus it found (told apart: a focus moved by a key or by an answer).
        self.page_key = ""
        self.last_key = ""

    def before(self, app: Any, key: str) -> None:
        """`key` is handed on to the focused widget now (held keys after the key they waited behind): it
        pages a form away from its focused field, or goes to the field."""
        focused = app.focused
        self.last_key = f"{key} to {widget_name(focused)}"
        if focused is None:
            return
        # A dialog closed takes its own with it; one moved on in its form is shown again.
        screen = focused.screen
        self.fields = {
            s: f for s, f in self.fields.items() if f.is_attached and (s is not screen or f is focused)
        }
        binding = screen.active_bindings.get(key)
        # A field that cannot scroll up and down passes its own scroll keys up to its form (SkipAction);
        # a table pages itself.
        its_own = focused.allow_vertical_scroll
        if (
            binding is not None
            and binding.binding.action.startswith(("scroll_", "page_"))
            and (binding.node in focused.ancestors or (binding.node is focused and not its_own))
        ):
            self.fields[screen] = focused
            self.page_key = f"{key} on {widget_name(focused)}"
        elif screen in self.fields and (binding is None or binding.node is focused):
            del self.fields[screen]  # typed into the field: the console brings it into view

    def excuses(self, app: Any) -> bool:
        focused = app.focused
        return focused is not None and self.fields.get(focused.screen) is focused

    def told(self) -> str:
        """What the fuzzer last took as a page key and the last key it handed on, with their focus."""
        return f"last page key {self.page_key or 'none'}; last key {self.last_key or 'none'}"


def widget_name(widget: Any) -> str:
    """`Tick#form-found0 of FormDialog`: the widget's class and id, and its screen's class."""
    if widget is None:
        return "nothing"
    name = type(widget).__name__ + (f"#{widget.id}" if widget.id else "")
    return f"{name} of {type(widget.screen).__name__}" if widget.is_attached else f"{name} (gone)"


def screen_notes(
    app: Any, english: list[str], paged: PagedAway | None = None, typed_tags: frozenset[str] = frozenset()
) -> list[str]:
    """What looks wrong in what the terminal shows: markup shown raw, a hidden character drawn as it
    is, a widget reaching past the
    terminal's edge (with no scroll bar to reach it), the focused field not shown (unless `paged` says
    the fuzzer's own page key scrolled it away), and in a zh console an English phrase of the catalogue
    shown untranslated. `typed_tags`: tags the fuzzer typed itself (`[/]`), shown as data."""
    notes = []
    lines = screen_lines(app)
    screen = type(app.screen).__name__
    text = "\n".join(lines)
    notes += [
        f"raw markup on {screen}: {text[max(0, m.start() - 30) : m.end() + 10].strip()!r}"
        for m in RAW_MARKUP.finditer(text)
        if m.group() not in typed_tags
    ]
    # A hidden character drawn as it is (an ESC from a file or the database) drives the clerk's
    # terminal: the console writes them out (`safe_text.visible`). The fields' own text is left out.
    notes += [
        f"hidden character on {screen}: {line[max(0, m.start() - 30) : m.end() + 10].strip()!r}"
        for line in lines
        for m in HIDDEN.finditer(line)
    ]
    width, height = app.size
    shown = app.screen._compositor.visible_widgets
    for widget, (region, _clip) in shown.items():
        name = type(widget).__name__ + (f"#{widget.id}" if widget.id else "")
        ancestors = widget.ancestors_with_self
        wide = region.x < 0 or region.right > width
        if wide and not any(getattr(a, "show_horizontal_scrollbar", False) for a in ancestors):
            notes.append(f"{name} on {screen} spans columns {region.x}-{region.right} of {width}")
        # Below the last line with no scroll bar to bring it up: a field or a button out of reach.
        if region.bottom > height and not any(
            getattr(a, "show_vertical_scrollbar", False) for a in ancestors
        ):
            notes.append(f"{name} on {screen} spans lines {region.y}-{region.bottom} of {height}")
    focused = app.focused
    paged_away = paged is not None and paged.excuses(app)
    if focused is not None and focused.screen is app.screen and focused not in shown and not paged_away:
        name = type(focused).__name__ + (f"#{focused.id}" if focused.id else "")
        told = f" ({paged.told()})" if paged is not None else ""
        notes.append(f"the focus on {name} of {screen}, not shown{told}")
    flat = " ".join(" ".join(line.split()) for line in lines)
    for msgid in english:
        if msgid in flat:
            notes.append(f"English on the zh {screen}: {msgid[:60]!r}")
            flat = flat.replace(msgid, "")
    return notes


def watch_checkins(acknowledged: dict[int, str]) -> Any:
    """Every check-in the check-in screen showed as done, by parcel id (its waybill); returns the undo."""
    from station_console.tui.screens.checkin import CheckinScreen

    show_big = CheckinScreen._show_big

    # The rest passed on as given: a keyword the screen adds (`earlier`) crashed every run at its first scan.
    def shown(self: Any, result: Any, *args: Any, **kwargs: Any) -> None:
        acknowledged[result.parcel_id] = result.waybill
        show_big(self, result, *args, **kwargs)

    CheckinScreen._show_big = shown  # type: ignore[method-assign]

    def restore() -> None:
        CheckinScreen._show_big = show_big  # type: ignore[method-assign]

    return restore


def watch_failed_workers(app: Any, failed: list[Any]) -> Any:
    """Every worker of `app` that ended with an exception its code let out while the console ran; those
    run with exit_on_error=False, and Textual keeps such an error silent: the screen waits for an answer
    that never comes, and nothing is logged. Returns the undo."""
    from textual.worker import Worker, WorkerState

    run = Worker._run

    async def watched(self: Any, on: Any, *args: Any, **kwargs: Any) -> None:
        await run(self, on, *args, **kwargs)
        if on is app and self.state == WorkerState.ERROR and app.is_running:
            failed.append(self)

    Worker._run = watched  # type: ignore[method-assign,assignment]

    def restore() -> None:
        Worker._run = run  # type: ignore[method-assign]

    return restore


def lost_checkins(path: Path, acknowledged: dict[int, str]) -> list[str]:
    """The check-ins the screen acknowledged whose parcel row is not in the database (an undo keeps
    the row, cancelled)."""
    with sqlite3.connect(path) as db:
        rows = dict(db.execute("SELECT id, waybill FROM parcel").fetchall())
    return [f"{pid} {waybill}" for pid, waybill in acknowledged.items() if rows.get(pid) != waybill]


def watch_locked_toasts(app: Any, notes: dict[str, int]) -> None:
    """A toast shown while nobody is signed in, raised by anything but the sign-in dialog, is noted: a
    lock clears the toasts (they quote names and waybills), one from a screen behind it shows them
    again. One raised then and held for the next clerk (`StationApp.notify`) is not shown: not noted."""
    from textual.widget import Widget

    from station_console.tui.screens.signin import SignInScreen

    toast = app._toast  # what `notify` shows, past its hold while locked

    def noted(message: str, *args: Any, **kwargs: Any) -> None:
        frame = sys._getframe(1)
        while frame is not None and not (isinstance(frame.f_locals.get("self"), Widget)):
            frame = frame.f_back  # type: ignore[assignment]
        raiser = frame.f_locals["self"] if frame is not None else app
        try:
            by = type(raiser.screen).__name__ if raiser is not app else "the app"
        except Exception:  # noqa: BLE001  a widget no longer on a screen
            by = type(raiser).__name__
        if app.station_open and app.station.clerk_id is None and by != SignInScreen.__name__:
            note = f"a toast on the locked console from {by}: {message[:60]!r}"
            notes[note] = notes.get(note, 0) + 1
        toast(message, *args, **kwargs)

    app._toast = noted


class PasteWatch:
    """Every paste a field of the app takes in, as (the field, the pasted text, its screen on top then),
    since the last look; and the pastes whose field an answer took the focus from after they landed,
    by design (`excused`, by the field's id: what took it), which a look reports as notes, not as a
    paste misplaced:
    - keys held behind a call (`holds_keys`) let go by its fail-safe (`HOLD_KEYS_AT_MOST`), the answer
      slower than that (a loaded machine: the sign-in's scrypt), reached the field focused then; the
      answer, coming after them, moved the focus (a refused sign-in back to the name);
    - Check-in's Phone field has the focus as a scan is sent, for the phone typed while the check-in is
      written (not held for; in quick mode the field the scan was read in keeps it); a refusal of the
      scan then gives the focus back to the scan field, and the Phone field's text is cleared, said,
      by the next scan (`_settle_phone_field`)."""

    def __init__(self) -> None:
        self.landed: list[tuple[Any, str, bool]] = []
        self.excused: dict[int, str] = {}
        # The screen on top as the app gave each paste to the focused field (by the event's id): its
        # field takes it from its own queue a moment later, when a key given right behind it may have
        # put another screen on top (Ctrl+L's sign-in over the form the paste was given to, in order).
        self._given_over: dict[int, Any] = {}
        self._let_go_early: str | None = None  # a hold's fail-safe ran out since the last look

    def clear(self) -> None:
        self.landed.clear()
        self.excused.clear()
        self._given_over.clear()
        self._let_go_early = None

    def watch(self, app: Any) -> Any:
        """Into `app`'s fields, its focus and its calls' holds. Returns the undo."""
        from textual import events
        from textual.widget import Widget
        from textual.widgets import Input

        from station_console.tui.screens.calls_held_keys import HeldKeysBehindCalls
        from station_console.tui.screens.checkin_writer import CheckinWriter
        from station_console.tui.widgets.fixed_input import FixedInput

        restore: list[tuple[type, str, Any]] = []

        def wrap(cls: type, name: str, make: Any) -> None:
            own = cls.__dict__[name]
            setattr(cls, name, make(own))
            restore.append((cls, name, own))

        def paste_taken(own: Any) -> Any:
            # A handler: Textual hands it as many arguments as its signature counts, so it keeps its own.
            def taken(field: Any, event: Any) -> None:
                if field.app is app:
                    on_top = field.screen is app.screen or self._given_over.get(id(event)) is field.screen
                    self.landed.append((field, event.text, on_top))
                    if self._let_go_early is not None:
                        self.excused[id(field)] = self._let_go_early
                own(field, event)

            return taken

        def focus_asked(own: Any) -> Any:
            # Asked for in the handler (the focus moves later, in a callback): the answer is seen here.
            def focus(widget: Any, *args: Any, **kwargs: Any) -> Any:
                last = self.landed[-1][0] if self.landed else None
                moved = last is not None and widget is not last and app.focused is last
                if moved and isinstance(handled_message(), CheckinWriter.ScanRefused):
                    self.excused[id(last)] = "Check-in's refusal of the scan it was pasted behind"
                return own(widget, *args, **kwargs)

            return focus

        def keys_go(own: Any) -> Any:
            def let_go(calls: Any, tag: str, hold: int | None = None, *args: Any, **kwargs: Any) -> None:
                holding = calls._holding_keys or {}
                if hold is not None and tag in holding and holding[tag][0] == hold:
                    self._let_go_early = f"keys held behind {tag!r} let go by its fail-safe, the answer later"
                own(calls, tag, hold, *args, **kwargs)

            return let_go

        type_ahead = app.type_ahead  # it holds the app's own hand-on, bound as the app was made
        own_pass_on = type_ahead.pass_on

        async def given(event: Any, *args: Any, **kwargs: Any) -> None:
            if isinstance(event, events.Paste):
                self._given_over[id(event)] = app.screen
            await own_pass_on(event, *args, **kwargs)

        type_ahead.pass_on = given
        for cls in (FixedInput, Input):
            wrap(cls, "_on_paste", paste_taken)
        wrap(Widget, "focus", focus_asked)
        wrap(HeldKeysBehindCalls, "_keys_go", keys_go)

        def undo() -> None:
            for cls, name, own in restore:
                setattr(cls, name, own)
            type_ahead.pass_on = own_pass_on

        return undo

    def misplaced(self, app: Any, last: str | None) -> tuple[list[str], list[str]]:
        """What is wrong with where the pastes went: a field under the top screen took one (under it as
        the app gave the paste on, too: a key right behind may put a screen over it before the field
        takes it from its queue, in order), or the last paste (its text `last`, the console quiet right
        behind it; None: not) went to a field that has not the focus now (pastes held behind a key land
        after pastes sent later: told by their text).
        A paste goes to the field focused as it comes, or to the one the key before it (an Enter, a
        scan, Esc) leads to once answered: either way that field still has the focus when the console
        is quiet, unless a key or an answer came in between (`excused`: returned second, as notes)."""
        wrong, excused = [], []
        for field, text, on_top in self.landed:
            if not on_top:
                wrong.append(f"{text!r} pasted into {widget_name(field)} under {type(app.screen).__name__}")
            elif text == last and field is not app.focused and not followed(app, text):
                where = f"into {widget_name(field)}, the focus now on {widget_name(app.focused)}"
                if id(field) in self.excused:
                    excused.append(f"a paste {where}: {self.excused[id(field)]}")
                else:
                    wrong.append(f"{text!r} pasted {where}")
        return wrong, excused


def handled_message() -> Any:
    """The message whose handler is running now (the nearest `_on_message` up the stack), or None."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "_on_message" and "message" in frame.f_locals:
            return frame.f_locals["message"]
        frame = frame.f_back  # type: ignore[assignment]
    return None


def followed(app: Any, text: str) -> bool:
    """The focused field holds what a paste of `text` put in: taken on to the field its key led to
    (a stocktake begun moves what came in behind the scope's Enter to its scan field)."""
    from station_console.safe_text import pasted_line

    line = pasted_line(text)
    return bool(line) and line in str(getattr(app.focused, "value", ""))

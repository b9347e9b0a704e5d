"""A command's log records go to the station's masked log file, never to the terminal."""

from __future__ import annotations

import logging

import pytest

from station_console.logs import log_path
from station_console.services.shelves import layout


def test_a_warning_logged_during_a_command_goes_to_the_log_masked(
    run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    def shelf_map_that_warns(*args: object, **kwargs: object) -> list[object]:
        try:
            raise RuntimeError("database is locked")
        except RuntimeError:
            logging.getLogger("station_console.somewhere").warning(
                "could not record 13812345678", exc_info=True
            )
        return []

    monkeypatch.setattr(layout, "shelf_map", shelf_map_that_warns)
    result = run("shelves")
    assert result.exit_code == 0
    assert "13812345678" not in result.output and "Traceback" not in result.output
    assert "could not record" not in result.output
    logged = log_path().read_text(encoding="utf-8")
    assert "could not record 138****5678" in logged and "Traceback" in logged
    assert "13812345678" not in logged


def test_setting_up_the_log_again_closes_the_file_it_replaces() -> None:
    """The CLI sets the log up for every command and the console once more: each call replaced the
    file handler and left the old one's file open (closed only if nothing else held the handler)."""
    from pathlib import Path

    from station_console.logs import PrivateRotatingFileHandler, setup_logging

    def open_on_the_log() -> int:
        fds = Path("/proc/self/fd")
        return sum(1 for fd in fds.iterdir() if fd.exists() and fd.resolve() == log_path().resolve())

    root = logging.getLogger()
    kept = root.handlers[:]
    try:
        replaced = []
        for _ in range(3):
            setup_logging()
            replaced += [h for h in root.handlers if isinstance(h, PrivateRotatingFileHandler)]
        ours = [h for h in root.handlers if isinstance(h, PrivateRotatingFileHandler)]
        logging.getLogger("station_console.test").warning("written")
        assert len(ours) == 1 and open_on_the_log() == 1
        assert [h.stream is None for h in replaced] == [True, True, False]
    finally:
        for handler in root.handlers:
            if handler not in kept:
                handler.close()
        root.handlers = kept


def test_a_pdf_written_leaves_no_librarys_info_lines_in_the_log(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """fontTools said a line for each table it pruned, each time a PDF was written (a report, a receipt):
    the log filled with them. A library's warnings stay; the station's own INFO lines too."""
    from cli.conftest import AS_MANAGER

    pdf = tmp_path / "day.pdf"
    result = run(*AS_MANAGER, "report", "--format", "pdf", "--out", str(pdf))
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF")
    logging.getLogger("station_console.test").info("ours, kept")
    logging.getLogger("fontTools.test").warning("theirs, kept")
    logged = log_path().read_text(encoding="utf-8")
    assert "ours, kept" in logged and "theirs, kept" in logged
    assert [line for line in logged.splitlines() if " INFO fontTools" in line] == []

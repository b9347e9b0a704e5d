"""A printout saved as a PDF for the courier to sign where no printer here takes it (a courier batch's
receipt at check-in, the send-out manifest): one place and one way, the console's and the commands'."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir

from hardware.printers.document import Document
from station_console.counter_config import APP_NAME


def save_pdf(document: Document, folder: str, name: str, path: Path | None = None) -> Path:
    """`document` as a PDF at `path`, or as `name`.pdf under `folder` in the user data folder."""
    # On demand: the PDF renderer loads only where a printout is saved, not printed.
    from hardware.printers.pdf import render_document
    from station_console.private_files import write_atomic

    path = pdf_path(folder, name, path)
    write_atomic(path, render_document(document))
    return path


def pdf_path(folder: str, name: str, path: Path | None = None) -> Path:
    """Where `save_pdf` writes: `path`, or `name`.pdf under `folder` in the user data folder."""
    return path or Path(user_data_dir(APP_NAME, appauthor=False)) / folder / f"{name}.pdf"

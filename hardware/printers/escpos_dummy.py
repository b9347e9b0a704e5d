"""python-escpos's `Dummy` printer (it records the bytes it would send), with its printer database read
from one cache per user.

Importing python-escpos's printer loads its capabilities file (YAML, about 0.1 s) and pickles it into
ESCPOS_CAPABILITIES_PICKLE_DIR: by default a new temporary folder per process that nothing removes, so
every console start and printing command loaded the YAML and left 76 KB behind in /tmp. Here the folder
is the user's cache, and the pickle is written whole (a temporary file, then a rename) before
python-escpos looks: its own write is not atomic, and two processes starting together could read half a
file. (python-escpos still makes an empty temporary folder at import: its `mkdtemp()` is the default
argument of an `environ.get`, evaluated whatever the setting.)

python-escpos also calls `logging.basicConfig()` when it loads: on a process whose root logger has no
handler yet (a `station` command before its log is set up) that adds one writing every later record to
the terminal, unmasked and tracebacks included. The handler it adds is taken away again.
"""

from __future__ import annotations

import logging
import os
import pickle
import platform
import tempfile
import threading
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from escpos.printer import Dummy

PICKLE_DIR = "ESCPOS_CAPABILITIES_PICKLE_DIR"
_lock = threading.Lock()
_prepared = False


def new_dummy() -> Dummy:
    global _prepared
    with _lock:
        if not _prepared:
            _share_capabilities()
            _load_without_its_log_handler()
            _prepared = True
    from escpos.printer import Dummy

    return Dummy(profile="default")


def _load_without_its_log_handler() -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    import escpos.printer  # noqa: F401  (its capabilities module calls basicConfig at import)

    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)


def _share_capabilities() -> None:
    if PICKLE_DIR in os.environ or "ESCPOS_CAPABILITIES_FILE" in os.environ:
        return  # set by whoever runs the station: python-escpos's own way
    from platformdirs import user_cache_dir

    folder = Path(user_cache_dir("station-console", appauthor=False)) / "escpos"
    target = folder / f"{platform.python_version()}.capabilities.pickle"
    try:
        with resources.as_file(resources.files("escpos") / "capabilities.json") as source:
            # python-escpos reloads when its file is newer than the pickle (an upgrade): so do we, first
            if not target.exists() or source.stat().st_mtime > target.stat().st_mtime:
                _write_whole(folder, target, source)
    except OSError:
        return  # no cache folder (a read-only home): python-escpos makes its temporary one
    os.environ[PICKLE_DIR] = str(folder)


def _write_whole(folder: Path, target: Path, source: Path) -> None:
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    capabilities = yaml.safe_load(source.read_text(encoding="utf-8"))
    fd, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            pickle.dump(capabilities, out, protocol=2)  # the protocol python-escpos writes
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

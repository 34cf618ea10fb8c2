"""Files the user asked for appear whole or not at all.

:func:`whole_file` hands out a temporary file beside the target and renames it over the
target only when the ``with`` block ends normally: a failure, a refusal found half way or
a user's Cancel leaves no partial file (and an older file of that name untouched).
``os.replace`` is atomic on one volume on Windows and POSIX alike.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tuffops_desktop.errors import KnownError


class FileNotWritable(KnownError):
    """The file the user chose cannot be written (folder missing, read-only, open elsewhere)."""


@contextlib.contextmanager
def whole_file(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it becomes ``target``.

    Raises ``FileNotWritable`` when the folder cannot take the file or the rename fails
    (e.g. the old file is open in a viewer on Windows).
    """
    target = Path(target)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise FileNotWritable(f"Cannot write {target}: {exc.strerror or exc}.") from None
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        try:
            os.replace(temp, target)
        except OSError as exc:
            raise FileNotWritable(f"Cannot write {target}: {exc.strerror or exc}.") from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)

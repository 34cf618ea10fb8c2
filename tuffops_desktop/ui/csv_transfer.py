"""CSV import and export from the desktop, on the runner with progress and Cancel.

A page gives the service function and its wording; this module asks for the file, runs
the work with ``Ops.run_with_progress`` (a progress dialog after a second) and reports the
outcome. Reading, parsing, checking, storing and writing all happen on the pool thread.

* **Export** writes a temporary file beside the chosen one and renames it when complete
  (``files.whole_file``): Cancel or a failure leaves no file (an older one untouched).
* **Import** is all or nothing (``services.csv_io``): Cancel rolls the transaction back,
  so nothing is imported.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from PySide6.QtWidgets import QWidget

from tuffops_desktop.domain.progress import Progress
from tuffops_desktop.errors import KnownError
from tuffops_desktop.files import whole_file
from tuffops_desktop.i18n import _
from tuffops_desktop.ui.formatting import count_text
from tuffops_desktop.ui.ops import Ops, ProgressJob
from tuffops_desktop.ui.prompts import Prompts

CSV_FILTER = "CSV files (*.csv);;All files (*)"

ExportFn = Callable[[TextIO, Progress], int]
ImportFn = Callable[[TextIO, Progress], int]


class FileNotReadable(KnownError):
    """The chosen import file cannot be read, or is not UTF-8 text."""


def _rows_done(done: int, total: int) -> str:
    return _("{done} of {total}").format(done=count_text(done), total=count_text(total))


def export_csv(
    ops: Ops, prompts: Prompts, parent: QWidget, *, title: str, suggested: str, export: ExportFn, finished_text: str
) -> ProgressJob | None:
    """Ask where, then write ``export(out, progress)`` there in the background.

    ``finished_text`` is formatted with ``count`` and ``file``. Returns the running job,
    or ``None`` when the user chose no file.
    """
    path = prompts.save_file(parent, title, suggested, CSV_FILTER)
    if path is None:
        return None

    def work(progress: Progress) -> int:
        with whole_file(path) as temp, temp.open("w", encoding="utf-8-sig", newline="") as out:
            return export(out, progress)

    return ops.run_with_progress(
        title,
        work,
        parent=parent,
        describe=_rows_done,
        on_done=lambda count: prompts.info(
            parent, _("Export finished"), finished_text.format(count=count_text(count), file=str(path))
        ),
        on_cancelled=lambda: prompts.info(parent, _("Export cancelled"), _("No file was written.")),
    )


def import_csv(
    ops: Ops,
    prompts: Prompts,
    parent: QWidget,
    *,
    title: str,
    load: ImportFn,
    finished_text: str,
    on_imported: Callable[[int], None],
) -> ProgressJob | None:
    """Ask which file, then ``load(source, progress)`` it in the background (all or nothing).

    ``finished_text`` is formatted with ``count`` and ``file``; ``on_imported(count)`` runs
    after a successful import (refresh the list). Returns the running job, or ``None``.
    """
    path = prompts.open_file(parent, title, CSV_FILTER)
    if path is None:
        return None

    def work(progress: Progress) -> int:
        return load(io.StringIO(_read_text(path), newline=""), progress)

    def imported(count: int) -> None:
        prompts.info(parent, _("Import finished"), finished_text.format(count=count_text(count), file=path.name))
        on_imported(count)

    return ops.run_with_progress(
        title,
        work,
        parent=parent,
        describe=_rows_done,
        on_done=imported,
        on_cancelled=lambda: prompts.info(parent, _("Import cancelled"), _("Nothing was imported.")),
    )


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise FileNotReadable(
            _("{file} is not UTF-8 text; save it as “CSV UTF-8” and try again.").format(file=path.name)
        ) from None
    except OSError as exc:
        raise FileNotReadable(
            _("Cannot read {file}: {reason}.").format(file=str(path), reason=exc.strerror or exc)
        ) from None

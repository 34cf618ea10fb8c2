"""Progress of long work (a 5,000-sticker PDF, a CSV import or export): how far, and a way to stop.

Long document and service functions take ``progress: Progress | None``, a plain callable
``progress(done, total)`` called as the work goes on (pages, rows). The caller's callable
may raise :class:`~tuffops_desktop.domain.errors.OperationCancelled` to stop the work
cooperatively; the function then undoes what it did (an import rolls back, a PDF leaves no
file). The desktop's callable (``ui/tasks.Progress``) forwards the numbers to the GUI
thread and raises when the user pressed Cancel.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]
"""``progress(done, total)``; may raise ``OperationCancelled``."""


class Steps:
    """Counts steps of known ``total`` and reports them at most every ``every`` steps
    (and always the last), so a loop over 100,000 rows makes a few hundred calls."""

    def __init__(self, progress: Progress | None, total: int, *, every: int = 1) -> None:
        self._progress = progress
        self.total = max(int(total), 0)
        self.done = 0
        self._every = max(int(every), 1)
        self._reported = -1

    def start(self) -> None:
        """Report 0 of ``total`` (a cancel pressed before the work began stops it here)."""
        self._report()

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.done - self._reported >= self._every or self.done >= self.total:
            self._report()

    def _report(self) -> None:
        self._reported = self.done
        if self._progress is not None:
            self._progress(min(self.done, self.total) if self.total else self.done, max(self.total, self.done))

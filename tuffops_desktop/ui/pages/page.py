"""What the main window may ask of any page it shows.

Every page of the sidebar (list pages, settings, placeholders) implements ``Page``; the
main window calls these methods instead of probing pages with ``getattr``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from tuffops_desktop.services.changes import Change


@runtime_checkable
class Page(Protocol):
    def refresh(self) -> None:
        """Read the page's data again (F5, after an outage, after a change elsewhere)."""

    def focus_search(self) -> None:
        """Put the keyboard in the page's search box (Ctrl+F); nothing when it has none."""

    def apply_changes(self, changes: Sequence[Change]) -> None:
        """Records changed (by anyone, committed): update what the page shows, in place."""

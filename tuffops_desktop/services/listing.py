"""Shared pieces of list queries: multi-word search and the ids-then-rows paging shape.

Lists are searched, filtered and sorted in SQL. A page asks for the sorted ids that match
(cheap even for 100k rows), then fetches full rows only for the ids on screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, true

MAX_SEARCH_LENGTH = 200


@dataclass(frozen=True)
class ListQuery:
    """What a list page asks for."""

    text: str = ""
    sort: str = "name"
    descending: bool = False
    include_inactive: bool = False
    kind: str = ""  # customer type / filter key, "" = all


def search_terms(text: str) -> list[str]:
    """Lower-cased words; each must appear somewhere in the row (any order)."""
    return [t for t in (text or "")[:MAX_SEARCH_LENGTH].casefold().split() if t]


def like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matches_all(column, text: str) -> ColumnElement[bool]:  # noqa: ANN001
    """Every word of ``text`` is a substring of ``column`` (already lower-cased)."""
    terms = search_terms(text)
    if not terms:
        return true()
    return and_(*[column.like(f"%{like_escape(t)}%", escape="\\") for t in terms])

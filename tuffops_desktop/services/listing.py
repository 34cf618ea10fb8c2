"""Shared pieces of list queries: multi-word search, typed filters and the ids-then-rows
paging shape.

Lists are searched, filtered and sorted in SQL. A page asks for the sorted ids that match,
then fetches full rows only for the ids on screen. With 200,000 rows, moving every id to
Python costs 200-600 ms, so a page asks first for ``FirstIds``: how many records match and
the first ids in list order (``first_ids``: a ``COUNT`` and an ordered ``LIMIT``), paints
them, and receives every id (``list_ids``) in the background afterwards. Both come from
the same ordered statement, whose order always ends with the id, so the first ids are
exactly the start of the whole list.

Filters are typed values keyed by name: ``AnyOf`` (a set of enum values), ``Between``
(a date range, either end open), ``Ref`` (a foreign key, or "none") and ``Flag`` (a yes/no
condition). Each service declares which keys it understands with ``FilterField``s
(``enum_field``, ``date_field``, ``ref_field``, ``flag_field``) and ``apply_filters``
composes them into the statement as one ``WHERE`` each, so a future list can combine
status set × technician × due range × SLA state without any code in Python::

    ListQuery(sort="due", filters={"status": any_of("open", "ongoing"), "due": Between(end=today)})
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Union

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, false, func, not_, select, true
from sqlalchemy.orm import Session

from tuffops_desktop.domain.errors import ValidationError

MAX_SEARCH_LENGTH = 200


@dataclass(frozen=True)
class AnyOf:
    """The value is one of ``values`` (an empty set matches nothing)."""

    values: frozenset[str]


def any_of(*values: str) -> AnyOf:
    return AnyOf(frozenset(values))


@dataclass(frozen=True)
class Between:
    """A date within ``start``..``end`` (both included; ``None`` = open end).

    On a timestamp column the days are the workstation's local days.
    """

    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class Ref:
    """A foreign key equal to ``id``; ``Ref(None)`` = no record referenced."""

    id: int | None


@dataclass(frozen=True)
class Flag:
    """A yes/no condition holds (``True``) or does not (``False``)."""

    value: bool


Filter = Union[AnyOf, Between, Ref, Flag]  # noqa: UP007 - used at runtime in isinstance checks
FilterItems = tuple[tuple[str, Filter], ...]


@dataclass(frozen=True)
class ListQuery:
    """What a list page asks for.

    ``filters`` may be given as a mapping; it is kept as a sorted tuple of
    ``(key, filter)`` pairs so queries compare and hash by value.
    """

    text: str = ""
    sort: str = "name"
    descending: bool = False
    include_inactive: bool = False
    filters: FilterItems = field(default=())

    def __post_init__(self) -> None:
        items = self.filters.items() if isinstance(self.filters, Mapping) else self.filters
        object.__setattr__(self, "filters", tuple(sorted(items, key=lambda kv: kv[0])))

    def filter(self, key: str) -> Filter | None:
        return dict(self.filters).get(key)

    def with_filter(self, key: str, value: Filter | None) -> ListQuery:
        """The same query with filter ``key`` set to ``value`` (``None`` removes it)."""
        items = {k: v for k, v in self.filters if k != key}
        if value is not None:
            items[key] = value
        return replace(self, filters=tuple(items.items()))


@dataclass(frozen=True)
class FirstIds:
    """The start of a list: how many records match (``total``) and the ids of the first
    of them in list order (``ids``, at most the number asked for)."""

    total: int
    ids: list[int]

    @property
    def complete(self) -> bool:
        """True when ``ids`` is the whole list."""
        return len(self.ids) >= self.total


def read_ids(session: Session, ordered: Select[Any], limit: int | None = None) -> list[int]:
    """The ids ``ordered`` selects, in its order (the first ``limit`` of them)."""
    return list(session.scalars(ordered if limit is None else ordered.limit(limit)))


def read_first_ids(session: Session, matching: Select[Any], ordered: Select[Any], limit: int) -> FirstIds:
    """``FirstIds`` of a list: ``matching`` selects the ids (filters and search, no order,
    no join the sort alone needs), ``ordered`` the same ids in list order. The ids come
    first, so a list shorter than ``limit`` needs no count."""
    ids = read_ids(session, ordered, limit)
    if len(ids) < limit:
        return FirstIds(len(ids), ids)
    total = session.scalar(select(func.count()).select_from(matching.order_by(None).subquery()))
    return FirstIds(int(total or 0), ids)


@dataclass(frozen=True)
class FilterField:
    """One filter key a list understands: the filter type it takes and its SQL condition."""

    kind: type
    condition: Callable[[Any], ColumnElement[bool]]


def enum_field(column: Any, choices: frozenset[str] | set[str] | None = None) -> FilterField:
    """``AnyOf`` on a text column; values outside ``choices`` are refused."""

    def condition(value: AnyOf) -> ColumnElement[bool]:
        if choices is not None and not value.values <= set(choices):
            unknown = ", ".join(sorted(value.values - set(choices)))
            raise ValidationError({"filters": f"Unknown value: {unknown}."})
        return column.in_(sorted(value.values)) if value.values else false()

    return FilterField(AnyOf, condition)


def date_field(column: Any, *, timestamp: bool = False) -> FilterField:
    """``Between`` on a date column, or on a timestamp column by local calendar day."""

    def bound(day: date) -> Any:
        return datetime.combine(day, time.min).astimezone() if timestamp else day

    def condition(value: Between) -> ColumnElement[bool]:
        parts = []
        if value.start is not None:
            parts.append(column >= bound(value.start))
        if value.end is not None:
            parts.append(column < bound(value.end + timedelta(days=1)) if timestamp else column <= value.end)
        return and_(true(), *parts)

    return FilterField(Between, condition)


def ref_field(column: Any) -> FilterField:
    """``Ref`` on a foreign-key column."""
    return FilterField(Ref, lambda value: column.is_(None) if value.id is None else column == value.id)


def flag_field(expression: ColumnElement[bool]) -> FilterField:
    """``Flag`` of a boolean SQL expression (``Flag(False)`` negates it)."""
    return FilterField(Flag, lambda value: expression if value.value else not_(expression))


def apply_filters(stmt: Select[Any], query: ListQuery, fields: Mapping[str, FilterField]) -> Select[Any]:
    """Add one ``WHERE`` per filter of ``query``; unknown keys or wrong types are refused."""
    for key, value in query.filters:
        spec = fields.get(key)
        if spec is None:
            raise ValidationError({"filters": f"This list cannot be filtered by “{key}”."})
        if not isinstance(value, spec.kind):
            raise ValidationError({"filters": f"The “{key}” filter takes {spec.kind.__name__}."})
        stmt = stmt.where(spec.condition(value))
    return stmt


def search_terms(text: str) -> list[str]:
    """Lower-cased words; each must appear somewhere in the row (any order)."""
    return [t for t in (text or "")[:MAX_SEARCH_LENGTH].casefold().split() if t]


def like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def trigram_phrases(terms: list[str]) -> str:
    """An SQLite FTS5 ``MATCH`` expression (trigram tokenizer) that every term matches as a
    substring: each term a quoted phrase (quotes doubled), joined by AND. Operators and
    LIKE wildcards inside a term are plain characters."""
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)


def matches_all(column: SQLColumnExpression[str], text: str) -> ColumnElement[bool]:
    """Every word of ``text`` is a substring of ``column`` (already lower-cased)."""
    terms = search_terms(text)
    if not terms:
        return true()
    return and_(*[column.like(f"%{like_escape(t)}%", escape="\\") for t in terms])

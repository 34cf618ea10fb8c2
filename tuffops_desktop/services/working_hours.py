"""Technicians' working hours (rules: ``domain/scheduling.py``): read for the dispatch board, set by
an administrator or a supervisor. A technician with no rows works the standard week."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tuffops_desktop.db.base import table_of
from tuffops_desktop.db.models import TechnicianHours, User
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.permissions import P, Role
from tuffops_desktop.domain.scheduling import STANDARD_WEEK, WorkingHours, validate_working_hours
from tuffops_desktop.services import audit
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.guard import requires, requires_any


def _text(periods: Iterable[WorkingHours]) -> list[str]:
    return [f"{p.weekday} {p.starts:%H:%M}-{p.ends:%H:%M}" for p in periods]


def replace_hours(session: Session, ctx: ServiceContext, user_id: int, periods: Iterable[WorkingHours]) -> None:
    """Store ``periods`` as the technician's week (already validated), with an audit row of the change."""
    before = session.scalars(
        select(TechnicianHours).where(TechnicianHours.user_id == user_id).order_by(TechnicianHours.weekday)
    ).all()
    old = [WorkingHours(h.weekday, h.starts, h.ends) for h in before]
    new = list(periods)
    session.execute(delete(TechnicianHours).where(TechnicianHours.user_id == user_id))
    if new:
        session.execute(
            table_of(TechnicianHours).insert(),
            [{"user_id": user_id, "weekday": p.weekday, "starts": p.starts, "ends": p.ends} for p in new],
        )
    audit.record(session, ctx, "user", user_id, "working_hours", {"working_hours": [_text(old), _text(new)]})


class WorkingHoursService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @requires(P.WORK_ORDERS_VIEW)
    def get(self, user_ids: Sequence[int]) -> dict[int, tuple[WorkingHours, ...]]:
        """Each technician's week; the standard week for one whose hours were never set."""
        found: dict[int, list[WorkingHours]] = {}
        with self._ctx.read() as session:
            for h in session.scalars(
                select(TechnicianHours)
                .where(TechnicianHours.user_id.in_(user_ids))
                .order_by(TechnicianHours.user_id, TechnicianHours.weekday)
            ):
                found.setdefault(h.user_id, []).append(WorkingHours(h.weekday, h.starts, h.ends))
        return {uid: tuple(found.get(uid, STANDARD_WEEK)) for uid in user_ids}

    @requires_any(P.USERS_EDIT, P.WORK_ORDERS_SUPERVISE)
    def set(self, user_id: int, periods: Iterable[WorkingHours]) -> tuple[WorkingHours, ...]:
        """Replace a technician's week (at least one working day)."""
        week = validate_working_hours(periods)
        if not week:
            raise ValidationError({"working_hours": "Give at least one working day."})
        with self._ctx.write() as session:
            user = session.get(User, user_id)
            if user is None or user.role != Role.TECHNICIAN.value:
                raise ValidationError({"user_id": "Working hours are kept for technicians only."})
            replace_hours(session, self._ctx, user_id, week)
        return week

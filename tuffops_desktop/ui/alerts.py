"""Desktop alerts: a notification from the system tray when something needs this user.

Dispatchers should notice a new request without watching the inbox, and technicians a
job given to them. The window's change feed already hears every committed write of every
workstation (and of the public intake listener); ``DesktopAlerts`` picks out:

* a new customer request (``customer_request`` / ``create``), for users who may see the
  inbox, unless they logged it themselves;
* a work order assigned or reassigned to the signed-in user (``work_order`` /
  ``assign``|``reassign``), unless they did it themselves.

The change says only which record; the record is read in the background (never on the
GUI thread) to decide and to word the alert (ticket, unit, customer, the request's first
words; the work order's number, unit and booking). Several at once make one alert ("3 new
requests"). Clicking the alert opens the record on its page (``MainWindow.open_record``:
the newest one when several came together).

Alerts are on by default and switched off or on per user on this computer (the
checkable "Desktop alerts" action in the Go menu and the tray icon's menu), remembered
with the user's other window state (``ui.window_state``). Where the desktop has no tray
(some Linux sessions), the alert appears in the window's status bar and the taskbar entry
asks for attention instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon, QWidget

from tuffops_desktop import APP_NAME
from tuffops_desktop.domain.errors import DomainError
from tuffops_desktop.i18n import _
from tuffops_desktop.services.changes import Change
from tuffops_desktop.services.dto.requests import RequestDetail
from tuffops_desktop.services.dto.work_orders import WorkOrderDetail
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import count_text, date_time_text
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.widgets.icons import app_icon
from tuffops_desktop.ui.window_state import ViewState

REQUEST = "customer_request"
WORK_ORDER = "work_order"
ASSIGNING_ACTIONS = frozenset({"assign", "reassign"})
SHOW_MS = 10_000  # how long the tray message stays (the desktop may shorten it)
EXCERPT = 90  # characters of the request text in the alert


@dataclass(frozen=True)
class Alert:
    """One tray notification: what it says and the record a click opens (a change-feed
    entity and id)."""

    kind: str
    record_id: int
    title: str
    text: str


def alert_candidates(
    changes: Sequence[Change], *, sees_requests: bool, sees_work_orders: bool
) -> tuple[list[int], list[int]]:
    """From a batch of committed changes, the records that may deserve an alert: new
    requests and work orders just (re)assigned; each once, in the order heard."""
    requests: list[int] = []
    work_orders: list[int] = []
    for change in changes:
        if change.id is None:
            continue
        if sees_requests and change.entity == REQUEST and change.action == "create" and change.id not in requests:
            requests.append(change.id)
        elif (
            sees_work_orders
            and change.entity == WORK_ORDER
            and change.action in ASSIGNING_ACTIONS
            and change.id not in work_orders
        ):
            work_orders.append(change.id)
    return requests, work_orders


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1].rstrip() + "…"


def request_alert(detail: RequestDetail, me: str) -> Alert | None:
    """The alert for a new request; None when this user logged it, or it is no longer
    waiting (closed before the alert came)."""
    if detail.created_by.casefold() == me.casefold() or detail.status == "closed":
        return None
    who = detail.customer_name or _("stock unit")
    return Alert(
        REQUEST,
        detail.id,
        _("New request {ticket}").format(ticket=detail.ticket),
        f"{detail.unit_label} · {who}\n{_excerpt(detail.request)}",
    )


def work_order_alert(detail: WorkOrderDetail, my_id: int | None, me: str) -> Alert | None:
    """The alert for a work order (re)assigned; only when it is this user's now and
    someone else assigned it (the latest history entry is theirs)."""
    if my_id is None or detail.technician_id != my_id:
        return None
    if detail.history and detail.history[-1].by.casefold() == me.casefold():
        return None
    booked = (
        _("booked {when}").format(when=date_time_text(detail.scheduled_start))
        if detail.scheduled_start
        else _("not booked yet")
    )
    by = detail.history[-1].by if detail.history else ""
    title = _("Work order {number} assigned to you").format(number=detail.number)
    text = f"{detail.unit_label} · {detail.customer_name or _('stock unit')}\n{booked}"
    if by:
        text += " · " + _("by {name}").format(name=by)
    return Alert(WORK_ORDER, detail.id, title, text)


def combine(alerts: Sequence[Alert]) -> Alert | None:
    """One notification for what arrived together: the alert itself when it is alone,
    else a count per kind whose click opens the newest record."""
    if not alerts:
        return None
    if len(alerts) == 1:
        return alerts[0]
    newest = alerts[-1]
    requests = sum(1 for a in alerts if a.kind == REQUEST)
    orders = len(alerts) - requests
    parts = []
    if requests:
        parts.append(
            _("{count} new requests").format(count=count_text(requests)) if requests > 1 else _("1 new request")
        )
    if orders:
        parts.append(
            _("{count} work orders assigned to you").format(count=count_text(orders))
            if orders > 1
            else _("1 work order assigned to you")
        )
    return Alert(newest.kind, newest.record_id, ", ".join(parts), _("Latest: {title}").format(title=newest.title))


class DesktopAlerts(QObject):
    """The signed-in user's desktop alerts (see the module docstring).

    Args:
        services: the session's services (``set_services`` after the window is rebuilt).
        ops: runs the record look-ups off the GUI thread.
        state: where the on/off choice is remembered (None: not remembered).
        window: the main window (its icon, its status bar when there is no tray).
        fallback: shows an alert's text where there is no tray (the window's status bar).

    Signals:
        open_requested(str, int): the user clicked an alert: open this record.

    Attributes:
        shown: every alert shown this session, oldest first.
        action: the checkable "Desktop alerts" action (menus).
        tray: the tray icon, or None where the desktop has no tray.
    """

    open_requested = Signal(str, int)

    def __init__(
        self,
        services: Services,
        ops: Ops,
        state: ViewState | None,
        window: QWidget,
        fallback: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(window)
        self._services = services
        self._ops = ops
        self._state = state
        self._window = window
        self._fallback = fallback
        self.shown: list[Alert] = []
        self.last: Alert | None = None
        remembered = state.value("enabled", True) if state is not None else True
        self._enabled = remembered if isinstance(remembered, bool) else True
        self.action = QAction(_("Desktop &alerts"), self)
        self.action.setCheckable(True)
        self.action.setChecked(self._enabled)
        self.action.setToolTip(_("A notification for new requests and for work orders assigned to you"))
        self.action.toggled.connect(self.set_enabled)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.setToolTip(APP_NAME)
            menu = QMenu(window)
            menu.addAction(_("&Open {app}").format(app=APP_NAME), self.raise_window)
            menu.addAction(self.action)
            self.tray.setContextMenu(menu)
            self.tray.messageClicked.connect(self.message_clicked)
            self.tray.activated.connect(lambda _reason: self.raise_window())
            self.tray.setVisible(self._enabled)

    # ----------------------------------------------------------------- on / off
    @property
    def enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, on: bool) -> None:
        """Switch this user's alerts on this computer on or off (remembered)."""
        self._enabled = bool(on)
        if self.action.isChecked() != self._enabled:
            self.action.setChecked(self._enabled)
        if self._state is not None:
            self._state.set_value("enabled", self._enabled)
        if self.tray is not None:
            self.tray.setVisible(self._enabled)

    def set_services(self, services: Services) -> None:
        """The window was rebuilt for the user's new permissions."""
        self._services = services

    # ----------------------------------------------------------------- deciding
    def apply_changes(self, changes: Sequence[Change]) -> None:
        """Changes heard by the window: look up the ones that may deserve an alert (in the
        background) and show what they decide."""
        if not self._enabled:
            return
        actor = self._services.ctx.actor
        requests, work_orders = alert_candidates(
            changes,
            sees_requests=actor.can("customer_requests.view"),
            sees_work_orders=actor.can("work_orders.view") and actor.user_id is not None,
        )
        if not requests and not work_orders:
            return
        self._ops.run(self.look_up, requests, work_orders, parent=self._window, report=False, on_done=self._arrived)

    def look_up(self, request_ids: Sequence[int], work_order_ids: Sequence[int]) -> list[Alert]:
        """On the runner: read each record and keep those this user should hear about.
        A record gone or out of this user's sight meanwhile is skipped."""
        services = self._services
        actor = services.ctx.actor
        found: list[Alert] = []
        for request_id in request_ids:
            try:
                alert = request_alert(services.requests.get(request_id), actor.username)
            except DomainError:
                continue
            if alert is not None:
                found.append(alert)
        for work_order_id in work_order_ids:
            try:
                alert = work_order_alert(services.work_orders.get(work_order_id), actor.user_id, actor.username)
            except DomainError:
                continue
            if alert is not None:
                found.append(alert)
        return found

    def _arrived(self, alerts: list[Alert]) -> None:
        alert = combine(alerts)
        if alert is not None and self._enabled:
            self.show_alert(alert)

    # ----------------------------------------------------------------- showing
    def show_alert(self, alert: Alert) -> None:
        """Show ``alert``: a tray message, or the status bar where there is no tray."""
        self.shown.append(alert)
        self.last = alert
        if self.tray is not None and self.tray.isVisible():
            self.tray.showMessage(alert.title, alert.text, QSystemTrayIcon.MessageIcon.Information, SHOW_MS)
        elif self._fallback is not None:
            self._fallback(f"{alert.title}: {alert.text.splitlines()[0]}")
        QApplication.alert(self._window)  # the taskbar entry asks for attention

    def message_clicked(self) -> None:
        """The user clicked the latest alert: bring the window up and open its record."""
        alert = self.last
        if alert is None:
            return
        self.raise_window()
        self.open_requested.emit(alert.kind, alert.record_id)

    def raise_window(self) -> None:
        window = self._window
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()

    def close(self) -> None:
        """The session ends: take the icon out of the tray."""
        if self.tray is not None:
            self.tray.hide()

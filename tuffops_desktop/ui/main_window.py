"""The main window: sidebar navigation, the page on screen, the connection banner and a
status bar saying who is signed in and to which database.

Sections the user has no ``*.view`` permission for are not shown at all. Pages are
built the first time they are opened; the window talks to them only through the
``Page`` protocol. When the database connection comes back after an outage, the page on
screen is refreshed, and every other open page when it is next shown.

A ``LiveFeed`` (started with the window, stopped when it closes) hears every committed
change of every workstation; each open page applies the ones about its records
(row-level: selection, scroll position and editors stay), and the Inbox entry's badge
(the number of open requests) follows request changes. The inbox page also asks for a
badge update after its own triage actions (``inbox_changed``).

Given a ``WindowState`` (the composition root passes one per signed-in user), the window
comes back where and as it was: geometry (always wholly on a screen that exists now),
the page last shown, and each page's own remembered state, saved when the window closes.

Keyboard: every window shortcut comes from the one table in ``ui.shortcuts`` (Ctrl+1…9
and Ctrl+PgUp/PgDn switch pages, F6 moves between the sidebar and the page, F5, Ctrl+F,
Ctrl+K Open by scan, F1 the list of shortcuts); the sidebar takes focus and arrow keys
move through it. The Go and Help menus show the same actions.

The window follows what an administrator does to its user: when the change feed reports
a change to the signed-in user (or reconnects, having possibly missed one), it re-reads
the user (``UserService.signed_in``). Changed role or permissions: the window is rebuilt
for them (sidebar, menus, every open page, each page's remembered state kept), so what is
no longer allowed disappears and what was granted appears. Deactivated: the user is told
and the window closes with ``signed_out`` set, for the composition root to show the
sign-in again. (The services refuse such a user's actions anyway, at once.)
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop import APP_NAME
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.domain.reports import DrillDown
from tuffops_desktop.i18n import _
from tuffops_desktop.services.changes import Change
from tuffops_desktop.services.context import Actor
from tuffops_desktop.services.registry import Services, build_services
from tuffops_desktop.ui.about import AboutDialog, show_about
from tuffops_desktop.ui.alerts import DesktopAlerts
from tuffops_desktop.ui.connection import ConnectionBanner, ConnectionMonitor
from tuffops_desktop.ui.formatting import count_text
from tuffops_desktop.ui.live import LiveFeed
from tuffops_desktop.ui.mail_sending import DesktopSender
from tuffops_desktop.ui.navigation import Section, sections
from tuffops_desktop.ui.open_by_scan import OpenByScanDialog, ScanSearch
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.inbox.page import InboxPage
from tuffops_desktop.ui.pages.invoices.page import LIST_TAB, InvoicesPage
from tuffops_desktop.ui.pages.list_page import ListPage
from tuffops_desktop.ui.pages.page import Page
from tuffops_desktop.ui.pages.placeholder import PlaceholderPage
from tuffops_desktop.ui.pages.reports.page import ReportsPage
from tuffops_desktop.ui.pages.settings.page import SettingsPage
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.shortcuts import PAGE_KEYS, ShortcutActions, ShortcutsDialog
from tuffops_desktop.ui.widgets.icons import app_icon
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.window_state import WindowState

log = logging.getLogger(__name__)

KeyRole = Qt.ItemDataRole.UserRole + 1
BadgeRole = Qt.ItemDataRole.UserRole + 2  # text of the count pill of a sidebar entry ("" = none)
NAV_ITEM_HEIGHT = 34
BADGE_COLOUR = "#2563eb"
# a report's drill-down kind -> the section listing those records
DRILL_SECTIONS = {
    "work_orders": "work_orders",
    "invoices": "invoices",
    "requests": "inbox",
    "units": "units",
    "customers": "customers",
}


def role_title(role: str) -> str:
    try:
        return _(Role(role).label)
    except ValueError:
        return role


class NavigationDelegate(QStyledItemDelegate):
    """Sidebar entries as the style sheet draws them, plus a count pill on the right."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().paint(painter, option, index)
        badge = index.data(BadgeRole)
        if not badge:
            return
        font = QFont(option.font)
        font.setWeight(QFont.Weight.Bold)
        font.setPointSizeF(font.pointSizeF() * 0.85)
        metrics = QFontMetrics(font)
        height = metrics.height() + 4
        width = max(height, metrics.horizontalAdvance(badge) + 12)
        rect = QRectF(option.rect.right() - width - 8, option.rect.center().y() - height / 2 + 0.5, width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(BADGE_COLOUR))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor("#ffffff"))
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, badge)
        painter.restore()


class MainWindow(QMainWindow):
    """The signed-in session's window (``state``: where to remember its layout; None =
    remember nothing).

    Signals:
        user_changed: the window was rebuilt for the signed-in user's new permissions.

    Attributes:
        signed_out: True once the window closed because the user was deactivated.
    """

    user_changed = Signal()

    def __init__(
        self,
        services: Services,
        ops: Ops,
        prompts: Prompts,
        monitor: ConnectionMonitor,
        *,
        database_label: str,
        state: WindowState | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._state = state
        self.scan_dialog: OpenByScanDialog | None = None
        self._services = services
        self._ops = ops
        self._prompts = prompts
        self._monitor = monitor
        self._pages: dict[str, QWidget] = {}  # each one also a ``Page``
        self._stale: set[str] = set()  # open pages to refresh when next shown
        self._features: dict[str, bool] = {}  # feature settings (invoicing) as the sections were built
        self._sections = [s for s in sections() if self._visible(s)]
        self.signed_out = False
        self.setWindowIcon(app_icon())
        self.resize(1380, 860)
        self.setMinimumSize(1024, 640)

        company = ops.call(services.settings.get, "company_name", parent=self)
        company_name = str(company.value) if company.ok and company.value else ""
        self.setWindowTitle(f"{company_name} — {APP_NAME}" if company_name else APP_NAME)

        sidebar = QFrame()
        sidebar.setObjectName("Sidebar")
        sidebar.setFixedWidth(204)
        side = QVBoxLayout(sidebar)
        side.setContentsMargins(0, 0, 0, 10)
        side.setSpacing(0)
        title = plain_label(APP_NAME)
        title.setObjectName("AppTitle")
        subtitle = plain_label(company_name or _("Office"), wrap=True)
        subtitle.setObjectName("AppSubtitle")
        self.navigation = QListWidget()
        self.navigation.setObjectName("Navigation")
        self.navigation.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # arrow keys move through the pages
        self.navigation.setSpacing(1)
        self.navigation.setContentsMargins(8, 0, 8, 0)
        self.navigation.setViewportMargins(8, 0, 8, 0)
        self.navigation.setItemDelegate(NavigationDelegate(self.navigation))
        self._fill_navigation()
        side.addWidget(title)
        side.addWidget(subtitle)
        side.addWidget(self.navigation, 1)

        self.stack = QStackedWidget()
        self.banner = ConnectionBanner(monitor)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(0)
        content_layout.addWidget(self.banner)
        content_layout.addWidget(self.stack, 1)
        self._nothing = PlaceholderPage(
            _("Nothing to show"),
            _("Your user has no permission to see any part of the app. Ask an administrator."),
        )
        self.stack.addWidget(self._nothing)

        central = QWidget()
        central_layout = QHBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(sidebar)
        central_layout.addWidget(content, 1)
        self.setCentralWidget(central)

        self.user_label = plain_label()
        self.role_label = plain_label()
        self._show_actor(services.ctx.actor)
        self.database_label = plain_label(_("Database: {db}").format(db=database_label))
        for label in (self.user_label, self.role_label, self.database_label):
            self.statusBar().addPermanentWidget(label)

        self.navigation.currentRowChanged.connect(self._on_navigate)
        self.live = LiveFeed(services.ctx.db, ops.runner, self)
        self.live.changed.connect(self._on_changes)
        if "inbox" in self.section_keys():
            self.update_inbox_badge()
        self.live.start()

        monitor.restored.connect(self._on_restored)
        monitor.lost.connect(lambda _message: self.statusBar().showMessage(_("Database unreachable"), 5000))
        self.alerts = DesktopAlerts(  # tray alerts: new requests, work orders assigned to me (ui/alerts.py)
            services,
            ops,
            state.window().child("alerts") if state is not None else None,
            self,
            lambda text: self.statusBar().showMessage(text, 20_000),
        )
        self.alerts.open_requested.connect(self.open_record)
        # This desktop delivers the outbox in the background while e-mail is on (ui/mail_sending.py).
        self.sender = DesktopSender(services.settings, services.ctx.db, ops.runner, parent=self)
        self.sender.check()
        self.shortcuts = self._make_shortcuts()
        if state is not None:
            state.restore_window(self)
        self._show_start(state.window().value("section") if state is not None else None)

    # ----------------------------------------------------------------- public API
    def section_keys(self) -> list[str]:
        """Keys of the sections this user sees, in sidebar order."""
        return [s.key for s in self._sections]

    def show_section(self, key: str) -> QWidget | None:
        for row, section in enumerate(self._sections):
            if section.key == key:
                self.navigation.setCurrentRow(row)
                return self._pages.get(key)
        return None

    def open_record(self, kind: str, record_id: int) -> bool:
        """Show the page listing ``kind`` records (a change-feed entity: ``customer``,
        ``unit``, ``customer_request``) with ``record_id`` selected. False when this user
        has no such page or the record is not found."""
        section = next((s for s in self._sections if s.record_kind == kind), None)
        if section is None:
            return False
        page = self.show_section(section.key)
        return isinstance(page, ListPage) and page.show_record(record_id)

    def open_list(self, kind: str, drill: DrillDown) -> bool:
        """Show the list of ``kind`` (a report's drill-down: ``work_orders``, ``invoices``,
        ``requests``, ``units``, ``customers``) filtered to exactly ``drill.filters``, under a
        removable "Filtered: ``drill.title``" chip. False when this user has no such page."""
        key = DRILL_SECTIONS.get(kind)
        if key is None or key not in self.section_keys():
            return False
        page = self.show_section(key)
        if not isinstance(page, ListPage):
            return False
        if isinstance(page, InvoicesPage):
            page.show_tab(LIST_TAB)  # its list, not the receivables
        page.show_filtered(drill.title, dict(drill.filters))  # type: ignore[arg-type]
        return True

    def current_page(self) -> QWidget | None:
        return self.stack.currentWidget()

    def go_to_page(self, row: int) -> None:
        """Show the ``row``-th section of the sidebar (Ctrl+1…9) with the keyboard in its page."""
        if 0 <= row < len(self._sections):
            self.navigation.setCurrentRow(row)
            self._focus_search()

    def step_page(self, step: int) -> None:
        """The next (1) or previous (-1) page of the sidebar, wrapping round (Ctrl+PgDn/PgUp)."""
        if self._sections:
            self.go_to_page((self.navigation.currentRow() + step) % len(self._sections))

    def switch_focus(self) -> None:
        """F6: from the page to the sidebar and back."""
        if self.navigation.hasFocus():
            self._focus_search()
        else:
            self.navigation.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_shortcuts(self) -> ShortcutsDialog:
        """Help > Keyboard shortcuts (generated from the actions registered here)."""
        dialog = ShortcutsDialog(self.shortcuts.rows(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_about(self) -> AboutDialog:
        """Help > About: version, database and schema revision."""
        return show_about(self, self._services.ctx.db, self._ops.runner)

    def open_by_scan(self) -> OpenByScanDialog:
        """Ctrl+K: the box that opens a scanned sticker or a searched customer, unit or request."""
        kinds = {s.record_kind for s in self._sections if s.record_kind}
        if self.scan_dialog is not None:
            self.scan_dialog.deleteLater()  # the previous box; a new one starts empty
        dialog = OpenByScanDialog(self._ops, ScanSearch(self._services, kinds), self)
        dialog.accepted.connect(
            lambda: self.open_record(dialog.chosen.kind, dialog.chosen.id) if dialog.chosen is not None else None
        )
        self.scan_dialog = dialog
        dialog.open()
        return dialog

    def refresh_current(self) -> None:
        page = self.stack.currentWidget()
        if isinstance(page, Page):
            page.refresh()
        self.update_inbox_badge()

    def update_inbox_badge(self) -> None:
        """Show the number of open requests on the Inbox entry (nothing when none)."""
        item = self._navigation_item("inbox")
        if item is None:
            return
        result = self._ops.call(self._services.requests.open_count, parent=self)
        if not result.ok:
            return
        count = int(result.value or 0)
        item.setData(BadgeRole, count_text(count) if count else "")
        item.setToolTip(
            _("{count} open requests").format(count=count_text(count)) if count != 1 else _("1 open request")
        )
        item.setData(
            Qt.ItemDataRole.AccessibleTextRole, f"{item.text()}, {count_text(count)} open" if count else item.text()
        )

    def recheck_user(self) -> None:
        """Re-read the signed-in user in the background and follow what changed."""
        self._ops.run(self._services.users.signed_in, parent=self, on_done=self.apply_user, report=False)

    def apply_user(self, actor: Actor | None) -> None:
        """Follow the signed-in user as stored now: ``None`` (deactivated) signs out; a
        changed role or permission set rebuilds the window for it."""
        current = self._services.ctx.actor
        if actor is None:
            self._sign_out()
            return
        self._show_actor(actor)
        if actor.permissions == current.permissions and actor.role == current.role:
            return
        self._rebuild(actor)
        self.statusBar().showMessage(
            _("An administrator changed your permissions: the window now shows what you may do."), 20_000
        )
        self.user_changed.emit()

    def badge_text(self, key: str) -> str:
        """A sidebar entry as read aloud: its title and its badge (``Inbox  3``)."""
        item = self._navigation_item(key)
        if item is None:
            return ""
        badge = item.data(BadgeRole)
        return f"{item.text()}  {badge}" if badge else item.text()

    # ----------------------------------------------------------------- Qt overrides
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_state()
        self.live.stop()
        self.alerts.close()
        self.sender.close()
        if not self.signed_out:  # the next sign-in's window goes on with the same monitor
            self._monitor.shutdown()
        super().closeEvent(event)

    def save_state(self) -> None:
        """Remember the geometry, the page shown and every open page's state (on close)."""
        state = self._state
        if state is None:
            return
        state.save_window(self)
        row = self.navigation.currentRow()
        if 0 <= row < len(self._sections):
            state.window().set_value("section", self._sections[row].key)
        for key, page in self._pages.items():
            state.save_page(key, page)
        state.sync()

    # ----------------------------------------------------------------- helpers
    def _show_actor(self, actor: Actor) -> None:
        self.user_label.setText(_("Signed in as {name}").format(name=actor.full_name or actor.username))
        self.role_label.setText(_("Role: {role}").format(role=role_title(actor.role)))

    def _fill_navigation(self) -> None:
        """One sidebar entry per section this user sees (no page is opened here)."""
        self.navigation.blockSignals(True)
        self.navigation.clear()
        for section in self._sections:
            item = QListWidgetItem(_(section.title))
            item.setData(KeyRole, section.key)
            item.setSizeHint(QSize(0, NAV_ITEM_HEIGHT))
            self.navigation.addItem(item)
        self.navigation.blockSignals(False)

    def _show_start(self, key: str | None) -> None:
        """Open the section ``key`` if this user sees it, else Customers, else the first."""
        if not self._sections:
            self.stack.setCurrentWidget(self._nothing)
            return
        start = next((n for n, s in enumerate(self._sections) if s.key == (key or "customers")), None)
        if start is None:
            start = next((n for n, s in enumerate(self._sections) if s.key == "customers"), 0)
        self.navigation.setCurrentRow(start)

    def _rebuild(self, actor: Actor, features: Mapping[str, bool] | None = None) -> None:
        """Services, sidebar, menus and pages for ``actor``'s permissions. Open pages are
        built anew (each page decides at construction what its user may do), keeping
        their remembered state; the page on screen stays if the user still sees it.
        ``features``: feature settings just read (they are not read again)."""
        row = self.navigation.currentRow()
        shown = self._sections[row].key if 0 <= row < len(self._sections) else None
        for key, page in self._pages.items():
            if self._state is not None:
                self._state.save_page(key, page)
            self.stack.removeWidget(page)
            page.deleteLater()
        self._pages.clear()
        self._stale.clear()
        if self.scan_dialog is not None:
            self.scan_dialog.deleteLater()
            self.scan_dialog = None
        self._services = build_services(replace(self._services.ctx, actor=actor))
        self.alerts.set_services(self._services)
        self._sections = [s for s in sections() if self._visible(s, features)]
        self._fill_navigation()
        for action in self.shortcuts.actions:
            self.removeAction(action)
            action.deleteLater()
        self.menuBar().clear()
        self.shortcuts = self._make_shortcuts()
        self._show_start(shown)
        if "inbox" in self.section_keys():
            self.update_inbox_badge()

    def _sign_out(self) -> None:
        """The user was deactivated: say so, and close for the sign-in to come back."""
        actor = self._services.ctx.actor
        self._prompts.warning(
            self,
            _("Signed out"),
            _(
                "An administrator has deactivated the user “{name}”, so you are signed out. "
                "Changes you had not saved are lost. Ask an administrator if this is a mistake."
            ).format(name=actor.username),
        )
        self.signed_out = True
        self.close()

    def _make_shortcuts(self) -> ShortcutActions:
        """The window's actions, from the shortcuts table, in the Go and Help menus."""
        shortcuts = ShortcutActions(self)
        go = self.menuBar().addMenu(_("&Go"))
        go.addAction(shortcuts.add("open_by_scan", self.open_by_scan))
        go.addAction(shortcuts.add("find", self._focus_search))
        go.addAction(shortcuts.add("refresh", self.refresh_current))
        go.addSeparator()
        for row, section in enumerate(self._sections[:PAGE_KEYS]):
            go.addAction(
                shortcuts.add("go_to_page", lambda row=row: self.go_to_page(row), key=row, page=_(section.title))
            )
        go.addAction(shortcuts.add("next_page", lambda: self.step_page(1)))
        go.addAction(shortcuts.add("previous_page", lambda: self.step_page(-1)))
        go.addAction(shortcuts.add("switch_focus", self.switch_focus))
        go.addSeparator()
        go.addAction(self.alerts.action)
        help_menu = self.menuBar().addMenu(_("&Help"))
        help_menu.addAction(shortcuts.add("shortcuts", self.show_shortcuts))
        help_menu.addAction(_("&About {app}…").format(app=APP_NAME), self.show_about)
        return shortcuts

    def _visible(self, section: Section, features: Mapping[str, bool] | None = None) -> bool:
        if not self._services.ctx.actor.can(section.permission):
            return False
        name = section.feature_setting
        if name:
            if features is not None and name in features:
                self._features[name] = features[name]
            else:
                result = self._ops.call(self._services.settings.get, name, parent=None)
                self._features[name] = bool(result.value) if result.ok else True
            return self._features[name]
        return True

    def recheck_features(self) -> None:
        """A setting changed somewhere: re-read the feature settings in the background and
        rebuild the window (sidebar, menus, pages and their actions) when one of them
        changed, so turning invoicing off hides it everywhere at once, and on shows it."""
        names = sorted({s.feature_setting for s in sections() if s.feature_setting})
        settings = self._services.settings

        def read() -> dict[str, bool]:
            return {name: bool(settings.get(name)) for name in names}

        self._ops.run(read, parent=self, report=False, on_done=self._apply_features)

    def _apply_features(self, features: dict[str, bool]) -> None:
        if all(self._features.get(name, value) == value for name, value in features.items()):
            return
        self._rebuild(self._services.ctx.actor, features)
        self.statusBar().showMessage(
            _("The company's settings changed: the window now shows what is turned on."), 20_000
        )

    def _on_navigate(self, row: int) -> None:
        if not 0 <= row < len(self._sections):
            return
        section = self._sections[row]
        page = self._pages.get(section.key)
        if page is None:
            if section.factory is None:
                page = PlaceholderPage(_(section.title), _(section.purpose))
            else:
                page = section.factory(self._services, self._ops, self._prompts)
                if isinstance(page, InboxPage):
                    page.inbox_changed.connect(self.update_inbox_badge)
                if isinstance(page, ListPage):
                    page.open_record_requested.connect(self.open_record)
                if isinstance(page, SettingsPage):  # a password stored here: this desktop may send now
                    page.email_section.password_changed.connect(self.sender.check)
                if isinstance(page, ReportsPage):
                    page.drill_requested.connect(lambda drill: self.open_list(drill.kind, drill))
                    page.open_record_requested.connect(self.open_record)
            if not isinstance(page, Page):
                raise TypeError(f"{type(page).__name__} does not implement the Page protocol")
            self._pages[section.key] = page
            self.stack.addWidget(page)
            if self._state is not None:
                self._state.restore_page(section.key, page)
        elif section.key in self._stale:
            page.refresh()
        self._stale.discard(section.key)
        self.stack.setCurrentWidget(page)

    def _on_restored(self) -> None:
        """Refresh the page on screen now and every other open page when it is next shown
        (a page first opened during the outage would otherwise stay empty)."""
        self.statusBar().showMessage(_("Connection to the database restored."), 5000)
        current = self.stack.currentWidget()
        self._stale = {key for key, page in self._pages.items() if page is not current}
        self.refresh_current()

    def _on_changes(self, changes: Sequence[Change]) -> None:
        """Someone committed changes: every open page applies its own; the badge follows;
        a change to the signed-in user (or a reconnect) has the window re-read it."""
        me = self._services.ctx.actor.user_id
        if me is not None and any(c.entity == "*" or (c.entity == "user" and c.id in (me, None)) for c in changes):
            self.recheck_user()
        if any(c.entity in ("customer_request", "*") for c in changes):
            self.update_inbox_badge()
        if any(c.entity in ("setting", "*") for c in changes):
            self.recheck_features()
        self.alerts.apply_changes(changes)
        self.sender.apply_changes(changes)
        for page in self._pages.values():
            if isinstance(page, Page):
                page.apply_changes(changes)

    def _navigation_item(self, key: str) -> QListWidgetItem | None:
        for row in range(self.navigation.count()):
            item = self.navigation.item(row)
            if item.data(KeyRole) == key:
                return item
        return None

    def _focus_search(self) -> None:
        page = self.stack.currentWidget()
        if isinstance(page, Page):
            page.focus_search()

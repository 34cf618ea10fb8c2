"""Public URL guard: while the public address points inside the office network, the unit
panel and the sticker dialog warn, and printing or saving stickers asks first; with a
public address nothing warns or asks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.test_stickers_ui import finished, shown
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.ui.pages.units.page import UnitsPage
from tuffops_desktop.ui.stickers.jobs import StickerJob
from tuffops_desktop.ui.stickers.print_dialog import PrintStickersDialog


@pytest.fixture
def public_url(demo):  # noqa: ANN001, ANN201
    """Set the public address for one test, restore it after."""
    admin = demo.services_as("admin")
    before = admin.settings.get("public_base_url")

    def set_to(value: str) -> None:
        admin.settings.update({"public_base_url": value})

    yield set_to
    admin.settings.update({"public_base_url": before})


@pytest.fixture(autouse=True)
def _previews_settle(qtbot, kit):  # noqa: ANN001, ANN202
    """Let background previews finish before the runner shuts down.

    By teardown pytest-qt has already closed the dialogs, so a preview the resize timer
    re-planned just before that never reports back to them (Ops drops answers for deleted
    receivers): waiting on the dialogs' ``pending`` flag hung until its 10 s timeout on a
    loaded machine. The runner's queue is what must drain; asking for ``kit`` makes this run
    before the runner stops."""
    yield
    qtbot.waitUntil(lambda: kit.ops.runner.pending() == 0, timeout=10_000)


def _dialog(qtbot, services, kit, unit_ids) -> PrintStickersDialog:  # noqa: ANN001
    contents = services.stickers.contents_for_units(unit_ids)
    dialog = PrintStickersDialog(kit.ops, services, kit.prompts, StickerJob("units", tuple(contents), tuple(unit_ids)))
    qtbot.addWidget(dialog)
    dialog.show()
    return shown(qtbot, dialog)  # the preview is painted on the runner: let it arrive


def _unit_panel_warning(qtbot, services, kit) -> str:  # noqa: ANN001
    page = UnitsPage(services, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    page.table.select_id(page.model.ids()[0])
    return page.detail.url_warning.text() if page.detail.url_warning.isVisible() else ""


def test_localhost_warns_on_the_unit_and_asks_before_saving_stickers(qtbot, demo, kit, public_url, tmp_path: Path):
    office = demo.services_as("office")
    public_url("http://localhost:8765")
    assert "only work inside this network" in _unit_panel_warning(qtbot, office, kit)

    ids = office.units.list_ids(ListQuery(sort="label"))[:2]
    dialog = _dialog(qtbot, office, kit, ids)
    assert dialog.url_warning.isVisible() and "localhost" in dialog.url_warning.text()
    kit.prompts.save_path = tmp_path / "stickers.pdf"
    kit.prompts.confirm_answer = False
    assert not dialog.save_pdf()
    assert kit.prompts.kinds() == ["confirm"]
    assert "will only work inside this network" in kit.prompts.calls[0][2]
    assert not kit.prompts.save_path.exists()
    kit.prompts.confirm_answer = True
    assert finished(qtbot, dialog.save_pdf()) and kit.prompts.save_path.exists()


@pytest.mark.parametrize("url", ["http://192.168.1.20:8765", "http://office-pc.local"])
def test_private_addresses_warn_too(qtbot, demo, kit, public_url, url):
    public_url(url)
    dialog = _dialog(
        qtbot, demo.services_as("office"), kit, demo.services_as("office").units.list_ids(ListQuery(sort="label"))[:1]
    )
    assert dialog.url_warning.isVisible()


def test_a_public_address_neither_warns_nor_asks(qtbot, demo, kit, public_url, tmp_path: Path):
    office = demo.services_as("office")
    public_url("https://service.caribecooling.example")
    assert _unit_panel_warning(qtbot, office, kit) == ""
    dialog = _dialog(qtbot, office, kit, office.units.list_ids(ListQuery(sort="label"))[:1])
    assert not dialog.url_warning.isVisible()
    kit.prompts.save_path = tmp_path / "ok.pdf"
    assert finished(qtbot, dialog.save_pdf()) and kit.prompts.save_path.exists()
    assert "confirm" not in kit.prompts.kinds()

"""Settings → Company → Logo: choosing a file reads it off the GUI thread and shows a
preview; a file that cannot be the logo is named under the row and nothing changes;
Save stores the image, Revert brings the stored one back, Remove clears it; without
settings.edit the logo is shown but cannot be changed. The on-screen document preview
paints the logo where the PDF prints it."""

from __future__ import annotations

import base64
import threading

from PySide6.QtGui import QColor

from tests.documents.test_priced_document import FakeSettings, make_invoice, make_lines
from tests.logo_samples import LOGO_BLUE, logo_jpeg, logo_png, noisy_png
from tuffops_desktop.documents.priced_document import plan_priced_document
from tuffops_desktop.domain.logo import inspect_logo, logo_bytes
from tuffops_desktop.services.invoice_documents import company_from_settings, invoice_document
from tuffops_desktop.ui.pages.settings import logo_editor
from tuffops_desktop.ui.pages.settings.logo_editor import LogoEditor
from tuffops_desktop.ui.pages.settings.page import SettingsPage
from tuffops_desktop.ui.pdf_preview import render_plan_page


def make_page(qtbot, services, kit) -> SettingsPage:  # noqa: ANN001
    page = SettingsPage(services, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    return page


def choose(qtbot, editor: LogoEditor, kit, path) -> None:  # noqa: ANN001
    kit.prompts.open_path = path
    editor.choose_button.click()
    qtbot.waitUntil(lambda: not editor.reading, timeout=10_000)


def test_the_demo_company_has_a_logo(qtbot, demo, kit):
    """``tuffops demo`` stores resources/demo_logo.png, so its documents show a logo."""
    logo = inspect_logo(logo_bytes(demo.services_as("admin").settings.get("company_logo")))
    assert (logo.format, logo.width, logo.height) == ("PNG", 160, 160)
    editor = make_page(qtbot, demo.services_as("admin"), kit).editors["company_logo"]
    assert editor.description.text() == "PNG 160 × 160 px, 1 KB" and not editor.preview.pixmap().isNull()


def test_choose_save_revert_and_remove_the_logo(qtbot, demo, kit, tmp_path, monkeypatch):
    admin = demo.services_as("admin")
    admin.settings.update({"company_logo": ""})
    page = make_page(qtbot, admin, kit)
    editor = page.editors["company_logo"]
    assert isinstance(editor, LogoEditor)
    assert editor.preview.text() == "No logo" and not editor.remove_button.isEnabled()
    assert page.changed_values() == {}

    threads = []
    real_read = logo_editor.read_logo_file

    def read(path):  # noqa: ANN001, ANN202
        threads.append(threading.current_thread())
        return real_read(path)

    monkeypatch.setattr(logo_editor, "read_logo_file", read)
    png = logo_png(400, 100)
    (tmp_path / "logo.png").write_bytes(png)
    choose(qtbot, editor, kit, tmp_path / "logo.png")
    assert kit.prompts.calls[-1] == ("open_file", "Choose the company logo", "Images (*.png *.jpg *.jpeg)")
    assert threads and threads[0] is not threading.main_thread()  # the file is read on the runner
    assert not editor.preview.pixmap().isNull() and editor.preview.text() == ""
    assert editor.description.text() == "PNG 400 × 100 px, 1 KB"
    assert page.changed_values() == {"company_logo": base64.b64encode(png).decode()}
    assert page.save_button.isEnabled() and page.status.text() == "Unsaved changes."
    page.grab().save(str(tmp_path / "settings-logo.png"))

    assert page.save()
    assert page.status.text() == "Saved 1 setting(s)."
    assert logo_bytes(admin.settings.get("company_logo")) == png
    assert page.changed_values() == {} and not editor.preview.pixmap().isNull()

    # another logo chosen, then Revert: the stored one is back
    (tmp_path / "other.jpg").write_bytes(logo_jpeg())
    choose(qtbot, editor, kit, tmp_path / "other.jpg")
    assert editor.description.text().startswith("JPEG 300 × 300 px") and page.revert_button.isEnabled()
    page.revert_button.click()
    assert page.changed_values() == {} and editor.description.text() == "PNG 400 × 100 px, 1 KB"

    editor.remove_button.click()
    assert editor.preview.text() == "No logo" and page.changed_values() == {"company_logo": ""}
    assert page.save()
    assert admin.settings.get("company_logo") == ""


def test_a_file_that_cannot_be_the_logo_is_refused_under_the_row(qtbot, demo, kit, tmp_path):
    admin = demo.services_as("admin")
    png = logo_png()
    admin.settings.update({"company_logo": png})
    page = make_page(qtbot, admin, kit)
    editor = page.editors["company_logo"]
    cases = {
        "notes.png": (b"these are not pixels", "The logo must be a PNG or JPEG image."),
        "huge.png": (noisy_png(), "“huge.png” is 1057 KB; the logo may be at most 512 KB."),
        "cut.png": (logo_png()[:100], "The PNG image is damaged or incomplete."),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        choose(qtbot, editor, kit, tmp_path / name)
        assert page.errors.visible_messages()["company_logo"].startswith(message)
        assert page.changed_values() == {} and not page.save_button.isEnabled()
        assert editor.description.text() == "PNG 400 × 100 px, 1 KB"  # the stored logo still shown
    choose(qtbot, editor, kit, tmp_path / "gone.png")
    assert page.errors.visible_messages()["company_logo"].startswith("Could not read “gone.png”")
    assert logo_bytes(admin.settings.get("company_logo")) == png
    assert [kind for kind in kit.prompts.kinds() if kind != "open_file"] == []  # no message boxes

    (tmp_path / "good.png").write_bytes(logo_png(200, 200))
    choose(qtbot, editor, kit, tmp_path / "good.png")
    assert "company_logo" not in page.errors.visible_messages()  # the refusal goes with a good file
    page.revert_button.click()
    admin.settings.update({"company_logo": ""})


def test_without_settings_edit_the_logo_is_shown_but_not_changeable(qtbot, demo, kit):
    admin = demo.services_as("admin")
    admin.settings.update({"company_logo": logo_png()})
    try:
        page = make_page(qtbot, demo.services_as("office"), kit)
        editor = page.editors["company_logo"]
        assert not editor.preview.pixmap().isNull()
        assert editor.choose_button.isHidden() and editor.remove_button.isHidden()
    finally:
        admin.settings.update({"company_logo": ""})


def test_the_document_preview_paints_the_logo_where_the_pdf_prints_it(qtbot):
    settings = FakeSettings(company_logo=base64.b64encode(logo_png()).decode())
    plan = plan_priced_document(invoice_document(make_invoice(make_lines(2)), company_from_settings(settings)))
    (image,) = plan.pages[0].images
    painted = render_plan_page(plan.pages[0], 72)
    x = round(image.box.x + image.box.width / 2)
    y = round(plan.pages[0].size_pt[1] - image.box.top + image.box.height * 0.3)
    colour = QColor(painted.pixel(x, y))
    assert all(abs(a - b) <= 30 for a, b in zip((colour.red(), colour.green(), colour.blue()), LOGO_BLUE, strict=True))

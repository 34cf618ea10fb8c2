"""Alt+letter accelerators for every button and field label of a dialog, given in one place.

Windows users expect each button and each field label to have an underlined letter, and
Alt+that letter to put the cursor in the field. Rather than hand-placing ``&`` in every
string (and keeping them unique by hand in each dialog), ``assign_accelerators`` does it
when a form dialog is first shown:

* every label of a form row (``QFormLayout``) becomes the buddy of the first control a
  user types or picks in on its row (the line edit inside a field with its hint and
  error lines, the first spin box of a "width × height" pair, the search field of a
  picker — never a button, which Alt would press instead); rows that only show a value
  get no buddy and no letter;
* every visible button and buddied label without a letter gets one not yet used in that
  window: the first letter of a word when it is free, else any letter of the text.
  Texts that already carry one keep it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QFormLayout, QLabel, QLayout, QLayoutItem, QWidget


def _mnemonic(text: str) -> str | None:
    """The accelerator letter of ``text`` (after a single ``&``), lower-cased, or None."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] == "&":
                i += 2
                continue
            return text[i + 1].lower()
        i += 1
    return None


def _with_mnemonic(text: str, used: set[str]) -> str | None:
    """``text`` with ``&`` before a letter not in ``used`` (word starts first), or None."""
    candidates = [i for i, ch in enumerate(text) if ch.isalnum() and (i == 0 or not text[i - 1].isalnum())]
    candidates += [i for i, ch in enumerate(text) if ch.isalnum() and i not in candidates]
    for i in candidates:
        if text[i].lower() not in used:
            used.add(text[i].lower())
            return text[:i] + "&" + text[i:]
    return None


def _is_input(widget: QWidget) -> bool:
    """A control the keyboard can type or pick in (labels and buttons are not)."""
    return (
        not isinstance(widget, QLabel | QAbstractButton)
        and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        and not widget.isHidden()
    )


def _first_input_of_widget(widget: QWidget) -> QWidget | None:
    if _is_input(widget):
        return widget
    if widget.isHidden():
        return None
    layout = widget.layout()
    if layout is not None:
        return _first_input_of_layout(layout)
    children = (w for w in widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly))
    return next((found for child in children if (found := _first_input_of_widget(child)) is not None), None)


def _first_input_of_layout(layout: QLayout) -> QWidget | None:
    for index in range(layout.count()):
        found = _first_input_of_item(layout.itemAt(index))
        if found is not None:
            return found
    return None


def _first_input_of_item(item: QLayoutItem | None) -> QWidget | None:
    """The first input control in a layout item, in the order the row shows them."""
    if item is None:
        return None
    widget = item.widget()
    if widget is not None:
        return _first_input_of_widget(widget)
    layout = item.layout()
    return _first_input_of_layout(layout) if layout is not None else None


def buddy_form_labels(root: QWidget) -> None:
    """Make each form row's label under ``root`` the buddy of the row's first input, so
    its Alt+letter puts the cursor there (a label already buddied to an input keeps it;
    one buddied to a container, as ``QFormLayout.addRow(text, box)`` does, is moved to
    the input inside)."""
    for form in root.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if label is None or not isinstance(label.widget(), QLabel):
                continue
            caption = label.widget()
            assert isinstance(caption, QLabel)
            current = caption.buddy()
            if current is not None and _is_input(current):
                continue
            target = _first_input_of_item(form.itemAt(row, QFormLayout.ItemRole.FieldRole))
            if target is not None:
                caption.setBuddy(target)
            elif current is not None:
                caption.setBuddy(None)  # nothing to type in: no letter that would do nothing


def assign_accelerators(root: QWidget) -> None:
    """Buddy the form labels under ``root`` and give every visible button and buddied
    label a unique Alt+letter."""
    buddy_form_labels(root)
    buttons = [b for b in root.findChildren(QAbstractButton) if b.text() and b.isVisibleTo(root)]
    labels = [lb for lb in root.findChildren(QLabel) if lb.buddy() is not None and lb.text() and lb.isVisibleTo(root)]
    used = {m for m in (_mnemonic(w.text()) for w in [*buttons, *labels]) if m}
    for widget in [*buttons, *labels]:
        text = widget.text()
        if _mnemonic(text) is not None or "&" in text:
            continue  # it has one (or shows a literal "&": leave such text as written)
        marked = _with_mnemonic(text, used)
        if marked is not None:
            widget.setText(marked)

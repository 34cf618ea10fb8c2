"""Alt+letter accelerators for every button and field label of a dialog, given in one place.

Windows users expect each button and each field label (a label with a buddy field) to
have an underlined letter. Rather than hand-placing ``&`` in every string (and keeping
them unique by hand in each dialog), ``assign_accelerators`` gives the ones that have
none a letter not yet used in that window: the first letter of a word when it is free,
else any letter of the text. Texts that already carry one keep it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget


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


def assign_accelerators(root: QWidget) -> None:
    """Give every visible button and buddied label under ``root`` a unique Alt+letter."""
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

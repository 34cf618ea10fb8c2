"""Translation hooks.

Every user-visible string goes through ``_`` (translate now) or ``N_`` (mark a constant for
translation at display time). Today the catalogue is English only; the hooks keep the
strings extractable for the first translation.
"""

import gettext

_translation = gettext.NullTranslations()


def _(message: str) -> str:
    """Translate ``message`` with the active catalogue."""
    return _translation.gettext(message)


def N_(message: str) -> str:  # noqa: N802 - gettext convention
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message

"""The warning shown wherever QR codes are shown or printed while the public address
points inside the office network (the rule is ``domain.qr.internal_url_reason``)."""

from __future__ import annotations

from tuffops_desktop.i18n import _


def internal_url_warning(reason: str) -> str:
    return _(
        "{reason} QR codes with this address only work inside this network, not on a customer's phone. "
        "An administrator sets the public address in Settings."
    ).format(reason=_(reason))

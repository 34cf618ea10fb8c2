"""``tuffops settings …``: read and change company settings from a shell or a script.

Kept apart from ``cli.py`` (which only adds the parser and hands the parsed arguments
here). Every key is the one declared in ``domain/settings.py``; a value is checked by the
same registry the Settings page uses (``coerce``: type, length, range, the key's own
check), so a script cannot store what the page would refuse, and nothing is stored when
it is refused. The change is saved through ``SettingsService`` as the system user: one
transaction, one audit row, one change-feed notice (open windows follow at once).

``tuffops settings get KEY``          the value, as a script reads it (one line; lists as JSON)
``tuffops settings set KEY VALUE``    check and store it; says what it was before
``tuffops settings list``             every key with its value (read-only keys marked)

Read-only settings (managed by the installation, e.g. ``customer_integration_enabled``)
stay read-only here too; lists that have their own editor in the app (label layouts,
quotation statuses) are shown by ``get`` but changed in the app. Secrets such as the SMTP
password are not settings: they live in the operating system's keyring (Settings →
E-mail) or, for ``notify serve``, in its service definition.
"""

from __future__ import annotations

import argparse
import difflib
import json
from decimal import Decimal
from typing import Any

from tuffops_desktop.domain.errors import NotFound, ValidationError
from tuffops_desktop.domain.settings import SETTINGS, SETTINGS_BY_NAME, SettingSpec

EXIT_OK = 0


def add_parser(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """The ``settings`` command and its subcommands."""
    settings = sub.add_parser("settings", help="read or change company settings (admins and scripts)")
    settings_sub = settings.add_subparsers(dest="settings_command", required=True, parser_class=parser_class)
    get = settings_sub.add_parser("get", help="print one setting's value")
    get.add_argument("key", help="the setting's name, e.g. company_name (see tuffops settings list)")
    put = settings_sub.add_parser("set", help="check and store one setting's value")
    put.add_argument("key", help="the setting's name, e.g. default_tax_rate")
    put.add_argument("value", help='the new value (yes/no for switches; "" for empty)')
    settings_sub.add_parser("list", help="every setting with its value")


def run(services: Any, args: argparse.Namespace) -> int:
    """Run one ``settings`` subcommand with the system user's services."""
    if args.settings_command == "list":
        readonly = {v.name: v.readonly for v in services.settings.list(include_readonly=True)}
        for spec in SETTINGS:
            marks = " (read-only)" if readonly.get(spec.name, spec.readonly) else ""
            print(f"{spec.name}{marks} = {value_text(spec, services.settings.get(spec.name), short=True)}")
        return EXIT_OK
    spec = spec_for(args.key)
    if args.settings_command == "get":
        print(value_text(spec, services.settings.get(spec.name)))
        return EXIT_OK
    return _set(services, spec, args.value)


def spec_for(key: str) -> SettingSpec:
    """The declared setting called ``key``, or ``NotFound`` naming the closest keys."""
    name = key.strip()
    spec = SETTINGS_BY_NAME.get(name) or SETTINGS_BY_NAME.get(name.lower().replace("-", "_"))
    if spec is not None:
        return spec
    if "password" in name.lower():
        raise NotFound(
            f"“{key}” is not a setting: passwords are never stored in the settings. The mail server's "
            "password goes in Settings → E-mail (this computer's keyring), or to tuffops notify serve "
            "with --password-file or TUFFOPS_SMTP_PASSWORD."
        )
    close = difflib.get_close_matches(name.lower(), list(SETTINGS_BY_NAME), n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]}?" if close else " See tuffops settings list."
    raise NotFound(f"There is no setting called “{key}”.{hint}")


def value_text(spec: SettingSpec, value: Any, *, short: bool = False) -> str:
    """A value as one line a script can read back: yes/no, plain numbers, lists as JSON.
    ``short``: an image as its description, not its base64 text."""
    if spec.kind == "bool":
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value, "f")
    if spec.kind == "json":
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if spec.kind == "image" and short:
        from tuffops_desktop.domain.logo import describe_logo_text

        return describe_logo_text(value) or "(none)"
    return "" if value is None else str(value)


def _set(services: Any, spec: SettingSpec, raw: str) -> int:
    """Store ``raw`` through the settings service: the registry checks it, a read-only key
    is refused there, and a refusal stores nothing."""
    if spec.kind == "json":
        raise ValidationError(f"{spec.name} is a list with its own editor in the app (Settings); change it there.")
    before = services.settings.get(spec.name)
    services.settings.update({spec.name: raw})
    after = services.settings.get(spec.name)
    shown = value_text(spec, after, short=True)
    if after == before:
        print(f"{spec.name} is already {shown or '(empty)'}; nothing changed.")
    else:
        print(f"{spec.name} = {shown or '(empty)'} (was {value_text(spec, before, short=True) or '(empty)'})")
    return EXIT_OK

"""phonenumbers for the TuffOps bundle: the parsing and formatting metadata, which the
library imports by name, without the geocoder, carrier and time-zone data (about 5 MB of
modules) that the app never asks for. Replaces the contrib hook that collects everything."""

from PyInstaller.utils.hooks import collect_submodules

UNUSED = ("phonenumbers.geo", "phonenumbers.carrier", "phonenumbers.timezone", "phonenumbers.tzdata")

hiddenimports = collect_submodules("phonenumbers", filter=lambda name: not name.startswith(UNUSED))

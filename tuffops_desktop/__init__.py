"""TuffOps Desktop: the office application of HVAC and equipment-service companies.

App identity lives here once; the CLI, the PyInstaller spec, the Windows installer and
the per-user data folders all read it from this module (``installer/identity.py`` hands
it to the spec and to ``makensis``).
"""

__version__ = "0.1.0"
APP_NAME = "TuffOps Desktop"
APP_ID = "tuffops-desktop"
# ORG_NAME is part of every user's data folder path (%LOCALAPPDATA%\TuffOps\TuffOps Desktop):
# changing it would strand existing databases, so the publisher shown to admins is separate.
ORG_NAME = "TuffOps"
PUBLISHER = "TuffOps"
"""Who ships the app: Add/Remove Programs' publisher and the company in the exe's version info."""
EXE_NAME = "tuffops"
"""The one executable (``tuffops.exe`` on Windows): no arguments opens the desktop app, a
command runs that command; the Start-menu shortcut and the listener service both run it."""

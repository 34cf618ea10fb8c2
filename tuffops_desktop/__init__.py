"""TuffOps Desktop: the office application of HVAC and equipment-service companies.

App identity lives here once; the CLI, the PyInstaller spec, the installer template and
the per-user data folders all read it from this module.
"""

__version__ = "0.1.0"
APP_NAME = "TuffOps Desktop"
APP_ID = "tuffops-desktop"
ORG_NAME = "TuffOps"

"""The packaged app's names and version, read from ``tuffops_desktop/__init__.py`` (the one
place they are written) and handed on: the PyInstaller spec imports this module, and
``installer/build`` turns it into ``makensis -D…`` defines for ``tuffops.nsi``.

    python installer/identity.py nsis PLATFORM   one -DNAME=value per line for makensis
    python installer/identity.py installer PLATFORM   the installer's file name
    python installer/identity.py version         the version, e.g. 0.1.0

PLATFORM is what the bundle was built on: ``win64`` for the real installer; anything else
(``linux``) names a check build, whose payload cannot run on Windows.
"""

from __future__ import annotations

import re
import sys

import tuffops_desktop as package

APP_NAME: str = package.APP_NAME
APP_ID: str = package.APP_ID
PUBLISHER: str = package.PUBLISHER
EXE_NAME: str = package.EXE_NAME
VERSION: str = package.__version__


def numeric_version(version: str = VERSION) -> tuple[int, int, int, int]:
    """Windows wants four numbers (file version, NSIS ``VIProductVersion``): the release
    numbers of ``version``, padded with zeros; a pre-release suffix (``rc1``, ``.dev2``) is
    dropped, so ``1.2.0rc1`` is ``1.2.0.0``."""
    match = re.match(r"\d+(?:\.\d+){0,3}", version)
    if match is None:
        raise ValueError(f"version {version!r} does not start with a number")
    parts = [int(p) for p in match.group(0).split(".")]
    return (*parts, 0, 0, 0, 0)[:4]  # type: ignore[return-value]


def installer_name(platform: str) -> str:
    """``TuffOpsDesktop-0.1.0-win64-setup.exe``; a non-Windows build says it is only a check
    (and no name is plain ``setup.exe``, which Windows treats specially)."""
    stem = f"{APP_NAME.replace(' ', '')}-{VERSION}"
    return f"{stem}-{platform}-setup.exe" if platform == "win64" else f"{stem}-{platform}-bundle-check.exe"


def nsis_defines(platform: str) -> list[str]:
    """The ``/D`` symbols ``tuffops.nsi`` expects (``BUNDLE`` and ``OUTFILE`` come from the build)."""
    values = {
        "APP_NAME": APP_NAME,
        "APP_ID": APP_ID,
        "PUBLISHER": PUBLISHER,
        "EXE_NAME": EXE_NAME,
        "VERSION": VERSION,
        "VERSION4": ".".join(str(n) for n in numeric_version()),
        "PLATFORM": platform,
    }
    return [f"-D{key}={value}" for key, value in values.items()]


def main(argv: list[str]) -> int:
    if argv[:1] == ["version"]:
        print(VERSION)
    elif len(argv) == 2 and argv[0] == "nsis":
        print("\n".join(nsis_defines(argv[1])))
    elif len(argv) == 2 and argv[0] == "installer":
        print(installer_name(argv[1]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

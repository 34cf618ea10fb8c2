"""What the Windows installer does, run under Wine: install, upgrade in place, uninstall.

``installer/tuffops.nsi`` is compiled here for 64-bit Windows (Debian's NSIS has the amd64
stubs; the release build on the Windows runner uses the usual 32-bit stub, same script)
around two small stand-in bundles, a version 1 with a file version 2 no longer ships. Wine
runs the installers silently, as an admin's deployment tool would, and the test reads the
files, the shortcuts and the uninstall entry they leave. The promises checked: an upgrade
lands in the same folder and leaves no stale file; the uninstaller removes what was
installed and nothing else; no user's database is ever touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tuffops_desktop import APP_ID, APP_NAME, EXE_NAME, ORG_NAME, PUBLISHER

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

REPO = Path(__file__).resolve().parents[2]
UNINSTALL_KEY = rf"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\{APP_ID}"
UNINSTALLER = f"Uninstall {APP_NAME}.exe"


def _tool(name: str, *fallbacks: str) -> str:
    found = shutil.which(name) or next((f for f in fallbacks if Path(f).exists()), None)
    if found is None:
        pytest.fail(f"{name} is missing (./dev.sh installs nsis and wine64)", pytrace=False)
    return found


def stand_in_bundle(folder: Path, version: str, extra: dict[str, str]) -> Path:
    """A bundle's shape (exe, _internal/ with the icon) with text files for content."""
    internal = folder / "_internal"
    internal.mkdir(parents=True)
    (folder / f"{EXE_NAME}.exe").write_text(f"{APP_NAME} {version}")
    subprocess.run(
        [sys.executable, str(REPO / "installer" / "make_icon.py"), str(internal / "tuffops.ico")], check=True
    )
    for name, text in {"common.txt": version, **extra}.items():
        (internal / name).write_text(text)
    return folder


def compile_installer(bundle: Path, version: str, out: Path) -> Path:
    wrapper = out.with_suffix(".nsi")
    wrapper.write_text(f'Target amd64-unicode\n!include "{REPO / "installer" / "tuffops.nsi"}"\n', encoding="utf-8")
    defines = {
        "APP_NAME": APP_NAME,
        "APP_ID": APP_ID,
        "PUBLISHER": PUBLISHER,
        "EXE_NAME": EXE_NAME,
        "VERSION": version,
        "VERSION4": f"{version}.0",
        "PLATFORM": "win64",
        "BUNDLE": str(bundle),
        "OUTFILE": str(out),
        "COMPRESSION": "none",
    }
    command = [_tool("makensis"), "-V2", "-WX", *(f"-D{k}={v}" for k, v in defines.items()), str(wrapper)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


class Windows:
    """A throwaway Wine prefix: ``C:`` is ``drive``."""

    def __init__(self, prefix: Path) -> None:
        self.wine = _tool("wine64", "/usr/lib/wine/wine64")
        self.server = _tool("wineserver", "/usr/lib/wine/wineserver")
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DISPLAY"},
            "WINEPREFIX": str(prefix),
            "WINEDEBUG": "-all",
            "WINEDLLOVERRIDES": "mscoree,mshtml=",  # no Mono or Gecko set-up prompts
        }
        self.drive = prefix / "drive_c"
        self.run("wineboot", "--init")

    def run(self, *args: str) -> subprocess.CompletedProcess:
        result = subprocess.run([self.wine, *args], capture_output=True, text=True, env=self.env, timeout=180)
        subprocess.run([self.server, "-w"], env=self.env, timeout=180)  # wait for what it started
        return result

    def registry(self, key: str) -> dict[str, str]:
        result = self.run("reg", "query", key)
        if result.returncode != 0:
            return {}
        values = {}
        for line in result.stdout.replace("\r", "").splitlines():
            parts = line.strip().split(None, 2)
            if len(parts) == 3 and parts[1].startswith("REG_"):
                values[parts[0]] = parts[2]
        return values

    def stop(self) -> None:
        subprocess.run([self.server, "-k"], env=self.env, timeout=60)


@pytest.fixture
def windows(tmp_path: Path) -> Iterator[Windows]:
    machine = Windows(tmp_path / "prefix")
    yield machine
    machine.stop()


def test_install_upgrade_and_uninstall_keep_user_data(windows, tmp_path):
    v1 = compile_installer(
        stand_in_bundle(tmp_path / "v1", "0.1.0", {"gone-in-v2.txt": "old"}), "0.1.0", tmp_path / "v1-setup.exe"
    )
    v2 = compile_installer(stand_in_bundle(tmp_path / "v2", "0.2.0", {}), "0.2.0", tmp_path / "v2-setup.exe")
    user = next(p for p in (windows.drive / "users").iterdir() if p.name != "Public")
    data = user / "AppData" / "Local" / ORG_NAME / APP_NAME  # config.paths.user_data_dir on Windows
    data.mkdir(parents=True)
    (data / "tuffops.sqlite3").write_bytes(b"the office's only copy")
    program = windows.drive / "Program Files" / APP_NAME
    shortcuts = [
        windows.drive / "ProgramData" / "Microsoft" / "Windows" / "Start Menu" / "Programs" / f"{APP_NAME}.lnk",
        windows.drive / "users" / "Public" / "Desktop" / f"{APP_NAME}.lnk",
    ]

    assert windows.run(str(v1), "/S").returncode == 0
    assert (program / f"{EXE_NAME}.exe").read_text() == f"{APP_NAME} 0.1.0"
    assert (program / "_internal" / "gone-in-v2.txt").exists() and (program / UNINSTALLER).exists()
    assert all(link.exists() for link in shortcuts)
    entry = windows.registry(UNINSTALL_KEY)
    assert entry["DisplayName"] == APP_NAME and entry["DisplayVersion"] == "0.1.0" and entry["Publisher"] == PUBLISHER
    assert entry["InstallLocation"] == rf"C:\Program Files\{APP_NAME}"
    assert entry["QuietUninstallString"] == rf'"C:\Program Files\{APP_NAME}\{UNINSTALLER}" /S'

    (program / "admin-notes.txt").write_text("put here by the administrator")
    assert windows.run(str(v2), "/S").returncode == 0  # upgrade: the old uninstaller runs first
    assert (program / f"{EXE_NAME}.exe").read_text() == f"{APP_NAME} 0.2.0"
    assert not (program / "_internal" / "gone-in-v2.txt").exists()
    assert (program / "_internal" / "common.txt").read_text() == "0.2.0"
    assert windows.registry(UNINSTALL_KEY)["DisplayVersion"] == "0.2.0"
    assert all(link.exists() for link in shortcuts)

    assert windows.run(str(program / UNINSTALLER), "/S").returncode == 0
    assert sorted(p.name for p in program.iterdir()) == ["admin-notes.txt"]
    assert windows.registry(UNINSTALL_KEY) == {}
    assert not any(link.exists() for link in shortcuts)
    assert (data / "tuffops.sqlite3").read_bytes() == b"the office's only copy"
